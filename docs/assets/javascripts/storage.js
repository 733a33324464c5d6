// The privacy page's button: show and delete what this site has stored in this browser.
// What the site stores is named with its own prefix, "kaigo-ict:<the site's path>:" (today one cache,
// the simulator's start-up snapshot; simulator-worker.mjs names it). On a shared origin such as
// USER.github.io every project site shares localStorage, Cache Storage and service workers, so this
// lists and deletes only the names with this site's prefix and never touches another site's data.
(function () {
  var button = document.getElementById("storage-clear");
  var status = document.getElementById("storage-status");
  if (!button || !status) return;
  var siteRoot = new URL("../../", document.currentScript.src);
  var PREFIX = "kaigo-ict:" + siteRoot.pathname + ":";
  var LEGACY = ["kaigo-ict-engine-snapshot"]; // this site's cache before it had a prefix
  function ours(name) {
    return name.indexOf(PREFIX) === 0 || LEGACY.indexOf(name) !== -1;
  }

  function keysOf(storage) {
    var keys = [];
    for (var i = 0; storage && i < storage.length; i++) if (ours(storage.key(i))) keys.push(storage.key(i));
    return keys;
  }

  async function inventory() {
    var found = { local: keysOf(window.localStorage), session: keysOf(window.sessionStorage), caches: [] };
    if (window.caches) found.caches = (await caches.keys()).filter(ours);
    return found;
  }

  function words(found) {
    var list = [];
    if (found.local.length) list.push("localStorage " + found.local.length + " 件");
    if (found.session.length) list.push("sessionStorage " + found.session.length + " 件");
    if (found.caches.length) list.push("キャッシュ " + found.caches.length + " 件");
    return list;
  }

  async function clear(found) {
    found.local.forEach(function (key) { localStorage.removeItem(key); });
    found.session.forEach(function (key) { sessionStorage.removeItem(key); });
    await Promise.all(found.caches.map(function (name) { return caches.delete(name); }));
  }

  function say(found, cleared) {
    var list = words(found);
    if (!list.length) {
      status.textContent = cleared
        ? "このサイトがこのブラウザに保存しているものはありませんでした。"
        : "現在、このサイトがこのブラウザに保存しているものはありません。";
    } else {
      status.textContent = cleared
        ? "次のものを消去しました: " + list.join("、") + "。"
        : "現在、このサイトがこのブラウザに次のものを保存しています: " + list.join("、") + "。";
    }
  }

  button.hidden = false;
  inventory().then(function (found) { say(found, false); });
  button.addEventListener("click", async function () {
    var found = await inventory();
    await clear(found);
    say(found, true);
  });
})();
