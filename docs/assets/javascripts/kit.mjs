// The preparation kit page (docs/kit.md): the case of a "#case=" link (the simulator's link), the
// engine's kit for it (calculator/_kit.py, through calculator/_web.py's `kit`), shown as a checklist
// to tick, a plan draft to write in, the expense table, and the files to save.
// Owns: this page's DOM under #kit. Every word of the kit comes from the engine; this module adds
// only the page's own labels. Nothing leaves the browser: the engine is the simulator's worker, the
// files are made here, and nothing is stored (the ticks and what is written live in this page only,
// as the requirement pages' checklists do; the reader saves the draft as a file).
const script = document.querySelector("script[data-site-root]");
const siteRoot = new URL(script.dataset.siteRoot || "./", window.location.href);
const assets = new URL("assets/", siteRoot);
const $ = (id) => document.getElementById(id);
const root = $("kit");
const statusLine = $("kit-status");
const GROUPS = { documents: "提出するもの", dates: "期限", requirements: "満たす必要のある要件と宣言" };
const COLUMNS = ["番号", "品名", "区分", "支払方法", "数量", "単価", "金額（税抜）", "消費税", "判定", "補助対象経費"];

let worker = null;
let nextId = 1;
const pending = new Map();
let theCase = null;
let kit = null;
let files = null;
const answers = {}; // what is written in the plan's boxes: this page's memory only
let refreshTimer = null;

// --- the worker: the simulator's own, started the way simulator.mjs starts it --------------------

// A blob: module that imports the real worker inherits this page's Content-Security-Policy (the
// engine can fetch nothing but this site's files); simulator.mjs says more.
function startWorker() {
  const real = new URL("javascripts/simulator-worker.mjs", assets).href;
  const blob = URL.createObjectURL(new Blob([`import ${JSON.stringify(real)};\n`], { type: "text/javascript" }));
  worker = new Worker(blob, { type: "module" });
  worker.onmessage = (event) => {
    const message = event.data || {};
    if (message.type === "progress") {
      say(`${message.text}…`);
    } else if (message.type === "boot-failed") {
      say(`${message.text} ページを読み込み直してください。`);
    } else if (pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  };
}

function ask(message) {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, ...message });
  });
}

function say(text) {
  statusLine.textContent = text;
}

// The reader's own day (not UTC's): the window's status is for the day they read it.
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

async function makeKit() {
  return ask({ type: "kit", case: theCase, answers: JSON.stringify(answers), today: today() });
}

// --- rendering ----------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function cite(citation) {
  return citation ? el("span", { class: "kit-cite", text: `（出典: ${citation.clause}「${citation.quote}」）` }) : null;
}

function yen(amount) {
  return `${Number(amount).toLocaleString("ja-JP")}円`;
}

function render() {
  const parts = [
    el("p", { class: "kit-scheme", text: `${kit.scheme_name} ${kit.title}${kit.facility_name ? ` ／ ${kit.facility_name}` : ""}` }),
    notice(),
    checklist(),
    plan(),
    expenses(),
    characters(),
  ];
  root.replaceChildren(...parts.filter(Boolean));
}

function notice() {
  const box = el("div", { class: "admonition warning kit-notice" }, el("p", { class: "admonition-title", text: "県の様式ではありません" }), el("p", { text: kit.not_the_form }));
  if (kit.official_url) {
    box.append(el("p", {}, "県の様式と要綱: ", el("a", { href: kit.official_url, rel: "noopener", text: kit.official_url })));
  }
  box.append(el("p", { class: "kit-actions" }, button("印刷する（A4）", () => window.print(), "kit-print")));
  return box;
}

function button(text, action, id) {
  const node = el("button", { type: "button", class: "md-button", id, text });
  node.addEventListener("click", action);
  return node;
}

function checklist() {
  const section = el("section", { class: "kit-checklist", "aria-labelledby": "kit-checklist-title" }, el("h2", { id: "kit-checklist-title", text: "提出するものと期限" }));
  section.append(el("p", { class: "kit-hint", text: "済んだものにチェックを付けます。チェックはどこにも保存されず、ページを閉じると消えます。" }));
  for (const [group, title] of Object.entries(GROUPS)) {
    const entries = kit.checklist.filter((c) => c.group === group);
    if (!entries.length) continue;
    const list = el("ul", { class: "kit-checks" });
    for (const entry of entries) {
      const box = el("input", { type: "checkbox", id: `kit-check-${entry.id}` });
      list.append(
        el(
          "li",
          {},
          box,
          el("label", { for: box.id, text: entry.text }),
          entry.detail ? el("p", { class: "kit-detail", text: entry.detail }) : null,
          entry.citation ? el("p", { class: "kit-detail" }, cite(entry.citation)) : null,
        ),
      );
    }
    section.append(el("h3", { text: title }), list);
  }
  return section;
}

function plan() {
  const section = el("section", { class: "kit-plan", "aria-labelledby": "kit-plan-title" }, el("h2", { id: "kit-plan-title", text: `${kit.plan_title}の下書き` }));
  section.append(el("p", {}, kit.plan_text, " ", cite(kit.plan_citation)));
  section.append(
    el(
      "p",
      { class: "kit-actions" },
      button("下書きを Markdown（.md）で保存", () => save("plan.md", "導入計画の下書き.md", "text/markdown"), "kit-save-md"),
      " ",
      button("下書きをテキスト（.txt）で保存", () => save("plan.txt", "導入計画の下書き.txt", "text/plain"), "kit-save-txt"),
    ),
  );
  let number = 0;
  for (const part of kit.plan) {
    const heading = part.level === 2 ? `${++number}. ${part.title}` : part.title;
    const box = el("div", { class: `kit-heading kit-heading--${part.level}` });
    box.append(el(part.level === 2 ? "h3" : "h4", { text: heading + (part.required ? "（文書が求める内容）" : "") }));
    box.append(el("p", { class: "kit-guide" }, `書くこと: ${part.guidance} `, cite(part.citation)));
    if (part.filled.length) {
      box.append(el("p", { class: "kit-filled-title", text: "試算の内容から:" }), el("ul", { class: "kit-filled" }, ...part.filled.map((line) => el("li", { text: line }))));
    }
    const area = el("textarea", { id: `kit-answer-${part.id}`, rows: "4", "data-heading": part.id, placeholder: part.to_write ? "【記入してください】" : "" });
    area.value = answers[part.id] || "";
    const printed = el("div", { class: "kit-answer-print", "aria-hidden": "true", text: area.value || (part.to_write ? "【記入してください】" : "") });
    area.addEventListener("input", () => {
      answers[part.id] = area.value;
      printed.textContent = area.value || (part.to_write ? "【記入してください】" : "");
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, 800);
    });
    box.append(el("label", { for: area.id, class: "kit-answer-label", text: `記入欄: ${part.title}` }), area, printed);
    section.append(box);
  }
  return section;
}

function expenses() {
  const section = el("section", { class: "kit-expenses", "aria-labelledby": "kit-expenses-title" }, el("h2", { id: "kit-expenses-title", text: "経費の表（経費所要額調書の形）" }));
  section.append(el("p", { class: "kit-actions" }, button("表を CSV（Excel 用）で保存", () => save("expenses.csv", "経費の表.csv", "text/csv"), "kit-save-csv")));
  // Tables without a class of their own, so the theme styles them as the guide's tables.
  const table = el("table", {}, el("thead", {}, el("tr", {}, ...COLUMNS.map((c) => el("th", { scope: "col", text: c })))));
  const body = el("tbody");
  const NUMBERS = new Set([0, 4, 5, 6, 7, 9]);
  for (const row of kit.expenses) {
    const cells = [row.number, row.name, row.category, row.payment, row.quantity, row.unit_yen === null ? "" : yen(row.unit_yen), yen(row.amount_yen), yen(row.tax_yen), row.status, yen(row.eligible_yen)];
    body.append(el("tr", {}, ...cells.map((c, n) => el("td", NUMBERS.has(n) ? { class: "kit-number", text: String(c) } : { text: String(c) }))));
  }
  table.append(body);
  const totals = el("tbody");
  for (const [label, value] of kit.summary) {
    totals.append(el("tr", {}, el("th", { scope: "row", text: label }), el("td", typeof value === "number" ? { class: "kit-number", text: yen(value) } : { text: value })));
  }
  const summary = el("table", {}, el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "集計" }), el("th", { scope: "col", text: "金額・内容" }))), totals);
  section.append(wrap(table, "経費の表"), wrap(summary, "経費の集計"));
  return section;
}

// A table wider than a phone scrolls in its own box, which the keyboard can reach (and scroll) too.
function wrap(table, name) {
  return el("div", { class: "md-typeset__scrollwrap kit-table", tabindex: "0", role: "region", "aria-label": name }, el("div", { class: "md-typeset__table" }, table));
}

function characters() {
  if (!kit.characters_rule) return null;
  const section = el("section", { class: "kit-characters", "aria-labelledby": "kit-characters-title" }, el("h2", { id: "kit-characters-title", text: "使えない文字（環境依存文字）" }));
  section.append(el("p", { text: kit.characters_rule }));
  const list = el("ul", { id: "kit-findings", "aria-live": "polite" });
  fillFindings(list);
  section.append(list);
  return section;
}

function fillFindings(list) {
  const where = (field) => {
    const part = kit.plan.find((p) => `plan.${p.id}` === field);
    return part ? `記入欄「${part.title}」` : field;
  };
  list.replaceChildren(
    ...(kit.findings.length ? kit.findings.map((f) => el("li", { text: `${where(f.field)}: 「${f.character}」（${f.position}文字目）は使えない文字です` })) : [el("li", { text: "使えない文字は見つかりませんでした。" })]),
  );
}

// What was written is checked again (its characters) a moment after the typing stops.
async function refresh() {
  const answer = await makeKit();
  if (answer.type !== "kit") return;
  kit = answer.kit;
  files = answer.files;
  const list = $("kit-findings");
  if (list) fillFindings(list);
}

// --- files --------------------------------------------------------------------------------------

async function save(key, name, type) {
  const answer = await makeKit(); // with what is written now
  if (answer.type !== "kit") return;
  files = answer.files;
  const link = el("a", { download: `${kit.scheme}-${name}` });
  link.href = URL.createObjectURL(new Blob([files[key]], { type: `${type};charset=utf-8` }));
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000); // simulator.mjs says why a minute
}

// --- start --------------------------------------------------------------------------------------

function noCase(text) {
  const back = new URL("simulator/", siteRoot).href;
  statusLine.replaceChildren(text, " ", el("a", { href: back, text: "補助額を試算する" }), " のページで試算し、結果の共有リンクの「#case=」以下をこのページのアドレスに付けて開いてください。");
}

async function main() {
  const link = /(?:^#|&)case=([^&]*)/.exec(window.location.hash);
  if (!link) {
    noCase("試算の内容がありません。");
    return;
  }
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    say("このブラウザでは計算エンジンを動かせません（WebAssembly と Web Worker が必要です）。");
    return;
  }
  say("計算エンジンを準備しています…");
  startWorker();
  const opened = await ask({ type: "open-link", fragment: link[1] });
  if (opened.type !== "opened") {
    noCase(`共有リンクを読めませんでした（${(opened.errors || []).map((e) => e.message).join(" ")}）。`);
    return;
  }
  theCase = opened.case;
  const answer = await makeKit();
  if (answer.type !== "kit") {
    const errors = (answer.errors || []).map((e) => `${e.field ? `${e.field}: ` : ""}${e.message}`).join(" ");
    noCase(`この内容では準備キットを作れません（${errors || answer.message || ""}）。`);
    return;
  }
  kit = answer.kit;
  files = answer.files;
  say("準備キットができました。");
  render();
}

main();
