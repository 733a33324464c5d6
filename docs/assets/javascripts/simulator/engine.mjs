// The worker client: starts the engine's worker (or adopts the one the page's head started), shows
// its start in the runtime line, restarts it when it fails, and asks it questions (`ask`).
// Protocol: simulator-worker.mjs's first comment.
import { $, assets } from "./page.mjs";

const runtimeText = $("sim-runtime-text");
const runtimeBar = $("sim-runtime-progress");
const retryButton = $("sim-retry");

let worker = null;
let ready = false;
let nextId = 1;
const pending = new Map();
let restarts = 0;
// What the page does when the engine becomes ready with nothing asked of it (simulator.mjs: compute).
let onReady = () => {};

export function supported() {
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
export function startWorker(early = null, handlers = null) {
  if (handlers) onReady = handlers.onReady;
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

export function retry() {
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
    if (!pending.size) onReady();
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

export function ask(message) {
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


// Whether a worker is there to ask (none after a failure, until the retry).
export function hasWorker() {
  return worker !== null;
}

// For the tests: end the worker the way a crash would, without telling the page.
export function killWorker() {
  if (worker) worker.terminate();
}
