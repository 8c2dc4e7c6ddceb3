/* The drafting panel: strengths, areas for improvement or findings for a standard, with
 * citations, copy as plain text (citations written out) and .docx download. Drafts are kept in the conversation store.
 * Other panels (e.g. checking a draft) can be added as sections of #panel-draft. */

import { $, bandClass, clear, copyText, el, filenameOf, notify, saveBlob } from "./dom.js";
import { postJSON } from "./api.js";
import { citationMap, renderInline, renderMarkdown } from "./markdown.js";
import { citationList, openCitation } from "./sources.js";
import { state } from "./state.js";
import { draftPlainText, KIND_TITLES } from "./draft-text.js";
import { reportsList } from "./reports.js";

/** "5/8, 4/7, 8/9" or "62%, 71" -> [{yes, relevant} | {percent}] (null when empty). */
export function parseKQ(text) {
  const parts = String(text || "").split(/[,;\s]+/).filter(Boolean);
  if (!parts.length) return null;
  return parts.map((part) => {
    let m;
    if ((m = part.match(/^(\d+)\/(\d+)$/))) {
      const yes = parseInt(m[1], 10), relevant = parseInt(m[2], 10);
      if (relevant < 1 || yes > relevant) throw new Error(`"${part}": "yes" must be between 0 and the number of relevant cases`);
      return { yes, relevant };
    }
    if ((m = part.match(/^(\d+(?:\.\d+)?)%?$/))) {
      const percent = parseFloat(m[1]);
      if (percent > 100) throw new Error(`"${part}": a percentage cannot exceed 100`);
      return { percent };
    }
    throw new Error(`"${part}" is not a count like 5/8 or a percentage like 62%`);
  });
}

export function initDraft() {
  $("#draft-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("#draft-error");
    error.textContent = "";
    let kq = null;
    try { kq = parseKQ($("#draft-kq").value); } catch (e) { error.textContent = e.message; $("#draft-kq").focus(); return; }
    const body = {
      standard: $("#draft-standard").value,
      kind: $("#draft-kind").value,
      service: $("#draft-service").value || null,
      notes: $("#draft-notes").value.trim() || null,
      kq,
    };
    const button = $("#draft-button");
    button.disabled = true;
    button.textContent = "Drafting\u2026";
    try {
      const response = await postJSON("/api/drafts", body);
      state.draft = (await response.json()).draft;
      renderDraft(state.draft);
    } catch (e) {
      error.textContent = "Could not draft: " + e.message;
    } finally {
      button.disabled = false;
      button.textContent = "Draft";
    }
  });
  $("#draft-copy").addEventListener("click", copyDraft);
  $("#draft-docx").addEventListener("click", downloadDraft);
}

/** What the draft dropped and why (``left_out``), plus any sentence only in ``unsupported`` (the
 * language model's path moves its unsupported sentences there without a reason record). */
function leftOut(d) {
  const out = [...(d.left_out || [])];
  const seen = new Set(out.map((x) => x.text));
  for (const u of d.unsupported || []) {
    if (!seen.has(u)) out.push({ text: u, reason: "unsupported", why: "No cited line supports it, so the citation gate removed it." });
  }
  return out;
}

function renderDraft(d) {
  const std = state.meta ? state.meta.standards.find((s) => s.id === d.standard) : null;
  $("#draft-title").textContent = `${d.standard} ${std ? std.label : ""}: ${KIND_TITLES[d.kind] || d.kind}` + (d.service ? ` \u00b7 ${d.service}` : "");
  const body = clear($("#draft-body"));
  const ctx = { citations: citationMap(d.citations), onCite: openCitation };
  if (d.computed_rating) {
    body.appendChild(el("p", { class: "computed" }, "Computed rating from your key-question counts: ",
      el("span", { class: "chip wide " + bandClass(d.computed_rating) }, d.computed_rating)));
  }
  const hasBullets = Boolean(d.bullets && d.bullets.length);
  // With bullets, the paragraph is a lead line (e.g. "no bullets of its own; from comparable inspections").
  if (hasBullets && d.paragraph) body.appendChild(el("div", { class: "draft-paragraph draft-lead" }, renderMarkdown(d.paragraph, ctx)));
  if (hasBullets) {
    const ul = el("ul", { class: "draft-bullets" });
    for (const b of d.bullets) ul.appendChild(el("li", null, renderInline(b.replace(/^\s*[-*]\s+/, ""), ctx)));
    body.appendChild(ul);
  }
  if (d.paragraph && !hasBullets) body.appendChild(el("div", { class: "draft-paragraph" }, renderMarkdown(d.paragraph, ctx)));
  if (!hasBullets && !d.paragraph) {
    body.appendChild(el("p", { class: "hint" }, "The reports gave nothing to draft from for this choice."));
  }
  if ((d.comparable || []).length) {
    body.appendChild(el("h3", { class: "draft-sub" }, "How comparable inspections put the same findings"));
    const ul = el("ul", { class: "draft-bullets draft-comparable" });
    for (const b of d.comparable) ul.appendChild(el("li", null, renderInline(b.replace(/^\s*[-*]\s+/, ""), ctx)));
    body.appendChild(ul);
  }
  const left = leftOut(d);
  if (left.length) {
    const ul = el("ul", { class: "left-out-list" });
    for (const x of left) {
      ul.appendChild(el("li", { dataset: { reason: x.reason || "unsupported" } },
        el("span", { class: "left-out-text" }, x.text),
        x.service ? el("span", { class: "left-out-where" }, ` (${x.service}, ${x.section}${x.line ? ", line " + x.line : ""})`) : null,
        el("span", { class: "left-out-why" }, " \u2014 " + x.why)));
    }
    body.appendChild(el("details", { class: "left-out" }, el("summary", null, `Left out, and why (${left.length})`), ul));
  }
  const list = citationList(d.citations);
  if (list) body.appendChild(el("details", { class: "sources", open: true }, el("summary", null, `Sources (${d.citations.length})`), list));
  const quoted = (d.citations || []).length > 0;
  body.appendChild(el("p", { class: "answer-meta" }, el("span", { class: "mode" },
    d.mode === "llm" ? "Written by the language model, citations checked"
      : quoted ? "Extractive draft: quoted from the reports" : "Nothing found in the reports to quote")));
  $("#draft-result").hidden = false;
  $("#draft-result").scrollIntoView({ block: "start", behavior: "smooth" });
}

/** The year of each indexed report (for "Kirklees 2021, ..." labels); empty when the list fails. */
async function reportYears() {
  try {
    return new Map((await reportsList()).map((r) => [r.id || r.source, r.year]));
  } catch (e) {
    return new Map();
  }
}

async function copyDraft() {
  if (!state.draft) return;
  const d = state.draft;
  const std = state.meta ? state.meta.standards.find((s) => s.id === d.standard) : null;
  const text = draftPlainText(d, std ? std.label : "", await reportYears());
  if (await copyText(text)) notify("The draft was copied as text, with its citations written out.", "ok");
  else notify("The browser refused to copy; select the draft and copy it by hand.", "error");
}

async function downloadDraft() {
  if (!state.draft) return;
  const button = $("#draft-docx");
  button.disabled = true;
  try {
    const response = await postJSON("/api/draft/docx", state.draft);
    saveBlob(await response.blob(), filenameOf(response, "draft.docx"));
  } catch (e) {
    notify("Could not make the .docx: " + e.message, "error");
  } finally {
    button.disabled = false;
  }
}
