// The simulator's engine: the `calculator` package itself, in self-hosted Pyodide, in this worker.
//
// Protocol (small and typed):
//   page -> worker  {id, type: "simulate", case}          case: the case-file object (public format)
//   worker -> page  {type: "progress", stage, text, loaded, total}
//                   {type: "ready", stdlib, start, stages}   stages: for bench/ (see below)
//                   {id, type: "result", result}          result: what `--json` prints
//                   {id, type: "invalid", errors}         errors: [{field, message}], the CLI's messages
//                   {id, type: "failed", message}         anything else (a bug): the page offers a retry
//   page -> worker  {id, type: "parse-toml", text}        a TOML case file, read with Python's tomllib
//   worker -> page  {id, type: "parsed", case} | {id, type: "unreadable", message}
import { loadPyodide } from "../pyodide/pyodide.mjs";

const here = new URL(".", import.meta.url);
const assets = new URL("../", here);

function progress(stage, text, loaded = 0, total = 0) {
  postMessage({ type: "progress", stage, text, loaded, total });
}

async function fetchWithProgress(url, stage, text) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const total = Number(response.headers.get("content-length")) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    progress(stage, text, loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

// The engine's Python: json, the calculator package and tomllib, with two entry points.
const ENGINE_PY = `
import json
import calculator

def _simulate(text):
    try:
        result = calculator.simulate(json.loads(text))
    except calculator.InputError as error:
        return json.dumps({"type": "invalid", "errors": [e.to_dict() for e in error.errors]}, ensure_ascii=False)
    return json.dumps({"type": "result", "result": result.to_dict()}, ensure_ascii=False)

def _parse_toml(text):
    import tomllib
    try:
        return json.dumps({"type": "parsed", "case": tomllib.loads(text)}, ensure_ascii=False, default=str)
    except tomllib.TOMLDecodeError as error:
        return json.dumps({"type": "unreadable", "message": f"TOML として読めません（{error}）"}, ensure_ascii=False)
`;

// A self-check that touches every module the engine and the worker use: with the small stdlib
// (python_stdlib.engine.zip), a missing module shows here, and the worker boots again with the full one.
// Every scheme is read here, so a snapshot taken after it holds them all.
const SELF_CHECK = `
_parse_toml('scheme = "x"')
for _id in calculator.scheme_ids():
    _simulate(json.dumps({"scheme": _id, "items": []}))
`;

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
const SNAPSHOTS = "kaigo-ict-engine-snapshot";

function snapshotKey(manifest) {
  return new URL(`simulator/engine-${manifest.pyodide}-${manifest.wheel_sha256.slice(0, 16)}.snapshot`, assets).href;
}

function runtimeOptions(stdlib, extra = {}) {
  const options = { indexURL: new URL("pyodide/", assets).href, stdout: () => {}, stderr: () => {}, ...extra };
  if (stdlib === "engine") options.stdLibURL = new URL("pyodide/python_stdlib.engine.zip", assets).href;
  return options;
}

function functionsOf(pyodide) {
  return { simulate: pyodide.globals.get("_simulate"), parseToml: pyodide.globals.get("_parse_toml") };
}

function startEngine(pyodide, wheelBytes) {
  pyodide.unpackArchive(wheelBytes, "wheel");
  pyodide.runPython(ENGINE_PY);
  pyodide.runPython(SELF_CHECK);
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
  try {
    progress("runtime", "前回保存した起動状態から計算エンジンを起動しています");
    const pyodide = await loadPyodide(runtimeOptions("engine", { _loadSnapshot: saved.arrayBuffer() }));
    stageDone("runtime");
    // The snapshot holds Python's memory, not the file system: the package's files (the scheme
    // data among them) are unpacked again, as on a fresh boot.
    pyodide.unpackArchive(await wheel, "wheel");
    // The restored interpreter would repeat the saved random state: seed it anew.
    pyodide.runPython("import sys\nif 'random' in sys.modules: sys.modules['random'].seed()");
    pyodide.runPython(SELF_CHECK);
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

async function boot() {
  progress("runtime", "Python の実行環境を読み込んでいます");
  const manifest = await fetch(new URL("simulator/manifest.json", assets)).then((response) => response.json());
  stageDone("manifest");
  const wheel = fetchWithProgress(new URL(`simulator/${manifest.wheel}`, assets), "engine", "計算エンジンを読み込んでいます");
  wheel.catch(() => {}); // awaited below
  const restored = await restore(manifest, wheel);
  if (restored) return functionsOf(restored);
  progress("runtime", "Python の実行環境を読み込んでいます", 0, manifest.bytes);
  // The runtime and our wheel load side by side.
  const snapshots = Boolean(self.caches);
  const runtime = loadPyodide(runtimeOptions("engine", snapshots ? { _makeSnapshot: true } : {}));
  runtime.catch(() => {}); // handled below, once the wheel is here
  const wheelBytes = await wheel;
  let pyodide;
  try {
    pyodide = await runtime;
    stageDone("runtime");
    progress("import", "計算エンジンを起動しています");
    startEngine(pyodide, wheelBytes);
    stageDone("engine");
  } catch {
    // The small standard library lacked something (or the runtime failed): once more, with all of it.
    stdlibInUse = "full";
    progress("runtime", "Python の実行環境を読み込み直しています");
    pyodide = await loadPyodide(runtimeOptions("full"));
    progress("import", "計算エンジンを起動しています");
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
    postMessage({ type: "boot-failed", message: String(error && error.message ? error.message : error) });
    throw error;
  },
);

self.onmessage = async (event) => {
  const { id, type } = event.data || {};
  if (type !== "simulate" && type !== "parse-toml") return;
  let functions;
  try {
    functions = await engine;
  } catch {
    return; // boot-failed was posted; the page restarts the worker
  }
  try {
    const answer =
      type === "simulate"
        ? JSON.parse(functions.simulate(JSON.stringify(event.data.case)))
        : JSON.parse(functions.parseToml(event.data.text));
    postMessage({ id, ...answer });
  } catch (error) {
    postMessage({ id, type: "failed", message: String(error && error.message ? error.message : error) });
  }
};
