// On every page: the header's search form opens the search page with the query in the fragment
// (#q=...), so that what a reader types is never part of a request to the server.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-site-search]")) return;
  event.preventDefault();
  var input = form.querySelector("input[type=search]");
  var target = new URL(form.getAttribute("action"), window.location.href);
  target.hash = "q=" + encodeURIComponent(input.value);
  window.location.assign(target.href);
});

// On a 原文 page: the quoted passage the address points at (#<quote id>) is highlighted.
function highlightCitedQuote() {
  document.querySelectorAll(".source-quote.is-cited").forEach(function (el) { el.classList.remove("is-cited"); });
  var id = decodeURIComponent(window.location.hash.slice(1));
  var anchor = id && document.getElementById(id);
  if (!anchor || !anchor.classList.contains("source-anchor")) return;
  document.querySelectorAll(".source-quote[data-quotes]").forEach(function (el) {
    if (el.dataset.quotes.split(" ").indexOf(id) !== -1) el.classList.add("is-cited");
  });
  // The browser's own jump can be undone by a text fragment matched elsewhere or by late layout.
  var cited = document.querySelector(".source-quote.is-cited");
  if (cited) cited.scrollIntoView({ block: "center" });
}
window.addEventListener("hashchange", highlightCitedQuote);
highlightCitedQuote();

// The header's search box suggests pages as you type, from the site's own list of titles and
// headings (assets/search-words.json, fetched once when the box is first used; nothing typed is sent).
(function () {
  var input = document.getElementById("site-search-query");
  var words = window.searchWords;
  if (!input || !words) return;
  var form = input.form;
  var list = document.createElement("ul");
  list.id = "site-search-suggest";
  list.className = "site-search__suggest";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "候補のページ");
  list.hidden = true;
  input.parentNode.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var root = new URL("../../", document.querySelector("script[src*='search-words.js']").src);
  var active = -1;
  var indexed = null;

  function prepare(data) {
    indexed = data.pages.map(function (p) {
      return {
        title: p.title, url: p.url, key: words.canonical(p.title),
        headings: p.headings.map(function (h) { return { text: h[0], anchor: h[1], key: words.canonical(h[0]) }; }),
      };
    });
  }

  function suggestions(query) {
    var found = words.queryWords(query).map(function (w) { return w.word; });
    if (!found.length) return [];
    var has = function (key) { return found.every(function (w) { return key.indexOf(w) !== -1; }); };
    var out = [];
    indexed.forEach(function (p) {
      if (has(p.key)) out.push({ score: 2, title: p.title, href: p.url });
      p.headings.forEach(function (h) {
        if (has(h.key)) out.push({ score: 1, title: h.text, page: p.title, href: p.url + "#" + h.anchor });
      });
    });
    return out.sort(function (a, b) { return b.score - a.score; }).slice(0, 6);
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function show() {
    var found = suggestions(input.value);
    list.textContent = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!found.length) { close(); return; }
    found.forEach(function (s, n) {
      var li = document.createElement("li");
      li.id = "site-search-suggest-" + n;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = new URL(s.href, root).href;
      a.tabIndex = -1;
      a.textContent = s.title;
      if (s.page) {
        var small = document.createElement("small");
        small.textContent = s.page;
        a.appendChild(small);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function move(step) {
    var items = list.querySelectorAll("[role=option]");
    if (!items.length) return;
    if (active >= 0) items[active].setAttribute("aria-selected", "false");
    active = (active + step + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  input.addEventListener("input", function () {
    words.load().then(function (data) {
      if (!indexed) prepare(data);
      show();
    });
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      if (event.key === "Escape") form.classList.remove("is-open"); // a phone's opened field closes
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(list.querySelectorAll("[role=option] a")[active].href);
    }
  });
  input.addEventListener("blur", function () {
    setTimeout(function () {
      close();
      if (!form.contains(document.activeElement)) form.classList.remove("is-open");
    }, 200);
  });

  // On a phone the header shows only the search button: its first tap opens the field over the
  // header (search.css), so that suggestions work there too; the next one searches.
  form.addEventListener("submit", function (event) {
    if (form.classList.contains("is-open") || getComputedStyle(input).display !== "none") return;
    event.preventDefault();
    event.stopPropagation(); // not to the page's handler that opens the search page
    form.classList.add("is-open");
    input.focus();
  });
})();

// Tooltips of the article's links (glossary terms, 原文で読む), made when a link is first pointed at or
// focused, not all at load. Material's content.tooltips mounts a tooltip for every [title] on
// DOMContentLoaded and measures each with a forced layout: on an expenses page (16 terms, 19 links to
// the source) that was the largest part of Material's set-up left (bench/results/lighthouse.md).
// So the links' titles are kept out of Material's way while it
// mounts (this script runs before its DOMContentLoaded listener, and this listener after it) and put
// back at once: a screen reader still hears each short explanation, and without scripts the browser's
// own tooltip shows it. The tooltip here uses Material's own classes and looks the same.
(function () {
  var terms = document.querySelectorAll(".md-content a[title]");
  if (!terms.length) return;
  terms.forEach(function (term) {
    term.setAttribute("data-tooltip", term.title);
    term.removeAttribute("title");
  });
  document.addEventListener("DOMContentLoaded", function () {
    terms.forEach(function (term) { term.title = term.getAttribute("data-tooltip"); });
  });

  var tip = null;
  var shownFor = null;
  var hiding = 0;

  function show(term) {
    clearTimeout(hiding);
    if (shownFor === term) return;
    if (shownFor) hide(true);
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "glossary-tooltip";
      tip.className = "md-tooltip md-tooltip--inline";
      tip.setAttribute("role", "tooltip");
      tip.appendChild(document.createElement("div")).className = "md-tooltip__inner md-typeset";
    }
    tip.firstChild.textContent = term.getAttribute("data-tooltip");
    document.body.appendChild(tip);
    var box = term.getBoundingClientRect();
    var width = tip.offsetWidth;
    tip.style.setProperty("--md-tooltip-width", width + "px");
    tip.style.setProperty("--md-tooltip-x", window.scrollX + box.left + box.width / 2 - width / 2 + "px");
    tip.style.setProperty("--md-tooltip-y", window.scrollY + box.bottom + 8 + "px");
    term.removeAttribute("title"); // no second tooltip from the browser; the description is the tooltip
    term.setAttribute("aria-describedby", tip.id);
    shownFor = term;
    requestAnimationFrame(function () { if (shownFor === term) tip.classList.add("md-tooltip--active"); });
  }

  function hide(now) {
    if (!shownFor) return;
    var term = shownFor;
    shownFor = null;
    term.title = term.getAttribute("data-tooltip");
    term.removeAttribute("aria-describedby");
    tip.classList.remove("md-tooltip--active");
    if (now) tip.remove();
    else hiding = setTimeout(function () { if (!shownFor) tip.remove(); }, 250);
  }

  function termOf(event) {
    return event.target.closest ? event.target.closest("a[data-tooltip]") : null;
  }
  document.addEventListener("mouseover", function (event) { var t = termOf(event); if (t) show(t); });
  document.addEventListener("focusin", function (event) { var t = termOf(event); if (t) show(t); });
  document.addEventListener("mouseout", function (event) { if (termOf(event) === shownFor) hide(false); });
  document.addEventListener("focusout", function (event) { if (termOf(event) === shownFor) hide(false); });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(true); });
})();
