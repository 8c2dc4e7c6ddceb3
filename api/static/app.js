/* yotassist web page: chat with streamed, cited answers; ratings grid; drafting; uploads.
 *
 * No framework, no CDN. Safety rule: text from reports, answers and the server is only ever put
 * into the page through textContent / DOM nodes built here (never innerHTML), so a report that
 * contains <script> shows as text and runs nothing. The server's Content-Security-Policy forbids
 * inline scripts as a second line of defence.
 */
"use strict";

(function () {
  // ------------------------------------------------------------------------------------------
  // small DOM helpers

  const $ = (sel, root) => (root || document).querySelector(sel);

  /** el("div", {class: "x", onclick: fn}, "text", childNode, ...) with text always as text nodes. */
  function el(tag, attrs, ...children) {
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

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  const RATING_SHORT = {
    "Outstanding": "O",
    "Good": "G",
    "Requires improvement": "RI",
    "Inadequate": "I",
  };
  const bandClass = (rating) => (rating ? "band-" + rating.replace(/\s+/g, "-") : "band-none");

  // ------------------------------------------------------------------------------------------
  // API access

  const state = {
    meta: null,
    history: [],          // [{role, content}] of finished turns
    busy: false,
    viewer: { source: null, lines: null },
    textCache: new Map(), // source -> Promise of /text JSON
    draft: null,
  };

  function apiKeyHeaders() {
    const key = sessionStorage.getItem("yotassist-api-key") || "";
    return key ? { "X-API-Key": key } : {};
  }

  async function errorMessage(response) {
    try {
      const data = await response.json();
      if (data && typeof data.detail === "string") return data.detail;
      if (data && Array.isArray(data.detail)) return data.detail.map((d) => d.msg).join("; ");
    } catch (e) { /* not JSON */ }
    return `${response.status} ${response.statusText}`;
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(await errorMessage(response));
    return response.json();
  }

  async function postJSON(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    return response;
  }

  let noticeTimer = null;
  function notify(text, kind) {
    const box = $("#notice");
    box.textContent = text;
    box.className = "notice " + (kind || "info");
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  // ------------------------------------------------------------------------------------------
  // safe markdown: paragraphs, lists, headings, quotes, **bold**, *italic*, `code`, [n] markers

  const INLINE = /(\*\*[^*]+\*\*|`[^`]+`|\[\d+(?:\s*[,;]\s*\d+)*\]|(?<![\w*])\*[^*\s][^*]*\*(?![\w*])|(?<![\w_])_[^_\s][^_]*_(?![\w_]))/g;

  function renderInline(text, ctx) {
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(INLINE)) {
      if (match.index > last) frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      const token = match[0];
      if (token.startsWith("**")) frag.appendChild(el("strong", null, renderInline(token.slice(2, -2), ctx)));
      else if (token.startsWith("`")) frag.appendChild(el("code", null, token.slice(1, -1)));
      else if (token.startsWith("[")) {
        for (const n of token.slice(1, -1).split(/[,;]/).map((s) => parseInt(s, 10))) {
          frag.appendChild(citationMarker(n, ctx));
        }
      } else frag.appendChild(el("em", null, token.slice(1, -1)));
      last = match.index + token.length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function citationMarker(n, ctx) {
    const cite = ctx && ctx.citations ? ctx.citations.get(n) : null;
    const label = cite ? `Citation ${n}: ${cite.service || cite.source}, ${sectionLabel(cite)}, ${linesLabel(cite.line_start, cite.line_end)}`
      : `Citation ${n}`;
    return el("button", {
      type: "button",
      class: "cite" + (cite ? "" : " pending"),
      "aria-label": label,
      title: label,
      dataset: { n: String(n) },
      onclick: () => {
        const c = ctx && ctx.citations ? ctx.citations.get(n) : null;
        if (c) openCitation(c);
      },
    }, String(n));
  }

  function renderMarkdown(text, ctx) {
    const root = document.createDocumentFragment();
    const lines = String(text || "").replace(/\r\n?/g, "\n").split("\n");
    let para = [];
    let list = null;
    const flushPara = () => {
      if (para.length) {
        const p = el("p");
        para.forEach((line, i) => {
          if (i) p.appendChild(el("br"));
          p.appendChild(renderInline(line, ctx));
        });
        root.appendChild(p);
        para = [];
      }
    };
    const flushList = () => { if (list) { root.appendChild(list); list = null; } };
    let table = null;
    const flushTable = () => {
      if (!table) return;
      const hasHead = table.length > 1 && /^\|?[\s:|-]+\|?$/.test(table[1]) && table[1].includes("-");
      const cells = (r) => r.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
      const t = el("table", { class: "md-table" });
      let body = t;
      if (hasHead) {
        t.appendChild(el("thead", null, el("tr", null, cells(table[0]).map((c) => el("th", { scope: "col" }, renderInline(c, ctx))))));
        body = t.appendChild(el("tbody"));
      }
      for (const r of (hasHead ? table.slice(2) : table)) {
        if (/^\|?[\s:|-]+\|?$/.test(r) && r.includes("-")) continue;
        body.appendChild(el("tr", null, cells(r).map((c) => el("td", null, renderInline(c, ctx)))));
      }
      root.appendChild(el("div", { class: "md-table-wrap" }, t));
      table = null;
    };
    for (const raw of lines) {
      const line = raw.trimEnd();
      let m;
      if (/^\s*\|.*\|\s*$/.test(line)) { flushPara(); flushList(); (table = table || []).push(line.trim()); continue; }
      flushTable();
      if (!line.trim()) { flushPara(); flushList(); continue; }
      if ((m = line.match(/^\s*[-*\u2022]\s+(.*)$/))) {
        flushPara();
        if (!list || list.tagName !== "UL") { flushList(); list = el("ul"); }
        list.appendChild(el("li", null, renderInline(m[1], ctx)));
      } else if ((m = line.match(/^\s*(\d+)[.)]\s+(.*)$/))) {
        flushPara();
        if (!list || list.tagName !== "OL") { flushList(); list = el("ol", { start: m[1] }); }
        list.appendChild(el("li", null, renderInline(m[2], ctx)));
      } else if ((m = line.match(/^(#{1,6})\s+(.*)$/))) {
        flushPara(); flushList();
        const level = Math.min(6, m[1].length + 2);
        root.appendChild(el("h" + level, { class: "md-heading" }, renderInline(m[2], ctx)));
      } else if ((m = line.match(/^>\s?(.*)$/))) {
        flushPara(); flushList();
        root.appendChild(el("blockquote", null, renderInline(m[1], ctx)));
      } else if (list && /^\s{2,}\S/.test(raw)) {
        list.lastChild.appendChild(document.createTextNode(" "));
        list.lastChild.appendChild(renderInline(line.trim(), ctx));
      } else {
        flushList();
        para.push(line);
      }
    }
    flushPara(); flushList(); flushTable();
    return root;
  }

  function citationList(citations) {
    if (!citations || !citations.length) return null;
    const list = el("ol", { class: "citations", "aria-label": "Sources" });
    for (const c of citations) {
      const where = sectionLabel(c);
      const lines = linesLabel(c.line_start, c.line_end) + (c.page ? `, p. ${c.page}` : "");
      list.appendChild(el("li", { value: c.n },
        el("button", {
          type: "button", class: "source-link",
          "aria-label": `Open source ${c.n}: ${c.service || c.source}, ${where}, ${lines}`,
          onclick: () => openCitation(c),
        },
        el("span", { class: "cite static", "aria-hidden": "true" }, String(c.n)),
        el("span", { class: "source-service" }, c.service || c.source),
        el("span", { class: "source-where" }, where),
        el("span", { class: "source-lines" }, lines)),
        c.quote ? el("blockquote", { class: "source-quote" }, c.quote) : null));
    }
    return list;
  }

  /** "2.2 Planning" for a standard, just the title for other sections ("Ratings", "Annex 1"). */
  const sectionLabel = (c) => (/^\d\.\d$/.test(c.section || "") ? `${c.section} ${c.title}` : (c.title || c.section || "")).trim();
  const linesLabel = (a, b) => (!b || a === b ? `line ${a}` : `lines ${a}\u2013${b}`);

  const citationMap = (citations) => new Map((citations || []).map((c) => [c.n, c]));

  // ------------------------------------------------------------------------------------------
  // tabs

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

  // ------------------------------------------------------------------------------------------
  // source viewer

  function reportText(source) {
    if (!state.textCache.has(source)) {
      const promise = getJSON(`/api/reports/${encodeURIComponent(source)}/text`);
      promise.catch(() => state.textCache.delete(source));
      state.textCache.set(source, promise);
    }
    return state.textCache.get(source);
  }

  function openCitation(c) {
    const label = `[${c.n}] ${sectionLabel(c)}`;
    openSource(c.source, c.line_start, c.line_end, label, c.service);
  }

  async function openSource(source, start, end, label, service) {
    const viewer = $("#viewer");
    const body = $("#viewer-body");
    viewer.hidden = false;
    document.body.classList.add("viewer-open");
    $("#viewer-title").textContent = service || source;
    $("#viewer-sub").textContent = (label ? label + " \u00b7 " : "") + (start ? linesLabel(start, end) : source);
    let data;
    try {
      if (state.viewer.source !== source) {
        clear(body).appendChild(el("p", { class: "hint pad" }, "Loading the report\u2026"));
      }
      data = await reportText(source);
    } catch (e) {
      clear(body).appendChild(el("p", { class: "error-text pad" }, `Could not open ${source}: ${e.message}`));
      state.viewer.source = null;
      return;
    }
    if (state.viewer.source !== source) {
      const frag = document.createDocumentFragment();
      for (const line of data.lines) {
        frag.appendChild(el("div", { class: "line", id: "L" + line.n, dataset: { n: String(line.n) } },
          el("span", { class: "ln", "aria-hidden": "true" }, String(line.n)),
          el("span", { class: "lt" }, line.text || "\u200b")));
      }
      clear(body).appendChild(frag);
      state.viewer.source = source;
      body.dataset.source = source;
    }
    for (const node of body.querySelectorAll(".line.hl")) node.classList.remove("hl", "hl-first", "hl-last");
    if (start) {
      const last = Math.max(start, end || start);
      for (let n = start; n <= last; n++) {
        const line = body.querySelector("#L" + n);
        if (!line) continue;
        line.classList.add("hl");
        if (n === start) line.classList.add("hl-first");
        if (n === last) line.classList.add("hl-last");
      }
      const first = body.querySelector("#L" + start);
      if (first) {
        // centre the cited lines inside the viewer without moving the page itself
        const top = first.offsetTop - body.clientHeight / 3;
        body.scrollTo({ top: Math.max(0, top), behavior: "instant" in document.documentElement.style ? "instant" : "auto" });
      }
    } else {
      body.scrollTop = 0;
    }
    body.focus({ preventScroll: true });
  }

  function closeViewer() {
    $("#viewer").hidden = true;
    document.body.classList.remove("viewer-open");
  }

  // ------------------------------------------------------------------------------------------
  // chat

  const SUGGESTIONS = [
    "Which services were rated Good overall?",
    "How did services do on out-of-court disposal joint working?",
    "What are the strengths in 2.2 Planning?",
    "What was the overall score of each service?",
  ];

  function initChat() {
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
    $("#new-chat").addEventListener("click", () => {
      state.history = [];
      for (const node of [...$("#conversation").querySelectorAll(".turn")]) node.remove();
      $("#chat-empty").hidden = false;
      input.focus();
    });
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

  async function ask(raw) {
    const question = String(raw || "").trim();
    if (!question || state.busy) return;
    const limit = state.meta ? state.meta.max_question_chars : 2000;
    if (question.length > limit) {
      notify(`The question is ${question.length} characters long; the limit is ${limit}.`, "error");
      return;
    }
    state.busy = true;
    $("#ask-button").disabled = true;
    $("#chat-empty").hidden = true;
    $("#question").value = "";
    updateCount();

    const conv = $("#conversation");
    conv.appendChild(el("div", { class: "turn user" }, el("div", { class: "bubble" }, question)));
    const answerBody = el("div", { class: "answer-body" }, el("p", { class: "thinking" }, "Searching the reports\u2026"));
    const meta = el("div", { class: "answer-meta" });
    const sources = el("div", { class: "answer-sources" });
    const turn = el("article", { class: "turn assistant", "aria-busy": "true" }, answerBody, sources, meta);
    conv.appendChild(turn);
    scrollChat();

    const ctx = { citations: new Map() };
    let text = "";
    let pending = false;
    const render = () => {
      pending = false;
      clear(answerBody).appendChild(renderMarkdown(text, ctx));
      scrollChat();
    };
    const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(render); } };
    let answer = null;

    try {
      const response = await fetch("/api/ask/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ question, history: state.history.slice(-10) }),
      });
      if (!response.ok) throw new Error(await errorMessage(response));
      for await (const ev of sseEvents(response)) {
        if (ev.event === "token") { text += JSON.parse(ev.data); schedule(); }
        else if (ev.event === "citations") { ctx.citations = citationMap(JSON.parse(ev.data)); schedule(); }
        else if (ev.event === "done") { answer = JSON.parse(ev.data); }
        else if (ev.event === "error") { throw new Error(JSON.parse(ev.data).detail || "answering failed"); }
      }
      if (!answer) throw new Error("the answer stream ended early");
      text = answer.answer;
      ctx.citations = citationMap(answer.citations);
      render();
      const list = citationList(answer.citations);
      if (list) sources.appendChild(el("details", { class: "sources", open: true },
        el("summary", null, `Sources (${answer.citations.length})`), list));
      if (answer.unsupported && answer.unsupported.length) {
        meta.appendChild(el("p", { class: "unsupported" },
          "Not supported by the reports and left out: " + answer.unsupported.join("; ")));
      }
      meta.appendChild(el("span", { class: "mode" }, answer.mode === "llm" ? "Written by the language model, citations checked" : "Extractive answer: quoted from the reports"));
      state.history.push({ role: "user", content: question });
      state.history.push({ role: "assistant", content: answer.answer.slice(0, 4000) });
    } catch (e) {
      clear(answerBody).appendChild(el("p", { class: "error-text" }, "Sorry, no answer: " + e.message));
    } finally {
      turn.removeAttribute("aria-busy");
      state.busy = false;
      $("#ask-button").disabled = false;
      $("#question").focus();
      scrollChat();
    }
  }

  /** Parse a fetch() response body as server-sent events: yields {event, data}. */
  async function* sseEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const boundary = /\r\n\r\n|\n\n|\r\r/;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let m;
      while ((m = boundary.exec(buffer))) {
        const block = buffer.slice(0, m.index);
        buffer = buffer.slice(m.index + m[0].length);
        let event = "message";
        const data = [];
        for (const line of block.split(/\r\n|\n|\r/)) {
          if (!line || line.startsWith(":")) continue;
          const i = line.indexOf(":");
          const field = i < 0 ? line : line.slice(0, i);
          let v = i < 0 ? "" : line.slice(i + 1);
          if (v.startsWith(" ")) v = v.slice(1);
          if (field === "event") event = v;
          else if (field === "data") data.push(v);
        }
        if (data.length) yield { event, data: data.join("\n") };
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // ratings grid

  let ratingsLoaded = null;

  async function loadRatings(force) {
    if (ratingsLoaded && !force) return ratingsLoaded;
    const wrap = $("#ratings-grid");
    if (!wrap.firstChild) wrap.appendChild(el("p", { class: "hint" }, "Loading ratings\u2026"));
    ratingsLoaded = getJSON("/api/ratings").then((data) => {
      renderRatings(data);
      return data;
    }).catch((e) => {
      ratingsLoaded = null;
      clear(wrap).appendChild(el("p", { class: "error-text" }, "Could not load the ratings: " + e.message));
    });
    return ratingsLoaded;
  }

  function renderRatings(data) {
    const wrap = clear($("#ratings-grid"));
    if (!data.rows.length) {
      wrap.appendChild(el("p", { class: "hint" }, "No reports are indexed yet. Add one under Reports."));
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
      const tr = el("tr", { dataset: { source: row.id } },
        el("th", { scope: "row", class: "service-col" },
          el("span", { class: "service-name" }, row.service || row.id),
          el("span", { class: "service-meta" }, [year, row.framework ? `${row.framework} framework` : ""].filter(Boolean).join(" \u00b7 "))));
      for (const s of standards) tr.appendChild(ratingCell(row, s));
      const overallLabel = row.overall ? `Overall ${row.overall}` + (row.overall_computed && row.overall_computed !== row.overall ? `, recomputed ${row.overall_computed}` : "") : "No overall rating";
      tr.appendChild(el("td", { class: "overall" },
        row.overall ? el("span", { class: "chip " + bandClass(row.overall) + (row.overall_computed && row.overall_computed !== row.overall ? " disagree" : ""), title: overallLabel, "aria-label": overallLabel },
          RATING_SHORT[row.overall] || row.overall) : "\u2013"));
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

  function ratingCell(row, s) {
    const cell = row.cells[s.id];
    if (!cell || (!cell.published && !cell.computed)) {
      return el("td", { class: "cell empty" }, el("span", { class: "visually-hidden" }, "not rated"), "\u00b7");
    }
    const shown = cell.published || cell.computed;
    const parts = [`${row.service || row.id}, ${s.id} ${s.label}: published ${cell.published || "none"}`];
    if (cell.computed) parts.push(`computed ${cell.computed}`);
    if (cell.disagree) parts.push(cell.discretion ? "differs: professional discretion applied" : "differs");
    const label = parts.join(", ");
    const button = el("button", {
      type: "button",
      class: "chip cell-button " + bandClass(shown) + (cell.disagree ? " disagree" : ""),
      "aria-label": label,
      title: cell.note ? `${label}. ${cell.note}` : label,
      onclick: () => {
        const detail = $("#ratings-detail");
        clear(detail).appendChild(el("p", null, el("strong", null, `${row.service || row.id} \u00b7 ${s.id} ${s.label}: `),
          cell.disagree && cell.note ? capitalise(cell.note) + "." :
            `published ${cell.published || "not published"}` + (cell.computed ? `, computed ${cell.computed}` : "") +
            (cell.note ? `; ${cell.note}.` : ".")));
        if (cell.line_start) openSource(row.id, cell.line_start, cell.line_end, `${s.id} ${s.label}`, row.service);
      },
    }, RATING_SHORT[shown] || shown, cell.disagree ? el("span", { class: "flag", "aria-hidden": "true" }, "\u2691") : null);
    return el("td", { class: "cell" }, button);
  }

  // ------------------------------------------------------------------------------------------
  // drafting

  function initDraft() {
    $("#draft-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = $("#draft-error");
      error.textContent = "";
      let kq = null;
      try { kq = parseKQ($("#draft-kq").value); } catch (e) { error.textContent = e.message; $("#draft-kq").focus(); return; }
      const body = {
        standard: $("#draft-standard").value,
        kind: $("#draft-kind").value,
        service: $("#draft-service").value || null,
        notes: $("#draft-notes").value.trim() || null,
        kq,
      };
      const button = $("#draft-button");
      button.disabled = true;
      button.textContent = "Drafting\u2026";
      try {
        const response = await postJSON("/api/draft", body);
        state.draft = await response.json();
        renderDraft(state.draft);
      } catch (e) {
        error.textContent = "Could not draft: " + e.message;
      } finally {
        button.disabled = false;
        button.textContent = "Draft";
      }
    });
    $("#draft-copy").addEventListener("click", copyDraft);
    $("#draft-docx").addEventListener("click", downloadDraft);
  }

  /** "5/8, 4/7, 8/9" or "62%, 71" -> [{yes, relevant} | {percent}] (null when empty). */
  function parseKQ(text) {
    const parts = String(text || "").split(/[,;\s]+/).filter(Boolean);
    if (!parts.length) return null;
    return parts.map((part) => {
      let m;
      if ((m = part.match(/^(\d+)\/(\d+)$/))) {
        const yes = parseInt(m[1], 10), relevant = parseInt(m[2], 10);
        if (relevant < 1 || yes > relevant) throw new Error(`"${part}": "yes" must be between 0 and the number of relevant cases`);
        return { yes, relevant };
      }
      if ((m = part.match(/^(\d+(?:\.\d+)?)%?$/))) {
        const percent = parseFloat(m[1]);
        if (percent > 100) throw new Error(`"${part}": a percentage cannot exceed 100`);
        return { percent };
      }
      throw new Error(`"${part}" is not a count like 5/8 or a percentage like 62%`);
    });
  }

  const KIND_TITLES = { strengths: "Strengths", improvements: "Areas for improvement", findings: "Findings" };

  function renderDraft(d) {
    const std = state.meta ? state.meta.standards.find((s) => s.id === d.standard) : null;
    $("#draft-title").textContent = `${d.standard} ${std ? std.label : ""}: ${KIND_TITLES[d.kind] || d.kind}` + (d.service ? ` \u00b7 ${d.service}` : "");
    const body = clear($("#draft-body"));
    const ctx = { citations: citationMap(d.citations) };
    if (d.computed_rating) {
      body.appendChild(el("p", { class: "computed" }, "Computed rating from your key-question counts: ",
        el("span", { class: "chip wide " + bandClass(d.computed_rating) }, d.computed_rating)));
    }
    const hasBullets = Boolean(d.bullets && d.bullets.length);
    // With bullets, the paragraph is a lead line (e.g. "no bullets of its own; from comparable inspections").
    if (hasBullets && d.paragraph) body.appendChild(el("div", { class: "draft-paragraph draft-lead" }, renderMarkdown(d.paragraph, ctx)));
    if (hasBullets) {
      const ul = el("ul", { class: "draft-bullets" });
      for (const b of d.bullets) ul.appendChild(el("li", null, renderInline(b.replace(/^\s*[-*]\s+/, ""), ctx)));
      body.appendChild(ul);
    }
    if (d.paragraph && !hasBullets) body.appendChild(el("div", { class: "draft-paragraph" }, renderMarkdown(d.paragraph, ctx)));
    if (!(d.bullets && d.bullets.length) && !d.paragraph) {
      body.appendChild(el("p", { class: "hint" }, "The reports gave nothing to draft from for this choice."));
    }
    if (d.unsupported && d.unsupported.length) {
      body.appendChild(el("p", { class: "unsupported" }, "Left out (not supported by the reports): " + d.unsupported.join("; ")));
    }
    const list = citationList(d.citations);
    if (list) body.appendChild(el("details", { class: "sources", open: true }, el("summary", null, `Sources (${d.citations.length})`), list));
    body.appendChild(el("p", { class: "answer-meta" }, el("span", { class: "mode" },
      d.mode === "llm" ? "Written by the language model, citations checked" : "Extractive draft: quoted from the reports")));
    $("#draft-result").hidden = false;
    $("#draft-result").scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function draftMarkdown(d) {
    const out = [`### ${d.standard} ${KIND_TITLES[d.kind] || d.kind}` + (d.service ? ` (${d.service})` : ""), ""];
    if (d.computed_rating) out.push(`Computed rating: ${d.computed_rating}`, "");
    const lead = d.paragraph && (d.bullets || []).length;
    if (lead) out.push(d.paragraph, "");
    for (const b of d.bullets || []) out.push("- " + b.replace(/^\s*[-*]\s+/, ""));
    if (d.paragraph && !lead) out.push("", d.paragraph);
    if (d.citations && d.citations.length) {
      out.push("", "Sources:", "");
      for (const c of d.citations) {
        out.push(`[${c.n}] ${c.service || c.source}, ${c.section} ${c.title}, lines ${c.line_start}-${c.line_end}` + (c.page ? `, page ${c.page}` : ""));
      }
    }
    return out.join("\n").trim() + "\n";
  }

  async function copyDraft() {
    if (!state.draft) return;
    const text = draftMarkdown(state.draft);
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    notify("The draft was copied as markdown.", "ok");
  }

  async function downloadDraft() {
    if (!state.draft) return;
    const button = $("#draft-docx");
    button.disabled = true;
    try {
      const response = await postJSON("/api/draft/docx", state.draft);
      const blob = await response.blob();
      const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: match ? match[1] : "draft.docx", class: "visually-hidden" });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      notify("Could not make the .docx: " + e.message, "error");
    } finally {
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------------------------------
  // reports and uploads

  async function loadReports() {
    const wrap = $("#reports-list");
    let reports;
    try {
      reports = await getJSON("/api/reports");
    } catch (e) {
      clear(wrap).appendChild(el("p", { class: "error-text" }, "Could not load the reports: " + e.message));
      return;
    }
    clear(wrap);
    if (!reports.length) { wrap.appendChild(el("p", { class: "hint" }, "No reports are indexed yet.")); return; }
    const body = el("tbody");
    for (const r of reports) {
      body.appendChild(el("tr", null,
        el("th", { scope: "row" }, r.service || "(service not found)", el("span", { class: "file-name" }, r.id)),
        el("td", null, r.published || "\u2013"),
        el("td", null, r.framework || (r.report_type === "sqs" ? "SQS" : "\u2013")),
        el("td", null, r.overall ? el("span", { class: "chip wide " + bandClass(r.overall) }, r.overall) : "\u2013"),
        el("td", null, r.score !== null && r.score !== undefined ? `${r.score}/${r.max_score || 36}` : "\u2013"),
        el("td", { class: "actions" },
          el("button", { type: "button", class: "button link", onclick: () => openSource(r.id, null, null, null, r.service), "aria-label": `Open ${r.id}` }, "Open"),
          el("button", { type: "button", class: "button link danger", onclick: () => deleteReport(r), "aria-label": `Remove ${r.id}` }, "Remove"))));
    }
    wrap.appendChild(el("table", { class: "reports-table" },
      el("caption", { class: "table-caption" }, `${reports.length} indexed report${reports.length === 1 ? "" : "s"}`),
      el("thead", null, el("tr", null,
        ["Service", "Published", "Framework", "Overall", "Score", ""].map((h) => el("th", { scope: "col" }, h)))),
      body));
  }

  async function deleteReport(r) {
    if (!window.confirm(`Remove ${r.id} from the index?`)) return;
    const response = await fetch(`/api/reports/${encodeURIComponent(r.id)}`, { method: "DELETE", headers: apiKeyHeaders() });
    if (!response.ok) { notify("Could not remove it: " + (await errorMessage(response)), "error"); return; }
    state.textCache.delete(r.id);
    if (state.viewer.source === r.id) { closeViewer(); state.viewer.source = null; }
    notify(`${r.id} was removed.`, "ok");
    ratingsLoaded = null;
    refreshMeta();
    loadReports();
  }

  function initUpload() {
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
    const headers = apiKeyHeaders();
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.upload.addEventListener("load", () => {
      progress.value = 100;
      stateText.textContent = "Parsing, checking ratings and indexing\u2026";
      progress.removeAttribute("value"); // indeterminate while the server works
    });
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
        state.textCache.delete(r.id);
        if (state.viewer.source === r.id) state.viewer.source = null;
        ratingsLoaded = null;
        refreshMeta();
        loadReports();
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
    function finish() {
      progress.hidden = true;
      button.disabled = false;
      stateText.textContent = "";
    }
    xhr.send(form);
  }

  const capitalise = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/[.\s]+$/, "") : s);

  // ------------------------------------------------------------------------------------------
  // start

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

  function init() {
    initTabs();
    initChat();
    initDraft();
    initUpload();
    $("#viewer-close").addEventListener("click", closeViewer);
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !$("#viewer").hidden) closeViewer();
    });
    refreshMeta();
    const start = (location.hash || "").slice(1);
    selectTab(TABS.includes(start) ? start : "chat");
    $("#question").focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
