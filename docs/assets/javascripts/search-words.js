// On every page: the words search treats as the same, and a query read as its content words.
// `canonical` is the twin of overrides/hooks/search_words.py and `searchTerms` of search_terms in
// overrides/hooks/search_index.py: both sides must cut text into exactly the same pieces
// (tests/site/test_search.py checks they agree). The dictionary comes from the build
// (assets/search-words.json), fetched once when a search box is first used; nothing typed leaves the page.
(function () {
  "use strict";

  var JAPANESE = "\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u3005\u3006";
  var LATIN = "0-9a-z\u00c0-\u024f";
  var RUNS = new RegExp("[" + JAPANESE + "]+|[" + LATIN + "]+(?:[.,\\-'][" + LATIN + "]+)*", "g");
  var JAPANESE_RUN = new RegExp("^[" + JAPANESE + "]+$");
  var SMALL = "ァィゥェォッャュョヮヵヶ";
  var LARGE = "アイウエオツヤユヨワカケ";
  var WORD_END_LONG_VOWEL = /ー+(?![\u30a1-\u30fa\u30fc])/g;
  var HIRAGANA = "\u3041-\u3096";
  // Particles between two content words split a question into words (「タブレットは対象」); の before
  // a digit does not (「4分の3」).
  var PARTICLE = new RegExp("(?<=[^" + HIRAGANA + "])(?:から|まで|には|では|とは|って|は|を|が|に|で|と|も|へ|や|の(?![0-9]))(?=[^" + HIRAGANA + "]|$)", "g");
  var PARTICLE_KEPT = new RegExp("(" + PARTICLE.source + ")");
  var LAST_PARTICLE = new RegExp("(?<=[^" + HIRAGANA + "])[はをがにでともへのかねよ]$");
  var MAX_WORDS = 10; // each word costs a pass over every candidate
  var MAN = /(?<![0-9,.])([0-9]+)万/g; // 40万(円) as 400,000(円), as the documents write both

  var data = null;
  var pattern = null;
  var table = null;
  var script = document.currentScript;
  var source = new URL("../search-words.json", script.src);
  var loading = null;

  function load() {
    if (!loading) {
      loading = fetch(source).then(function (r) { return r.json(); }).then(function (json) {
        data = json;
        table = new Map(json.pairs);
        pattern = new RegExp(json.pairs.map(function (p) { return alternative(p[0]); }).join("|"), "g");
        return json;
      });
    }
    return loading;
  }

  function alternative(variant) {
    var latin = /[0-9a-z]/;
    var escaped = variant.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return (latin.test(variant[0]) ? "(?<![0-9a-z])" : "") + escaped + (latin.test(variant[variant.length - 1]) ? "(?![0-9a-z])" : "");
  }

  function foldChars(text) {
    text = text.normalize("NFKC").toLowerCase();
    text = text.replace(/[\u3041-\u3096]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) + 0x60); });
    text = text.normalize("NFD").replace(/[\u3099\u309a]/g, "").normalize("NFC");
    text = text.replace(/[ァィゥェォッャュョヮヵヶ]/g, function (c) { return LARGE[SMALL.indexOf(c)]; });
    return text.replace(/(?<=[\u30a1-\u30fa])[-\u2010\u2011\u2013\u2212]/g, "ー"); // ルータ- as ルーター
  }

  // 「40」 (万) -> 「400,000」: in strings, so that no number is too large for either side.
  function man(match, digits) {
    var value = digits.replace(/^0+/, "");
    return value ? (value + "0000").replace(/\B(?=(\d{3})+(?!\d))/g, ",") : "0";
  }

  function fold(text) {
    return foldChars(text).replace(WORD_END_LONG_VOWEL, "").replace(MAN, man);
  }

  function canonical(text) {
    var folded = fold(text);
    return pattern ? folded.replace(pattern, function (m) { return table.get(m); }) : folded;
  }

  // Replaces each match of `regex` in the mapped characters, the new ones mapped to the match's range.
  function substitute(chars, regex, replacement) {
    var text = chars.map(function (ch) { return ch.c; }).join("");
    var out = [];
    var last = 0;
    text.replace(regex, function () {
      var m = arguments[0];
      var at = arguments[arguments.length - 2];
      out.push.apply(out, chars.slice(last, at));
      Array.from(replacement.apply(null, arguments)).forEach(function (f) {
        out.push({ c: f, start: chars[at].start, end: chars[at + m.length - 1].end });
      });
      last = at + m.length;
      return m;
    });
    return out.concat(chars.slice(last));
  }

  // 「社会」 -> "j793e4f1a": Pagefind's own word splitting must not cut the pieces again.
  function code(piece) {
    var out = "j";
    for (var i = 0; i < piece.length; i++) out += ("000" + piece.charCodeAt(i).toString(16)).slice(-4);
    return out;
  }

  function terms(canonicalText) {
    var pieces = [];
    (canonicalText.match(RUNS) || []).forEach(function (run) {
      if (JAPANESE_RUN.test(run)) {
        for (var i = 0; i < Math.max(1, run.length - 1); i++) pieces.push(code(run.slice(i, i + 2)));
      } else {
        pieces.push(run);
      }
    });
    return pieces.join(" ");
  }

  function searchTerms(text) {
    return terms(canonical(text));
  }

  // 「タブレットは対象ですか？」 -> [{typed: "タブレット", word: "タフレツト"}, {typed: "対象", word: "対象"}]
  function queryWords(query) {
    var drop = data ? data.drop : [];
    var words = [];
    query.normalize("NFKC").split(/\s+/).forEach(function (chunk) {
      chunk = chunk.replace(/[?!。.、,]+$/, "");
      for (var changed = true, n = 0; changed && n < 8; n++) {
        changed = false;
        var ending = drop.find(function (d) { return chunk.length > d.length && chunk.endsWith(d); });
        if (ending) { chunk = chunk.slice(0, -ending.length); changed = true; }
        if (LAST_PARTICLE.test(chunk)) { chunk = chunk.slice(0, -1); changed = true; }
      }
      phrases(chunk.split(PARTICLE_KEPT)).forEach(function (typed) {
        if (!typed || drop.indexOf(typed) !== -1) return;
        var word = canonical(typed);
        if (word && words.length < MAX_WORDS && !words.some(function (w) { return w.word === word; })) {
          words.push({ typed: typed, word: word });
        }
      });
    });
    return words;
  }

  // [word, particle, word, …] -> the words, where words joined by their particles make a phrase of the
  // dictionary (「クラウド」「の」「利用料」 -> 「クラウドの利用料」, which it reads as クラウドサービス).
  function phrases(parts) {
    var out = [];
    for (var i = 0; i < parts.length; i += 2) {
      var end = i;
      for (var j = parts.length - 1; j > i; j -= 2) {
        if (table && table.has(fold(parts.slice(i, j + 1).join("")))) { end = j; break; }
      }
      out.push(parts.slice(i, end + 1).join(""));
      i = end;
    }
    return out;
  }

  // The canonical form of `text` with, for each of its characters, the range of `text` it came from:
  // a match found in the canonical form can be marked in the text as shown.
  function mapped(text) {
    var chars = [];
    var i = 0;
    Array.from(text).forEach(function (c) {
      Array.from(foldChars(c)).forEach(function (f) { chars.push({ c: f, start: i, end: i + c.length }); });
      i += c.length;
    });
    chars = chars.filter(function (ch, n) {
      if (ch.c !== "ー") return true;
      for (var k = n + 1; k < chars.length && chars[k].c === "ー"; k++);
      return k < chars.length && /[\u30a1-\u30fa]/.test(chars[k].c);
    });
    chars = substitute(chars, MAN, man);
    if (pattern) chars = substitute(chars, pattern, function (m) { return table.get(m); });
    return { text: chars.map(function (ch) { return ch.c; }).join(""), chars: chars };
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // `text` escaped, with every place a word (canonical) matches marked, in one pass over the text.
  function highlight(text, words) {
    var map = mapped(text);
    var ranges = [];
    words.forEach(function (word) {
      if (!word) return;
      for (var at = map.text.indexOf(word); at !== -1; at = map.text.indexOf(word, at + word.length)) {
        ranges.push([map.chars[at].start, map.chars[at + word.length - 1].end]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var html = "";
    var last = 0;
    ranges.forEach(function (r) {
      if (r[0] < last) { // overlapping: extend the current mark
        if (r[1] > last) { html = html.slice(0, -7) + escapeHtml(text.slice(last, r[1])) + "</mark>"; last = r[1]; }
        return;
      }
      html += escapeHtml(text.slice(last, r[0])) + "<mark>" + escapeHtml(text.slice(r[0], r[1])) + "</mark>";
      last = r[1];
    });
    return html + escapeHtml(text.slice(last));
  }

  // Where in `text` (as shown) the first of the words is, or -1.
  function position(text, word) {
    var map = mapped(text);
    var at = map.text.indexOf(word);
    return at === -1 ? -1 : map.chars[at].start;
  }

  window.searchWords = {
    load: load,
    canonical: canonical,
    fold: fold,
    searchTerms: searchTerms,
    terms: terms,
    queryWords: queryWords,
    highlight: highlight,
    position: position,
    escapeHtml: escapeHtml,
    data: function () { return data; },
  };
  window.searchTerms = searchTerms; // for the test that compares it with the build's own
})();
