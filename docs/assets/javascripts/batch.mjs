// The simulator page's batch view: a file of many facilities (a CSV with a facility column, or a case
// file with `facilities`), checked and computed by the engine in the page's worker, shown as a table.
// Owns: the DOM under #sim-batch (overrides/hooks/templates/simulator.md). It knows nothing of the
// form: the page hands it `ask` (a message to the worker -> a promise of the answer) and the worker's
// answer to the opened file, and a row opens its facility in the form through `openFacility`, by
// default the way a shared link does ("#case=", the public case-file contract), so the form, its
// result, the kit and the link are that facility's exactly as if its own case file had been opened.
//
// The worker goes one slice of facilities per message (calculator/_web.py: check_batch, batch_rows):
// each answer is the progress, the table grows as they come, the page's main thread is idle between
// them (typing in the form is answered, and the form's own requests reach the engine in between), and
// no single answer is slow enough for the page's watchdog to take the worker for stuck.
// The table's headings and cells, the messages naming a bad row and column, and the CSV are the
// engine's (the CLI's `simulate` summary); this module adds only the view's own sentences.

// Facilities per message: about a tenth of a second of the engine's work each on a phone.
const CHECK_SLICE = 200;
const COMPUTE_SLICE = 50;
const ERRORS_SHOWN = 100;

const $ = (id) => document.getElementById(id);

// Each opened file is a run; a newer one stops an older one between slices.
let runs = 0;

// The reader's own day (not UTC's): the window's status is for the day they read it.
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

const count = (n) => n.toLocaleString("ja-JP");

// The default way a row opens its facility: as a shared link would, in this page's form.
function openAsLink(fragment) {
  const hash = `#case=${fragment}`;
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = hash;
  const form = $("sim-form");
  if (form) form.scrollIntoView({ block: "start" });
}

/**
 * Show the batch view for a file the worker read as one of many facilities.
 * ask(message) -> Promise of the worker's answer; answer: the worker's answer to "open-file"
 * ("batch-read" or "batch-refused"); name: how the page names the file (「…」);
 * openFacility(fragment): open a facility's case (a "#case=" fragment) in the form.
 * Resolves when the table is complete (true) or the file was refused or replaced (false).
 */
export async function showBatch({ ask, answer, name, openFacility = openAsLink }) {
  const run = ++runs;
  const view = $("sim-batch");
  const status = $("sim-batch-status");
  const bar = $("sim-batch-progress");
  const errors = $("sim-batch-errors");
  const table = $("sim-batch-table");
  const save = $("sim-batch-csv");
  const times = { opened: performance.now() }; // for bench/: when each stage ended
  window.__batchTimes = times;
  view.hidden = false;
  view.dataset.state = "checking";
  errors.replaceChildren();
  table.replaceChildren();
  save.hidden = true;
  $("sim-batch-close").onclick = () => {
    runs += 1; // stops a run still going
    view.hidden = true;
  };
  const heading = $("sim-batch-heading");
  heading.scrollIntoView({ block: "start" });
  heading.focus({ preventScroll: true });

  const say = (text, done = null, total = null) => {
    status.textContent = text;
    bar.hidden = total === null;
    if (total !== null) {
      bar.max = Math.max(total, 1);
      bar.value = done;
    }
  };
  const refuse = (list) => {
    view.dataset.state = "refused";
    say(`${name}に誤りがあるため、どの事業所も計算していません。次の行と列を直して、もう一度読み込んでください。`);
    const items = list.slice(0, ERRORS_SHOWN).map((e) => el("li", { text: e.field ? `${e.field}: ${e.message}` : e.message }));
    if (list.length > ERRORS_SHOWN) items.push(el("li", { text: `ほか ${count(list.length - ERRORS_SHOWN)} 件` }));
    errors.replaceChildren(el("ul", {}, ...items));
    return false;
  };
  // A worker restarted midway (the page restarts one that stops answering) has forgotten the file:
  // its answers would be short, and a short table must never read as the whole file's.
  // `short(reply)`: whether a batch answer is shorter than what was asked.
  const stopped = (reply, short = () => false) => {
    if (run !== runs) return true;
    if (reply.type.startsWith("batch-") && short(reply)) reply = { type: "failed", message: "計算エンジンが途中で起動し直しました" };
    if (reply.type === "failed" || reply.type === "invalid") {
      view.dataset.state = "failed";
      say(`${name}を計算できませんでした（${reply.message || reply.type}）。ページを読み込み直して、もう一度お試しください。`);
      return true;
    }
    return false;
  };
  const talk = async (message) => {
    try {
      return await ask(message);
    } catch {
      return { type: "failed", message: "計算エンジンが止まりました" };
    }
  };

  // A long CSV is read a few thousand rows per message.
  while (answer.type === "batch-reading") {
    say(`${name}を読んでいます…（${count(answer.rows)}行）`);
    answer = await talk({ type: "batch-read-more" });
    if (stopped(answer)) return false;
  }
  if (answer.type === "batch-refused") return refuse(answer.errors);
  const total = answer.count;

  // Every facility is checked before any is computed: one bad row, and nothing is.
  let checked = { type: "batch-checking", checked: 0 };
  say(`${name}の${count(total)}事業所を確かめています…`, 0, total);
  for (let start = 0; checked.type === "batch-checking"; start += CHECK_SLICE) {
    checked = await talk({ type: "batch-check", start, stop: start + CHECK_SLICE });
    if (stopped(checked, (r) => r.type === "batch-opened" && r.count !== total)) return false;
    if (checked.type === "batch-checking") say(`${name}の事業所を確かめています…（${count(checked.checked)} / ${count(total)}）`, checked.checked, total);
  }
  if (checked.type === "batch-refused") return refuse(checked.errors);
  times.checked = performance.now();

  const { names, headings } = checked;
  view.dataset.state = "computing";
  const body = el("tbody");
  const head = el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", { scope: "col", text: h }))));
  table.replaceChildren(el("table", {}, el("caption", { class: "visually-hidden", text: `${name}の事業所ごとの試算` }), head, body));
  // Rows are added in batches that grow with the table (a quarter of what it shows, up to 1,000):
  // each addition lays the whole table out again, so adding every slice as it comes would cost the
  // page time in proportion to the square of the rows (minutes for 10,000); the cap keeps any one
  // addition (one frame) short.
  let waiting = document.createDocumentFragment();
  let shown = 0;
  for (let start = 0; start < names.length; start += COMPUTE_SLICE) {
    say(`${count(names.length)}事業所を計算しています…（${count(start)} / ${count(names.length)}）`, start, names.length);
    const stop = Math.min(start + COMPUTE_SLICE, names.length);
    const reply = await talk({ type: "batch-rows", start, stop, today: today() });
    if (stopped(reply, (r) => r.rows.length !== stop - start)) return false;
    reply.rows.forEach((row, k) => waiting.append(tableRow(row, reply.start + k, headings, talk, openFacility)));
    if (waiting.childNodes.length >= Math.max(COMPUTE_SLICE, Math.min(shown / 4, 1_000)) || stop === names.length) {
      shown += waiting.childNodes.length;
      body.append(waiting);
      waiting = document.createDocumentFragment();
    }
  }
  times.done = performance.now();
  view.dataset.state = "done";
  say(`${count(names.length)}事業所を計算しました。事業所名を押すと、その事業所の入力と計算の説明をフォームに開きます。`);
  save.hidden = false;
  save.onclick = async () => {
    const reply = await talk({ type: "batch-csv" });
    if (stopped(reply, (r) => r.count !== names.length)) return;
    download(reply.text, `事業所ごとの試算-${today()}.csv`);
  };
  return true;
}

// A facility's row: its name opens it; each cell carries its heading for the narrow layout.
function tableRow(row, index, headings, talk, openFacility) {
  const [name, ...rest] = row.cells;
  const open = el("button", { type: "button", class: "sim-batch__open", text: name });
  open.addEventListener("click", async () => {
    const reply = await talk({ type: "batch-case", index });
    if (reply.type === "batch-case") openFacility(reply.fragment);
  });
  const cells = [el("th", { scope: "row", "data-label": headings[0] }, open)];
  rest.forEach((text, k) => {
    const cell = el("td", { "data-label": headings[k + 1], text });
    if (text.endsWith("円")) cell.classList.add("sim-batch__yen"); // amounts line up on the right
    cells.push(cell);
  });
  const tr = el("tr", {}, ...cells);
  if (!row.eligible) tr.classList.add("sim-batch__ineligible");
  return tr;
}

// The engine's CSV text as it is (it starts with a BOM and ends lines with CRLF): UTF-8 bytes.
function download(text, filename) {
  const link = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" })), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000); // a slow download still finds its file
}
