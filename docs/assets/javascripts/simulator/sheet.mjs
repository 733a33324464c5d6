// The printed page, 試算結果シート: one A4 page made from the latest answer. It holds what a reader
// of the paper needs and cannot click for: the facility, the scheme and its status on the day of
// printing, the amount (or its range), each expense's decision, the points to check, the day it was
// computed, the day the data were last checked, the engine's version, the page's address and the
// disclaimer. Its labels are in the page's HTML (simulator.md); its words come from the engine's
// result, schemes.json, the page's status line and the page's own disclaimer. Only it prints
// (simulator.css); on screen it stays hidden, the answer above says the same.
import { amountWords } from "./result.mjs";
import { $, element, schemeInfo, site, yen } from "./page.mjs";

// The day as the documents and the scheme pages write it (令和8年11月30日; calculator/_status.py's
// date_words), in the reader's own time zone.
const DAY = new Intl.DateTimeFormat("ja-JP-u-ca-japanese", { era: "long", year: "numeric", month: "long", day: "numeric" });

// `result` is the engine's answer for the case `data`; null when the page shows no amount (an empty
// form, a case with errors): the sheet then says there is nothing to print yet.
export function showSheet(result, data = null) {
  $("sim-sheet-disclaimer").textContent = $("sim-disclaimer")?.textContent.trim() || "";
  $("sim-sheet-empty").hidden = Boolean(result);
  $("sim-sheet-body").hidden = !result;
  if (!result) return;
  const scheme = schemeInfo(result.scheme);
  text("sim-sheet-facility", data && typeof data.facility_name === "string" ? data.facility_name.trim() : "");
  text("sim-sheet-scheme", scheme ? `${scheme.name} ${scheme.title}` : result.scheme_name); // as the form's list names it
  // The status line the page shows for the reader's day (scheme-status.js keeps it up to date).
  const status = document.querySelector(`.sim-status[data-scheme-only="${result.scheme}"] [data-scheme-status]`);
  text("sim-sheet-status", status ? status.textContent.trim() : "");
  $("sim-sheet-status").dataset.status = status ? status.dataset.status || "" : "";
  text("sim-sheet-subsidy", amountWords(result));
  text("sim-sheet-self", yen(result.self_pay_yen));
  text("sim-sheet-total", yen(result.total_cost_yen));
  list(
    "sim-sheet-readings",
    result.eligible ? result.alternatives.map((a) => `${a.reading} ${yen(a.subsidy_yen)}（${a.title}）`) : [],
  );
  list("sim-sheet-ineligible", result.eligible ? [] : result.ineligible_reasons.map((r) => r.text));
  $("sim-sheet-items").replaceChildren(...result.items.flatMap(itemRows));
  const caveats = result.caveats.map((c) => element("li", {}, element("strong", {}, c.title), `: ${c.text}`));
  $("sim-sheet-caveats").querySelector("ul").replaceChildren(...caveats);
  $("sim-sheet-caveats").hidden = !caveats.length;
  text("sim-sheet-date", DAY.format(new Date()));
  text("sim-sheet-checked", scheme ? scheme.last_checked_words : "");
  const engine = site.formData.engine;
  text("sim-sheet-engine", engine ? `${engine.version}（${engine.build}）` : "");
  // The address without "#case=…": a link of a few thousand characters cannot be typed from paper,
  // and the case is on the sheet itself (a saved file opens it again).
  const address = new URL(window.location.href);
  address.hash = "";
  text("sim-sheet-address", address.href);
}

// An expense: its name, category and way of payment, its amount, the decision and the amount that
// counts; where it is not simply 対象, the engine's reasons in a row of their own under it, across the
// page (a narrow column would make each reason many lines long).
function itemRows(item) {
  const row = element(
    "tr",
    { class: `sim-sheet__item sim-status-${item.status}` },
    element("td", {}, item.name, element("small", {}, `${item.category_title}・${item.payment_words}`)),
    element("td", { class: "num" }, yen(item.amount_yen)),
    element("td", {}, element("strong", {}, item.status_words)),
    element("td", { class: "num" }, yen(item.eligible_yen)),
  );
  if (item.status === "counted") return [row];
  const reasons = element("td", { colspan: "4" }, item.reasons.map((r) => r.text).join(" "));
  return [row, element("tr", { class: `sim-sheet__reasons sim-status-${item.status}` }, reasons)];
}

// Text into the slot, or the slot's own word for nothing (data-none) where there is none.
function text(id, value) {
  const slot = $(id);
  slot.textContent = value || slot.dataset.none || "";
}

// A list under its heading, hidden while empty.
function list(id, lines) {
  const box = $(id);
  box.querySelector("ul").replaceChildren(...lines.map((line) => element("li", {}, line)));
  box.hidden = !lines.length;
}
