// "Check a draft report": its own ES module (issue 17), added to the Reports panel by one
// <script type="module"> line in index.html. It posts the chosen file to POST /api/check (the
// draft is parsed, never indexed) and lists what does not add up. Text from the server is only
// ever set with textContent, never as HTML.

const panel = document.getElementById("panel-reports");

function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function build() {
  const box = el("section", { class: "check-panel", "aria-labelledby": "check-title" });
  box.append(el("h2", { id: "check-title" }, "Check a draft report"));
  box.append(el("p", { class: "lead" },
    "Ratings recomputed from each key-question table, the score and overall band re-added, ratings in the " +
    "text, tone against rating, missing or impossible figures, and recommendations with no area for improvement."));
  const form = el("form", { id: "check-form", class: "upload-form", autocomplete: "off" });
  const field = el("div", { class: "field" });
  field.append(el("label", { for: "check-file" }, "Draft to check (file)"));
  field.append(el("input", { id: "check-file", name: "file", type: "file", accept: ".txt,.md,.pdf,.html,.htm", required: "" }));
  const actions = el("div", { class: "form-actions" });
  actions.append(el("button", { type: "submit", id: "check-button", class: "button" }, "Check"));
  form.append(field, actions);
  const result = el("div", { id: "check-result", class: "check-result", "aria-live": "polite" });
  const error = el("div", { id: "check-error", class: "message", role: "alert", hidden: "" });
  box.append(form, error, result);
  panel.append(box);
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(form, result, error); });
}

async function run(form, result, error) {
  const file = form.querySelector("#check-file").files[0];
  error.hidden = true;
  result.replaceChildren();
  if (!file) return;
  const body = new FormData();
  body.append("file", file);
  let data;
  try {
    const r = await fetch("/api/check", { method: "POST", body });
    data = await r.json();
    if (!r.ok) throw new Error(typeof data.detail === "string" ? data.detail : `error ${r.status}`);
  } catch (e) {
    error.textContent = String(e.message || e);
    error.hidden = false;
    return;
  }
  const s = data.score || {};
  if (s.from_published_standards != null) {
    result.append(el("p", {}, `Score re-added from the ratings table: ${s.from_published_standards}/${s.max} ` +
      `(${s.overall_from_score}); printed: ${s.published ?? "none"}, overall ${s.overall_published ?? "none"}.`));
  }
  if (!data.problems.length) {
    result.append(el("p", { class: "check-ok" }, "No problems found."));
  } else {
    result.append(el("h3", {}, `${data.problems.length} problem${data.problems.length > 1 ? "s" : ""}`));
    const ul = el("ul", { class: "check-problems" });
    for (const p of data.problems) {
      const li = el("li", {});
      li.append(el("strong", {}, p.kind.replaceAll("_", " ") + ": "), document.createTextNode(p.message));
      ul.append(li);
    }
    result.append(ul);
  }
  for (const n of data.notes || []) result.append(el("p", { class: "hint" }, n));
}

if (panel) build();
