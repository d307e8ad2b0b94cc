/**
 * The dashboard's one script, embedded as a string so the compiled binary serves it (served at
 * `/ui/assets/app.js`; the CSP allows only our own scripts, none inline). It keeps a page live:
 * the element with `data-live` opens an `EventSource` on that URL and takes each `update` event's
 * HTML (rendered and escaped by the server) as its new content; a `done` event ends the stream.
 * Forms with `data-confirm` ask before they are sent.
 * @module
 */

/** The script's text. */
export const APP_JS = `"use strict";
(() => {
  const live = document.querySelector("[data-live]");
  const status = document.querySelector("[data-live-status]");
  const say = (on, text) => {
    if (!status) return;
    status.classList.toggle("live-on", on);
    status.lastChild.textContent = text;
  };
  if (live && "EventSource" in window) {
    const source = new EventSource(live.getAttribute("data-live"));
    source.addEventListener("open", () => say(true, "live"));
    source.addEventListener("error", () => say(false, "reconnecting…"));
    source.addEventListener("update", (event) => {
      live.innerHTML = event.data;
      live.setAttribute("data-updated", String(Date.now()));
    });
    source.addEventListener("done", () => {
      source.close();
      say(false, "finished");
    });
  }
  // On the document, so forms a live update brought in ask too.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });
})();
`;
