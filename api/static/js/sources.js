/* The source panel: a report's numbered text beside the chat, opened at the cited lines.
 * Closing it (button or Esc) puts the focus back on the citation or cell that opened it. */

import { $, clear, el } from "./dom.js";
import { getJSON } from "./api.js";
import { linesLabel, sectionLabel } from "./markdown.js";
import { state } from "./state.js";

function reportText(source) {
  if (!state.textCache.has(source)) {
    const promise = getJSON(`/api/reports/${encodeURIComponent(source)}/text`);
    promise.catch(() => state.textCache.delete(source));
    state.textCache.set(source, promise);
  }
  return state.textCache.get(source);
}

export function openCitation(c, opener) {
  const label = `[${c.n}] ${sectionLabel(c)}`;
  return openSource(c.source, c.line_start, c.line_end, label, c.service, opener);
}

/** A numbered list of an answer's sources; each opens the report at its lines. */
export function citationList(citations) {
  if (!citations || !citations.length) return null;
  const list = el("ol", { class: "citations", "aria-label": "Sources" });
  for (const c of citations) {
    const where = sectionLabel(c);
    const lines = linesLabel(c.line_start, c.line_end) + (c.page ? `, p. ${c.page}` : "");
    list.appendChild(el("li", { value: c.n },
      el("button", {
        type: "button", class: "source-link",
        onclick: (event) => openCitation(c, event.currentTarget),
      },
      el("span", { class: "visually-hidden" }, `Open source ${c.n}: `),
      el("span", { class: "cite static", "aria-hidden": "true" }, String(c.n)),
      el("span", { class: "source-service" }, c.service || c.source),
      el("span", { class: "source-where" }, where),
      el("span", { class: "source-lines" }, lines)),
      c.quote ? el("blockquote", { class: "source-quote" }, `\u201c${c.quote}\u201d`) : null));
  }
  return list;
}

export async function openSource(source, start, end, label, service, opener) {
  const viewer = $("#viewer");
  const body = $("#viewer-body");
  state.viewer.opener = opener || (document.activeElement !== document.body ? document.activeElement : null);
  viewer.hidden = false;
  document.body.classList.add("viewer-open");
  $("#viewer-title").textContent = service || source;
  $("#viewer-sub").textContent = (label ? label + " \u00b7 " : "") + (start ? linesLabel(start, end) : source);
  let data;
  try {
    if (state.viewer.source !== source) {
      clear(body).appendChild(el("p", { class: "hint pad" }, "Loading the report\u2026"));
    }
    data = await reportText(source);
  } catch (e) {
    clear(body).appendChild(el("p", { class: "error-text pad" }, `Could not open ${source}: ${e.message}`));
    state.viewer.source = null;
    return;
  }
  if (state.viewer.source !== source) {
    const frag = document.createDocumentFragment();
    for (const line of data.lines) {
      frag.appendChild(el("div", { class: "line", id: "L" + line.n, dataset: { n: String(line.n) } },
        el("span", { class: "ln", "aria-hidden": "true" }, String(line.n)),
        el("span", { class: "lt" }, line.text || "\u200b")));
    }
    clear(body).appendChild(frag);
    state.viewer.source = source;
    body.dataset.source = source;
  }
  for (const node of body.querySelectorAll(".line.hl")) node.classList.remove("hl", "hl-first", "hl-last");
  if (start) {
    const last = Math.max(start, end || start);
    for (let n = start; n <= last; n++) {
      const line = body.querySelector("#L" + n);
      if (!line) continue;
      line.classList.add("hl");
      if (n === start) line.classList.add("hl-first");
      if (n === last) line.classList.add("hl-last");
    }
    const first = body.querySelector("#L" + start);
    if (first) {
      // centre the cited lines inside the viewer without moving the page itself
      const top = first.offsetTop - body.clientHeight / 3;
      body.scrollTo({ top: Math.max(0, top), behavior: "instant" in document.documentElement.style ? "instant" : "auto" });
    }
  } else {
    body.scrollTop = 0;
  }
  body.focus({ preventScroll: true });
}

export function closeViewer() {
  $("#viewer").hidden = true;
  document.body.classList.remove("viewer-open");
  const opener = state.viewer.opener;
  state.viewer.opener = null;
  if (opener && opener.isConnected) opener.focus();
}

export function forgetSource(source) {
  state.textCache.delete(source);
  if (state.viewer.source === source) { closeViewer(); state.viewer.source = null; }
}

export function initViewer() {
  $("#viewer-close").addEventListener("click", closeViewer);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("#viewer").hidden) closeViewer();
  });
}
