/* A draft as plain text an inspector can paste into a report: the paragraph and bullets with every
 * citation marker written out as a reader looks it up ("Kirklees 2021, 2.2 Planning, p. 31 /
 * lines 540-545"), the same label the .docx export uses (api/docx_export.py citation_label).
 * Why plain text and not markdown: a Word document or an e-mail shows "**" and "[3]" literally,
 * and "[3]" means nothing once the sources list is not beside it. */

export const KIND_TITLES = { strengths: "Strengths", improvements: "Areas for improvement", findings: "Findings" };

const MARKER = /\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

/** "Kirklees 2021, 2.2 Planning, p. 31 / lines 540-545" (no page for text sources). */
export function citationLabel(c, years) {
  const year = years ? years.get(c.source) : null;
  const who = [c.service || c.source, year].filter(Boolean).join(" ");
  const section = /^domain-/.test(c.section || "") ? (c.title || c.section) : `${c.section} ${c.title || ""}`.trim();
  const lines = c.line_start === c.line_end ? `line ${c.line_start}` : `lines ${c.line_start}-${c.line_end}`;
  return `${who}, ${section}, ${c.page ? `p. ${c.page} / ${lines}` : lines}`;
}

/** Markdown markers "[1]" / "[1, 2]" as "(label; label)"; **bold** as plain words. */
export function readable(text, citations, years) {
  const byN = new Map((citations || []).map((c) => [c.n, c]));
  return String(text || "")
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(MARKER, (whole, group) => {
      const labels = group.split(/[,;]/).map((s) => byN.get(parseInt(s, 10))).filter(Boolean)
        .map((c) => citationLabel(c, years));
      return labels.length ? ` (${labels.join("; ")})` : whole;
    })
    .trim();
}

/** The whole draft as plain text: heading, computed rating, paragraph, bullets, comparable wording. */
export function draftPlainText(d, standardLabel, years) {
  const kind = KIND_TITLES[d.kind] || d.kind;
  const out = [`${d.standard}${standardLabel ? " " + standardLabel : ""}: ${kind}` + (d.service ? ` (${d.service})` : ""), ""];
  if (d.computed_rating) out.push(`Computed rating: ${d.computed_rating}`, "");
  const bullets = d.bullets || [];
  if (d.paragraph) {
    for (const part of d.paragraph.split("\n")) if (part.trim()) out.push(readable(part, d.citations, years), "");
  }
  for (const b of bullets) out.push("\u2022 " + readable(b.replace(/^\s*[-*]\s+/, ""), d.citations, years));
  if ((d.comparable || []).length) {
    if (bullets.length) out.push("");
    out.push("How comparable inspections put the same findings:");
    for (const b of d.comparable) out.push("\u2022 " + readable(b.replace(/^\s*[-*]\s+/, ""), d.citations, years));
  }
  return out.join("\n").trim() + "\n";
}
