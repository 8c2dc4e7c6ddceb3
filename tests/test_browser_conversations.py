"""Conversations in the page (Debian Chromium through Playwright): a three-turn conversation that
survives a reload and continues with a working follow-up; rename, delete and export; feedback
stored and exported; stop during a stream (a slow scripted LLM peer); axe-core with no serious or
critical violation on every view, light and dark; layouts at 1440, 1024 and 390 px (screenshots
in test-artifacts/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from api_support import ROOT, Server, cli, finish_upload, server_env, start_server
from browser_support import WORD_BREAK_CHECK, ask, horizontal_overflow, overlaps, run_axe, wait_answer
from llm_support import peer, script, seen  # noqa: F401  (peer is a fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(900)]

Q1 = "What was the overall score of Northwold?"
Q2 = "What are the strengths in planning at Northwold?"
Q3 = "And Ashbridge?"
Q4 = "What about staff?"  # only means "Ashbridge's staff" with the stored history


def make_page(browser, server: Server, width: int = 1366, height: int = 820, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                  bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.goto(server.base_url + "/")
    return context, page, errors


@pytest.fixture()
def page(chromium_browser, live_server: Server):
    context, pg, errors = make_page(chromium_browser, live_server)
    yield pg
    context.close()
    assert not errors, errors


def conversation(server: Server, conv_id: str) -> dict:
    return httpx.get(server.url(f"/api/conversations/{conv_id}"), timeout=30).json()


def current_id(page) -> str:
    return page.evaluate("localStorage.getItem('yotassist-conversation')")


def test_three_turns_survive_a_reload_and_the_follow_up_works(page, live_server: Server, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="New conversation", exact=True).click()
    ask(page, Q1, 1)
    expect(page.locator("#chat-title")).to_have_text(Q1)
    ask(page, Q2, 2)
    third = ask(page, Q3, 3)
    expect(third.locator(".answer-body")).to_contain_text("Ashbridge")
    conv_id = current_id(page)
    assert [t["question"] for t in conversation(live_server, conv_id)["turns"]] == [Q1, Q2, Q3]

    page.reload()
    expect(page.locator(".turn.assistant")).to_have_count(3)
    expect(page.locator(".turn.user .bubble").nth(2)).to_contain_text(Q3)
    expect(page.locator("#chat-title")).to_have_text(Q1)
    expect(page.locator("#conv-list .conv-item.current")).to_contain_text(Q1)
    assert page.locator(".turn.assistant").nth(1).locator("button.cite").count() >= 1  # citations restored

    fourth = ask(page, Q4, 4)
    expect(fourth.locator(".answer-body")).to_contain_text("Ashbridge")
    turns = conversation(live_server, conv_id)["turns"]
    assert len(turns) == 4
    cited = {(c["source"], c["section"]) for c in turns[3]["citations"]}
    assert {s for s, _ in cited} == {"ashbridge-2023.txt"} and ("ashbridge-2023.txt", "1.2") in cited, cited
    page.screenshot(path=str(artifacts / "conversation-after-reload.png"))

    # a citation restored from the store opens the source panel; Esc puts the focus back on it
    marker = fourth.locator(".answer-body button.cite").first
    marker.click()
    expect(page.locator("#viewer")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#viewer")).to_be_hidden()
    expect(marker).to_be_focused()


def test_rename_export_delete(page, live_server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="New conversation", exact=True).click()
    ask(page, Q2, 1)
    conv_id = current_id(page)
    page.once("dialog", lambda d: d.accept("Northwold planning notes"))
    page.get_by_role("button", name="Rename").click()
    expect(page.locator("#chat-title")).to_have_text("Northwold planning notes")
    expect(page.locator("#conv-list .conv-item.current")).to_contain_text("Northwold planning notes")
    assert conversation(live_server, conv_id)["title"] == "Northwold planning notes"

    with page.expect_download() as info:
        page.get_by_role("button", name="Export .md").click()
    md = tmp_path / info.value.suggested_filename
    info.value.save_as(str(md))
    text = md.read_text(encoding="utf-8")
    assert md.suffix == ".md" and text.startswith("# Northwold planning notes") and Q2 in text and "Sources:" in text
    with page.expect_download() as info:
        page.get_by_role("button", name="Export .docx").click()
    docx = tmp_path / info.value.suggested_filename
    info.value.save_as(str(docx))
    from docx import Document

    assert Q2 in "\n".join(p.text for p in Document(str(docx)).paragraphs)

    # switching: a new conversation, then back to this one from the sidebar
    page.get_by_role("button", name="New conversation", exact=True).click()
    expect(page.locator(".turn.assistant")).to_have_count(0)
    page.locator("#conv-list .conv-item", has_text="Northwold planning notes").click()
    expect(page.locator(".turn.assistant")).to_have_count(1)

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("#chat-title")).to_have_text("New conversation")
    expect(page.locator("#conv-list")).not_to_contain_text("Northwold planning notes")
    assert httpx.get(live_server.url(f"/api/conversations/{conv_id}")).status_code == 404


def test_feedback_is_stored_and_exported(page, live_server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="New conversation", exact=True).click()
    answer = ask(page, Q2, 1)
    answer.get_by_role("button", name="Not helpful").click()
    expect(answer.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "true")
    answer.get_by_label("What was right or wrong? (optional)").fill("Only one strength; the report lists more.")
    answer.get_by_role("button", name="Send feedback").click()
    expect(answer.locator(".feedback-status")).to_contain_text("comment saved")
    turn = conversation(live_server, current_id(page))["turns"][0]
    assert turn["feedback"] == {**turn["feedback"], "rating": "down", "comment": "Only one strength; the report lists more."}

    page.reload()  # the verdict is shown again after a reload
    expect(page.locator(".turn.assistant").first.get_by_role("button", name="Not helpful")).to_have_attribute(
        "aria-pressed", "true")

    out = tmp_path / "feedback.jsonl"
    proc = subprocess.run(cli("feedback", "export", "--out", str(out)), cwd=ROOT, env=server_env(live_server.home),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    mine = [r for r in rows if r["turn_id"] == turn["id"]]
    assert mine and mine[0]["rating"] == "down" and mine[0]["question"] == Q2
    assert mine[0]["comment"] == "Only one strength; the report lists more."

    answer = page.locator(".turn.assistant").first
    answer.get_by_role("button", name="Copy answer").click()
    expect(page.locator("#notice")).to_contain_text("copied")


# ---- stop during a stream (LLM mode, a slow scripted peer) -------------------------------------


@pytest.fixture(scope="module")
def slow_llm_server(built_index, peer, tmp_path_factory) -> Iterator[Server]:
    home, index_dir = built_index
    own = tmp_path_factory.mktemp("browser-llm")
    shutil.copytree(index_dir, own / "index")
    server = start_server(own / "index", own, YOTASSIST_LLM_BASE_URL=f"{peer}/v1", YOTASSIST_LLM_MODEL="scripted-peer")
    yield server
    server.stop()


def test_stop_during_a_stream(chromium_browser, slow_llm_server: Server, peer) -> None:
    from playwright.sync_api import expect

    script(peer, " ".join(["Inspectors found planning was thorough [1]."] * 40), delay=0.25)
    context, page, errors = make_page(chromium_browser, slow_llm_server)
    try:
        expect(page.locator("#mode-field")).to_be_visible()  # an LLM endpoint: the mode toggle is offered
        expect(page.get_by_label("Answer mode")).to_have_value("llm")
        page.get_by_label("Your question").fill("What did inspectors say about planning in Ashbridge?")
        page.get_by_label("Your question").press("Enter")
        stop = page.get_by_role("button", name="Stop")
        expect(stop).to_be_visible()
        expect(page.get_by_role("button", name="Ask", exact=True)).to_be_hidden()
        deadline = 60
        while not seen(peer) and deadline:  # the model is streaming now
            page.wait_for_timeout(250)
            deadline -= 0.25
        assert seen(peer), "the model was never asked"
        page.wait_for_timeout(800)
        stop.click()
        answer = page.locator(".turn.assistant").last
        expect(answer.locator(".stopped")).to_contain_text("Stopped")
        expect(page.get_by_role("button", name="Ask", exact=True)).to_be_visible()
        expect(answer.locator(".feedback-up")).to_have_count(0)
        page.wait_for_timeout(1500)
        conv = conversation(slow_llm_server, current_id(page))
        assert conv["turns"] == []  # a stopped answer is not stored

        # the page still answers afterwards (extractive, chosen with the toggle)
        page.get_by_label("Answer mode").select_option("extractive")
        done = ask(page, "What are the strengths in planning at Northwold?", 2)
        expect(done.locator(".mode")).to_contain_text("Quoted from the reports")
        assert conversation(slow_llm_server, current_id(page))["turns"][0]["mode"] == "extractive"
    finally:
        context.close()
    assert not errors, errors


# ---- accessibility and layout --------------------------------------------------------------------


def open_views(page) -> Iterator[str]:
    """Walk the four views, each in a state with content (an answer, the grid, a draft, the list)."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Ask").click()
    if page.locator(".turn.assistant").count() == 0:
        ask(page, Q1, 1)
    yield "chat"
    page.get_by_role("tab", name="Ratings").click()
    expect(page.locator(".ratings-table")).to_be_visible(timeout=30_000)
    yield "ratings"
    page.get_by_role("tab", name="Draft").click()
    if not page.locator("#draft-result").is_visible():
        page.get_by_label("Standard").select_option("2.2")
        page.get_by_role("button", name="Draft", exact=True).click()
        expect(page.locator("#draft-result")).to_be_visible(timeout=60_000)
    yield "draft"
    page.get_by_role("tab", name="Reports").click()
    expect(page.locator(".reports-table")).to_be_visible(timeout=30_000)
    yield "reports"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_has_no_serious_violations(chromium_browser, live_server: Server, artifacts: Path, scheme: str) -> None:
    context, page, errors = make_page(chromium_browser, live_server, scheme=scheme)
    try:
        page.get_by_role("button", name="New conversation", exact=True).click()
        found = {}
        for view in open_views(page):
            assert page.locator("h1:visible").count() >= 1, f"no visible h1 on {view}"
            found[view] = run_axe(page)
            page.screenshot(path=str(artifacts / f"axe-{scheme}-{view}.png"))
        # the source panel open beside the chat
        page.get_by_role("tab", name="Ask").click()
        page.locator(".turn.assistant button.cite").first.click()
        page.locator("#viewer .line.hl").first.wait_for()
        found["source panel"] = run_axe(page)
    finally:
        context.close()
    assert not any(found.values()), json.dumps(found, indent=1)
    assert not errors, errors


@pytest.mark.parametrize("width,height", [(1440, 900), (1024, 768), (390, 844)])
def test_layouts(chromium_browser, live_server: Server, artifacts: Path, width: int, height: int) -> None:
    from playwright.sync_api import expect

    context, page, errors = make_page(chromium_browser, live_server, width, height)
    try:
        page.get_by_role("button", name="New conversation", exact=True).click() if width > 860 else None
        for view in open_views(page):
            page.screenshot(path=str(artifacts / f"layout-{width}-{view}.png"))
            over = horizontal_overflow(page)
            assert over["body"] <= width and over["work"] <= 0 and over["scrolled"] == 0, (view, over)
            assert not overlaps(page, ".brand", ".tabs"), f"the tabs cover the brand at {width} px"
            broken = page.evaluate(WORD_BREAK_CHECK, ".ratings-table th, .md-table th, .md-table td, "
                                   ".reports-table th, .reports-table td, .tabs [role=tab], .chat-tools .button")
            assert not broken, (view, broken[:10])
            if view == "ratings":
                grid = page.evaluate("() => { const g = document.querySelector('#ratings-grid');"
                                     " return [g.scrollWidth, g.clientWidth]; }")
                hint = page.locator("#ratings-scroll-hint")
                if grid[0] > grid[1] + 2:  # the grid scrolls in its own box, and says so
                    expect(hint).to_be_visible()
                else:
                    expect(hint).to_be_hidden()
                if width <= 1024:
                    assert grid[0] > grid[1], "expected the grid to need sideways scrolling here"
        if width <= 860:  # the sidebar opens over the chat from its button, and closes on choosing
            page.get_by_role("tab", name="Ask").click()
            toggle = page.get_by_role("button", name="Conversations")
            toggle.click()
            expect(page.locator("#sidebar")).to_be_visible()
            page.screenshot(path=str(artifacts / f"layout-{width}-sidebar.png"))
            page.locator("#conv-list .conv-item").first.click()
            expect(page.locator("#sidebar")).to_be_hidden()
    finally:
        context.close()
    assert not errors, errors


SQS_REPORT = """Short quality screening of youth offending work in Brindlecombe

Published: 14 May 2016

An inspection by HM Inspectorate of Probation

Introduction
This short quality screening looked at a small sample of cases supervised by the Brindlecombe youth offending team.
It does not give the service a rating; it tells the service what was done well and what needs to improve.

Key strengths
Case managers in Brindlecombe knew their children well and visited them often at home.
Reports written for the youth court were clear, balanced and delivered on time.

Areas requiring improvement
Plans for keeping other people safe in Brindlecombe were too general and seldom reviewed.
Managers did not check the quality of assessments often enough.
"""


def test_sqs_rows_and_footer_truths(page, live_server: Server) -> None:
    """An unrated screening report is labelled in the grid; a footer never claims quotes that are
    not there; quotes render with balanced quotation marks."""
    from playwright.sync_api import expect

    up = finish_upload(httpx.post(live_server.url("/api/reports"),
                                  files={"file": ("brindlecombe-sqs-2016.txt", SQS_REPORT.encode())}, timeout=300))
    assert up.status_code == 200 and up.json()["report"]["report_type"] == "sqs", up.text
    try:
        page.reload()
        page.get_by_role("tab", name="Ratings").click()
        row = page.locator(".ratings-table tbody tr", has_text="Brindlecombe")
        expect(row.locator("td.not-rated")).to_contain_text("SQS, not rated")
        expect(row.locator(".cell.empty")).to_have_count(0)  # one labelled cell, not a row of dots
        page.get_by_role("tab", name="Ask").click()
        page.get_by_role("button", name="New conversation", exact=True).click()
        answer = ask(page, Q2, 1)
        expect(answer.locator(".mode")).to_have_text(re.compile("^Quoted from the reports"))
        nothing = ask(page, "Tell me about zebra crossings on the moon", 2)
        if nothing.locator("button.cite").count() == 0:
            expect(nothing.locator(".mode")).to_have_text(re.compile("^Nothing found|^Computed"))
        for t in page.locator(".answer-body, .source-quote").all_inner_texts():
            assert t.count("\u201c") == t.count("\u201d"), t
    finally:
        httpx.delete(live_server.url("/api/reports/brindlecombe-sqs-2016.txt"), timeout=120)
