// The search page. The index (built by overrides/hooks/search_index.py) holds each section of the
// site as overlapping two-character pieces of its Japanese text; `searchTerms` below must cut a query
// exactly as `search_terms` there cuts the pages (tests/site/test_search.py checks both agree).
// Pagefind finds and ranks the candidate sections; we keep those whose text contains the query.
// Everything runs in this page: the query is never sent anywhere.
(function () {
  "use strict";

  var JAPANESE = "\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u3005\u3006";
  var LATIN = "0-9a-z\u00c0-\u024f";
  var RUNS = new RegExp("[" + JAPANESE + "]+|[" + LATIN + "]+(?:[.,\\-'][" + LATIN + "]+)*", "g");
  var JAPANESE_RUN = new RegExp("^[" + JAPANESE + "]+$");

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  // 「社会」 -> "j793e4f1a": Pagefind's own word splitting must not cut the pieces again.
  function code(piece) {
    var out = "j";
    for (var i = 0; i < piece.length; i++) out += ("000" + piece.charCodeAt(i).toString(16)).slice(-4);
    return out;
  }

  function searchTerms(text) {
    var pieces = [];
    (normalise(text).match(RUNS) || []).forEach(function (run) {
      if (JAPANESE_RUN.test(run)) {
        for (var i = 0; i < Math.max(1, run.length - 1); i++) pieces.push(code(run.slice(i, i + 2)));
      } else {
        pieces.push(run);
      }
    });
    return pieces.join(" ");
  }
  window.searchTerms = searchTerms; // for the test that compares it with the build's own

  var script = document.currentScript;
  var bundle = new URL(script.dataset.bundle, window.location.href);
  var siteRoot = new URL("../", bundle);
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pagefind = null;
  var latest = 0;

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // At most this many distinct words of a query are used: each costs a pass over every candidate.
  var MAX_WORDS = 10;

  function queryWords(query) {
    var words = [];
    normalise(query).split(/\s+/).forEach(function (word) {
      if (word && words.indexOf(word) === -1 && words.length < MAX_WORDS) words.push(word);
    });
    return words;
  }

  // A piece of the text around the first word, escaped, with every word marked in one pass over it
  // (marking word after word would mark inside the <mark> tags already written).
  function excerpt(text, words) {
    var shown = text.normalize("NFKC");
    var plain = shown.toLowerCase();
    var at = plain.indexOf(words[0]);
    var start = Math.max(0, at - 40);
    var piece = shown.slice(start, start + 120);
    var longestFirst = words.slice().sort(function (a, b) { return b.length - a.length; });
    var pattern = new RegExp(longestFirst.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|"), "gi");
    var html = "";
    var last = 0;
    var match;
    while ((match = pattern.exec(piece)) !== null) {
      if (!match[0]) { pattern.lastIndex++; continue; }
      html += escapeHtml(piece.slice(last, match.index)) + "<mark>" + escapeHtml(match[0]) + "</mark>";
      last = match.index + match[0].length;
    }
    html += escapeHtml(piece.slice(last));
    return (start > 0 ? "…" : "") + html + (start + 120 < shown.length ? "…" : "");
  }

  async function run(query) {
    var ticket = ++latest;
    var words = queryWords(query);
    list.innerHTML = "";
    if (!words.length) {
      status.textContent = "";
      return;
    }
    status.textContent = "検索しています…";
    if (!pagefind) {
      pagefind = await import(new URL("pagefind.js", bundle).href);
      // On this page's thread, not in Pagefind's worker: a worker started from a URL gets no
      // Content-Security-Policy on GitHub Pages, and the query must stay under the page's.
      await pagefind.options({ noWorker: true });
      await pagefind.init();
    }
    var found = await pagefind.search(searchTerms(words.join(" ")));
    var results = found.results.slice(0, 200);
    var data = await Promise.all(results.map(function (r) { return r.data(); }));
    if (ticket !== latest) return;
    // A page ranks by its best matching block.
    var byPage = new Map();
    data.forEach(function (d, n) {
      // Pagefind leaves out empty meta: the home page's href and a block before any heading.
      d.meta.href = d.meta.href || "";
      d.meta.section = d.meta.section || "";
      var text = d.meta.section + " " + d.meta.text;
      if (!words.every(function (w) { return normalise(text).indexOf(w) !== -1; })) return;
      var page = d.meta.href.split("#")[0];
      if (!byPage.has(page)) byPage.set(page, { title: d.meta.title, score: 0, sections: [] });
      var entry = byPage.get(page);
      entry.score = Math.max(entry.score, results[n].score);
      var seen = entry.sections.some(function (s) { return s.meta.href === d.meta.href; });
      if (!seen && entry.sections.length < 3) entry.sections.push(d);
    });
    var pages = new Map(Array.from(byPage.entries()).sort(function (a, b) { return b[1].score - a[1].score; }));
    status.textContent = pages.size
      ? "「" + query + "」を含むページが " + pages.size + " 件見つかりました。"
      : "「" + query + "」を含むページは見つかりませんでした。言葉を短くするか、別の言い方で試してください。";
    pages.forEach(function (entry, page) {
      var item = document.createElement("li");
      var title = document.createElement("a");
      title.className = "search-page__title";
      title.href = new URL(page.replace(/^\//, ""), siteRoot).href;
      title.textContent = entry.title;
      item.appendChild(title);
      var sections = document.createElement("ul");
      entry.sections.forEach(function (d) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = new URL(d.meta.href.replace(/^\//, ""), siteRoot).href;
        link.textContent = d.meta.section || entry.title;
        var text = document.createElement("p");
        text.innerHTML = excerpt(d.meta.section + " " + d.meta.text, words);
        li.appendChild(link);
        li.appendChild(text);
        sections.appendChild(li);
      });
      item.appendChild(sections);
      list.appendChild(item);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    // The query lives in the fragment (#q=...), which browsers never send to a server.
    history.replaceState(null, "", "#q=" + encodeURIComponent(input.value));
    run(input.value);
  });

  function fromFragment() {
    var query = new URLSearchParams(window.location.hash.slice(1)).get("q");
    if (query) {
      input.value = query;
      run(query);
    }
    return query;
  }
  window.addEventListener("hashchange", fromFragment);
  if (!fromFragment()) {
    input.focus();
  }
})();
