"""The web page in Debian's Chromium (Playwright): ask and open a citation, upload and see the
report in the ratings grid, draft and download the .docx. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from api_support import Server, derived_report

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(600)]


@pytest.fixture()
def page(chromium_browser, live_server: Server):
    # clipboard permissions: the draft's Copy button is read back from the clipboard
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 820}, accept_downloads=True,
                                           permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # 4xx answers the page handles (a rejected upload) show as "Failed to load resource": expected.
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    pg.goto(live_server.base_url + "/")
    yield pg
    context.close()
    assert not errors, errors


def test_ask_and_open_citation(page, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page.screenshot(path=str(artifacts / "browser-1-start.png"))
    question = page.get_by_label("Your question")
    question.fill("What are the strengths in planning at Northwold?")
    question.press("Enter")  # keyboard: Enter sends
    answer = page.locator(".turn.assistant").last
    expect(answer.locator(".answer-meta .mode")).to_be_visible(timeout=60_000)
    expect(answer.locator(".answer-body")).to_contain_text("Northwold")
    markers = answer.locator(".answer-body button.cite")
    assert markers.count() >= 1
    page.screenshot(path=str(artifacts / "browser-2-answer.png"))

    first_quote = answer.locator(".source-quote").first.inner_text().strip("\u201c\u201d")  # shown in quotation marks
    markers.first.click()
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    highlighted = page.locator("#viewer-body .line.hl")
    expect(highlighted.first).to_be_visible()
    text = " ".join(highlighted.locator(".lt").all_inner_texts())
    assert " ".join(first_quote.split())[:50] in " ".join(text.split())
    label = markers.first.get_attribute("aria-label")
    m = re.search(r"lines? (\d+)", label)
    assert m and highlighted.first.get_attribute("data-n") == m.group(1)
    assert highlighted.first.is_visible()  # scrolled into view inside the viewer
    expect(page.locator("#viewer-title")).to_have_text("Northwold")
    page.screenshot(path=str(artifacts / "browser-3-citation-open.png"))

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(markers.first).to_be_focused()  # focus goes back to the citation that opened the panel


def test_upload_then_grid_marks_disagreement(page, live_server: Server, tmp_path: Path, artifacts: Path) -> None:
    from playwright.sync_api import expect

    report = tmp_path / "brackenfield-2023.txt"
    report.write_bytes(derived_report("Brackenfield", disagree_22=True))
    rejected = tmp_path / "notes.xlsx"
    rejected.write_bytes(b"PK\x03\x04 not a report")
    prose = tmp_path / "minutes.txt"
    prose.write_text("\n".join(f"Item {i}: the group talked about the garden, the rota and the summer outing."
                                for i in range(40)), encoding="utf-8")
    try:
        page.get_by_role("tab", name="Reports").click()
        page.get_by_label("Report file").set_input_files(str(rejected))
        page.get_by_role("button", name="Upload").click()
        message = page.locator("#upload-message")
        expect(message).to_contain_text("not supported", timeout=30_000)
        expect(message).to_have_class(re.compile("error"))
        page.screenshot(path=str(artifacts / "browser-4-upload-rejected.png"))

        # Not a report: refused with the reason; ticking the box would force it in.
        page.get_by_label("Report file").set_input_files(str(prose))
        page.get_by_role("button", name="Upload").click()
        expect(message).to_contain_text("does not look like an inspection report", timeout=60_000)
        expect(page.get_by_label("Index it even if it does not look like an inspection report")).not_to_be_checked()

        # A report: indexed in the background while the page shows the job's stage and share done.
        page.evaluate("""() => {
            window.__uploadStates = [];
            const node = document.querySelector('#upload-state');
            new MutationObserver(() => window.__uploadStates.push(node.textContent))
                .observe(node, {childList: true, characterData: true, subtree: true});
        }""")
        page.get_by_label("Report file").set_input_files(str(report))
        page.get_by_role("button", name="Upload").click()
        expect(page.locator("#upload-progress")).to_be_visible()
        expect(message).to_contain_text("brackenfield-2023.txt was added", timeout=180_000)
        expect(page.locator(".reports-table")).to_contain_text("Brackenfield")
        states = page.evaluate("window.__uploadStates")
        job_states = [t for t in states if re.search(r"(Queued|Parsing|Splitting|Indexing passages|Saving).*\d+%", t)]
        assert job_states, states  # the job's progress was shown, not just a spinner
        # the parser's warnings (the printed score is not the sum) show on the upload and in the list
        expect(message.locator(".warnings")).to_contain_text("is not the sum")
        listed = page.locator(".reports-table tbody tr", has_text="Brackenfield").locator("details.report-warnings")
        expect(listed.locator("summary")).to_contain_text(re.compile(r"\d+ parser warnings?"))
        listed.locator("summary").click()
        expect(listed).to_contain_text("is not the sum")
        page.screenshot(path=str(artifacts / "browser-5-uploaded.png"))

        page.get_by_role("tab", name="Ratings").click()
        row = page.locator(".ratings-table tbody tr", has_text="Brackenfield")
        expect(row).to_be_visible()
        cell = row.locator("button.cell-button.disagree")
        expect(cell).to_have_count(1)
        assert "2.2" in cell.get_attribute("aria-label") and "computed Requires improvement" in cell.get_attribute("aria-label")
        cell.focus()
        page.keyboard.press("Enter")  # keyboard opens the section too
        expect(page.locator("#viewer-body .line.hl").first).to_contain_text("Planning")
        expect(page.locator("#ratings-detail")).to_contain_text(re.compile("published Good, computed Requires improvement: unexplained disagreement", re.I))
        page.screenshot(path=str(artifacts / "browser-6-grid-disagreement.png"))
    finally:
        httpx.delete(live_server.url("/api/reports/brackenfield-2023.txt"))


def test_draft_and_download_docx(page, tmp_path: Path, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Draft").click()
    page.get_by_label("Standard").select_option("2.2")
    page.get_by_label("Kind").select_option("strengths")
    page.get_by_label("Key-question counts (optional)").fill("5/8, 4/7, 8/9")
    page.get_by_role("button", name="Draft", exact=True).click()
    result = page.locator("#draft-result")
    expect(result).to_be_visible(timeout=60_000)
    expect(result.locator(".draft-bullets li").first).to_be_visible()
    expect(result).to_contain_text("Requires improvement")  # computed from 4/7 = 57%
    assert result.locator(".draft-bullets button.cite").count() >= 1
    # what the list dropped, and why (the draft's left_out), one click away
    left = result.locator("details.left-out")
    expect(left.locator("summary")).to_contain_text(re.compile(r"Left out, and why \(\d+\)"))
    left.locator("summary").click()
    item = left.locator("li").first
    expect(item.locator(".left-out-why")).to_contain_text(re.compile(r"\w+"))
    assert item.get_attribute("data-reason") in ("opposite_polarity", "neutral", "off_standard", "share",
                                                 "dangling", "near_duplicate", "unsupported")
    assert item.locator(".left-out-text").inner_text() not in result.locator(".draft-bullets").inner_text()
    page.screenshot(path=str(artifacts / "browser-7-draft.png"))

    # Copy: plain text, every citation written out as a reader looks it up, no markdown or [n]
    page.get_by_role("button", name="Copy text").click()
    expect(page.locator("#notice")).to_contain_text("copied as text")
    copied = page.evaluate("navigator.clipboard.readText()")
    head = copied.splitlines()[0]
    assert head.startswith("2.2 Planning") and head.endswith(": Strengths"), copied
    assert not re.search(r"\[\d+\]|\*\*", copied), copied
    assert "Computed rating: Requires improvement" in copied
    readable = re.findall(r"\(([A-Z][\w ]+ \d{4}, [^()]+, (?:p\. \d+ / )?lines? \d+(?:-\d+)?)\)", copied)
    bullets = [ln for ln in copied.splitlines() if ln.startswith("\u2022 ")]
    assert bullets and len(readable) >= len(bullets), copied  # every bullet ends on its citation
    first_bullet = re.sub(r"\s*\(.*?\)\.?$", "", bullets[0][2:])[:40]

    bad = page.get_by_label("Key-question counts (optional)")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download .docx").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / download.suggested_filename
    download.save_as(str(path))
    from docx import Document

    document = Document(str(path))
    doc_text = "\n".join(p.text for p in document.paragraphs)
    assert document.core_properties.title.startswith("2.2 Planning")  # the document's title
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "2.2 Planning" in headings and "Strengths" in headings and "Sources" in headings, headings
    assert re.search(r"\[1\] [A-Z][\w ]+ \d{4}, .+, (?:p\. \d+ / )?lines? \d+", doc_text), doc_text
    first = re.sub(r"\s*\[\d+\]", "", result.locator(".draft-bullets li").first.inner_text()).strip()
    first = re.sub(r"\s*\d+\s*\.?$", "", first)[:40]  # drop the trailing citation button text
    assert first in doc_text and "Sources" in doc_text
    assert first_bullet in doc_text
    # the copied text and the document label a citation the same way
    sources = [p.text.split("\n")[0] for p in document.paragraphs if re.match(r"\[\d+\] ", p.text)]
    assert sources and all(re.sub(r"^\[\d+\] ", "", s) in copied for s in sources), (sources, copied)

    bad.fill("9/8")
    page.get_by_role("button", name="Draft", exact=True).click()
    expect(page.locator("#draft-error")).to_contain_text("between 0 and the number of relevant cases")
    page.screenshot(path=str(artifacts / "browser-8-draft-error.png"))


def test_keyboard_tabs_and_labels(page) -> None:
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name="Ask")
    tab.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Ratings")).to_be_focused()
    expect(page.locator("#panel-ratings")).to_be_visible()
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Reports")).to_have_attribute("aria-selected", "true")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
        .map(e => e.id || e.name)""")
    assert unlabelled == []


def test_check_a_draft_report(page, tmp_path: Path, artifacts: Path) -> None:
    """The check panel (api/static/check-panel.js): a planted wrong sum is reported, a clean sample is not."""
    import json as _json

    from playwright.sync_api import expect

    root = Path(__file__).resolve().parents[1]
    faults = _json.loads((root / "tests" / "fixtures" / "check" / "faults.json").read_text())
    text = (root / "samples" / "ashbridge-2023.txt").read_text(encoding="utf-8")
    for old, new in faults["wrong-sum"]["edits"]:
        text = text.replace(old, new)
    bad = tmp_path / "ashbridge-draft.txt"
    bad.write_text(text, encoding="utf-8")
    page.get_by_role("tab", name="Reports").click()
    page.get_by_label("Draft to check (file)").set_input_files(str(bad))
    page.get_by_role("button", name="Check", exact=True).click()
    result = page.locator("#check-result")
    expect(result).to_contain_text("1 problem", timeout=60_000)
    expect(result).to_contain_text("score sum")
    expect(result).to_contain_text("is not the sum of the ratings table")
    page.screenshot(path=str(artifacts / "browser-9-check.png"))
    page.get_by_label("Draft to check (file)").set_input_files(str(root / "samples" / "ashbridge-2023.txt"))
    page.get_by_role("button", name="Check", exact=True).click()
    expect(result).to_contain_text("No problems found.", timeout=60_000)
