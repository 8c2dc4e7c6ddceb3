"""Helpers for the browser tests: a page with axe-core injectable, layout checks, waiting for answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "assets" / "axe.min.js"

# Every word of these elements must sit on one line (a break inside a word reads as two words);
# hyphenated names may break at their hyphens.
WORD_BREAK_CHECK = """(selector) => {
  const broken = [];
  for (const node of document.querySelectorAll(selector)) {
    if (!node.offsetParent) continue;
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t.parentElement.closest('.visually-hidden')) continue;
      const re = /[^\\s\\-\\u2010-\\u2014\\/]+/g; let m;  // a break after a hyphen or slash is not mid-word
      while ((m = re.exec(t.data))) {
        const range = document.createRange();
        range.setStart(t, m.index); range.setEnd(t, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def run_axe(page: Any) -> list[dict]:
    """Serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 200)) }));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def horizontal_overflow(page: Any) -> dict:
    """How far the page itself (not a scrolling box inside it) is wider than the window."""
    return page.evaluate("""() => {
      const w = window.innerWidth;
      const work = document.querySelector('.work');
      return { window: w, body: document.body.scrollWidth, work: work.scrollWidth - work.clientWidth,
               scrolled: (window.scrollTo(500, 0), window.scrollX) };
    }""")


def overlaps(page: Any, a: str, b: str) -> bool:
    return page.evaluate("""([a, b]) => {
      const x = document.querySelector(a).getBoundingClientRect(), y = document.querySelector(b).getBoundingClientRect();
      return !(x.right <= y.left || y.right <= x.left || x.bottom <= y.top || y.bottom <= x.top);
    }""", [a, b])


def wait_answer(page: Any, count: int, timeout: float = 90_000) -> Any:
    """The ``count``-th answer once it is finished and stored (its feedback buttons are shown)."""
    from playwright.sync_api import expect

    answer = page.locator(".turn.assistant").nth(count - 1)
    expect(answer.locator(".feedback-up")).to_be_visible(timeout=timeout)
    return answer


def ask(page: Any, question: str, count: int) -> Any:
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Enter")
    return wait_answer(page, count)
