/* The chat: questions streamed into a stored conversation, answers with citations, per-answer
 * copy and feedback, "stop" while streaming, and the extractive / LLM mode toggle. */

import { $, clear, copyText, el, notify } from "./dom.js";
import { errorMessage, sendJSON } from "./api.js";
import { citationMap, renderMarkdown, sectionLabel } from "./markdown.js";
import { citationList, openCitation } from "./sources.js";
import { sseEvents } from "./sse.js";
import { state } from "./state.js";
import { ensureConversation, refreshList } from "./conversations.js";

const SUGGESTIONS = [
  "Which services were rated Good overall?",
  "How did services do on out-of-court disposal joint working?",
  "What are the strengths in 2.2 Planning?",
  "What was the overall score of each service?",
];

/** What the answer is made of, said plainly: quoted, computed, or nothing found. */
export function answerFooter(answer) {
  const quoted = (answer.citations || []).length > 0;
  const computed = answer.kind === "numeric" || answer.kind === "methodology" || answer.kind === "whatif";
  if (answer.kind === "whatif" && answer.mode !== "llm") {
    return quoted ? "Computed by the rating module from the figures given; the rules and report figures quoted and checked"
      : "Computed by the rating module from the figures given; nothing quoted";
  }
  if (answer.mode === "llm") {
    return quoted ? "Written by the language model from the cited lines; every citation checked"
      : "Written by the language model; nothing in it could be matched to the reports";
  }
  if (quoted && computed) return "Computed from the reports' published ratings, with the lines they come from";
  if (quoted) return "Quoted from the reports (every quote checked against the cited lines)";
  if (computed) return "Computed by the inspectorate's rating rules; nothing quoted";
  return "Nothing found in the reports to quote";
}

function answerMarkdown(answer) {
  const out = [answer.answer.trim()];
  if (answer.citations && answer.citations.length) {
    out.push("", "Sources:");
    for (const c of answer.citations) {
      out.push(`[${c.n}] ${c.service || c.source}, ${sectionLabel(c)}, lines ${c.line_start}-${c.line_end}` +
        (c.quote ? `: \u201c${c.quote}\u201d` : ""));
    }
  }
  return out.join("\n") + "\n";
}

export function initChat() {
  const box = $("#suggestions");
  for (const q of SUGGESTIONS) {
    box.appendChild(el("button", { type: "button", class: "suggestion", onclick: () => { $("#question").value = q; ask(q); } }, q));
  }
  const form = $("#ask-form");
  const input = $("#question");
  form.addEventListener("submit", (event) => { event.preventDefault(); ask(input.value); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); ask(input.value); }
  });
  input.addEventListener("input", updateCount);
  $("#stop-button").addEventListener("click", stop);
  const mode = $("#mode");
  mode.value = localStorage.getItem("yotassist-mode") || "";
  mode.addEventListener("change", () => localStorage.setItem("yotassist-mode", mode.value));
}

/** Show the mode toggle only when the server has a language model endpoint. */
export function applyConfig(config) {
  const field = $("#mode-field");
  field.hidden = !config.llm_available;
  const mode = $("#mode");
  if (!config.llm_available) mode.value = "";
  else if (!mode.value) mode.value = config.default_mode;
}

function updateCount() {
  const limit = state.meta ? state.meta.max_question_chars : 2000;
  const len = $("#question").value.length;
  const out = $("#question-count");
  out.textContent = len > limit * 0.8 ? `${len} / ${limit} characters` : "";
  out.classList.toggle("over", len > limit);
}

function scrollChat() {
  const conv = $("#conversation");
  conv.scrollTop = conv.scrollHeight;
}

export function clearChat() {
  for (const node of [...$("#conversation").querySelectorAll(".turn")]) node.remove();
  $("#chat-empty").hidden = false;
}

function setBusy(busy) {
  state.busy = busy;
  $("#ask-button").hidden = busy;
  $("#stop-button").hidden = !busy;
}

function stop() {
  if (state.controller) state.controller.abort();
}

function userBubble(question) {
  return el("div", { class: "turn user" }, el("p", { class: "bubble" },
    el("span", { class: "visually-hidden" }, "You asked: "), question));
}

/** The answer card: body, sources, footer and (once stored) copy and feedback. */
function answerCard() {
  const body = el("div", { class: "answer-body" });
  const sources = el("div", { class: "answer-sources" });
  const meta = el("div", { class: "answer-meta" });
  const actions = el("div", { class: "answer-actions" });
  const card = el("article", { class: "turn assistant", "aria-label": "Answer" }, body, sources, meta, actions);
  return { card, body, sources, meta, actions };
}

function fillAnswer(parts, answer, ctx) {
  clear(parts.body).appendChild(renderMarkdown(answer.answer, ctx));
  clear(parts.sources);
  const list = citationList(answer.citations);
  if (list) parts.sources.appendChild(el("details", { class: "sources", open: true },
    el("summary", null, `Sources (${answer.citations.length})`), list));
  clear(parts.meta);
  if (answer.unsupported && answer.unsupported.length) {
    parts.meta.appendChild(el("p", { class: "unsupported" },
      "Not supported by the reports and left out: " + answer.unsupported.join("; ")));
  }
  parts.meta.appendChild(el("p", { class: "mode" }, answerFooter(answer)));
}

function fillActions(parts, turn, answer) {
  const box = clear(parts.actions);
  box.appendChild(el("button", {
    type: "button", class: "button small secondary",
    onclick: async () => { await copyText(answerMarkdown(answer)); notify("The answer was copied.", "ok"); },
  }, "Copy answer"));
  if (!turn) return;
  const up = el("button", { type: "button", class: "button small secondary feedback-up", "aria-pressed": "false" }, "Helpful");
  const down = el("button", { type: "button", class: "button small secondary feedback-down", "aria-pressed": "false" }, "Not helpful");
  const commentId = `comment-${turn.id}`;
  const comment = el("textarea", { id: commentId, rows: 2, maxlength: 4000, class: "feedback-comment" });
  const form = el("form", { class: "feedback-form", hidden: true },
    el("label", { for: commentId }, "What was right or wrong? (optional)"), comment,
    el("button", { type: "submit", class: "button small primary" }, "Send feedback"));
  const status = el("span", { class: "feedback-status", role: "status" });
  let rating = turn.feedback ? turn.feedback.rating : null;
  const show = () => {
    up.setAttribute("aria-pressed", String(rating === "up"));
    down.setAttribute("aria-pressed", String(rating === "down"));
  };
  const send = async () => {
    try {
      const r = await sendJSON(`/api/turns/${turn.id}/feedback`, { rating, comment: comment.value.trim() || null }, "PUT");
      turn.feedback = await r.json();
      status.textContent = comment.value.trim() ? "Thank you: feedback and comment saved." : "Thank you: feedback saved.";
    } catch (e) {
      status.textContent = "Could not save the feedback: " + e.message;
    }
  };
  const choose = (value) => async () => {
    rating = value;
    show();
    form.hidden = false;
    await send();
  };
  up.addEventListener("click", choose("up"));
  down.addEventListener("click", choose("down"));
  form.addEventListener("submit", async (event) => { event.preventDefault(); await send(); });
  if (turn.feedback && turn.feedback.comment) comment.value = turn.feedback.comment;
  show();
  box.append(el("span", { class: "feedback-group", role: "group", "aria-label": "Was this answer helpful?" }, up, down), status, form);
}

/** A stored turn, as loaded with a conversation. */
export function renderStoredTurn(turn) {
  const conv = $("#conversation");
  $("#chat-empty").hidden = true;
  conv.appendChild(userBubble(turn.question));
  const parts = answerCard();
  const ctx = { citations: citationMap(turn.citations), onCite: openCitation };
  fillAnswer(parts, turn, ctx);
  fillActions(parts, turn, turn);
  conv.appendChild(parts.card);
}

export async function ask(raw) {
  const question = String(raw || "").trim();
  if (!question || state.busy) return;
  const limit = state.meta ? state.meta.max_question_chars : 2000;
  if (question.length > limit) {
    notify(`The question is ${question.length} characters long; the limit is ${limit}.`, "error");
    return;
  }
  setBusy(true);
  $("#chat-empty").hidden = true;
  $("#question").value = "";
  updateCount();

  const conv = $("#conversation");
  conv.appendChild(userBubble(question));
  const parts = answerCard();
  parts.card.setAttribute("aria-busy", "true");
  parts.body.appendChild(el("p", { class: "thinking" }, "Searching the reports\u2026"));
  conv.appendChild(parts.card);
  scrollChat();

  const ctx = { citations: new Map(), onCite: openCitation };
  let text = "";
  let pending = false;
  const render = () => {
    pending = false;
    clear(parts.body).appendChild(renderMarkdown(text, ctx));
    scrollChat();
  };
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(render); } };
  let answer = null;
  let turn = null;
  state.controller = new AbortController();

  try {
    const id = await ensureConversation(question);
    const mode = $("#mode-field").hidden ? null : ($("#mode").value || null);
    const response = await fetch(`/api/conversations/${encodeURIComponent(id)}/ask/stream`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ question, mode }),
      signal: state.controller.signal,
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    for await (const ev of sseEvents(response)) {
      if (ev.event === "token") { text += JSON.parse(ev.data); schedule(); }
      else if (ev.event === "citations") { ctx.citations = citationMap(JSON.parse(ev.data)); schedule(); }
      else if (ev.event === "done") { answer = JSON.parse(ev.data); }
      else if (ev.event === "turn") { turn = JSON.parse(ev.data); }
      else if (ev.event === "error") { throw new Error(JSON.parse(ev.data).detail || "answering failed"); }
    }
    if (!answer) throw new Error("the answer stream ended early");
    ctx.citations = citationMap(answer.citations);
    fillAnswer(parts, answer, ctx);
    fillActions(parts, turn, answer);
    refreshList();
  } catch (e) {
    if (e.name === "AbortError") {
      if (!text) clear(parts.body);
      parts.meta.appendChild(el("p", { class: "stopped" }, "Stopped. This answer was not finished and is not saved."));
    } else {
      clear(parts.body).appendChild(el("p", { class: "error-text" }, "Sorry, no answer: " + e.message));
    }
  } finally {
    parts.card.removeAttribute("aria-busy");
    state.controller = null;
    setBusy(false);
    $("#question").focus();
    scrollChat();
  }
}
