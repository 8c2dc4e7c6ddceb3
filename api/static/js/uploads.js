/* Uploading a report: progress while it is sent, then the parse/index result or a clear refusal. */

import { $, capitalise, clear, el } from "./dom.js";
import { apiKeyHeaders } from "./api.js";
import { forgetSource } from "./sources.js";
import { reportsChanged } from "./reports.js";
import { state } from "./state.js";

export function initUpload() {
  const keyInput = $("#api-key");
  keyInput.value = sessionStorage.getItem("yotassist-api-key") || "";
  keyInput.addEventListener("change", () => sessionStorage.setItem("yotassist-api-key", keyInput.value.trim()));
  $("#upload-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const file = $("#upload-file").files[0];
    if (!file) { showUploadMessage("Choose a report file first.", "error"); return; }
    upload(file);
  });
}

function showUploadMessage(text, kind, extra) {
  const box = $("#upload-message");
  clear(box).appendChild(document.createTextNode(text));
  if (extra) box.appendChild(extra);
  box.className = "message " + kind;
  box.hidden = false;
}

function upload(file) {
  const limit = state.meta ? state.meta.max_upload_mb : 60;
  if (file.size > limit * 1024 * 1024) {
    showUploadMessage(`${file.name} is larger than the ${limit} MB limit.`, "error");
    return;
  }
  const progress = $("#upload-progress");
  const stateText = $("#upload-state");
  const button = $("#upload-button");
  progress.hidden = false;
  progress.value = 0;
  button.disabled = true;
  $("#upload-message").hidden = true;
  stateText.textContent = "Uploading\u2026";

  const form = new FormData();
  form.append("file", file, file.name);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/reports");
  for (const [k, v] of Object.entries(apiKeyHeaders())) xhr.setRequestHeader(k, v);
  xhr.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
  });
  xhr.upload.addEventListener("load", () => {
    progress.value = 100;
    stateText.textContent = "Parsing, checking ratings and indexing\u2026";
    progress.removeAttribute("value"); // indeterminate while the server works
  });
  const finish = () => {
    progress.hidden = true;
    button.disabled = false;
    stateText.textContent = "";
  };
  xhr.addEventListener("load", () => {
    let data = null;
    try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
    finish();
    if (xhr.status === 200 && data) {
      const r = data.report;
      const verb = { added: "was added", updated: "replaced the earlier version", unchanged: "is already indexed; nothing changed" }[data.status];
      const summary = [r.service, r.published, r.overall ? `overall ${r.overall}` : null,
        r.score !== null && r.score !== undefined ? `score ${r.score}/${r.max_score || 36}` : null].filter(Boolean).join(", ");
      const extra = data.warnings && data.warnings.length
        ? el("ul", { class: "warnings" }, data.warnings.slice(0, 8).map((w) => el("li", null, w))) : null;
      showUploadMessage(`${r.id} ${verb}` + (summary ? ` (${summary}).` : "."), "ok", extra);
      forgetSource(r.id);
      reportsChanged();
      $("#upload-file").value = "";
    } else {
      const detail = data && typeof data.detail === "string" ? data.detail : `${xhr.status} ${xhr.statusText}`;
      const why = {
        401: "This server needs an API key for uploads. ",
        413: "The file is too large. ",
        415: "That file type is not supported. ",
        422: "The file was not accepted. ",
      }[xhr.status] || "The upload failed. ";
      if (xhr.status === 401) $("#api-key-field").hidden = false;
      showUploadMessage(why + capitalise(detail) + ".", "error");
    }
  });
  xhr.addEventListener("error", () => { finish(); showUploadMessage("The upload failed: the server could not be reached.", "error"); });
  xhr.send(form);
}
