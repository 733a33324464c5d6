// The simulator's engine: the `calculator` package itself, in self-hosted Pyodide, in this worker.
//
// Protocol (small and typed):
//   page -> worker  {id, type: "simulate", case}          case: the case-file object (public format)
//   worker -> page  {type: "progress", stage, text, loaded, total}
//                   {type: "ready"}
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
const SELF_CHECK = `
_parse_toml('scheme = "x"')
_simulate(json.dumps({"scheme": calculator.scheme_ids()[0], "items": []}))
`;

let stdlibInUse = "engine";

async function loadRuntime(stdlib) {
  const options = { indexURL: new URL("pyodide/", assets).href, stdout: () => {}, stderr: () => {} };
  if (stdlib === "engine") options.stdLibURL = new URL("pyodide/python_stdlib.engine.zip", assets).href;
  return loadPyodide(options);
}

function startEngine(pyodide, wheelBytes) {
  pyodide.unpackArchive(wheelBytes, "wheel");
  pyodide.runPython(ENGINE_PY);
  pyodide.runPython(SELF_CHECK);
  return { simulate: pyodide.globals.get("_simulate"), parseToml: pyodide.globals.get("_parse_toml") };
}

async function boot() {
  progress("runtime", "Python の実行環境を読み込んでいます");
  // The runtime, the manifest and our wheel load side by side: none waits for another.
  const runtime = loadRuntime("engine");
  runtime.catch(() => {}); // handled below, once the wheel is here
  const wheel = fetch(new URL("simulator/manifest.json", assets))
    .then((response) => response.json())
    .then((manifest) => {
      progress("runtime", "Python の実行環境を読み込んでいます", 0, manifest.bytes);
      return fetchWithProgress(new URL(`simulator/${manifest.wheel}`, assets), "engine", "計算エンジンを読み込んでいます");
    });
  const wheelBytes = await wheel;
  try {
    const pyodide = await runtime;
    progress("import", "計算エンジンを起動しています");
    return startEngine(pyodide, wheelBytes);
  } catch (error) {
    // The small standard library lacked something (or the runtime failed): once more, with all of it.
    stdlibInUse = "full";
    progress("runtime", "Python の実行環境を読み込み直しています");
    const pyodide = await loadRuntime("full");
    progress("import", "計算エンジンを起動しています");
    return startEngine(pyodide, wheelBytes);
  }
}

const engine = boot().then(
  (functions) => {
    postMessage({ type: "ready", stdlib: stdlibInUse });
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
