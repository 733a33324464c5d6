// Keep, share, print: the case saved as a file, the link that carries it after "#case=" (the
// case-file contract), the printed page, and the draft this tab keeps so that a reload or Back does
// not lose what was typed. Nothing here is sent anywhere: a file is made in the browser, and what
// follows "#" in an address never reaches a server.
import { readCase } from "./form.mjs";
import { $, schemeInfo, siteRoot } from "./page.mjs";

// The draft: the case as typed, kept in this tab's sessionStorage only (gone when the tab closes;
// never sent anywhere), so that a reload or Back does not lose it. Its name has the site's prefix,
// so the privacy page's button (storage.js) lists and deletes it with the rest.
export const DRAFT_KEY = `kaigo-ict:${new URL("./", siteRoot).pathname}:simulator-draft`;

// What follows "#case=" in the address, or "" (the case-file contract's shared link).
export function linkFragment() {
  const found = /(?:^#|&)case=([^&]*)/.exec(window.location.hash);
  return found ? found[1] : "";
}

// The draft remembers the link it was opened from: reloading that address gives back the draft (with
// the edits made since), while another link opens that link's case.
export function saveDraft(data) {
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ link: linkFragment(), case: data }));
  } catch {
    // storage unavailable or full: the page works on, only a reload would lose the draft
  }
}

export function readDraft() {
  try {
    const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
    const data = draft && draft.case;
    if (!data || typeof data !== "object" || !schemeInfo(data.scheme) || !Array.isArray(data.items)) return null;
    return draft.link === linkFragment() ? data : null;
  } catch {
    return null;
  }
}

export function encodeCase(data) {
  const bytes = new TextEncoder().encode(JSON.stringify(data));
  let binary = "";
  bytes.forEach((b) => {
    binary += String.fromCharCode(b);
  });
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function saveCase() {
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
export function tell(text, errors = []) {
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

export function shareLink() {
  const url = new URL(window.location.href);
  url.hash = `case=${encodeCase(readCase())}`;
  history.replaceState(null, "", url);
  const text = $("sim-share-text");
  text.textContent = "このページのアドレスに入力内容を入れました（「#」の後ろは送信されません）。アドレスをコピーして共有できます。";
  if (navigator.clipboard) navigator.clipboard.writeText(url.href).catch(() => {});
}

// --- start --------------------------------------------------------------------------------------
