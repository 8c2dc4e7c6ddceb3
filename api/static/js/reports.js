/* The indexed reports: the Reports tab's table and the library list beside the chat. */

import { $, bandClass, clear, el, notify } from "./dom.js";
import { apiKeyHeaders, errorMessage, getJSON } from "./api.js";
import { forgetSource, openSource } from "./sources.js";
import { state } from "./state.js";

const listeners = [];

/** GET /api/reports, shared by the grid, the library and the Reports tab until it changes. */
export function reportsList() {
  if (!state.reports) {
    state.reports = getJSON("/api/reports");
    state.reports.catch(() => { state.reports = null; });
  }
  return state.reports;
}

/** Something was added or removed: reload whoever shows reports. */
export function reportsChanged() {
  state.reports = null;
  for (const fn of listeners) fn();
  renderLibrary();
  if (!$("#panel-reports").hidden) loadReports();
}

export function onReportsChanged(fn) { listeners.push(fn); }

export async function renderLibrary() {
  const list = $("#library-list");
  const count = $("#library-count");
  let reports;
  try {
    reports = await reportsList();
  } catch (e) {
    clear(list).appendChild(el("li", { class: "error-text" }, "Could not load the reports: " + e.message));
    return;
  }
  count.textContent = String(reports.length);
  clear(list);
  if (!reports.length) list.appendChild(el("li", { class: "hint" }, "No reports yet: add one under Reports."));
  for (const r of reports) {
    const year = r.published ? r.published.slice(0, 4) : "";
    list.appendChild(el("li", null, el("button", {
      type: "button", class: "library-item",
      onclick: (event) => openSource(r.id, null, null, null, r.service, event.currentTarget),
    }, el("span", { class: "visually-hidden" }, "Open the report "),
    el("span", { class: "conv-title" }, r.service || r.id),
    el("span", { class: "conv-meta" }, [year, r.report_type === "sqs" ? "SQS" : r.overall].filter(Boolean).join(" \u00b7 ")))));
  }
}

export async function loadReports() {
  const wrap = $("#reports-list");
  let reports;
  try {
    reports = await reportsList();
  } catch (e) {
    clear(wrap).appendChild(el("p", { class: "error-text" }, "Could not load the reports: " + e.message));
    return;
  }
  clear(wrap);
  if (!reports.length) { wrap.appendChild(el("p", { class: "hint" }, "No reports are indexed yet.")); return; }
  const body = el("tbody");
  for (const r of reports) {
    body.appendChild(el("tr", null,
      el("th", { scope: "row" }, r.service || "(service not found)", el("span", { class: "file-name" }, r.id),
        warningsNote(r.warnings)),
      el("td", null, r.published || "\u2013"),
      el("td", null, r.report_type === "sqs" ? "SQS (not rated)" : r.framework || "\u2013"),
      el("td", null, r.overall ? el("span", { class: "chip wide " + bandClass(r.overall) }, r.overall) : "\u2013"),
      el("td", null, r.score !== null && r.score !== undefined ? `${r.score}/${r.max_score || 36}` : "\u2013"),
      el("td", { class: "actions" },
        el("button", { type: "button", class: "button link", onclick: (event) => openSource(r.id, null, null, null, r.service, event.currentTarget) },
          "Open", el("span", { class: "visually-hidden" }, ` ${r.id}`)),
        el("button", { type: "button", class: "button link danger", onclick: () => deleteReport(r) },
          "Remove", el("span", { class: "visually-hidden" }, ` ${r.id}`)))));
  }
  wrap.appendChild(el("div", { class: "table-scroll" }, el("table", { class: "reports-table" },
    el("caption", { class: "table-caption" }, `${reports.length} indexed report${reports.length === 1 ? "" : "s"}`),
    el("thead", null, el("tr", null,
      ["Service", "Published", "Framework", "Overall", "Score"].map((h) => el("th", { scope: "col" }, h)),
      el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Actions")))),
    body)));
}

/** The parser's warnings on a report, where the report is listed: a figure it could not trust is
 * never shown without them. Collapsed to a count so the table stays readable. */
function warningsNote(warnings) {
  if (!warnings || !warnings.length) return null;
  const n = warnings.length;
  return el("details", { class: "report-warnings" },
    el("summary", null, `${n} parser warning${n === 1 ? "" : "s"}`),
    el("ul", { class: "warnings" }, warnings.map((w) => el("li", null, w))));
}

async function deleteReport(r) {
  if (!window.confirm(`Remove ${r.id} from the index?`)) return;
  const response = await fetch(`/api/reports/${encodeURIComponent(r.id)}`, { method: "DELETE", headers: apiKeyHeaders() });
  if (!response.ok) { notify("Could not remove it: " + (await errorMessage(response)), "error"); return; }
  forgetSource(r.id);
  notify(`${r.id} was removed.`, "ok");
  reportsChanged();
}
