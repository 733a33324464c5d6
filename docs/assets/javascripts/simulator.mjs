// The simulator page: the form, the worker that runs the engine, and the result.
// Nothing typed here leaves the browser: the engine runs in a Web Worker of this origin, a saved
// case is a file made in the browser, and a shared link keeps the case after "#", which browsers
// never send to a server.

const script = document.querySelector("script[data-site-root]");
const siteRoot = new URL(script.dataset.siteRoot || "./", window.location.href);
const assets = new URL("assets/", siteRoot);
const $ = (id) => document.getElementById(id);

const form = $("sim-form");
const schemeSelect = $("sim-scheme");
const itemsBox = $("sim-items");
const itemTemplate = $("sim-item-template");
const resultBody = $("sim-result-body");
const resultEmpty = $("sim-result-empty");
const resultSection = $("sim-result");
const runtimeText = $("sim-runtime-text");
const runtimeBar = $("sim-runtime-progress");
const retryButton = $("sim-retry");

const PAYMENT_WORDS = { purchase: "購入", lease: "リース・レンタル", monthly: "月額払い" };
const STATUS_WORDS = { counted: "対象", partly_counted: "一部対象", excluded: "対象外" };

const EXAMPLE = {
  scheme: "ibaraki-2023",
  ict_staff_fte: "10",
  ikkan_achieved: false,
  items: [{ category: "care_software", name: "（例）介護記録ソフト", amount_yen: "80万円", consumption_tax_yen: "8万円" }],
};

let formData = { schemes: [] };
let anchors = {};
let quotes = {}; // "<anchor>\n<quote>" -> the quote's place in its 原文 page (assets/quotes.json)
let worker = null;
let ready = false;
let nextId = 1;
const pending = new Map();
let rowMap = [];
let debounceTimer = null;
let latestTicket = 0;
let restarts = 0;
let formFilled = false; // main() has filled the form: a ready engine may calculate

const yen = (n) => `${Number(n).toLocaleString("ja-JP")}円`;
const rateWords = (r) => {
  const [a, b] = r.split("/");
  return `${b}分の${a}`;
};
const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function schemeInfo(id) {
  return formData.schemes.find((s) => s.id === id);
}

// --- the worker ---------------------------------------------------------------------------------

function supported() {
  return typeof WebAssembly === "object" && typeof Worker === "function";
}

// The worker starts from a one-line blob: module that imports the real one. A worker started from its
// own URL takes its Content-Security-Policy from its HTTP response, and GitHub Pages sends none; a
// blob: worker inherits this page's policy instead, so the engine, which sees what is typed, can
// fetch nothing but this site's own files (connect-src 'self'), exactly like the page.
let blobURL = null;
function workerURL() {
  if (!blobURL) {
    const real = new URL("javascripts/simulator-worker.mjs", assets).href;
    blobURL = URL.createObjectURL(new Blob([`import ${JSON.stringify(real)};\n`], { type: "text/javascript" }));
  }
  return blobURL;
}

// The worker the page's head started (overrides/main.html), with what it said before this module ran;
// a new one when there is none (or after a failure).
function startWorker(early = null) {
  ready = false;
  worker = early ? early.worker : new Worker(workerURL(), { type: "module" });
  worker.onmessage = (event) => onWorkerMessage(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    workerDied("計算エンジンの読み込み中に問題が起きました。");
  };
  runtimeText.textContent = "計算エンジンを準備しています…";
  runtimeBar.hidden = false;
  retryButton.hidden = true;
  if (early) {
    for (const message of early.messages) onWorkerMessage(message);
    if (early.failed) workerDied("計算エンジンの読み込み中に問題が起きました。");
  }
}

function workerDied(reason) {
  for (const { reject } of pending.values()) reject(new Error(reason));
  pending.clear();
  if (worker) worker.terminate();
  worker = null;
  ready = false;
  if (restarts < 2) {
    restarts += 1;
    runtimeText.textContent = `${reason} 計算エンジンを起動し直しています…（入力した内容はそのままです）`;
    startWorker();
  } else {
    runtimeText.textContent = `${reason} 「もう一度試す」を押してください。入力した内容はそのままです。`;
    runtimeBar.hidden = true;
    retryButton.hidden = false;
  }
}

function onWorkerMessage(message) {
  if (message.type === "progress") {
    runtimeText.textContent = `${message.text}…`;
    if (message.total && message.loaded) {
      runtimeBar.max = message.total;
      runtimeBar.value = message.loaded;
      runtimeText.textContent += `（${(message.loaded / 1e6).toFixed(2)} / ${(message.total / 1e6).toFixed(2)} MB）`;
    } else if (message.total) {
      runtimeBar.removeAttribute("value"); // the runtime fetches its own files: an indeterminate bar
      runtimeText.textContent += `（約 ${(message.total / 1e6).toFixed(1)} MB。2回目からはブラウザに残ったものを使います）`;
    }
    return;
  }
  if (message.type === "ready") {
    ready = true;
    // For bench/: when each stage of the engine's start ended, in ms on this page's clock.
    window.__engineStages = Object.fromEntries(
      Object.entries(message.stages || {}).map(([stage, at]) => [stage, at - performance.timeOrigin]),
    );
    restarts = 0;
    // Which standard library the engine runs on ("engine": the small zip; "full": the fallback).
    $("simulator").dataset.stdlib = message.stdlib || "";
    $("simulator").dataset.start = message.start || ""; // "snapshot" on a repeat visit
    runtimeText.textContent = "計算エンジンの準備ができました。入力に合わせて結果が変わります。";
    runtimeBar.hidden = true;
    for (const entry of pending.values()) if (!entry.timer) entry.timer = watchdog();
    if (!pending.size && formFilled) scheduleCalculation(0);
    return;
  }
  if (message.type === "boot-failed") {
    workerDied("計算エンジンを起動できませんでした。");
    return;
  }
  const waiting = pending.get(message.id);
  if (waiting) {
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    waiting.resolve(message);
  }
}

// A computation takes milliseconds; a ready worker silent for 5 s is stuck or gone and is restarted.
function watchdog() {
  return setTimeout(() => workerDied("計算エンジンが応答しません。"), 5000);
}

function ask(message) {
  return new Promise((resolve, reject) => {
    if (!worker) {
      reject(new Error("no worker"));
      return;
    }
    const id = nextId++;
    // Sent at once, even while the runtime boots: the worker answers as soon as it can.
    const entry = { resolve, reject, timer: null };
    if (ready) entry.timer = watchdog();
    pending.set(id, entry);
    worker.postMessage({ id, ...message });
  });
}

// --- the form -----------------------------------------------------------------------------------

function addRow(values = {}) {
  const row = itemTemplate.content.firstElementChild.cloneNode(true);
  const n = itemsBox.children.length;
  const uid = `sim-item-${Date.now().toString(36)}-${n}`;
  row.querySelectorAll("[data-name]").forEach((control) => {
    const name = control.dataset.name;
    control.id = `${uid}-${name}`;
    const error = row.querySelector(`[data-error="${name}"]`);
    if (error) {
      error.id = `${uid}-${name}-error`;
      control.setAttribute("aria-describedby", error.id);
    }
    const label = row.querySelector(`[data-for="${name}"]`);
    if (label) label.setAttribute("for", control.id);
    if (control.type === "checkbox") control.checked = Boolean(values[name]);
    else if (values[name] !== undefined && values[name] !== null) control.value = String(values[name]);
  });
  for (const name of ["category", "payment"]) {
    const hint = row.querySelector(`[data-hint="${name}"]`);
    hint.id = `${uid}-${name}-hint`;
    row.querySelector(`[data-name="${name}"]`).setAttribute("aria-describedby", `${hint.id} ${uid}-${name}-error`);
  }
  row.querySelector(".sim-item__remove").addEventListener("click", () => {
    // Focus must not fall back to the page's start: it goes to the row that takes this one's place,
    // or the one before it, or the button that adds a row.
    const neighbour = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    (neighbour ? neighbour.querySelector('[data-name="category"]') : $("sim-add-item")).focus();
    renumberRows();
    scheduleCalculation();
  });
  itemsBox.appendChild(row);
  renumberRows();
  return row;
}

function renumberRows() {
  [...itemsBox.children].forEach((row, n) => {
    row.querySelector(".sim-item__legend").textContent = `経費 ${n + 1}`;
    row.querySelector(".sim-item__remove").setAttribute("aria-label", `この行を削除（経費 ${n + 1}）`);
  });
  updateHints();
}

function updateHints() {
  const scheme = schemeInfo(schemeSelect.value);
  if (!scheme) return;
  itemsBox.querySelectorAll(".sim-item").forEach((row) => {
    const id = row.querySelector('[data-name="category"]').value;
    const category = scheme.categories.find((c) => c.id === id);
    row.querySelector('[data-hint="category"]').textContent = category
      ? `${scheme.name}: ${category.counted ? "" : "対象外 – "}${category.title}。${category.hint}`
      : "";
    const payment = row.querySelector('[data-name="payment"]').value;
    row.querySelector('[data-hint="payment"]').textContent = scheme.payments[payment] || "";
  });
}

function showSchemeFields() {
  document.querySelectorAll("[data-scheme-only]").forEach((element) => {
    element.hidden = element.dataset.schemeOnly !== schemeSelect.value;
  });
  updateHints();
}

function staffInput(schemeId) {
  return $(`sim-staff-${schemeId}`);
}

function anyStaffValue() {
  const filled = [...document.querySelectorAll(".sim-staff")].find((input) => input.value.trim());
  return filled ? filled.value.trim() : "";
}

// The case, in the public case-file format; rowMap[n] is the row behind items[n].
function readCase() {
  const scheme = schemeSelect.value;
  const data = { scheme };
  const staff = staffInput(scheme);
  if (staff && staff.value.trim()) data.ict_staff_fte = staff.value.trim();
  data.ikkan_achieved = $("sim-ikkan").checked;
  data.higher_rate_conditions = [
    ...document.querySelectorAll(`[data-scheme-only="${scheme}"] .sim-condition:checked`),
  ].map((input) => input.value);
  const prior = $("sim-prior").value.trim();
  if (prior) data.prior_subsidy_yen = prior;
  data.items = [];
  rowMap = [];
  itemsBox.querySelectorAll(".sim-item").forEach((row) => {
    const value = (name) => row.querySelector(`[data-name="${name}"]`).value.trim();
    if (!value("name") && !value("amount_yen") && !value("consumption_tax_yen")) return; // a blank row
    const item = { category: value("category"), name: value("name"), amount_yen: value("amount_yen"), payment: value("payment") };
    if (value("consumption_tax_yen")) item.consumption_tax_yen = value("consumption_tax_yen");
    if (row.querySelector('[data-name="before_decision"]').checked) item.before_decision = true;
    data.items.push(item);
    rowMap.push(row);
  });
  return data;
}

function fillForm(data) {
  if (schemeInfo(data.scheme)) schemeSelect.value = data.scheme;
  document.querySelectorAll(".sim-staff").forEach((input) => {
    input.value = "";
  });
  const staff = staffInput(schemeSelect.value);
  if (staff && data.ict_staff_fte !== undefined) staff.value = String(data.ict_staff_fte);
  $("sim-ikkan").checked = Boolean(data.ikkan_achieved);
  document.querySelectorAll(".sim-condition").forEach((input) => {
    input.checked =
      input.closest("[data-scheme-only]").dataset.schemeOnly === schemeSelect.value &&
      (data.higher_rate_conditions || []).includes(input.value);
  });
  $("sim-prior").value = data.prior_subsidy_yen ? String(data.prior_subsidy_yen) : "";
  itemsBox.innerHTML = "";
  (data.items || []).forEach((item) => addRow(item));
  if (!itemsBox.children.length) addRow();
  showSchemeFields();
}

// --- errors at their fields ---------------------------------------------------------------------

function clearErrors() {
  form.querySelectorAll(".sim-error").forEach((element) => {
    element.hidden = true;
    element.textContent = "";
  });
  form.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
}

function controlFor(field) {
  const item = /^items\[(\d+)\]\.(\w+)$/.exec(field);
  if (item) {
    const row = rowMap[Number(item[1])];
    if (!row) return null;
    return row.querySelector(`[data-name="${item[2]}"]`) || row.querySelector('[data-name="amount_yen"]');
  }
  if (field === "ict_staff_fte") return staffInput(schemeSelect.value);
  if (field === "prior_subsidy_yen" || field === "prior_subsidy_count") return $("sim-prior");
  if (field === "scheme") return schemeSelect;
  if (field.startsWith("higher_rate_conditions")) {
    return document.querySelector(`[data-scheme-only="${schemeSelect.value}"] .sim-condition`);
  }
  return null;
}

function labelOf(control) {
  const legend = control.closest(".sim-item")?.querySelector(".sim-item__legend")?.textContent;
  const label = control.labels && control.labels.length ? control.labels[0].textContent.trim() : control.name;
  return legend ? `${legend} の${label}` : label;
}

// A link of the error summary puts the keyboard focus in its field (a fragment link alone would only
// scroll, and would replace a shared link's #case=...).
resultBody.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-focus]");
  if (!link) return;
  event.preventDefault();
  $(link.dataset.focus)?.focus();
});

// The summary names each field to fix and links to it (WCAG 3.3.1, and 1.3.3: not "the red ones").
function showErrors(errors) {
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
  resultBody.innerHTML =
    `<div class="sim-invalid"><p><strong>入力を確かめてください。</strong>次の欄を直すと、結果が表示されます。</p>` +
    `<ul>${fields.join("")}${general.join("")}</ul></div>`;
}

// --- the result ---------------------------------------------------------------------------------

function citeLink(citation) {
  const target = anchors[citation.anchor];
  const label = `出典: ${escapeHtml(citation.clause)}`;
  const source = quotes[`${citation.anchor}\n${citation.quote}`];
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

function renderResult(result) {
  const items = result.items
    .map(
      (item) => `<tr class="sim-status-${item.status}"><td data-label="経費">${escapeHtml(item.name)}<br><small>${escapeHtml(item.category_title)}・${PAYMENT_WORDS[item.payment]}</small></td>
      <td class="num" data-label="金額（税抜）">${yen(item.amount_yen)}</td><td data-label="判定"><strong>${STATUS_WORDS[item.status]}</strong></td><td class="num" data-label="対象になる額">${yen(item.eligible_yen)}</td>
      <td data-label="理由"><ul class="sim-reasons">${item.reasons.map((r) => `<li>${escapeHtml(r.text)} ${citeLink(r.citation)}</li>`).join("")}</ul></td></tr>`,
    )
    .join("");
  const steps = result.steps.map((s) => `<li>${escapeHtml(s.text)} ${citeLink(s.citation)}</li>`).join("");
  const caveats = result.caveats
    .map((c) => {
      const more = anchors[c.id] ? ` <a href="${new URL(anchors[c.id], siteRoot).href}">くわしく</a>` : "";
      return `<li><strong>${escapeHtml(c.title)}</strong>: ${escapeHtml(c.text)}${more}</li>`;
    })
    .join("");
  const requirements = result.requirements
    .map((r) => `<li>${escapeHtml(r.label ? `${r.label} ` : "")}${escapeHtml(r.title)} ${citeLink(r.citation)}</li>`)
    .join("");
  const binds = result.cap_binds
    ? `上限額で止まっています（補助率をかけた額は ${yen(result.rate_amount_yen)}）。`
    : `補助対象経費が ${yen(result.cap_binds_from_yen)} 以上になると、上限額で止まります。`;
  resultEmpty.hidden = true;
  resultBody.hidden = false;
  resultBody.innerHTML = `
    <p class="sim-scheme-name">${escapeHtml(result.scheme_name)}</p>
    <div class="sim-headline">
      <p class="sim-big"><span>補助額</span> <strong id="sim-subsidy">${yen(result.subsidy_yen)}</strong></p>
      <p class="sim-self"><span>自己負担額</span> <strong id="sim-self-pay">${yen(result.self_pay_yen)}</strong>
      <small>（経費の総額 ${yen(result.total_cost_yen)} − 補助額）</small></p>
    </div>
    ${bar(result.subsidy_yen, result.self_pay_yen)}
    <dl class="sim-figures">
      <dt>補助対象経費</dt><dd id="sim-eligible">${yen(result.eligible_expense_yen)}</dd>
      <dt>補助率</dt><dd id="sim-rate">${rateWords(result.rate)}</dd>
      <dt>上限額</dt><dd id="sim-cap">${yen(result.remaining_cap_yen)}${result.remaining_cap_yen !== result.cap_yen ? `（${yen(result.cap_yen)} からこれまでの補助を引いた額）` : ""}</dd>
    </dl>
    <p class="sim-binds">${binds}</p>
    ${result.caveats.length ? `<div class="sim-caveats"><h3>注意（文書に定めがない点・あいまいな点）</h3><ul>${caveats}</ul></div>` : ""}
    <h3>経費ごとの判定</h3>
    ${result.items.length ? `<div class="sim-table"><table><thead><tr><th>経費</th><th>金額（税抜）</th><th>判定</th><th>対象になる額</th><th>理由</th></tr></thead><tbody>${items}</tbody></table></div>` : "<p>経費の入力がありません。</p>"}
    <h3>計算の手順</h3>
    <ol class="sim-steps">${steps}</ol>
    ${requirements ? `<h3>満たす必要のある要件</h3><ul>${requirements}</ul>` : ""}
    <div id="sim-others"></div>`;
}

async function renderOthers(data) {
  const box = $("sim-others");
  if (!box) return;
  const rows = [];
  for (const other of formData.schemes) {
    if (other.id === data.scheme) continue;
    const adapted = { ...data, scheme: other.id };
    adapted.higher_rate_conditions = (data.higher_rate_conditions || []).filter((c) => other.conditions.some((o) => o.id === c));
    if (other.staff.required && !adapted.ict_staff_fte) {
      const staff = anyStaffValue();
      if (staff) adapted.ict_staff_fte = staff;
    }
    let cell;
    try {
      const answer = await ask({ type: "simulate", case: adapted });
      if (answer.type === "result") cell = `<strong>${yen(answer.result.subsidy_yen)}</strong>（補助率 ${rateWords(answer.result.rate)}）`;
      else if (other.staff.required && !adapted.ict_staff_fte) cell = `${escapeHtml(other.staff.label)}を入れると計算できます`;
      else cell = "この見積りのままでは計算できません";
    } catch {
      return;
    }
    rows.push(`<tr><td>${escapeHtml(other.name)} ${escapeHtml(other.title)}</td><td>${cell}</td></tr>`);
  }
  if (!rows.length) return;
  box.innerHTML = `<h3>同じ見積りをほかの制度で計算すると</h3>
    <table><tbody>${rows.join("")}</tbody></table>
    <p><a href="${new URL("compare/", siteRoot).href}">2つの制度の比較</a>もご覧ください。</p>`;
}

async function calculate() {
  if (!worker) return;
  const ticket = ++latestTicket;
  const data = readCase();
  let answer;
  try {
    answer = await ask({ type: "simulate", case: data });
  } catch {
    return;
  }
  if (ticket !== latestTicket) return;
  clearErrors();
  resultSection.setAttribute("aria-busy", "false");
  if (answer.type === "result") {
    renderResult(answer.result);
    if (!window.__firstResultAt) window.__firstResultAt = performance.now(); // read by bench/
    renderOthers(data);
  } else if (answer.type === "invalid") {
    showErrors(answer.errors);
  } else {
    resultBody.hidden = false;
    resultBody.innerHTML = `<p class="sim-invalid">計算できませんでした（${escapeHtml(answer.message)}）。入力を見直すか、ページを読み込み直してください。</p>`;
  }
}

function scheduleCalculation(delay = 300) {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(calculate, delay);
}

// --- save, load, share, print -------------------------------------------------------------------

function encodeCase(data) {
  const bytes = new TextEncoder().encode(JSON.stringify(data));
  let binary = "";
  bytes.forEach((b) => {
    binary += String.fromCharCode(b);
  });
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCase(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

function saveCase() {
  const data = readCase();
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `hojokin-${data.scheme}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function loadCase(file) {
  const text = await file.text();
  let data;
  try {
    data = file.name.toLowerCase().endsWith(".toml") ? await parseToml(text) : JSON.parse(text);
  } catch (error) {
    $("sim-share-text").textContent = `ケースファイルを読めませんでした（${error.message}）。`;
    return;
  }
  fillForm(data);
  $("sim-share-text").textContent = `「${file.name}」を読み込みました。`;
  scheduleCalculation(0);
}

async function parseToml(text) {
  const answer = await ask({ type: "parse-toml", text });
  if (answer.type !== "parsed") throw new Error(answer.message || "TOML として読めません");
  return answer.case;
}

function shareLink() {
  const url = new URL(window.location.href);
  url.hash = `case=${encodeCase(readCase())}`;
  history.replaceState(null, "", url);
  const text = $("sim-share-text");
  text.textContent = "このページのアドレスに入力内容を入れました（「#」の後ろは送信されません）。アドレスをコピーして共有できます。";
  if (navigator.clipboard) navigator.clipboard.writeText(url.href).catch(() => {});
}

// --- start --------------------------------------------------------------------------------------

async function main() {
  const [schemes, anchorMap, quoteMap] = await Promise.all([
    fetch(new URL("simulator/schemes.json", assets)).then((r) => r.json()),
    fetch(new URL("anchors.json", assets)).then((r) => r.json()),
    fetch(new URL("quotes.json", assets)).then((r) => r.json()).catch(() => ({})), // 原文 links are a help, not a need
  ]);
  formData = schemes;
  anchors = anchorMap;
  quotes = quoteMap;
  const fromLink = /(?:^#|&)case=([^&]+)/.exec(window.location.hash);
  if (fromLink) {
    try {
      fillForm(decodeCase(fromLink[1]));
    } catch {
      addRow();
    }
  } else {
    // A first visit starts from an example, so that a result shows as soon as the engine is ready.
    fillForm(EXAMPLE);
  }
  showSchemeFields();
  formFilled = true;
  scheduleCalculation(0); // queued in the worker until the engine is ready
  form.addEventListener("input", () => scheduleCalculation());
  form.addEventListener("change", (event) => {
    if (event.target === schemeSelect) showSchemeFields();
    if (event.target.dataset && ["category", "payment"].includes(event.target.dataset.name)) updateHints();
    if (event.target.id !== "sim-load") scheduleCalculation();
  });
  $("sim-add-item").addEventListener("click", () => {
    const row = addRow();
    row.querySelector('[data-name="category"]').focus();
  });
  $("sim-save").addEventListener("click", saveCase);
  $("sim-load").addEventListener("change", (event) => {
    if (event.target.files[0]) loadCase(event.target.files[0]);
    event.target.value = "";
  });
  $("sim-share").addEventListener("click", shareLink);
  $("sim-print").addEventListener("click", () => window.print());
  retryButton.addEventListener("click", () => {
    restarts = 0;
    startWorker();
  });
  if (!supported()) {
    runtimeText.textContent =
      "このブラウザでは試算を動かせません（WebAssembly か Web Worker が使えません）。新しい Chrome、Edge、Firefox、Safari でお試しください。";
    runtimeBar.hidden = true;
    return;
  }
  // For the tests: end the worker the way a crash would, without telling the page.
  window.__simulator = { kill: () => worker && worker.terminate() };
}

if (supported()) {
  const early = window.__simulatorStart;
  delete window.__simulatorStart;
  startWorker(early && early.worker ? early : null); // at once, while the form loads
}
main();
