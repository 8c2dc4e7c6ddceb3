/* Uploading a report: progress while it is sent, then the background indexing job's progress
   (GET /api/jobs/{id}, polled), then the result or a clear refusal. */

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
  if ($("#upload-force").checked) form.append("force", "true");
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/reports");
  for (const [k, v] of Object.entries(apiKeyHeaders())) xhr.setRequestHeader(k, v);
  xhr.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
  });
  xhr.upload.addEventListener("load", () => {
    progress.value = 100;
    stateText.textContent = "Checking the file\u2026";
    progress.removeAttribute("value"); // indeterminate while the server parses and checks it
  });
  const finish = () => {
    progress.hidden = true;
    button.disabled = false;
    stateText.textContent = "";
  };
  xhr.addEventListener("load", () => {
    let data = null;
    try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
    if (xhr.status === 202 && data && data.url) {
      followJob(data, progress, stateText, finish);
      return;
    }
    finish();
    showRefusal(xhr.status, xhr.statusText, data);
  });
  xhr.addEventListener("error", () => { finish(); showUploadMessage("The upload failed: the server could not be reached.", "error"); });
  xhr.send(form);
}

const STAGES = {
  queued: "Queued",
  starting: "Starting",
  parsing: "Parsing",
  chunking: "Splitting into passages",
  preparing: "Preparing its sentences for questions",
  embedding: "Indexing passages",
  writing: "Saving to the index",
  done: "Done",
};

/* Poll the job until it ends, showing its stage and share done in the progress bar. */
function followJob(job, progress, stateText, finish) {
  const show = (j) => {
    progress.value = Math.round(100 * (j.progress || 0));
    stateText.textContent = `${STAGES[j.stage] || capitalise(j.stage)}\u2026 ${Math.round(100 * (j.progress || 0))}%`;
  };
  show(job);
  const poll = () => {
    fetch(job.url, { headers: { Accept: "application/json" } })
      .then((r) => r.json().then((body) => ({ ok: r.ok, status: r.status, body })))
      .then(({ ok, status, body }) => {
        if (!ok) { finish(); showRefusal(status, "", body); return; }
        if (body.state === "done") { finish(); showAdded(body.result); return; }
        if (body.state === "failed") { finish(); showRefusal(body.status_code || 500, "", { detail: body.error }); return; }
        show(body);
        setTimeout(poll, 400);
      })
      .catch(() => { finish(); showUploadMessage("The upload's progress could not be read: the server could not be reached.", "error"); });
  };
  setTimeout(poll, 250);
}

function showAdded(data) {
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
  $("#upload-force").checked = false;
}

function showRefusal(status, statusText, data) {
  const detail = data && typeof data.detail === "string" ? data.detail : `${status} ${statusText}`;
  const why = {
    401: "This server needs an API key for uploads. ",
    413: "The file is too large. ",
    415: "That file type is not supported. ",
    422: "The file was not accepted. ",
    503: "The index is not available. ",
  }[status] || "The upload failed. ";
  if (status === 401) $("#api-key-field").hidden = false;
  showUploadMessage(why + capitalise(detail) + ".", "error");
}
