/* yotassist web page: chat with streamed, cited answers in stored conversations; ratings grid;
 * drafting; uploads. Native ES modules, no framework, no build step, no CDN. This module wires
 * the others together: tabs, the server's metadata, start-up. */

import { $, clear, el, notify } from "./dom.js";
import { getJSON } from "./api.js";
import { state } from "./state.js";
import { initViewer } from "./sources.js";
import { applyConfig, initChat } from "./chat.js";
import { initConversations } from "./conversations.js";
import { initGrid, invalidateRatings, loadRatings } from "./grid.js";
import { initDraft } from "./drafting.js";
import { loadReports, onReportsChanged, renderLibrary } from "./reports.js";
import { initUpload } from "./uploads.js";

const TABS = ["chat", "ratings", "draft", "reports"];

function selectTab(name, focus) {
  for (const t of TABS) {
    const tab = $("#tab-" + t);
    const panel = $("#panel-" + t);
    const on = t === name;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    tab.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
    if (on && focus) tab.focus();
  }
  document.body.dataset.tab = name;
  if (name === "ratings") loadRatings();
  if (name === "reports") loadReports();
  if (history.replaceState) history.replaceState(null, "", "#" + name);
}

function initTabs() {
  for (const t of TABS) {
    const tab = $("#tab-" + t);
    tab.addEventListener("click", () => selectTab(t));
    tab.addEventListener("keydown", (event) => {
      const i = TABS.indexOf(t);
      let next = null;
      if (event.key === "ArrowRight") next = TABS[(i + 1) % TABS.length];
      else if (event.key === "ArrowLeft") next = TABS[(i + TABS.length - 1) % TABS.length];
      else if (event.key === "Home") next = TABS[0];
      else if (event.key === "End") next = TABS[TABS.length - 1];
      if (next) { event.preventDefault(); selectTab(next, true); }
    });
  }
}

async function refreshMeta() {
  try {
    state.meta = await getJSON("/api/meta");
  } catch (e) {
    notify("The server did not answer: " + e.message, "error");
    return;
  }
  const m = state.meta;
  const std = $("#draft-standard");
  const current = std.value;
  clear(std);
  let group = null;
  for (const s of m.standards) {
    if (!group || group.label !== s.domain) { group = el("optgroup", { label: s.domain }); std.appendChild(group); }
    group.appendChild(el("option", { value: s.id }, `${s.id} ${s.label}`));
  }
  std.value = current || "2.2";
  const svc = $("#draft-service");
  const currentSvc = svc.value;
  clear(svc).appendChild(el("option", { value: "" }, "All services"));
  for (const s of m.services) svc.appendChild(el("option", { value: s }, s));
  svc.value = m.services.includes(currentSvc) ? currentSvc : "";
  $("#api-key-field").hidden = !m.auth_required;
  $("#upload-hint").textContent = `${m.upload_suffixes.join(", ")}; up to ${m.max_upload_mb} MB.`;
  $("#question").setAttribute("maxlength", String(m.max_question_chars));
}

async function loadConfig() {
  try {
    state.config = await getJSON("/api/chat/config");
    applyConfig(state.config);
  } catch (e) {
    notify("Conversations are not available: " + e.message, "error");
  }
}

function init() {
  initTabs();
  initViewer();
  initChat();
  initConversations();
  initGrid();
  initDraft();
  initUpload();
  onReportsChanged(() => { invalidateRatings(); refreshMeta(); });
  refreshMeta();
  loadConfig();
  renderLibrary();
  const start = (location.hash || "").slice(1);
  selectTab(TABS.includes(start) ? start : "chat");
  $("#question").focus();
}

init();
