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

// The example 「例を入れる」 puts in, for the chosen scheme: a row of its first category, and the
// facility's facts its caps need. It replaces what is in the form, as opening a file does.
function exampleCase(scheme) {
  const category = scheme.categories.find((c) => c.counted);
  const data = { scheme: scheme.id, items: [] };
  if (scheme.staff.required) data.ict_staff_fte = "10";
  if (scheme.capacity.required) data.capacity = 10;
  if (category) {
    data.items.push({ category: category.id, name: `（例）${category.name}`, amount_yen: "80万円", consumption_tax_yen: "8万円" });
  }
  return data;
}
// The draft: the case as typed, kept in this tab's sessionStorage only (gone when the tab closes;
// never sent anywhere), so that a reload or Back does not lose it. Its name has the site's prefix,
// so the privacy page's button (storage.js) lists and deletes it with the rest.
const DRAFT_KEY = `kaigo-ict:${new URL("./", siteRoot).pathname}:simulator-draft`;
// What the form shows of a case; every other field of an opened case is kept as the file has it.
const FORM_FIELDS = [
  "scheme",
  "ict_staff_fte",
  "capacity",
  "application_type",
  "ikkan_achieved",
  "higher_rate_conditions",
  "service_type",
  "prior_subsidy_yen",
  "items",
];
// A row's fields: these, and every item flag a scheme defines (added from schemes.json in main()).
let ROW_FIELDS = [
  "category",
  "name",
  "amount_yen",
  "consumption_tax_yen",
  "payment",
  "kind",
  "quantity",
  "unit_amount_yen",
  "monthly_amount_yen",
  "first_payment_month",
  "payment_count",
];
let flagIds = []; // every item flag of every scheme, in order of first appearance

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
// The case as data: the last case opened (a file, a link, the example). The form changes only the
// fields it shows; every other field is computed, saved and shared as it is.
let opened = { scheme: "", items: [] };
// For each control, what fillForm put in it and the file's own value: a control left as filled gives
// back the file's value exactly (a number stays a number, an absent key stays absent).
let filled = new WeakMap();
let rowItems = new WeakMap(); // row -> the file's item behind it (absent for a row added in the page)
let rowCount = 0; // makes each row's ids unique
let conditionsFilled = null; // {checked: "a,b", present, value}
// Whether the case in the form is one to compute: it has an expense, or it was opened (a file, a
// link). An empty form shows no amount (an amount of nothing would read as an answer).
let openedByUser = false;

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

// Every stage of the start has a deadline in proportion to what it loads (the bytes the worker names
// for it, at a slow mobile line's 1 Mbit/s) plus time to compile and run: a fetch that never ends,
// a worker killed while it starts or a runtime that never settles all end in a restart, and past
// the restarts in a plain-Japanese message and the retry button, never in a page that waits forever.
const DEADLINE_BASE_MS = 30_000;
const SLOW_LINE_BYTES_PER_MS = 125;
const WORKER_SCRIPT_BYTES = 300_000; // the worker's module and pyodide.mjs, before its first message
const STAGE_WORDS = {
  worker: "計算エンジンのプログラムの読み込み",
  manifest: "計算エンジンの目録の読み込み",
  runtime: "Python の実行環境の読み込み",
  engine: "計算エンジンの読み込み",
  import: "計算エンジンの起動",
};
let deadline = null;

function armDeadline(stage, bytes) {
  clearTimeout(deadline);
  const scale = Number(window.__simulatorDeadlineScale) || 1; // tests shorten the wait
  const words = STAGE_WORDS[stage] || "計算エンジンの準備";
  deadline = setTimeout(
    () => workerDied(`${words}が時間内に終わりませんでした。`),
    scale * (DEADLINE_BASE_MS + bytes / SLOW_LINE_BYTES_PER_MS),
  );
}

// The worker the page's head started (overrides/main.html), with what it said before this module ran;
// a new one when there is none (or after a failure). Requests not yet answered go to the new one.
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
  armDeadline("worker", WORKER_SCRIPT_BYTES);
  for (const entry of pending.values()) {
    entry.tries += 1;
    worker.postMessage(entry.message);
  }
  if (early) {
    for (const message of early.messages) onWorkerMessage(message);
    if (early.failed) workerDied("計算エンジンの読み込み中に問題が起きました。");
  }
}

function retry() {
  restarts = 0;
  if (worker) worker.terminate();
  startWorker();
}

// Back online: a start that failed (or is stuck on a fetch made offline) is tried again at once.
window.addEventListener("online", () => {
  if (!ready) retry();
});

function workerDied(reason) {
  clearTimeout(deadline);
  for (const [id, entry] of pending) {
    clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.tries >= 2) {
      // Asked of two workers and answered by neither: this request may itself be what stops them.
      pending.delete(id);
      entry.reject(new Error(reason));
    }
  }
  if (worker) worker.terminate();
  worker = null;
  ready = false;
  const offline = navigator.onLine === false;
  const why = offline ? `${reason} インターネットにつながっていないようです。` : reason;
  if (!offline && restarts < 2) {
    restarts += 1;
    startWorker();
    runtimeText.textContent = `${why} 計算エンジンを起動し直しています…（入力した内容はそのままです）`;
  } else {
    const automatic = offline ? "つながりしだい、自動でもう一度試します。" : "";
    runtimeText.textContent = `${why} ${automatic}「もう一度試す」を押してください。入力した内容はそのままです。`;
    runtimeBar.hidden = true;
    retryButton.hidden = false;
  }
}

function onWorkerMessage(message) {
  if (message.type === "progress") {
    if (message.bytes !== null && message.bytes !== undefined) armDeadline(message.stage, message.bytes);
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
    $("simulator").dataset.engine = "ready"; // for tests and bench/: the engine answers from now on
    clearTimeout(deadline);
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
    workerDied(message.text || "計算エンジンを起動できませんでした。");
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
    const entry = { resolve, reject, timer: null, tries: 1, message: { id, ...message } };
    if (ready) entry.timer = watchdog();
    pending.set(id, entry);
    worker.postMessage(entry.message);
  });
}

// --- the form -----------------------------------------------------------------------------------

// A row for `values` (an item of the case file, or nothing for a new row), numbered `n` (from 0).
// Building n rows is linear: a row is numbered and hinted once, and only a removal renumbers.
function makeRow(values, n) {
  const row = itemTemplate.content.firstElementChild.cloneNode(true);
  const uid = `sim-item-${(rowCount += 1)}`;
  // A checkbox for each item flag; hintRow gives it the chosen scheme's words, or hides it.
  const flags = row.querySelector(".sim-item__flags");
  for (const id of flagIds) {
    const box = document.createElement("div");
    box.className = "sim-check";
    box.dataset.flag = id;
    const input = document.createElement("input");
    input.type = "checkbox";
    input.dataset.name = id;
    const label = document.createElement("label");
    label.dataset.for = id;
    box.append(input, label);
    flags.appendChild(box);
  }
  // The kinds the row's category has must be options before the file's kind is put in.
  const scheme = schemeInfo(schemeSelect.value);
  if (scheme) fillCategories(row, scheme);
  if (values && scheme) {
    const select = row.querySelector('[data-name="category"]');
    if (has(values, "category") && ![...select.options].some((o) => o.value === String(values.category))) {
      select.append(new Option(String(values.category), String(values.category)));
    }
    fillKinds(row, scheme, values.category);
  }
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
    if (values) fillControl(control, values, name);
  });
  if (values) rowItems.set(row, values);
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
  numberRow(row, n);
  hintRow(row, scheme);
  return row;
}

function addRow() {
  const row = makeRow(null, itemsBox.children.length);
  itemsBox.appendChild(row);
  return row;
}

function numberRow(row, n) {
  row.querySelector(".sim-item__legend").textContent = `経費 ${n + 1}`;
  row.querySelector(".sim-item__remove").setAttribute("aria-label", `この行を削除（経費 ${n + 1}）`);
}

function renumberRows() {
  [...itemsBox.children].forEach(numberRow);
}

// The kind select offers the kinds the scheme defines for `categoryId` (none: the field hides); a kind
// already chosen stays chosen while the new list has it.
function fillKinds(row, scheme, categoryId) {
  const select = row.querySelector('[data-name="kind"]');
  const category = scheme.categories.find((c) => c.id === categoryId);
  const kinds = category ? category.kinds : [];
  const current = select.value;
  const options = kinds.map((kind) => new Option(kind.title, kind.id));
  select.replaceChildren(select.options[0], ...options);
  if (kinds.some((kind) => kind.id === current)) select.value = current;
  row.querySelector('[data-shown-for="kind"]').hidden = !kinds.length && !select.value;
}

function hintRow(row, scheme) {
  if (!scheme) return;
  fillCategories(row, scheme);
  const id = row.querySelector('[data-name="category"]').value;
  const category = scheme.categories.find((c) => c.id === id);
  row.querySelector('[data-hint="category"]').textContent = category
    ? `${scheme.name}: ${category.counted ? "" : `${STATUS_WORDS.excluded} – `}${category.title}。${category.hint}`
    : "";
  const payment = row.querySelector('[data-name="payment"]').value;
  row.querySelector('[data-hint="payment"]').textContent = scheme.payments[payment] || "";
  fillKinds(row, scheme, id);
  // Monthly amount and first month: for a lease or monthly payment (or where the file gives them).
  const monthly = row.querySelector('[data-shown-for="monthly"]');
  const given = [...monthly.querySelectorAll("input")].some((input) => input.value.trim());
  monthly.hidden = payment === "purchase" && !given;
  // Each flag in the scheme's own words; a flag the scheme does not have is hidden (unless ticked).
  for (const box of row.querySelectorAll("[data-flag]")) {
    const flag = scheme.flags.find((f) => f.id === box.dataset.flag);
    const input = box.querySelector("input");
    box.querySelector("label").textContent = flag ? flag.title : box.dataset.flag;
    box.hidden = !flag && !input.checked;
  }
}

function updateHints() {
  const scheme = schemeInfo(schemeSelect.value);
  itemsBox.querySelectorAll(".sim-item").forEach((row) => hintRow(row, scheme));
}

function showSchemeFields() {
  document.querySelectorAll("[data-scheme-only]").forEach((element) => {
    element.hidden = element.dataset.schemeOnly !== schemeSelect.value;
  });
  // 一気通貫 only where the chosen scheme's categories depend on it (or a file has it ticked).
  const scheme = schemeInfo(schemeSelect.value);
  $("sim-ikkan-field").hidden = Boolean(scheme) && scheme.ikkan === false && !$("sim-ikkan").checked;
  updateHints();
}

function staffInput(schemeId) {
  return $(`sim-staff-${schemeId}`);
}

function capacityInput(schemeId) {
  return $(`sim-capacity-${schemeId}`);
}

function applicationSelect(schemeId) {
  return $(`sim-application-${schemeId}`);
}

// An element with text (never HTML: every word here comes from the scheme files).
function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  made.append(...children);
  return made;
}

// A labelled field with its hint and its error box; `control` gets the ids.
function field(id, label, control, hint) {
  control.id = id;
  control.setAttribute("aria-describedby", `${id}-hint ${id}-error`);
  return element(
    "div",
    { class: "sim-field" },
    element("label", { for: id }, label),
    control,
    element("p", { class: "sim-hint", id: `${id}-hint` }, hint),
    element("p", { class: "sim-error", id: `${id}-error`, hidden: "" }),
  );
}

// Each scheme's own fields, from schemes.json alone: the head count where a cap (the scheme's or a
// menu's) goes by staff, the capacity where a menu counts units up to it, the ways to apply where the
// scheme has more than one, and the conditions that raise the rate. Only the chosen scheme's show.
function buildSchemeFields() {
  const fields = [];
  const conditions = [];
  for (const scheme of formData.schemes) {
    const box = element("div", { "data-scheme-only": scheme.id });
    if (scheme.staff.required) {
      const input = element("input", { class: "sim-staff", inputmode: "decimal", "data-field": "ict_staff_fte", placeholder: "例: 12" });
      box.append(field(`sim-staff-${scheme.id}`, scheme.staff.label, input, `${scheme.staff.note ? `${scheme.staff.note} ` : ""}${scheme.staff.hint}`));
    }
    if (scheme.capacity.required) {
      const input = element("input", { class: "sim-capacity", inputmode: "numeric", "data-field": "capacity", "data-integer": "", placeholder: "例: 30" });
      box.append(field(`sim-capacity-${scheme.id}`, scheme.capacity.label, input, scheme.capacity.hint));
    }
    if (scheme.application_types.length) {
      const select = element("select", { class: "sim-application", "data-field": "application_type" });
      select.append(new Option(scheme.standard_application, ""), ...scheme.application_types.map((t) => new Option(t.title, t.id)));
      const hint = scheme.application_types.map((t) => `${t.title}: ${t.text}`).join(" ");
      box.append(field(`sim-application-${scheme.id}`, "申請の型", select, hint));
    }
    if (box.childElementCount) fields.push(box);
    if (scheme.conditions.length) {
      const set = element("fieldset", { class: "sim-conditions", "data-scheme-only": scheme.id }, element("legend", {}, scheme.conditions_legend));
      for (const c of scheme.conditions) {
        const id = `sim-cond-${scheme.id}-${c.id}`;
        const input = element("input", { type: "checkbox", id, class: "sim-condition", value: c.id, "data-field": "higher_rate_conditions" });
        set.append(element("div", { class: "sim-check" }, input, element("label", { for: id }, `${c.label} ${c.title}: ${c.text}`)));
      }
      conditions.push(set);
    }
  }
  $("sim-scheme-fields").replaceChildren(...fields);
  $("sim-scheme-conditions").replaceChildren(...conditions);
}

// The row's category select offers the chosen scheme's categories, grouped by menu where the scheme
// has menus, then those it excludes by name (対象外). A value the scheme does not know stays as it is
// (from a file of another scheme): the engine then names it at the field, nothing is changed silently.
function fillCategories(row, scheme) {
  const select = row.querySelector('[data-name="category"]');
  if (row.dataset.scheme === scheme.id) return;
  row.dataset.scheme = scheme.id;
  const current = select.value;
  const option = (c) => new Option(c.counted ? c.title : `${c.title}（${STATUS_WORDS.excluded}）`, c.id);
  const counted = scheme.categories.filter((c) => c.counted);
  const groups = scheme.menus.length
    ? scheme.menus.map((menu) => {
        const group = element("optgroup", { label: menu.title });
        group.append(...counted.filter((c) => c.menu === menu.id).map(option));
        return group;
      })
    : counted.map(option);
  const excluded = scheme.categories.filter((c) => !c.counted);
  if (excluded.length) {
    const group = element("optgroup", { label: `${STATUS_WORDS.excluded}（補助の対象になりません）` });
    group.append(...excluded.map(option));
    groups.push(group);
  }
  select.replaceChildren(...groups);
  if (current && !scheme.categories.some((c) => c.id === current)) select.append(new Option(current, current));
  if (current) select.value = current;
}

function anyStaffValue() {
  const filled = [...document.querySelectorAll(".sim-staff")].find((input) => input.value.trim());
  return filled ? filled.value.trim() : "";
}

// 「4万円×5台」 typed as the amount is a unit price times a quantity: the row's unit price and quantity
// fields take the two (the engine then computes the amount, as for a file with unit_amount_yen), so
// the user sees what was understood. Anything else stays as typed, for the engine to read or refuse.
const TIMES = /^\s*(.+?)\s*[×xX✕*＊]\s*([0-9０-９]{1,6})\s*(?:台|個|式|点|本|枚|セット|ライセンス|人分)?\s*$/;

function splitUnitPrice(input) {
  const found = TIMES.exec(input.value);
  if (!found) return false;
  const row = input.closest(".sim-item");
  row.querySelector('[data-name="unit_amount_yen"]').value = found[1];
  row.querySelector('[data-name="quantity"]').value = found[2].normalize("NFKC");
  input.value = "";
  return true;
}

// --- the case as data ---------------------------------------------------------------------------

const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

// Put the case's `key` into `control`, remembering what was put there and the file's own value.
function fillControl(control, data, key) {
  const present = has(data, key);
  const value = present ? data[key] : undefined;
  if (control.type === "checkbox") {
    control.checked = value === true;
    filled.set(control, { shown: control.checked, present, value });
  } else {
    if (control.tagName === "SELECT") {
      if (present && value !== null) control.value = String(value);
      else control.selectedIndex = 0;
    } else {
      control.value = present && value !== null ? String(value) : "";
    }
    filled.set(control, { shown: control.value, present, value });
  }
}

// Write `control`'s value to the case's `key`: the file's value while the control is as it was
// filled, else what is in it now (an empty box removes the key, as a key left out of a file).
function readControl(control, data, key) {
  const record = filled.get(control);
  const now = control.type === "checkbox" ? control.checked : control.value;
  if (record && record.shown === now) {
    if (record.present) data[key] = record.value;
    else delete data[key];
  } else if (control.type === "checkbox") {
    data[key] = now;
  } else if (now.trim()) {
    // A count (quantity, payment_count) is an integer in the case file; digits become one.
    const digits = now.trim().normalize("NFKC");
    data[key] = "integer" in control.dataset && /^\d{1,6}$/.test(digits) ? Number(digits) : now.trim();
  } else {
    delete data[key];
  }
}

function conditionBoxes(schemeId) {
  return [...document.querySelectorAll(`[data-scheme-only="${schemeId}"] .sim-condition`)];
}

// The case, in the public case-file format: the opened case with the form's fields written over it.
// rowMap[n] is the row behind items[n].
function readCase() {
  const data = structuredClone(opened);
  const scheme = schemeSelect.value;
  data.scheme = scheme;
  const staff = staffInput(scheme);
  if (staff) readControl(staff, data, "ict_staff_fte");
  const capacity = capacityInput(scheme);
  if (capacity) readControl(capacity, data, "capacity");
  const application = applicationSelect(scheme);
  if (application) readControl(application, data, "application_type");
  readControl($("sim-ikkan"), data, "ikkan_achieved");
  const boxes = conditionBoxes(scheme);
  if (boxes.length) {
    const checked = boxes.filter((box) => box.checked).map((box) => box.value);
    const record = conditionsFilled && conditionsFilled.scheme === scheme ? conditionsFilled : null;
    if (record && record.checked === [...checked].sort().join(",")) {
      if (record.present) data.higher_rate_conditions = record.value;
      else delete data.higher_rate_conditions;
    } else {
      data.higher_rate_conditions = checked;
    }
  }
  readControl($("sim-service"), data, "service_type");
  readControl($("sim-prior"), data, "prior_subsidy_yen");
  data.items = [];
  rowMap = [];
  itemsBox.querySelectorAll(".sim-item").forEach((row) => {
    const base = rowItems.get(row);
    const value = (name) => row.querySelector(`[data-name="${name}"]`).value.trim();
    // A row added here and left blank is no expense yet; a row of the file is always kept.
    if (!base && !["name", "amount_yen", "unit_amount_yen", "consumption_tax_yen", "monthly_amount_yen"].some((n) => value(n))) return;
    const item = base ? structuredClone(base) : {};
    for (const name of ROW_FIELDS) readControl(row.querySelector(`[data-name="${name}"]`), item, name);
    // 「4万円×5台」 still in the amount box (the box is split when it loses focus): the same case.
    const times = typeof item.amount_yen === "string" ? TIMES.exec(item.amount_yen) : null;
    if (times) {
      delete item.amount_yen;
      item.unit_amount_yen = times[1];
      item.quantity = Number(times[2].normalize("NFKC"));
    }
    if (!base) {
      // A new row writes what the form shows, as before: category, name, amount and payment always
      // (the amount may be left out where the monthly amount gives it).
      for (const name of ["category", "name", "amount_yen", "payment"]) item[name] = value(name);
      if (times) delete item.amount_yen;
      if (!item.amount_yen && (value("monthly_amount_yen") || value("unit_amount_yen") || times)) delete item.amount_yen;
      for (const id of flagIds) if (!item[id]) delete item[id];
    }
    data.items.push(item);
    rowMap.push(row);
  });
  return data;
}

// Fill the form from a case that the engine has read and checked (calculator/_web.py): only a whole,
// valid case ever gets here, so the form never shows half of one.
function fillForm(data) {
  opened = structuredClone(data);
  filled = new WeakMap();
  rowItems = new WeakMap();
  schemeSelect.value = schemeInfo(data.scheme) ? data.scheme : formData.schemes[0].id;
  // One head count for the facility, whichever scheme's box shows it.
  document.querySelectorAll(".sim-staff").forEach((input) => fillControl(input, data, "ict_staff_fte"));
  document.querySelectorAll(".sim-capacity").forEach((input) => fillControl(input, data, "capacity"));
  document.querySelectorAll(".sim-application").forEach((select) => fillControl(select, data, "application_type"));
  fillControl($("sim-ikkan"), data, "ikkan_achieved");
  const conditions = Array.isArray(data.higher_rate_conditions) ? data.higher_rate_conditions : [];
  document.querySelectorAll(".sim-condition").forEach((input) => {
    input.checked = input.closest("[data-scheme-only]").dataset.schemeOnly === schemeSelect.value && conditions.includes(input.value);
  });
  conditionsFilled = {
    scheme: schemeSelect.value,
    checked: [...conditions].sort().join(","),
    present: has(data, "higher_rate_conditions"),
    value: data.higher_rate_conditions,
  };
  fillControl($("sim-service"), data, "service_type");
  fillControl($("sim-prior"), data, "prior_subsidy_yen");
  const rows = document.createDocumentFragment();
  (Array.isArray(data.items) ? data.items : []).forEach((item, n) => rows.appendChild(makeRow(item, n)));
  itemsBox.replaceChildren(rows);
  if (!itemsBox.children.length) addRow();
  showSchemeFields();
}

// The fields of the case that the form does not show, listed under it: they are computed and saved
// as the file has them, and the user can see that they are there.
function showKept(data) {
  const box = $("sim-kept");
  const list = $("sim-kept-list");
  const shown = new Set(FORM_FIELDS);
  if (!staffInput(data.scheme)) shown.delete("ict_staff_fte");
  if (!conditionBoxes(data.scheme).length) shown.delete("higher_rate_conditions");
  if (!capacityInput(data.scheme)) shown.delete("capacity");
  if (!applicationSelect(data.scheme)) shown.delete("application_type");
  const entries = Object.keys(data)
    .filter((key) => !shown.has(key))
    .map((key) => [key, data[key]]);
  (Array.isArray(data.items) ? data.items : []).forEach((item, n) => {
    if (item && typeof item === "object") {
      for (const key of Object.keys(item)) if (!ROW_FIELDS.includes(key)) entries.push([`経費 ${n + 1}: ${key}`, item[key]]);
    }
  });
  const items = entries.slice(0, 50).map(([name, value]) => {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = name;
    const text = JSON.stringify(value) ?? "";
    li.append(code, ` = ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`);
    return li;
  });
  if (entries.length > 50) {
    const li = document.createElement("li");
    li.textContent = `ほか ${entries.length - 50} 項目`;
    items.push(li);
  }
  list.replaceChildren(...items);
  box.hidden = !entries.length;
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
  if (field === "capacity") return capacityInput(schemeSelect.value);
  if (field === "application_type") return applicationSelect(schemeSelect.value);
  if (field === "prior_subsidy_yen" || field === "prior_subsidy_count") return $("sim-prior");
  if (field === "service_type") return $("sim-service");
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
  showAmount(null);
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

// The amount shown, machine-readable for tests and tools: empty while no amount is shown; with the
// range the readings span, and whether the facility may apply at all (an ineligible one is not 0円).
function showAmount(amount, result = null) {
  resultSection.dataset.subsidyYen = amount === null ? "" : String(amount);
  resultSection.dataset.subsidyMinYen = result ? String(result.subsidy_min_yen) : "";
  resultSection.dataset.subsidyMaxYen = result ? String(result.subsidy_max_yen) : "";
  resultSection.dataset.eligible = result ? String(result.eligible) : "";
}

// The amount line: 「対象外」, one amount, or the range of the amounts under the document's readings.
function amountText(result) {
  if (!result.eligible) return STATUS_WORDS.excluded;
  if (result.subsidy_min_yen === result.subsidy_max_yen) return yen(result.subsidy_yen);
  // Each end unbroken, so that a narrow screen breaks the line after 〜 and never inside an amount.
  const low = Number(result.subsidy_min_yen).toLocaleString("ja-JP");
  return `<span class="sim-nowrap">${low}〜</span><span class="sim-nowrap">${yen(result.subsidy_max_yen)}</span>`;
}

function caveatLink(id, text) {
  return anchors[id] ? `<a href="${new URL(anchors[id], siteRoot).href}">${escapeHtml(text)}</a>` : escapeHtml(text);
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
function amountWords(result) {
  if (!result.eligible) return STATUS_WORDS.excluded;
  if (result.subsidy_min_yen === result.subsidy_max_yen) return yen(result.subsidy_yen);
  return `${Number(result.subsidy_min_yen).toLocaleString("ja-JP")}〜${yen(result.subsidy_max_yen)}`;
}

// The summary that stays in view over the form on a narrow screen (hidden while there is no answer).
function showSummary(result) {
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

// Links in the form and the result open in a new tab, so that the draft in this one stays as it is.
function linksInNewTab(root) {
  root.querySelectorAll("a[href]:not([data-focus])").forEach((link) => {
    link.target = "_blank";
    link.rel = "noopener";
  });
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
  // The caveats of this case, in full. Those about the source document itself (年度の記載がありません)
  // are never in a result: the engine leaves them to the scheme's pages (when = ["about_document"]).
  const caveats = result.caveats
    .map((c) => {
      const more = anchors[c.id] ? ` <a href="${new URL(anchors[c.id], siteRoot).href}">くわしく</a>` : "";
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

async function renderOthers(data) {
  const box = $("sim-others");
  if (!box) return;
  const rows = [];
  // Only the same prefecture's other years: another prefecture's amount means nothing to this
  // facility (the comparison page sets the schemes side by side).
  const prefecture = schemeInfo(data.scheme)?.prefecture;
  for (const other of formData.schemes) {
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

// What follows "#case=" in the address, or "" (the case-file contract's shared link).
function linkFragment() {
  const found = /(?:^#|&)case=([^&]*)/.exec(window.location.hash);
  return found ? found[1] : "";
}

// The draft remembers the link it was opened from: reloading that address gives back the draft (with
// the edits made since), while another link opens that link's case.
function saveDraft(data) {
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ link: linkFragment(), case: data }));
  } catch {
    // storage unavailable or full: the page works on, only a reload would lose the draft
  }
}

function readDraft() {
  try {
    const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
    const data = draft && draft.case;
    if (!data || typeof data !== "object" || !schemeInfo(data.scheme) || !Array.isArray(data.items)) return null;
    return draft.link === linkFragment() ? data : null;
  } catch {
    return null;
  }
}

// The state before any amount: the hint, no figures.
function showNoAnswer() {
  latestTicket += 1;
  clearErrors();
  showAmount(null);
  resultBody.hidden = true;
  resultBody.replaceChildren();
  resultEmpty.hidden = false;
  showSummary(null);
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
  if (!worker) return;
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
    $("sim-announce").textContent = `補助額 ${amountWords(answer.result)}`;
    if (!window.__firstResultAt) window.__firstResultAt = performance.now(); // read by bench/
    renderOthers(data);
  } else if (answer.type === "invalid") {
    showErrors(answer.errors);
    showSummary(null);
  } else {
    showSummary(null);
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

function encodeCase(data) {
  const bytes = new TextEncoder().encode(JSON.stringify(data));
  let binary = "";
  bytes.forEach((b) => {
    binary += String.fromCharCode(b);
  });
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
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
  // Let go of the file once the browser surely has it: on a slow phone (or a loaded machine) the
  // download can start more than a second after the click, and a revoked address downloads nothing.
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

// Say how an opening went: a sentence, and the engine's messages (the CLI's) under it.
function tell(text, errors = []) {
  const box = $("sim-share-text");
  const list = document.createElement("ul");
  for (const error of errors.slice(0, 20)) {
    const li = document.createElement("li");
    li.textContent = error.field ? `${error.field}: ${error.message}` : error.message;
    list.appendChild(li);
  }
  if (errors.length > 20) {
    const li = document.createElement("li");
    li.textContent = `ほか ${errors.length - 20} 件`;
    list.appendChild(li);
  }
  const sentence = document.createElement("p");
  sentence.textContent = text;
  box.replaceChildren(sentence, ...(errors.length ? [list] : []));
}

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
  // No more than the engine would read: a larger file is refused by it, with the CLI's message.
  const bytes = await file.slice(0, formData.max_case_bytes + 1).arrayBuffer();
  tell(`「${file.name}」を読んでいます…`);
  await openCase({ type: "open-file", name: file.name, bytes }, `「${file.name}」`);
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
  flagIds = [...new Set(formData.schemes.flatMap((s) => s.flags.map((f) => f.id)))];
  ROW_FIELDS = [...ROW_FIELDS, ...flagIds];
  buildSchemeFields();
  $("sim-services").replaceChildren(...(formData.services || []).map((name) => new Option(name)));
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
    fillForm(readDraft() || { scheme: formData.schemes[0].id, items: [] });
    runtimeText.textContent =
      "このブラウザでは試算を動かせません（WebAssembly か Web Worker が使えません）。新しい Chrome、Edge、Firefox、Safari でお試しください。";
    runtimeBar.hidden = true;
    return;
  }
  // For the tests: end the worker the way a crash would, without telling the page.
  window.__simulator = { kill: () => worker && worker.terminate() };
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
    if (!done) fillForm({ scheme: formData.schemes[0].id, items: [] });
  } else {
    // An empty form with hints: an amount shows once an expense is entered (or 「例を入れる」 puts one in).
    fillForm({ scheme: formData.schemes[0].id, items: [] });
  }
  formFilled = true;
  scheduleCalculation(0); // queued in the worker until the engine is ready
}

if (supported()) {
  const early = window.__simulatorStart;
  delete window.__simulatorStart;
  startWorker(early && early.worker ? early : null); // at once, while the form loads
}
main();
