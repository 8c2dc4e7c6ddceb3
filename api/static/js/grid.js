/* The ratings grid: every indexed report by standard, published against recomputed ratings.
 * It scrolls sideways inside its own box (with a visible hint when it does), so the page keeps
 * its width on narrow screens. */

import { $, RATING_SHORT, bandClass, capitalise, clear, el } from "./dom.js";
import { getJSON } from "./api.js";
import { openSource } from "./sources.js";
import { reportsList } from "./reports.js";

let loaded = null;

export function invalidateRatings() { loaded = null; }

export function loadRatings(force) {
  if (loaded && !force) return loaded;
  const wrap = $("#ratings-grid");
  if (!wrap.firstChild) wrap.appendChild(el("p", { class: "hint" }, "Loading ratings\u2026"));
  loaded = Promise.all([getJSON("/api/ratings"), reportsList().catch(() => [])]).then(([data, reports]) => {
    renderRatings(data, new Map(reports.map((r) => [r.id, r])));
    return data;
  }).catch((e) => {
    loaded = null;
    clear(wrap).appendChild(el("p", { class: "error-text" }, "Could not load the ratings: " + e.message));
  });
  return loaded;
}

function shortTitle(s) {
  const map = {
    "Governance and leadership": "Governance", "Partnerships and services": "Partnerships",
    "Information and facilities": "Information", "Implementation and delivery": "Delivery",
    "Joint working / OOCD policy and provision": "Joint working / policy",
    "Resettlement policy and provision": "Resettlement",
  };
  return map[s.title] || s.title;
}

function updateScrollHint() {
  const wrap = $("#ratings-grid");
  const hint = $("#ratings-scroll-hint");
  const table = wrap.querySelector("table");
  hint.hidden = !table || wrap.scrollWidth <= wrap.clientWidth + 2;
}

function renderRatings(data, reports) {
  const wrap = clear($("#ratings-grid"));
  if (!data.rows.length) {
    wrap.appendChild(el("p", { class: "hint" }, "No reports are indexed yet. Add one under Reports."));
    updateScrollHint();
    return;
  }
  const standards = data.standards;
  const head = el("tr", null,
    el("th", { scope: "col", class: "service-col" }, "Service"),
    standards.map((s) => el("th", { scope: "col", title: `${s.id} ${s.label}` },
      el("span", { class: "std-id" }, s.id), el("span", { class: "std-title" }, shortTitle(s)))),
    el("th", { scope: "col" }, "Overall"),
    el("th", { scope: "col" }, "Score"));
  const body = el("tbody");
  for (const row of data.rows) {
    const year = row.published ? row.published.slice(0, 4) : "";
    const report = reports.get(row.id);
    const sqs = report && report.report_type === "sqs";
    const tr = el("tr", { dataset: { source: row.id } },
      el("th", { scope: "row", class: "service-col" },
        el("span", { class: "service-name" }, row.service || row.id),
        el("span", { class: "service-meta" }, [year, sqs ? "SQS" : row.framework ? `${row.framework} framework` : ""]
          .filter(Boolean).join(" \u00b7 "))));
    const rated = standards.some((s) => row.cells[s.id] && (row.cells[s.id].published || row.cells[s.id].computed));
    if (!rated) {
      // A screening (SQS) or unrated report: one labelled cell, not a row of dots.
      tr.appendChild(el("td", { class: "cell not-rated", colspan: standards.length },
        sqs ? "SQS, not rated: a short quality screening publishes no ratings" : "Not rated: no ratings were found in this report"));
    } else {
      for (const s of standards) tr.appendChild(ratingCell(row, s));
    }
    const overallDiffers = row.overall_computed && row.overall_computed !== row.overall;
    const overallLabel = row.overall ? `${RATING_SHORT[row.overall] || row.overall}: overall ${row.overall}` +
      (overallDiffers ? `, recomputed ${row.overall_computed}` : "") : "No overall rating";
    tr.appendChild(el("td", { class: "overall" },
      row.overall ? el("span", { class: "chip " + bandClass(row.overall) + (overallDiffers ? " disagree" : ""), title: overallLabel },
        RATING_SHORT[row.overall] || row.overall, el("span", { class: "visually-hidden" }, ` (overall ${row.overall}` +
          (overallDiffers ? `, recomputed ${row.overall_computed})` : ")"))) : "\u2013"));
    const hasScore = row.score !== null && row.score !== undefined;
    const scoreDiffers = hasScore && row.score_computed !== null && row.score_computed !== undefined && row.score_computed !== row.score;
    tr.appendChild(el("td", { class: "score", title: scoreDiffers ? `recomputed ${row.score_computed}` : null },
      hasScore ? `${row.score}/${row.max_score || 36}` : "\u2013",
      scoreDiffers ? el("span", { class: "computed-note" }, "recomputed " + row.score_computed) : null));
    body.appendChild(tr);
  }
  const table = el("table", { class: "ratings-table", "aria-describedby": "ratings-caption" },
    el("caption", { id: "ratings-caption", class: "visually-hidden" },
      "Ratings by service and standard; select a cell to open that section of the report"),
    el("thead", null, head), body);
  wrap.appendChild(table);
  requestAnimationFrame(updateScrollHint);
}

function ratingCell(row, s) {
  const cell = row.cells[s.id];
  if (!cell || (!cell.published && !cell.computed)) {
    return el("td", { class: "cell empty" }, el("span", { "aria-hidden": "true" }, "\u00b7"),
      el("span", { class: "visually-hidden" }, "not rated"));
  }
  const shown = cell.published || cell.computed;
  const short = RATING_SHORT[shown] || shown;
  const parts = [`${row.service || row.id}, ${s.id} ${s.label}: published ${cell.published || "none"}`];
  if (cell.computed) parts.push(`computed ${cell.computed}`);
  if (cell.disagree) parts.push(cell.discretion ? "differs: professional discretion applied" : "differs");
  const label = parts.join(", ");
  const button = el("button", {
    type: "button",
    class: "chip cell-button " + bandClass(shown) + (cell.disagree ? " disagree" : ""),
    // the visible letters start the accessible name (speech users say what they see)
    "aria-label": `${short}: ${label}`,
    title: cell.note ? `${label}. ${cell.note}` : label,
    onclick: (event) => {
      const detail = $("#ratings-detail");
      clear(detail).appendChild(el("p", null, el("strong", null, `${row.service || row.id} \u00b7 ${s.id} ${s.label}: `),
        cell.disagree && cell.note ? capitalise(cell.note) + "." :
          `published ${cell.published || "not published"}` + (cell.computed ? `, computed ${cell.computed}` : "") +
          (cell.note ? `; ${cell.note}.` : ".")));
      if (cell.line_start) openSource(row.id, cell.line_start, cell.line_end, `${s.id} ${s.label}`, row.service, event.currentTarget);
    },
  }, short, cell.disagree ? el("span", { class: "flag", "aria-hidden": "true" }, "\u2691") : null);
  return el("td", { class: "cell" }, button);
}

export function initGrid() {
  window.addEventListener("resize", updateScrollHint);
  $("#ratings-grid").addEventListener("scroll", () => {
    const wrap = $("#ratings-grid");
    $("#ratings-scroll-hint").classList.toggle("at-end", wrap.scrollLeft + wrap.clientWidth >= wrap.scrollWidth - 2);
  });
}
