/* Safe markdown: paragraphs, lists, headings, quotes, tables, **bold**, *italic*, `code` and
 * [n] citation markers, built as DOM nodes (never innerHTML). */

import { el } from "./dom.js";

const INLINE = /(\*\*[^*]+\*\*|`[^`]+`|\[\d+(?:\s*[,;]\s*\d+)*\]|(?<![\w*])\*[^*\s][^*]*\*(?![\w*])|(?<![\w_])_[^_\s][^_]*_(?![\w_]))/g;
const TABLE_RULE = /^\|?[\s:|-]+\|?$/;

/** "2.2 Planning" for a standard, just the title for other sections ("Ratings", "Annex 1"). */
export const sectionLabel = (c) => (/^\d\.\d$/.test(c.section || "") ? `${c.section} ${c.title}` : (c.title || c.section || "")).trim();
export const linesLabel = (a, b) => (!b || a === b ? `line ${a}` : `lines ${a}\u2013${b}`);
export const citationMap = (citations) => new Map((citations || []).map((c) => [c.n, c]));

/** Close a quotation the text opened but did not close (a quote cut at a cell or line end), and
 * open one it closes without opening, so every rendered quote has both marks. */
export function balanceQuotes(text) {
  const opens = (text.match(/\u201c/g) || []).length;
  const closes = (text.match(/\u201d/g) || []).length;
  if (opens > closes) return text.replace(/\s+$/, "") + "\u201d".repeat(opens - closes);
  if (closes > opens) return "\u201c".repeat(closes - opens) + text;
  return text;
}

export function citationMarker(n, ctx) {
  const cite = ctx && ctx.citations ? ctx.citations.get(n) : null;
  const label = cite ? `Citation ${n}: ${cite.service || cite.source}, ${sectionLabel(cite)}, ${linesLabel(cite.line_start, cite.line_end)}`
    : `Citation ${n}`;
  return el("button", {
    type: "button",
    class: "cite" + (cite ? "" : " pending"),
    "aria-label": label,
    title: label,
    dataset: { n: String(n) },
    onclick: (event) => {
      const c = ctx && ctx.citations ? ctx.citations.get(n) : null;
      if (c && ctx.onCite) ctx.onCite(c, event.currentTarget);
    },
  }, String(n));
}

export function renderInline(text, ctx) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) frag.appendChild(document.createTextNode(text.slice(last, match.index)));
    const token = match[0];
    if (token.startsWith("**")) frag.appendChild(el("strong", null, renderInline(token.slice(2, -2), ctx)));
    else if (token.startsWith("`")) frag.appendChild(el("code", null, token.slice(1, -1)));
    else if (token.startsWith("[")) {
      // markers and the punctuation right after them stay on one line (no lone "." on the next)
      const group = el("span", { class: "cite-group" });
      for (const n of token.slice(1, -1).split(/[,;]/).map((s) => parseInt(s, 10))) {
        group.appendChild(citationMarker(n, ctx));
      }
      const punct = /^[.,;:!?)\u201d]+/.exec(text.slice(match.index + token.length));
      if (punct) group.appendChild(document.createTextNode(punct[0]));
      frag.appendChild(group);
      last = match.index + token.length + (punct ? punct[0].length : 0);
      continue;
    } else frag.appendChild(el("em", null, token.slice(1, -1)));
    last = match.index + token.length;
  }
  if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}

const inline = (text, ctx) => renderInline(balanceQuotes(text), ctx);

function tableNode(rows, ctx) {
  const hasHead = rows.length > 1 && TABLE_RULE.test(rows[1]) && rows[1].includes("-");
  const cells = (r) => r.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
  const t = el("table", { class: "md-table" });
  let body = t;
  if (hasHead) {
    t.appendChild(el("thead", null, el("tr", null, cells(rows[0]).map((c) =>
      el("th", { scope: "col" }, c ? inline(c, ctx) : el("span", { class: "visually-hidden" }, "(no heading)"))))));
    body = t.appendChild(el("tbody"));
  }
  for (const r of (hasHead ? rows.slice(2) : rows)) {
    if (TABLE_RULE.test(r) && r.includes("-")) continue;
    body.appendChild(el("tr", null, cells(r).map((c) => el("td", null, inline(c, ctx)))));
  }
  return el("div", { class: "md-table-wrap", tabindex: "0", role: "region", "aria-label": "Table (scrolls sideways)" }, t);
}

export function renderMarkdown(text, ctx) {
  const root = document.createDocumentFragment();
  const lines = String(text || "").replace(/\r\n?/g, "\n").split("\n");
  let para = [];
  let list = null;
  let table = null;
  const flushPara = () => {
    if (!para.length) return;
    const p = el("p");
    para.forEach((line, i) => {
      if (i) p.appendChild(el("br"));
      p.appendChild(inline(line, ctx));
    });
    root.appendChild(p);
    para = [];
  };
  const flushList = () => { if (list) { root.appendChild(list); list = null; } };
  const flushTable = () => { if (table) { root.appendChild(tableNode(table, ctx)); table = null; } };
  for (const raw of lines) {
    const line = raw.trimEnd();
    let m;
    if (/^\s*\|.*\|\s*$/.test(line)) { flushPara(); flushList(); (table = table || []).push(line.trim()); continue; }
    flushTable();
    if (!line.trim()) { flushPara(); flushList(); continue; }
    if ((m = line.match(/^\s*[-*\u2022]\s+(.*)$/))) {
      flushPara();
      if (!list || list.tagName !== "UL") { flushList(); list = el("ul"); }
      list.appendChild(el("li", null, inline(m[1], ctx)));
    } else if ((m = line.match(/^\s*(\d+)[.)]\s+(.*)$/))) {
      flushPara();
      if (!list || list.tagName !== "OL") { flushList(); list = el("ol", { start: m[1] }); }
      list.appendChild(el("li", null, inline(m[2], ctx)));
    } else if ((m = line.match(/^(#{1,6})\s+(.*)$/))) {
      flushPara(); flushList();
      const level = Math.min(6, m[1].length + 2);
      root.appendChild(el("h" + level, { class: "md-heading" }, inline(m[2], ctx)));
    } else if ((m = line.match(/^>\s?(.*)$/))) {
      flushPara(); flushList();
      root.appendChild(el("blockquote", null, inline(m[1], ctx)));
    } else if (list && /^\s{2,}\S/.test(raw)) {
      list.lastChild.appendChild(document.createTextNode(" "));
      list.lastChild.appendChild(inline(line.trim(), ctx));
    } else {
      flushList();
      para.push(line);
    }
  }
  flushPara(); flushList(); flushTable();
  return root;
}
