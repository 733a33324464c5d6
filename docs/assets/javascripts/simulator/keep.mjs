// Keep and share: the case saved as a file (named with the facility and the day), the link that
// carries it after "#case=" (the case-file contract), copied to the clipboard or handed to the
// phone's share sheet, and the draft this tab keeps so that a reload or Back does not lose what was
// typed. Nothing here is sent anywhere: a file is made in the browser, and what follows "#" in an
// address never reaches a server. (The printed page is sheet.mjs.)
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

// The saved file's name: 試算_<facility>_<day>.json, or the scheme's id where no facility is named.
// Characters a file system refuses (Windows' \ / : * ? " < > |, control characters) become "_".
const FILE_PREFIX = "試算";

export function fileName(data, day = new Date()) {
  const facility = typeof data.facility_name === "string" ? data.facility_name : "";
  const safe = facility
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  const name = [...safe].slice(0, 40).join("") || data.scheme;
  return `${FILE_PREFIX}_${name}_${isoDay(day)}.json`;
}

// The reader's own day (not UTC's: a file saved at 8 in the morning in Japan is dated that day).
function isoDay(day) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

export function saveCase() {
  const data = readCase();
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName(data);
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

// The link of the case in the form, put in the address bar too (so that the address shown is the one
// shared, and a reload keeps it).
function caseLink() {
  const url = new URL(window.location.href);
  url.hash = `case=${encodeCase(readCase())}`;
  history.replaceState(null, "", url);
  return url.href;
}

// 「共有用リンクをコピー」: the link on the clipboard, and a word that it is there. Where the browser
// gives no clipboard (or refuses), the address bar holds the same link, to copy by hand.
export async function shareLink() {
  const link = caseLink();
  try {
    if (!navigator.clipboard) throw new Error("no clipboard");
    await navigator.clipboard.writeText(link);
    tell("コピーしました。メールやメッセージに貼り付けて送れます（入力内容はリンクの「#」の後ろにあり、このサイトのサーバーには送られません）。");
  } catch {
    tell("このブラウザではコピーできませんでした。アドレスバーのアドレスが共有用のリンクです。アドレスバーからコピーしてください。");
  }
}

// The phone's share sheet (Web Share API), offered only where the browser has one.
export function offerShareSheet(button) {
  if (typeof navigator.share !== "function") return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const link = caseLink();
    try {
      await navigator.share({ title: document.title, url: link });
    } catch (error) {
      // Closing the sheet without choosing is no failure; anything else is said plainly.
      if (error && error.name === "AbortError") return;
      tell("送れませんでした。「共有用リンクをコピー」をお使いください。");
    }
  });
}
