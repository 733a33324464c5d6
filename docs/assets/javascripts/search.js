// The search page. The index (built by overrides/hooks/search_index.py) holds each section of the
// site as overlapping two-character pieces of its text in canonical form (search-words.js says what
// that is); a query is read as its content words, each cut the same way. Pagefind finds and ranks
// the candidate sections; we keep those whose text contains every word. When no page has them all,
// the strongest words that find something are used, and a line says so.
// Everything runs in this page: the query is never sent anywhere.
(function () {
  "use strict";

  var words = window.searchWords;
  var script = document.currentScript;
  var bundle = new URL(script.dataset.bundle, window.location.href);
  var siteRoot = new URL("../", bundle);
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var note = document.getElementById("search-note");
  var list = document.getElementById("search-results");
  var pagefind = null;
  var sources = null; // the 原文 pages' own index, searched after the guide's
  var latest = 0;
  var MAX_FALLBACK_WORDS = 5; // the fallback tries subsets of at most this many words
  var ENOUGH = 5; // fewer pages than this with every word in one section: look for them across sections
  // A section of a worked example counts half: an illustration ranks below the rule it illustrates.
  var EXAMPLE_WEIGHT = 0.5;
  // Pagefind ranks by BM25; its default length penalty (0.75) put a long table row that defines a kind
  // of expense (山口's ②ハードウェア, タブレット端末…) below every short line naming the word in passing.
  // Measured on both query sets (bench/search_recall.py): 0.4 and 0.5 give the same, 0.6 loses one, 0.75 three.
  var RANKING = { pageLength: 0.5 };

  function quoted(found) {
    return found.map(function (w) { return "「" + w.typed + "」"; }).join("");
  }

  // A piece of the text around the first word, escaped, with every word marked.
  function excerpt(text, found) {
    var shown = text.normalize("NFKC");
    var at = words.position(shown, found[0].word);
    var start = Math.max(0, at - 40);
    var piece = shown.slice(start, start + 120);
    var html = words.highlight(piece, found.map(function (w) { return w.word; }));
    return (start > 0 ? "…" : "") + html + (start + 120 < shown.length ? "…" : "");
  }

  // Pages whose sections contain every word, best first; when they are few, then the guide's pages that
  // have every word in different sections (「レンタル」 in one row, 「対象外」 in the next); the source
  // documents (原文) after the guide's own pages, from their own index.
  async function pagesWith(found) {
    var guide = await pagesIn(pagefind, found);
    // A word of one character (「学」 from 「上限 学」) is in too many words to join a page's sections on.
    var long = found.every(function (w) { return w.word.length > 1; });
    if (guide.length < ENOUGH && found.length > 1 && long) {
      var named = new Set(guide.map(function (pair) { return pair[0]; }));
      guide = guide.concat((await pagesSpread(pagefind, found)).filter(function (pair) { return !named.has(pair[0]); }));
    }
    var original = sources ? await pagesIn(sources, found) : [];
    return guide.concat(original);
  }

  // Pages with every word somewhere, each word's best section shown; ranked by their weakest word.
  async function pagesSpread(index, found) {
    var perWord = await Promise.all(found.map(function (w) { return pagesIn(index, [w]); }));
    var byPage = new Map();
    perWord.forEach(function (pages) {
      pages.forEach(function (pair) {
        var entry = byPage.get(pair[0]) || { title: pair[1].title, score: Infinity, words: 0, sections: [], spread: true };
        entry.score = Math.min(entry.score, pair[1].score);
        entry.words += 1;
        var best = pair[1].sections[0];
        if (!entry.sections.some(function (d) { return d.meta.href === best.meta.href; })) entry.sections.push(best);
        byPage.set(pair[0], entry);
      });
    });
    return Array.from(byPage.entries())
      .filter(function (pair) { return pair[1].words === found.length; })
      .sort(function (a, b) { return b[1].score - a[1].score; });
  }

  async function pagesIn(index, found) {
    var result = await index.search(found.map(function (w) { return words.terms(w.word); }).join(" "));
    var results = result.results.slice(0, 100); // each costs a fetch of its fragment
    var data = await Promise.all(results.map(function (r) { return r.data(); }));
    var byPage = new Map();
    data.forEach(function (d, n) {
      // Pagefind leaves out empty meta: the home page's href and a block before any heading.
      d.meta.href = d.meta.href || "";
      d.meta.section = d.meta.section || "";
      var text = words.canonical(d.meta.section + " " + d.meta.text);
      if (!found.every(function (w) { return text.indexOf(w.word) !== -1; })) return;
      var page = d.meta.href.split("#")[0];
      if (!byPage.has(page)) {
        var title = words.canonical(d.meta.title);
        // A page whose title names the words is about them (「2回目以降の補助」 for 2回目).
        var named = found.filter(function (w) { return title.indexOf(w.word) !== -1; }).length;
        byPage.set(page, { title: d.meta.title, score: 0, boost: 1 + named / found.length, sections: [] });
      }
      var entry = byPage.get(page);
      var weight = d.meta.example ? EXAMPLE_WEIGHT : 1;
      entry.score = Math.max(entry.score, results[n].score * entry.boost * weight);
      var seen = entry.sections.some(function (s) { return s.meta.href === d.meta.href; });
      if (!seen && entry.sections.length < 3) entry.sections.push(d);
    });
    return Array.from(byPage.entries()).sort(function (a, b) { return b[1].score - a[1].score; });
  }

  // Subsets of the words, most words first, then the longest (a long word says more than a short one).
  function subsets(found) {
    var pool = found.slice(0, MAX_FALLBACK_WORDS);
    var all = [];
    for (var mask = 1; mask < (1 << pool.length) - 1; mask++) {
      all.push(pool.filter(function (_, i) { return mask & (1 << i); }));
    }
    var length = function (s) { return s.reduce(function (n, w) { return n + w.word.length; }, 0); };
    return all.sort(function (a, b) { return (b.length - a.length) || (length(b) - length(a)); });
  }

  // 「令和8年度」「今年度」: a year the site has no scheme for is answered plainly, not searched.
  function yearNotes(found) {
    var schemes = words.data().schemes;
    var notes = [];
    var kept = found.filter(function (w) {
      var year = fiscalYear(w.typed);
      if (year === null || schemes.some(function (s) { return s.year === year; })) return true;
      var label = "令和" + (year - 2018) + "年度";
      notes.push(w.typed === label ? label : w.typed + "（" + label + "）");
      return false;
    });
    return { kept: kept, notes: notes, schemes: schemes };
  }

  function fiscalYear(typed) {
    var text = typed.normalize("NFKC").toLowerCase();
    var today = new Date();
    var current = today.getMonth() >= 3 ? today.getFullYear() : today.getFullYear() - 1;
    var m;
    if ((m = /^(?:令和|r)(\d{1,2})年度?$/.exec(text))) return 2018 + Number(m[1]);
    if ((m = /^(20\d\d)(?:年度?)?$/.exec(text))) return Number(m[1]); // 2026 alone is read as a year too
    var relative = { 今年度: 0, 本年度: 0, 来年度: 1, 昨年度: -1, 前年度: -1 }[text];
    return relative === undefined ? null : current + relative;
  }

  // 「デイサービス」「福祉用具貸与」: a care service. What each scheme's documents say about the
  // facilities that may apply (the build gives each scheme's own words), or that they say nothing.
  function serviceNotes(found) {
    var names = words.data().services;
    var seen = new Set();
    var lines = [];
    found.forEach(function (w) {
      var key = words.fold(w.typed);
      var act = names[key] || names[key.replace(/(?:の)?事業所$/, "")];
      if (!act || seen.has(act.join())) return;
      seen.add(act.join());
      var named = words.fold(act[0]) === key ? "「" + w.typed + "」" : "「" + w.typed + "」（" + act.join("、") + "）";
      var intro = document.createElement("p");
      intro.textContent = named + "の事業所について、各制度の文書が定めていること:";
      var list = document.createElement("ul");
      words.data().schemes.forEach(function (s) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.textContent = s.prefecture + " " + s.label;
        var f = s.facilities;
        if (f) {
          link.href = new URL(f.href, siteRoot).href;
          var out = act.filter(function (a) { return f.excluded.indexOf(a) !== -1; });
          var verdict = out.length
            ? out.join("、") + "は、除かれるサービスです。"
            : act.join("、") + "は、除かれるサービスにあたりません。";
          item.append(link, ": " + f.text + " " + verdict);
        } else {
          link.href = new URL(s.requirements, siteRoot).href;
          item.append(link, ": 文書（" + s.documents + "）には、対象となる事業所のサービスの定めがありません。県のホームページや募集の案内で確かめてください。");
        }
        list.appendChild(item);
      });
      lines.push(intro, list);
    });
    return lines;
  }

  function showNote(years, all, dropped, kept, spread, services) {
    note.textContent = "";
    var lines = (services || []).slice();
    if (years.notes.length) {
      var p = document.createElement("p");
      p.append("このサイトには、" + years.notes.join("、") + "の制度の情報はありません。収録しているのは ");
      years.schemes.forEach(function (s, i) {
        var a = document.createElement("a");
        a.href = new URL(s.url, siteRoot).href;
        a.textContent = s.prefecture + " " + s.label;
        p.append(i ? "、" : "", a);
      });
      p.append(" です。ほかの年度の制度は、各県のホームページで確かめてください。");
      lines.push(p);
    }
    if (dropped.length) {
      var q = document.createElement("p");
      q.textContent = quoted(all) + "をすべて含むページはありませんでした。" + quoted(kept) + "を含むページを表示しています。";
      lines.push(q);
    }
    if (spread) {
      var r = document.createElement("p");
      r.textContent = quoted(kept) + "が一つの節にそろわないページは、そろうページのあとに示しています。";
      lines.push(r);
    }
    lines.forEach(function (line) { note.appendChild(line); });
  }

  async function start(at) {
    var index = await import(new URL("pagefind.js", at).href);
    // On this page's thread, not in Pagefind's worker: a worker started from a URL gets no
    // Content-Security-Policy on GitHub Pages, and the query must stay under the page's.
    await index.options({ noWorker: true, ranking: RANKING });
    await index.init();
    return index;
  }

  async function run(query) {
    var ticket = ++latest;
    list.innerHTML = "";
    note.textContent = "";
    status.textContent = "検索しています…";
    await words.load();
    var found = words.queryWords(query);
    var services = serviceNotes(found);
    var years = yearNotes(found);
    found = years.kept;
    if (!found.length) {
      if (ticket !== latest) return;
      status.textContent = query.trim() ? "「" + query + "」を含むページは見つかりませんでした。" : "";
      showNote(years, [], [], [], false, services);
      return;
    }
    if (!pagefind) {
      pagefind = await start(bundle);
      sources = await start(new URL("../pagefind-sources/", bundle)).catch(function () { return null; });
    }
    var used = found;
    var pages = await pagesWith(found);
    if (!pages.length && found.length > 1) {
      var tries = subsets(found);
      for (var i = 0; i < tries.length && !pages.length; i++) {
        pages = await pagesWith(tries[i]);
        used = tries[i];
      }
    }
    if (ticket !== latest) return;
    var spread = pages.some(function (pair) { return pair[1].spread; });
    showNote(years, found, pages.length ? found.filter(function (w) { return used.indexOf(w) === -1; }) : [], used, spread, services);
    status.textContent = pages.length
      ? "「" + query + "」を含むページが " + pages.length + " 件見つかりました。"
      : "「" + query + "」を含むページは見つかりませんでした。言葉を短くするか、別の言い方で試してください。";
    pages.forEach(function (pair) {
      var page = pair[0];
      var entry = pair[1];
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
        text.innerHTML = excerpt(d.meta.section + " " + d.meta.text, used);
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
