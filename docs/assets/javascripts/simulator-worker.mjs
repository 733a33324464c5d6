// The simulator's engine: the `calculator` package itself, in self-hosted Pyodide, in this worker.
// What it runs for the page is calculator/_web.py (the CLI's reader and validation, as messages).
//
// Protocol (small and typed):
//   page -> worker  {id, type: "simulate", case}          case: the case-file object (public format)
//                   {id, type: "open-file", name, bytes}  a file the user opened: its bytes (at most
//                                                         max bytes + 1), or the File itself, of which
//                                                         this worker reads what the engine would
//                                                         (calculator/_web.py read_limit)
//                   {id, type: "open-link", fragment}     what follows "#case=" in a shared link
//                   {id, type: "kit", case, answers, today}  the preparation kit (kit.mjs) of a case
//                   {id, type: "batch-read-more"}        a file of many facilities (batch.mjs),
//                   {id, type: "batch-check", start, stop}
//                   {id, type: "batch-rows", start, stop, today}  a slice per message (see below)
//                   {id, type: "batch-csv"}
//                   {id, type: "batch-case", index}
//   worker -> page  {type: "progress", stage, text, loaded, total, bytes}
//                                                         one bar for the whole start: loaded of
//                                                         total (0: not known yet); text: its words
//                                                         as shown;
//                                                         bytes: what this stage loads (its deadline)
//                   {type: "ready", stdlib, start, stages}   stages: for bench/ (see below)
//                   {type: "boot-failed", text}           text: what failed, in Japanese
//                   {id, type: "result", result}          result: what `--json` prints
//                   {id, type: "invalid", errors}         errors: [{field, message}], the CLI's messages
//                   {id, type: "opened", case}            the file's case, every field as the file has it
//                   {id, type: "refused", errors}         the CLI's messages; the form stays as it was
//                   {id, type: "failed", message}         anything else (a bug): the page offers a retry
//                   {id, type: "kit", kit, files}         the kit and its files (calculator/_web.py kit)
//
// A file of many facilities (a CSV, or a case file with `facilities`) answers "open-file" with
// {type: "batch-read", count} (or {type: "batch-refused", errors}, the CLI's messages naming row and
// column): the page shows it in the batch view (batch.mjs), never in the form. That view then asks,
// one slice of facilities per message, so that no answer takes long, the page shows progress after
// each, and the form's own requests are answered in between. A long CSV is read so too: "open-file"
// answers {type: "batch-reading", rows} and each "batch-read-more" reads on, until "batch-read".
//   "batch-check"  -> {type: "batch-checking", checked, count}, after the last slice
//                     {type: "batch-opened", count, names, headings} or {type: "batch-refused", errors}
//                     (one bad row and nothing is computed)
//   "batch-rows"   -> {type: "batch-rows", start, rows: [{cells, subsidy_yen, self_pay_yen, eligible, caveats}]}
//   "batch-csv"    -> {type: "batch-csv", text, count}     the CLI's --csv of the table (BOM, CRLF)
//   "batch-case"   -> {type: "batch-case", fragment}       the facility's case as a "#case=" fragment
// (calculator/_web.py documents each.)
import { loadPyodide } from "../pyodide/pyodide.mjs";

const here = new URL(".", import.meta.url);
const assets = new URL("../", here);

// One bar for the whole start. Its length is every file the manifest names, by the bytes that arrive
// (the runtime's own fetches are counted as they stream, below), plus a share for the engine's start
// after the last byte: the bar is never full before the engine answers. Its words say once what a
// first visit downloads (the manifest's download_bytes), and on a repeat visit that the last start's
// state is used instead.
const START_SHARE = 0.15; // of the files' bytes: compiling, starting and checking the engine
const bar = { sizes: new Map(), arrived: new Map(), total: 0, started: 0, text: "計算エンジンを準備しています…" };
let lastPosted = -1;

// `bytes` (what the stage loads) starts a stage, and its deadline in the page; a report within a
// stage has none. `text` changes the words (a stage's), else they stay.
function progress(stage, text = null, bytes = null) {
  if (text) bar.text = text;
  const files = [...bar.arrived.values()].reduce((a, b) => a + b, 0);
  const loaded = Math.min(files, bar.total) + bar.started;
  const total = bar.total ? bar.total + Math.ceil(bar.total * START_SHARE) : 0;
  // Chunks arrive by tens of kilobytes: a report per thousandth of the bar is enough.
  const step = total ? Math.floor((loaded / total) * 1000) : 0;
  if (bytes === null && !text && step === lastPosted) return;
  lastPosted = step;
  postMessage({ type: "progress", stage, text: bar.text, loaded, total, bytes });
}

function megabytes(bytes) {
  return Math.max(1, Math.round(bytes / 1e6));
}

// The files of the manifest, by address, with their sizes: what the bar is made of.
function measure(manifest) {
  for (const [name, size] of Object.entries(manifest.files || {})) bar.sizes.set(new URL(name, assets).href, size);
  bar.total = [...bar.sizes.values()].reduce((a, b) => a + b, 0);
  // The worker's own module loaded pyodide.mjs before this code ran.
  arrived(new URL("pyodide/pyodide.mjs", assets).href, Infinity);
}

function arrived(url, bytes, stage = "runtime") {
  if (!bar.sizes.has(url)) return;
  bar.arrived.set(url, Math.min(bar.sizes.get(url), (bar.arrived.get(url) || 0) + bytes));
  progress(stage);
}

// Pyodide fetches its runtime files itself: each answer's body is counted as it streams through. The
// import of pyodide.asm.mjs is no fetch: the browser's resource timing says when it has arrived.
function countFetches() {
  const plain = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const response = await plain(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input), self.location).href;
    if (!bar.sizes.has(url) || !response.ok || !response.body) return response;
    const stage = url.endsWith(".whl") ? "engine" : "runtime";
    const counted = response.body.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          arrived(url, chunk.length, stage);
          controller.enqueue(chunk);
        },
      }),
    );
    const type = response.headers.get("Content-Type");
    return new Response(counted, { status: response.status, headers: type ? { "Content-Type": type } : {} });
  };
  if (typeof PerformanceObserver === "function") {
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (entry.name.endsWith(".mjs")) arrived(entry.name, Infinity);
      }).observe({ type: "resource", buffered: true });
    } catch {
      // no resource timing here: the runtime's end counts its files (allArrived)
    }
  }
}

// Whatever was not counted (a file from the browser's cache without a body to read, say) has
// arrived once the stage that needs it has ended.
function allArrived(stage) {
  for (const url of bar.sizes.keys()) bar.arrived.set(url, bar.sizes.get(url));
  progress(stage);
}

// A failure the page can name in plain Japanese.
class BootError extends Error {}

// "no-cache": every start asks the server whether its copy is current, so a visit never mixes a new
// manifest with an engine file the browser kept from before a deploy (the hash check below refuses
// what still does not match). Its bytes are counted on the bar by countFetches.
async function fetchBytes(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new BootError(`計算エンジンのファイルを取得できませんでした（${response.status}）。`);
  return new Uint8Array(await response.arrayBuffer());
}

// The engine's Python is calculator/_web.py, imported from the wheel. Its self-check does once
// everything the worker does, so every module it needs is loaded (and, with the small standard library
// python_stdlib.engine.zip, a missing one shows here and the worker boots again with the full one),
// and a snapshot taken after it holds them all.
function functionsOf(pyodide) {
  const web = pyodide.pyimport("calculator._web");
  return {
    simulate: (text) => web.simulate(text),
    openFile: (bytes, name) => {
      pyodide.FS.writeFile("/tmp/opened-case", bytes);
      return web.open_file("/tmp/opened-case", name);
    },
    openLink: (fragment) => web.open_link(fragment),
    kit: (text, answers, today) => web.kit(text, answers, today),
    readLimit: (name) => Number(web.read_limit(name)),
    readMore: () => web.read_more(),
    checkBatch: (start, stop) => web.check_batch(start, stop),
    batchRows: (start, stop, today) => web.batch_rows(start, stop, today),
    batchCsv: () => web.batch_csv(),
    batchCase: (index) => web.batch_case(index),
  };
}

function selfCheck(pyodide) {
  pyodide.runPython("import calculator._web\ncalculator._web.self_check()");
}

// Where a start spends its time, for bench/: moments (ms since the epoch, comparable with the page's
// clock) at which each stage ended.
const stages = { worker: performance.timeOrigin + performance.now() };
const stageDone = (name) => {
  stages[name] = performance.timeOrigin + performance.now();
};

let stdlibInUse = "engine";
let startedFrom = "boot"; // "snapshot" when restored from this browser's saved start-up state

// A repeat visit starts from a memory snapshot that an earlier visit made in this browser (Pyodide's
// experimental _makeSnapshot/_loadSnapshot): about a third of a fresh boot's time. The snapshot is
// taken right after the engine is imported and checked, before any message from the page is read,
// so it holds nothing typed. It lives in this origin's Cache Storage under a key naming the Pyodide
// version and the wheel's hash (a new release makes a new one and drops the old); the privacy page
// says so, and its button deletes it.
// The cache's name starts with this site's own prefix (storage.js): on a shared origin such as
// USER.github.io, the privacy page clears only this site's storage, never another project's.
const SITE_PATH = new URL("../", assets).pathname;
const SNAPSHOTS = `kaigo-ict:${SITE_PATH}:engine-snapshot`;

const SNAPSHOT_BYTES = 40e6; // about what a snapshot holds: its stage's deadline (read from this disk)

function snapshotKey(manifest) {
  return new URL(`simulator/engine-${manifest.pyodide}-${manifest.wheel_sha256.slice(0, 16)}.snapshot`, assets).href;
}

function runtimeOptions(stdlib, extra = {}) {
  const options = { indexURL: new URL("pyodide/", assets).href, stdout: () => {}, stderr: () => {}, ...extra };
  if (stdlib === "engine") options.stdLibURL = new URL("pyodide/python_stdlib.engine.zip", assets).href;
  return options;
}

function startEngine(pyodide, wheelBytes) {
  pyodide.unpackArchive(wheelBytes, "wheel");
  selfCheck(pyodide);
}

async function restore(manifest, wheel) {
  if (!self.caches) return null;
  const key = snapshotKey(manifest);
  let cache;
  try {
    cache = await caches.open(SNAPSHOTS);
  } catch {
    return null; // storage unavailable (a private window, a policy): boot normally
  }
  const saved = await cache.match(key);
  if (!saved) return null;
  progress("runtime", "前回の読み込みを使って計算エンジンを起動しています… そのあいだも入力できます。", SNAPSHOT_BYTES);
  const runtime = loadPyodide(runtimeOptions("engine", { _loadSnapshot: saved.arrayBuffer() }));
  runtime.catch(() => {}); // awaited below
  const wheelBytes = await wheel; // a wheel that fails its check fails the start, snapshot or not
  try {
    const pyodide = await runtime;
    stageDone("runtime");
    allArrived("runtime");
    bar.started = Math.floor((bar.total * START_SHARE) / 2); // the engine's start: half its share
    progress("import");
    // The snapshot holds Python's memory, not the file system: the package's files (the scheme
    // data among them) are unpacked again, as on a fresh boot.
    pyodide.unpackArchive(wheelBytes, "wheel");
    // The restored interpreter would repeat the saved random state: seed it anew.
    pyodide.runPython("import sys\nif 'random' in sys.modules: sys.modules['random'].seed()");
    selfCheck(pyodide);
    stageDone("engine");
    startedFrom = "snapshot";
    return pyodide;
  } catch {
    await cache.delete(key); // unusable (a damaged entry, a browser difference): a fresh boot makes a new one
    return null;
  }
}

function save(pyodide, manifest) {
  let snapshot;
  try {
    // A copy, taken now: the write below finishes while the engine already serves the page.
    snapshot = pyodide.makeMemorySnapshot().slice();
  } catch {
    return; // no snapshot this time: the next visit boots normally
  }
  (async () => {
    const cache = await caches.open(SNAPSHOTS);
    for (const request of await cache.keys()) await cache.delete(request); // an older release's
    await cache.put(snapshotKey(manifest), new Response(snapshot, { headers: { "Content-Type": "application/octet-stream" } }));
  })().catch(() => {});
}

// The wheel as the manifest names it, or a BootError: one visit that got the new manifest with an
// old wheel (a deploy half seen, a cache) must neither run the old engine nor save it as the new one.
async function verifiedWheel(manifest) {
  const bytes = await fetchBytes(new URL(`simulator/${manifest.wheel}`, assets).href);
  // Cache Storage, and so a snapshot, exists only where crypto.subtle does (a secure context).
  if (!self.crypto || !crypto.subtle) return bytes;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  if (hex !== manifest.wheel_sha256) {
    throw new BootError("計算エンジンのファイルが、公開中の版と一致しません（サイトの更新の途中かもしれません）。");
  }
  return bytes;
}

// The words of a first start: what it downloads, once.
function firstVisitWords(manifest) {
  const weight = manifest.download_bytes ? `初回のみ約${megabytes(manifest.download_bytes)}MB。Wi-Fiをおすすめします。` : "";
  return `計算エンジンを読み込んでいます… ${weight}読み込みのあいだも入力できます。`;
}

async function boot() {
  progress("manifest", "計算エンジンを準備しています…", 2000);
  const response = await fetch(new URL("simulator/manifest.json", assets), { cache: "no-cache" });
  if (!response.ok) throw new BootError(`計算エンジンの目録を取得できませんでした（${response.status}）。`);
  const manifest = await response.json();
  stageDone("manifest");
  measure(manifest);
  countFetches();
  const wheel = verifiedWheel(manifest);
  wheel.catch(() => {}); // awaited below
  const restored = await restore(manifest, wheel);
  if (restored) return functionsOf(restored);
  progress("runtime", firstVisitWords(manifest), manifest.bytes);
  // The runtime and our wheel load side by side.
  const snapshots = Boolean(self.caches);
  const runtime = loadPyodide(runtimeOptions("engine", snapshots ? { _makeSnapshot: true } : {}));
  runtime.catch(() => {}); // handled below, once the wheel is here
  const wheelBytes = await wheel;
  let pyodide;
  try {
    pyodide = await runtime;
    stageDone("runtime");
    allArrived("runtime");
    bar.started = Math.floor((bar.total * START_SHARE) / 2); // the engine's start: half its share
    progress("import", "計算エンジンを起動しています…", 0);
    startEngine(pyodide, wheelBytes);
    stageDone("engine");
  } catch {
    // The small standard library lacked something (or the runtime failed): once more, with all of it.
    // The bar stays where it is (the full library is not on it): a rare start, a little longer.
    stdlibInUse = "full";
    const full = Object.values(manifest.fallback || {}).reduce((a, b) => a + b, 0);
    progress("runtime", "計算エンジンを読み込み直しています…", manifest.bytes + full);
    pyodide = await loadPyodide(runtimeOptions("full"));
    progress("import", "計算エンジンを起動しています…", 0);
    startEngine(pyodide, wheelBytes);
    return functionsOf(pyodide);
  }
  if (snapshots) save(pyodide, manifest); // before the first message from the page is read
  stageDone("snapshot");
  return functionsOf(pyodide);
}

const engine = boot().then(
  (functions) => {
    postMessage({ type: "ready", stdlib: stdlibInUse, start: startedFrom, stages });
    return functions;
  },
  (error) => {
    const text = error instanceof BootError ? error.message : "計算エンジンを起動できませんでした。";
    postMessage({ type: "boot-failed", text });
    throw error;
  },
);

// A file's bytes: as the page read them, or read here from the File it passed (no more than the
// engine reads of a file of that name and one byte, so that it names a larger one, never read whole).
async function bytesOf(given, limit) {
  if (given instanceof Blob) return new Uint8Array(await given.slice(0, limit).arrayBuffer());
  return new Uint8Array(given);
}

// Slice bounds from the page: whole numbers, or nothing is done.
const index = (value) => Math.max(0, Math.trunc(Number(value)) || 0);

const ANSWERS = {
  simulate: (functions, data) => functions.simulate(JSON.stringify(data.case)),
  "open-file": async (functions, data) =>
    functions.openFile(await bytesOf(data.bytes, functions.readLimit(String(data.name))), String(data.name)),
  "open-link": (functions, data) => functions.openLink(String(data.fragment)),
  kit: (functions, data) => functions.kit(JSON.stringify(data.case), String(data.answers), String(data.today)),
  "batch-read-more": (functions) => functions.readMore(),
  "batch-check": (functions, data) => functions.checkBatch(index(data.start), index(data.stop)),
  "batch-rows": (functions, data) => functions.batchRows(index(data.start), index(data.stop), String(data.today)),
  "batch-csv": (functions) => functions.batchCsv(),
  "batch-case": (functions, data) => functions.batchCase(index(data.index)),
};

self.onmessage = async (event) => {
  const { id, type } = event.data || {};
  if (!Object.hasOwn(ANSWERS, type)) return;
  let functions;
  try {
    functions = await engine;
  } catch {
    return; // boot-failed was posted; the page restarts the worker
  }
  try {
    postMessage({ id, ...JSON.parse(await ANSWERS[type](functions, event.data)) });
  } catch (error) {
    postMessage({ id, type: "failed", message: String(error && error.message ? error.message : error).slice(0, 300) });
  }
};
