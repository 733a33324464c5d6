// The privacy page's button: show and delete whatever this site has stored in this browser.
// The site itself stores nothing (the tests check it), so this normally finds nothing; it exists so
// that anyone can check that for themselves, and empties it if a browser extension or a future
// version of the site has put something there. Only this site's own origin is touched.
(function () {
  var button = document.getElementById("storage-clear");
  var status = document.getElementById("storage-status");
  if (!button || !status) return;

  async function inventory() {
    var found = [];
    if (window.localStorage && localStorage.length) found.push("localStorage " + localStorage.length + " 件");
    if (window.sessionStorage && sessionStorage.length) found.push("sessionStorage " + sessionStorage.length + " 件");
    if (window.caches) {
      var names = await caches.keys();
      if (names.length) found.push("キャッシュ " + names.length + " 件");
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      var workers = await navigator.serviceWorker.getRegistrations();
      if (workers.length) found.push("Service Worker " + workers.length + " 件");
    }
    if (document.cookie) found.push("Cookie");
    return found;
  }

  async function clearAll() {
    if (window.localStorage) localStorage.clear();
    if (window.sessionStorage) sessionStorage.clear();
    if (window.caches) {
      var names = await caches.keys();
      await Promise.all(names.map(function (name) { return caches.delete(name); }));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      var workers = await navigator.serviceWorker.getRegistrations();
      await Promise.all(workers.map(function (worker) { return worker.unregister(); }));
    }
  }

  function say(found, cleared) {
    if (!found.length) {
      status.textContent = cleared
        ? "このサイトがこのブラウザに保存しているものはありませんでした。"
        : "現在、このサイトがこのブラウザに保存しているものはありません。";
    } else {
      status.textContent = cleared
        ? "次のものを消去しました: " + found.join("、") + "。"
        : "現在、このブラウザに次のものが保存されています: " + found.join("、") + "。";
    }
  }

  button.hidden = false;
  inventory().then(function (found) { say(found, false); });
  button.addEventListener("click", async function () {
    var found = await inventory();
    await clearAll();
    say(found, true);
  });
})();
