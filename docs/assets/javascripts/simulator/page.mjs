// What every part of the simulator shares: the site's addresses, the data the page loads once
// (schemes.json, the citation anchors, the 原文 quotes), and the small formatters.
// The parts: engine.mjs (the worker), form.mjs (the form and the case it holds), result.mjs (the
// answer), keep.mjs (save, open, share, print, the tab's draft); simulator.mjs starts them and
// decides when to compute.
const script = document.querySelector("script[data-site-root]");
export const siteRoot = new URL(script.dataset.siteRoot || "./", window.location.href);
export const assets = new URL("assets/", siteRoot);
export const $ = (id) => document.getElementById(id);

// Loaded once by simulator.mjs's main() before the form is built; read everywhere after.
export const site = {
  formData: { schemes: [] }, // assets/simulator/schemes.json (overrides/hooks/simulator_bundle.py)
  anchors: {}, // citation anchor -> its page and heading (assets/anchors.json)
  quotes: {}, // "<anchor>\n<quote>" -> the quote's place in its 原文 page (assets/quotes.json)
};

export function schemeInfo(id) {
  return site.formData.schemes.find((s) => s.id === id);
}

export const PAYMENT_WORDS = { purchase: "購入", lease: "リース・レンタル", monthly: "月額払い" };
export const STATUS_WORDS = { counted: "対象", partly_counted: "一部対象", excluded: "対象外" };

export const yen = (n) => `${Number(n).toLocaleString("ja-JP")}円`;
export const rateWords = (r) => {
  const [a, b] = r.split("/");
  return `${b}分の${a}`;
};
export const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
export const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

// An element with text (never HTML: every word here comes from the scheme files).
export function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  made.append(...children);
  return made;
}

// Links in the form and the result open in a new tab, so that the draft in this one stays as it is.
export function linksInNewTab(root) {
  root.querySelectorAll("a[href]:not([data-focus])").forEach((link) => {
    link.target = "_blank";
    link.rel = "noopener";
  });
}
