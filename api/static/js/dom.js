/* Small DOM helpers shared by every module.
 *
 * Safety rule of the whole page: text from reports, answers and the server only ever enters the
 * page through textContent / DOM nodes built here (never innerHTML), so a report containing
 * <script> shows as text and runs nothing. The server's Content-Security-Policy forbids inline
 * scripts as a second line of defence.
 */

export const $ = (sel, root) => (root || document).querySelector(sel);

/** el("div", {class: "x", onclick: fn}, "text", childNode, ...) with text always as text nodes. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, String(value));
    }
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export const RATING_SHORT = {
  "Outstanding": "O",
  "Good": "G",
  "Requires improvement": "RI",
  "Inadequate": "I",
};
export const bandClass = (rating) => (rating ? "band-" + rating.replace(/\s+/g, "-") : "band-none");
export const capitalise = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/[.\s]+$/, "") : s);

let noticeTimer = null;
export function notify(text, kind) {
  const box = $("#notice");
  box.textContent = text;
  box.className = "notice " + (kind || "info");
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
}

/** Copy text to the clipboard: the Clipboard API, else the old execCommand path (an insecure
 * origin or a refused permission). True when one of them copied. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (e) {
    /* fall through to execCommand */
  }
  const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true", readonly: true });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
  area.remove();
  return ok;
}

/** Save a Blob under a file name (a temporary link the browser downloads). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename, class: "visually-hidden" });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export const filenameOf = (response, fallback) => {
  const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return match ? match[1] : fallback;
};
