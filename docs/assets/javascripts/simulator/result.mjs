// The answer: the amount first (and its range, where the documents read two ways), then what could
// change it, each expense's decision, the steps and their citations; the summary that stays in view;
// the errors of a case the engine refused, each linked to its field.
import { ask } from "./engine.mjs";
import { anyStaffValue, controlFor, labelOf, readCase } from "./form.mjs";
import { encodeCase } from "./keep.mjs";
import { $, escapeHtml, linksInNewTab, PAYMENT_WORDS, rateWords, schemeInfo, site, siteRoot, STATUS_WORDS, yen } from "./page.mjs";

const resultBody = $("sim-result-body");
const resultEmpty = $("sim-result-empty");
const resultSection = $("sim-result");

// A link of the error summary puts the keyboard focus in its field (a fragment link alone would only
// scroll, and would replace a shared link's #case=...).
resultBody.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-focus]");
  if (!link) return;
  event.preventDefault();
  $(link.dataset.focus)?.focus();
});

// The summary names each field to fix and links to it (WCAG 3.3.1, and 1.3.3: not "the red ones").
export function showErrors(errors) {
  const general = [];
  const fields = [];
  for (const error of errors) {
    const control = controlFor(error.field);
    const target = control && control.getAttribute("aria-describedby");
    const box = target && target.split(" ").map((id) => $(id)).find((el) => el && el.classList.contains("sim-error"));
    if (control && box) {
      control.setAttribute("aria-invalid", "true");
      box.textContent = error.message;
      box.hidden = false;
      if (!control.id) control.id = `${box.id}-control`;
      fields.push(`<li><a href="#${control.id}" data-focus="${control.id}">${escapeHtml(labelOf(control))}</a>: ${escapeHtml(error.message)}</li>`);
    } else {
      general.push(`<li>${escapeHtml(error.field ? `${error.field}: ${error.message}` : error.message)}</li>`);
    }
  }
  resultEmpty.hidden = true;
  resultBody.hidden = false;
  showAmount(null);
  resultBody.innerHTML =
    `<div class="sim-invalid"><p><strong>入力を確かめてください。</strong>次の欄を直すと、結果が表示されます。</p>` +
    `<ul>${fields.join("")}${general.join("")}</ul></div>`;
}

function citeLink(citation) {
  const target = site.anchors[citation.anchor];
  const label = `出典: ${escapeHtml(citation.clause)}`;
  const source = site.quotes[`${citation.anchor}\n${citation.quote}`];
  const original = source ? ` <a class="source-quote-link" href="${new URL(source, siteRoot).href}">原文</a>` : "";
  return (target ? `<a class="clause-cite" href="${new URL(target, siteRoot).href}">${label}</a>` : label) + original;
}

function bar(subsidy, selfPay) {
  const total = Math.max(1, subsidy + selfPay);
  const width = (n) => ((n / total) * 100).toFixed(2);
  return `<svg class="sim-bar" viewBox="0 0 100 8" preserveAspectRatio="none" width="100%" height="20" role="img"
    aria-label="経費の総額のうち、補助額 ${yen(subsidy)}、自己負担額 ${yen(selfPay)}">
    <rect x="0" y="0" height="8" width="${width(subsidy)}" class="sim-bar__subsidy"></rect>
    <rect x="${width(subsidy)}" y="0" height="8" width="${width(selfPay)}" class="sim-bar__self"></rect></svg>
    <p class="sim-bar__legend"><span class="sim-key sim-key--subsidy"></span>補助額
    <span class="sim-key sim-key--self"></span>自己負担額</p>`;
}

// The amount shown, machine-readable for tests and tools: empty while no amount is shown; with the
// range the readings span, and whether the facility may apply at all (an ineligible one is not 0円).
export function showAmount(amount, result = null) {
  resultSection.dataset.subsidyYen = amount === null ? "" : String(amount);
  resultSection.dataset.subsidyMinYen = result ? String(result.subsidy_min_yen) : "";
  resultSection.dataset.subsidyMaxYen = result ? String(result.subsidy_max_yen) : "";
  resultSection.dataset.eligible = result ? String(result.eligible) : "";
}

// The amount line: 「対象外」, one amount, or the range of the amounts under the document's readings.
export function amountText(result) {
  if (!result.eligible) return STATUS_WORDS.excluded;
  if (result.subsidy_min_yen === result.subsidy_max_yen) return yen(result.subsidy_yen);
  // Each end unbroken, so that a narrow screen breaks the line after 〜 and never inside an amount.
  const low = Number(result.subsidy_min_yen).toLocaleString("ja-JP");
  return `<span class="sim-nowrap">${low}〜</span><span class="sim-nowrap">${yen(result.subsidy_max_yen)}</span>`;
}

function caveatLink(id, text) {
  return site.anchors[id] ? `<a href="${new URL(site.anchors[id], siteRoot).href}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

// Beside a range: each other reading, its amount, and the caveat it comes from (linked).
function readings(result) {
  if (!result.eligible || !result.alternatives.length) return "";
  const others = result.alternatives
    .map((a) => `<li>${escapeHtml(a.reading)} <strong>${yen(a.subsidy_yen)}</strong>（${caveatLink(a.caveat, a.title)}）</li>`)
    .join("");
  return `<div class="sim-readings" id="sim-readings"><p>${yen(result.subsidy_yen)}はこのサイトの読み方での額です。文書の読み方が分かれる点があり、県の判断で次の額になることがあります。</p><ul>${others}</ul></div>`;
}

// Why the facility may not apply, with the clause.
function ineligible(result) {
  if (result.eligible) return "";
  const reasons = result.ineligible_reasons.map((r) => `<li>${escapeHtml(r.text)} ${citeLink(r.citation)}</li>`).join("");
  return `<div class="sim-ineligible" id="sim-ineligible"><ul>${reasons}</ul></div>`;
}

// Each menu (区分) with its own eligible expense, rate, cap and amount, and its steps (the engine's
// words: a per-unit menu's read 「1台ごとに…」).
function menus(result) {
  if (!result.menus || !result.menus.length) return "";
  const scheme = schemeInfo(result.scheme);
  const sections = result.menus.map((menu) => {
    const info = scheme && scheme.menus.find((m) => m.id === menu.id);
    const note = info && info.cap_note ? `（${escapeHtml(info.cap_note)}）` : "";
    const steps = menu.steps.map((s) => `<li>${escapeHtml(s.text)} ${citeLink(s.citation)}</li>`).join("");
    return `<section class="sim-menu" data-menu="${escapeHtml(menu.id)}"><h4>${escapeHtml(menu.title)}: <span class="sim-menu__amount">${yen(menu.subsidy_yen)}</span></h4>
      <dl class="sim-figures"><dt>補助対象経費</dt><dd>${yen(menu.eligible_expense_yen)}</dd><dt>補助率</dt><dd>${rateWords(menu.rate)}</dd>
      <dt>上限額</dt><dd class="sim-menu__cap">${yen(menu.cap_yen)}${note}</dd></dl><ol class="sim-steps">${steps}</ol></section>`;
  });
  return `<div class="sim-menus" id="sim-menus"><h3>区分ごとの額</h3>${sections.join("")}</div>`;
}

// The bar and the figures behind the amount: for an eligible facility only (an ineligible one has none).
function figures(result) {
  const hasMenus = result.menus && result.menus.length;
  const binds = result.cap_binds
    ? `上限額で止まっています（補助率をかけた額は ${yen(result.rate_amount_yen)}）。`
    : hasMenus
      ? ""
      : `補助対象経費が ${yen(result.cap_binds_from_yen)} 以上になると、上限額で止まります。`;
  return `${bar(result.subsidy_yen, result.self_pay_yen)}
    <dl class="sim-figures">
      <dt>補助対象経費</dt><dd id="sim-eligible">${yen(result.eligible_expense_yen)}</dd>
      <dt>補助率</dt><dd id="sim-rate">${rateWords(result.rate)}</dd>
      <dt>上限額</dt><dd id="sim-cap">${yen(result.remaining_cap_yen)}${result.remaining_cap_yen !== result.cap_yen ? `（${yen(result.cap_yen)} からこれまでの補助を引いた額）` : ""}</dd>
    </dl>
    ${binds ? `<p class="sim-binds">${binds}</p>` : ""}${menus(result)}`;
}

// The amount in words for the summary and for screen readers (a range as 「低い額〜高い額」).
export function amountWords(result) {
  if (!result.eligible) return STATUS_WORDS.excluded;
  if (result.subsidy_min_yen === result.subsidy_max_yen) return yen(result.subsidy_yen);
  return `${Number(result.subsidy_min_yen).toLocaleString("ja-JP")}〜${yen(result.subsidy_max_yen)}`;
}

// The summary that stays in view over the form on a narrow screen (hidden while there is no answer).
export function showSummary(result) {
  const box = $("sim-summary");
  box.hidden = !result;
  if (!result) return;
  $("sim-summary-subsidy").innerHTML = amountText(result); // a range breaks after 〜 only
  $("sim-summary-self").textContent = yen(result.self_pay_yen);
}

// The chosen scheme's status as the page's status line has it for the reader's own day
// (scheme-status.js; the words are the engine's, calculator/_status.py): shown before the amount
// when the scheme no longer takes applications.
function closedNotice(schemeId) {
  const line = document.querySelector(`.sim-status[data-scheme-only="${schemeId}"] [data-scheme-status]`);
  if (!line || line.dataset.status !== "closed") return "";
  return `<p class="sim-closed" id="sim-closed">${escapeHtml(line.textContent)}</p>`;
}

export function renderResult(result) {
  const items = result.items
    .map(
      (item) => `<tr class="sim-status-${item.status}"><td data-label="経費">${escapeHtml(item.name)}<br><small>${escapeHtml(item.category_title)}・${PAYMENT_WORDS[item.payment]}</small></td>
      <td class="num" data-label="金額（税抜）">${yen(item.amount_yen)}</td><td data-label="判定"><strong>${STATUS_WORDS[item.status]}</strong></td><td class="num" data-label="対象になる額">${yen(item.eligible_yen)}</td>
      <td data-label="理由"><ul class="sim-reasons">${item.reasons.map((r) => `<li>${escapeHtml(r.text)} ${citeLink(r.citation)}</li>`).join("")}</ul></td></tr>`,
    )
    .join("");
  const steps = result.steps.map((s) => `<li>${escapeHtml(s.text)} ${citeLink(s.citation)}</li>`).join("");
  // The caveats of this case, in full. Those about the source document itself (年度の記載がありません)
  // are never in a result: the engine leaves them to the scheme's pages (when = ["about_document"]).
  const caveats = result.caveats
    .map((c) => {
      const more = site.anchors[c.id] ? ` <a href="${new URL(site.anchors[c.id], siteRoot).href}">くわしく</a>` : "";
      return `<li id="sim-caveat-${escapeHtml(c.id)}"><strong>${escapeHtml(c.title)}</strong>: ${escapeHtml(c.text)}${more}</li>`;
    })
    .join("");
  const requirements = result.requirements
    .map((r) => `<li>${escapeHtml(r.label ? `${r.label} ` : "")}${escapeHtml(r.title)} ${citeLink(r.citation)}</li>`)
    .join("");
  resultEmpty.hidden = true;
  resultBody.hidden = false;
  resultBody.innerHTML = `
    <p class="sim-scheme-name">${escapeHtml(result.scheme_name)}</p>
    ${closedNotice(result.scheme)}
    <div class="sim-headline">
      <p class="sim-big"><span>補助額</span> <strong id="sim-subsidy" data-subsidy-yen="${result.subsidy_yen}" data-subsidy-min-yen="${result.subsidy_min_yen}" data-subsidy-max-yen="${result.subsidy_max_yen}" data-eligible="${result.eligible}">${amountText(result)}</strong></p>
      <p class="sim-self"><span>自己負担額</span> <strong id="sim-self-pay">${yen(result.self_pay_yen)}</strong>
      <small>（経費の総額 ${yen(result.total_cost_yen)} − 補助額${result.other_subsidy_yen ? ` − ほかの補助金 ${yen(result.other_subsidy_yen)}` : ""}）</small></p>
    </div>
    ${ineligible(result)}${readings(result)}
    ${result.eligible ? figures(result) : ""}
    ${caveats ? `<div class="sim-caveats"><h3>注意（文書に定めがない点・あいまいな点）</h3><ul>${caveats}</ul></div>` : ""}
    <h3>経費ごとの判定</h3>
    ${result.items.length ? `<div class="sim-table"><table><thead><tr><th>経費</th><th>金額（税抜）</th><th>判定</th><th>対象になる額</th><th>理由</th></tr></thead><tbody>${items}</tbody></table></div>` : "<p>経費の入力がありません。</p>"}
    <h3>計算の手順</h3>
    <ol class="sim-steps">${steps}</ol>
    ${requirements ? `<h3>満たす必要のある要件</h3><ul>${requirements}</ul>` : ""}
    ${result.eligible ? `<p class="sim-kit-link"><a href="${new URL("kit/", siteRoot).href}#case=${encodeCase(readCase())}">申請の準備へ: 提出書類のチェックリスト、導入計画の下書き、経費の表</a></p>` : ""}
    <div id="sim-others"></div>`;
  linksInNewTab(resultBody);
  showAmount(result.subsidy_yen, result);
}

export async function renderOthers(data) {
  const box = $("sim-others");
  if (!box) return;
  const rows = [];
  // Only the same prefecture's other years: another prefecture's amount means nothing to this
  // facility (the comparison page sets the schemes side by side).
  const prefecture = schemeInfo(data.scheme)?.prefecture;
  for (const other of site.formData.schemes) {
    if (other.id === data.scheme || other.prefecture !== prefecture) continue;
    const adapted = { ...data, scheme: other.id };
    adapted.higher_rate_conditions = (data.higher_rate_conditions || []).filter((c) => other.conditions.some((o) => o.id === c));
    if (other.staff.required && !adapted.ict_staff_fte) {
      const staff = anyStaffValue();
      if (staff) adapted.ict_staff_fte = staff;
    }
    let cell;
    try {
      const answer = await ask({ type: "simulate", case: adapted });
      if (answer.type === "result") cell = `<strong>${amountText(answer.result)}</strong>（補助率 ${rateWords(answer.result.rate)}）`;
      else if (other.staff.required && !adapted.ict_staff_fte) cell = `${escapeHtml(other.staff.label)}を入れると計算できます`;
      else cell = "この見積りのままでは計算できません";
    } catch {
      return;
    }
    rows.push(`<tr><td>${escapeHtml(other.name)} ${escapeHtml(other.title)}</td><td>${cell}</td></tr>`);
  }
  if (!rows.length) return;
  box.innerHTML = `<h3>同じ見積りを同じ県のほかの年度の制度で計算すると</h3>
    <table><tbody>${rows.join("")}</tbody></table>
    <p><a href="${new URL("compare/", siteRoot).href}">2つの制度の比較</a>もご覧ください。</p>`;
  linksInNewTab(box);
}
