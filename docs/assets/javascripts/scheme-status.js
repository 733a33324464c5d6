// Is it open? Each [data-scheme-status] element carries the scheme's window (data-start, data-end)
// and the sentence for each status, written once by the engine (calculator/_status.py) at build
// time. This picks the sentence for the reader's own day, so a page built weeks ago still says
// 受付中 or 受付終了 correctly. Nothing is fetched; without JavaScript the build's sentence stays.
(function () {
  "use strict";

  function localDay(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  function daysBetween(from, to) {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
  }

  function update(element, today) {
    const { start, end } = element.dataset;
    let status;
    let text;
    if (today > end) {
      status = "closed";
      text = element.dataset.closed;
    } else if (!start) {
      status = "unknown";
      text = element.dataset.unknown;
    } else if (today < start) {
      status = "before";
      text = element.dataset.before;
    } else {
      const days = daysBetween(today, end);
      status = "open";
      text = days === 0 ? element.dataset.openLast : element.dataset.open.replace("{days}", String(days));
    }
    element.dataset.status = status;
    element.textContent = text;
  }

  function updateAll() {
    const today = localDay(new Date());
    document.querySelectorAll("[data-scheme-status]").forEach((element) => update(element, today));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", updateAll);
  else updateAll();
})();
