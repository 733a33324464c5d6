// The simulator page: the form, the worker that runs the engine, and the result.
// Nothing typed here leaves the browser: the engine runs in a Web Worker of this origin, a saved
// case is a file made in the browser, and a shared link keeps the case after "#", which browsers
// never send to a server.
// This module starts the parts (simulator/page.mjs lists them) and decides when to compute: on each
// edit, after a short pause, and only the latest answer is shown.
import { ask, hasWorker, killWorker, retry, startWorker, supported } from "./simulator/engine.mjs";
import { addRow, buildForm, clearErrors, exampleCase, fillForm, readCase, showKept, splitUnitPrice, showSchemeFields, updateHints } from "./simulator/form.mjs";
import { offerShareSheet, readDraft, saveCase, saveDraft, shareLink, tell, DRAFT_KEY } from "./simulator/keep.mjs";
import { amountWords, renderOthers, renderResult, showAmount, showErrors, showSummary } from "./simulator/result.mjs";
import { showSheet } from "./simulator/sheet.mjs";
import { $, assets, escapeHtml, linksInNewTab, schemeInfo, site, STATUS_WORDS } from "./simulator/page.mjs";
import { showBatch } from "./batch.mjs";

const form = $("sim-form");
const schemeSelect = $("sim-scheme");
const resultBody = $("sim-result-body");
const resultEmpty = $("sim-result-empty");
const resultSection = $("sim-result");
const runtimeText = $("sim-runtime-text");
const runtimeBar = $("sim-runtime-progress");
const retryButton = $("sim-retry");

let debounceTimer = null;
let latestTicket = 0; // only the answer to the latest case is shown
let formFilled = false; // main() has filled the form: a ready engine may calculate
// Whether the case in the form is one to compute: it has an expense, or it was opened (a file, a
// link). An empty form shows no amount (an amount of nothing would read as an answer).
let openedByUser = false;

// The state before any amount: the hint, no figures.
function showNoAnswer() {
  latestTicket += 1;
  clearErrors();
  showAmount(null);
  resultBody.hidden = true;
  resultBody.replaceChildren();
  resultEmpty.hidden = false;
  showSummary(null);
  showSheet(null);
}

async function calculate() {
  if (!formFilled) return;
  const data = readCase();
  saveDraft(data);
  showKept(data);
  if (!data.items.length && !openedByUser) {
    showNoAnswer();
    return;
  }
  if (!hasWorker()) return;
  const ticket = ++latestTicket;
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
    showSummary(answer.result);
    showSheet(answer.result, data);
    $("sim-announce").textContent = `補助額 ${amountWords(answer.result)}`;
    if (!window.__firstResultAt) window.__firstResultAt = performance.now(); // read by bench/
    renderOthers(data);
  } else if (answer.type === "invalid") {
    showErrors(answer.errors);
    showSummary(null);
    showSheet(null);
  } else {
    showSummary(null);
    showSheet(null);
    resultBody.hidden = false;
    showAmount(null);
    resultBody.innerHTML = `<p class="sim-invalid">計算できませんでした（${escapeHtml(answer.message)}）。入力を見直すか、ページを読み込み直してください。</p>`;
  }
}

function scheduleCalculation(delay = 300) {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(calculate, delay);
}

// --- save, load, share, print -------------------------------------------------------------------

// Open a case (a file or a link) through the engine, which reads and checks it exactly as the CLI
// does; the form changes only if the whole case is one it can hold.
async function openCase(message, name) {
  let answer;
  try {
    answer = await ask(message);
  } catch {
    tell(`${name}を読み込めませんでした（計算エンジンが止まりました）。準備ができてから、もう一度お試しください。`);
    return false;
  }
  if (answer.type.startsWith("batch-")) {
    tell(`${name}は複数の事業所のファイルです。事業所ごとの表に示します。`);
    return showBatch({ ask, answer, name });
  }
  if (answer.type === "opened") {
    // The amount of the case before is no longer the answer: none is shown until this one's is,
    // and an answer still on its way for the case before is dropped.
    latestTicket += 1;
    showAmount(null);
    resultBody.hidden = true;
    resultEmpty.hidden = false;
    fillForm(answer.case);
    openedByUser = true;
    tell(`${name}を読み込みました。`);
    scheduleCalculation(0);
    return true;
  }
  if (answer.type === "refused") {
    tell(`${name}を読み込めませんでした。入力はそのままです。`, answer.errors);
  } else {
    tell(`${name}を読み込めませんでした（${answer.message || answer.type}）。`);
  }
  return false;
}

async function loadCase(file) {
  // The File itself: the worker reads no more than the engine would (a file of many facilities may
  // be larger than a case), and a larger one is refused by it, with the CLI's message.
  tell(`「${file.name}」を読んでいます…`);
  await openCase({ type: "open-file", name: file.name, bytes: file }, `「${file.name}」`);
}

async function main() {
  const [schemes, anchorMap, quoteMap] = await Promise.all([
    fetch(new URL("simulator/schemes.json", assets)).then((r) => r.json()),
    fetch(new URL("anchors.json", assets)).then((r) => r.json()),
    fetch(new URL("quotes.json", assets)).then((r) => r.json()).catch(() => ({})), // 原文 links are a help, not a need
  ]);
  site.formData = schemes;
  site.anchors = anchorMap;
  site.quotes = quoteMap;
  Object.assign(STATUS_WORDS, schemes.words.item_status);
  buildForm();
  form.addEventListener("input", () => scheduleCalculation());
  form.addEventListener("focusout", (event) => {
    if (event.target.dataset && event.target.dataset.name === "amount_yen" && splitUnitPrice(event.target)) scheduleCalculation(0);
  });
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
  offerShareSheet($("sim-share-app"));
  $("sim-print").addEventListener("click", () => window.print());
  $("sim-example").addEventListener("click", () => {
    fillForm(exampleCase(schemeInfo(schemeSelect.value)));
    openedByUser = false;
    scheduleCalculation(0);
  });
  $("sim-clear").addEventListener("click", () => {
    try {
      sessionStorage.removeItem(DRAFT_KEY);
    } catch {
      // nothing was kept
    }
    const url = new URL(window.location.href);
    if (/(?:^#|&)case=/.test(url.hash)) {
      url.hash = "";
      history.replaceState(null, "", url);
    }
    fillForm({ scheme: schemeSelect.value, items: [] });
    openedByUser = false;
    tell("入力を消しました。");
    showNoAnswer();
    scheduleCalculation(0);
  });
  $("sim-summary-more").addEventListener("click", () => {
    const heading = $("sim-result-heading");
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  });
  linksInNewTab(form);
  $("sim-example").disabled = false; // both work from now on (the page's HTML has them disabled)
  $("sim-clear").disabled = false;
  retryButton.addEventListener("click", retry);
  if (!supported()) {
    fillForm(readDraft() || { scheme: site.formData.schemes[0].id, items: [] });
    runtimeText.textContent =
      "このブラウザでは試算を動かせません（WebAssembly か Web Worker が使えません）。新しい Chrome、Edge、Firefox、Safari でお試しください。";
    runtimeBar.hidden = true;
    return;
  }
  // For the tests: end the worker the way a crash would, without telling the page.
  window.__simulator = { kill: killWorker };
  // A shared link's case (the case-file contract: "#case=" and the base64url of the case's JSON) is
  // read by the engine like a file; until it has answered, the form waits, empty.
  // A link pasted into this open page changes only the address's "#...": open it too.
  window.addEventListener("hashchange", () => {
    const pasted = /(?:^#|&)case=([^&]*)/.exec(window.location.hash);
    if (pasted) openCase({ type: "open-link", fragment: pasted[1] }, "共有リンクの入力内容");
  });
  const fromLink = /(?:^#|&)case=([^&]*)/.exec(window.location.hash);
  const draft = readDraft();
  if (draft) {
    // This tab's draft (a reload, or Back from another page): as it was left, link or not.
    fillForm(draft);
    openedByUser = Boolean(fromLink);
    tell("このタブで入力していた内容を戻しました（「入力を消す」で消せます）。");
  } else if (fromLink) {
    tell("共有リンクの入力内容を読み込んでいます…");
    const done = await openCase({ type: "open-link", fragment: fromLink[1] }, "共有リンクの入力内容");
    if (!done) fillForm({ scheme: site.formData.schemes[0].id, items: [] });
  } else {
    // An empty form with hints: an amount shows once an expense is entered (or 「例を入れる」 puts one in).
    fillForm({ scheme: site.formData.schemes[0].id, items: [] });
  }
  formFilled = true;
  scheduleCalculation(0); // queued in the worker until the engine is ready
}

if (supported()) {
  const early = window.__simulatorStart;
  delete window.__simulatorStart;
  startWorker(early && early.worker ? early : null, { onReady: () => formFilled && scheduleCalculation(0) }); // at once, while the form loads
}
main();
