/* The conversations sidebar: new, switch, rename, delete, export. The open conversation's id is
 * remembered in localStorage, so a reload (or another tab) continues the same thread; its history
 * lives on the server, so follow-ups keep working after a reload. */

import { $, clear, el, filenameOf, notify, saveBlob } from "./dom.js";
import { getJSON, sendJSON } from "./api.js";
import { state } from "./state.js";
import { clearChat, renderStoredTurn } from "./chat.js";

const KEY = "yotassist-conversation";

function setTitle(title) {
  $("#chat-title").textContent = title || "New conversation";
  const has = Boolean(state.conversationId);
  for (const id of ["#conv-rename", "#conv-delete", "#conv-export-md", "#conv-export-docx"]) $(id).disabled = !has;
}

export async function refreshList() {
  const list = $("#conv-list");
  let items;
  try {
    items = await getJSON("/api/conversations");
  } catch (e) {
    clear(list).appendChild(el("li", { class: "error-text" }, "Could not load conversations: " + e.message));
    return;
  }
  clear(list);
  if (!items.length) list.appendChild(el("li", { class: "hint" }, "No saved conversations yet."));
  for (const c of items) {
    const current = c.id === state.conversationId;
    list.appendChild(el("li", null, el("button", {
      type: "button", class: "conv-item" + (current ? " current" : ""), "aria-current": current ? "true" : null,
      dataset: { id: c.id },
      onclick: () => openConversation(c.id),
    }, el("span", { class: "conv-title" }, c.title),
    el("span", { class: "conv-meta" }, `${c.turn_count} question${c.turn_count === 1 ? "" : "s"}`))));
    if (current) setTitle(c.title);
  }
}

export async function openConversation(id, quiet) {
  if (state.busy) return;
  let conv;
  try {
    conv = await getJSON(`/api/conversations/${encodeURIComponent(id)}`);
  } catch (e) {
    if (quiet) { localStorage.removeItem(KEY); return; }
    notify("Could not open the conversation: " + e.message, "error");
    return;
  }
  state.conversationId = conv.id;
  localStorage.setItem(KEY, conv.id);
  clearChat();
  for (const turn of conv.turns) renderStoredTurn(turn);
  setTitle(conv.title);
  const box = $("#conversation");
  box.scrollTop = box.scrollHeight;
  closeSidebarOnNarrow();
  refreshList();
}

export function newConversation() {
  if (state.busy) return;
  state.conversationId = null;
  localStorage.removeItem(KEY);
  clearChat();
  setTitle(null);
  closeSidebarOnNarrow();
  refreshList();
  $("#question").focus();
}

/** The open conversation's id, creating one (titled by its first question) when there is none. */
export async function ensureConversation() {
  if (state.conversationId) return state.conversationId;
  const r = await sendJSON("/api/conversations", {});
  const conv = await r.json();
  state.conversationId = conv.id;
  localStorage.setItem(KEY, conv.id);
  setTitle(conv.title);
  return conv.id;
}

async function rename() {
  if (!state.conversationId) return;
  const title = window.prompt("New name for this conversation:", $("#chat-title").textContent);
  if (title === null || !title.trim()) return;
  try {
    const r = await sendJSON(`/api/conversations/${encodeURIComponent(state.conversationId)}`, { title: title.trim() }, "PATCH");
    setTitle((await r.json()).title);
    refreshList();
  } catch (e) {
    notify("Could not rename it: " + e.message, "error");
  }
}

async function remove() {
  if (!state.conversationId) return;
  if (!window.confirm(`Delete the conversation \u201c${$("#chat-title").textContent}\u201d? This cannot be undone.`)) return;
  const response = await fetch(`/api/conversations/${encodeURIComponent(state.conversationId)}`, { method: "DELETE" });
  if (!response.ok && response.status !== 404) { notify("Could not delete it.", "error"); return; }
  notify("The conversation was deleted.", "ok");
  newConversation();
}

async function exportAs(format) {
  if (!state.conversationId) return;
  const response = await fetch(`/api/conversations/${encodeURIComponent(state.conversationId)}/export?format=${format}`);
  if (!response.ok) { notify("Could not export it.", "error"); return; }
  saveBlob(await response.blob(), filenameOf(response, `conversation.${format}`));
}

function closeSidebarOnNarrow() {
  if (window.matchMedia("(max-width: 860px)").matches) toggleSidebar(false);
}

function toggleSidebar(open) {
  const bar = $("#sidebar");
  const button = $("#sidebar-toggle");
  const show = open === undefined ? bar.classList.contains("closed") : open;
  bar.classList.toggle("closed", !show);
  button.setAttribute("aria-expanded", String(show));
}

export function initConversations() {
  $("#new-chat").addEventListener("click", newConversation);
  $("#conv-rename").addEventListener("click", rename);
  $("#conv-delete").addEventListener("click", remove);
  $("#conv-export-md").addEventListener("click", () => exportAs("md"));
  $("#conv-export-docx").addEventListener("click", () => exportAs("docx"));
  $("#sidebar-toggle").addEventListener("click", () => toggleSidebar());
  $("#sidebar-close").addEventListener("click", () => { toggleSidebar(false); $("#sidebar-toggle").focus(); });
  if (window.matchMedia("(max-width: 860px)").matches) toggleSidebar(false);
  setTitle(null);
  const saved = localStorage.getItem(KEY);
  if (saved) openConversation(saved, true);
  else refreshList();
}
