"""HTTP API against a real `yotassist serve` on a real index of the sample reports."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import httpx
import pytest

from api_support import SAMPLES, sample_files

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

EXPECTED = {s["file"]: s for s in json.loads((SAMPLES / "expected.json").read_text())["samples"]}


def sse(text: str) -> list[tuple[str, str]]:
    """Parse an event stream body into (event, data) pairs."""
    events = []
    for block in re.split(r"\r\n\r\n|\n\n", text):
        name, data = "message", []
        for line in re.split(r"\r\n|\n", block):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            events.append((name, "\n".join(data)))
    return events


def check_citations(client: httpx.Client, citations: list[dict]) -> None:
    """Every citation's quote is really in the cited lines of the cited report."""
    assert citations
    for c in citations:
        text = client.get(f"/api/reports/{c['source']}/text", params={"start": c["line_start"], "end": c["line_end"]})
        assert text.status_code == 200
        joined = " ".join(" ".join(line["text"].split()) for line in text.json()["lines"])
        quote = " ".join(c["quote"].split())
        assert quote and quote[:60] in joined, (c, joined[:300])


def test_health_and_reports(client: httpx.Client) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    reports = client.get("/api/reports").json()
    assert health["reports"] == len(reports)
    by_id = {r["id"]: r for r in reports}
    for path in sample_files():
        assert path.name in by_id, f"{path.name} not indexed"
    for name, exp in EXPECTED.items():
        r = by_id[name]
        assert (r["service"], r["published"], r["framework"], r["overall"], r["score"]) == (
            exp["service"], exp["published"], exp["framework"], exp["overall"], exp["score"])
        assert r["chunks"] > 0


def test_report_structure_and_text(client: httpx.Client) -> None:
    report = client.get("/api/reports/ashbridge-2023.txt").json()
    assert report["service"] == "Ashbridge"
    assert report["standards"] == EXPECTED["ashbridge-2023.txt"]["standards"]
    assert "lines" not in report
    planning = next(s for s in report["sections"] if s["id"] == "2.2")

    text = client.get("/api/reports/ashbridge-2023.txt/text").json()
    source_lines = (SAMPLES / "ashbridge-2023.txt").read_text(encoding="utf-8").splitlines()
    assert text["line_count"] == len(source_lines)
    assert [line["n"] for line in text["lines"]] == list(range(1, len(source_lines) + 1))
    assert [line["text"].rstrip() for line in text["lines"]] == [s.rstrip() for s in source_lines]

    part = client.get("/api/reports/ashbridge-2023.txt/text",
                      params={"start": planning["line_start"], "end": planning["line_end"]}).json()
    assert part["lines"][0]["n"] == planning["line_start"]
    assert "Planning" in part["lines"][0]["text"]
    assert len(part["lines"]) == planning["line_end"] - planning["line_start"] + 1


def test_pdf_text_has_pages(client: httpx.Client) -> None:
    text = client.get("/api/reports/fenmarsh-2019.pdf/text").json()
    pages = {line["page"] for line in text["lines"]}
    assert None not in pages and len(pages) > 1


@pytest.mark.parametrize("bad", ["nope.txt", "..%2F..%2Fetc%2Fpasswd", "%00.txt", "ashbridge-2023"])
def test_unknown_report_is_404(client: httpx.Client, bad: str) -> None:
    for path in (f"/api/reports/{bad}", f"/api/reports/{bad}/text"):
        r = client.get(path)
        assert r.status_code == 404, (path, r.status_code, r.text)
        assert isinstance(r.json()["detail"], str)


def test_text_range_errors(client: httpx.Client) -> None:
    assert client.get("/api/reports/ashbridge-2023.txt/text", params={"start": 0}).status_code == 422
    r = client.get("/api/reports/ashbridge-2023.txt/text", params={"start": 50, "end": 10})
    assert r.status_code == 422 and "before" in r.json()["detail"]


def test_ratings_grid(client: httpx.Client) -> None:
    grid = client.get("/api/ratings").json()
    assert [s["id"] for s in grid["standards"]][:4] == ["1.1", "1.2", "1.3", "1.4"]
    rows = {r["id"]: r for r in grid["rows"]}
    for name, exp in EXPECTED.items():
        row = rows[name]
        assert {sid: c["published"] for sid, c in row["cells"].items() if c["published"] and sid != "4.1"} == exp["standards"]
        assert row["overall"] == exp["overall"] and row["score"] == exp["score"]
        assert row["score_computed"] == exp["score"]  # samples obey the rules: no disagreements
        assert row["disagreements"] == 0
        cell = row["cells"]["2.2"]
        assert cell["computed"] and cell["line_start"] and cell["line_end"] > cell["line_start"]


def test_warnings_shown_on_upload_list_and_ratings(client: httpx.Client) -> None:
    """A report the parser warns about carries its warnings wherever it is shown: the upload
    response, the reports list and its row of the ratings grid (so a rate reader sees them)."""
    from api_support import derived_report, finish_upload

    name = "warnbury-2023.txt"
    up = finish_upload(client.post("/api/reports",
                                   files={"file": (name, derived_report("Warnbury", disagree_22=True), "text/plain")}))
    try:
        assert up.status_code == 200, up.text
        warnings = up.json()["warnings"]
        assert any("is not the sum" in w for w in warnings), warnings
        listed = {r["id"]: r for r in client.get("/api/reports").json()}[name]
        assert listed["warnings"] == warnings
        row = {r["id"]: r for r in client.get("/api/ratings").json()["rows"]}[name]
        assert row["report_warnings"] == warnings
        clean = {r["id"]: r for r in client.get("/api/reports").json()}
        assert all(clean[n]["warnings"] == [] for n in EXPECTED)  # the clean samples carry none
    finally:
        client.delete(f"/api/reports/{name}")


def test_rate_what_if(client: httpx.Client) -> None:
    body = {"framework": "2021", "key_questions": {"2.2": [{"yes": 5, "relevant": 8}, {"yes": 6, "relevant": 7}, {"percent": 90}]}}
    result = client.post("/api/rate", json=body).json()
    std = result["standards"]["2.2"]
    assert std["computed"] == "Requires improvement"  # lowest 62.5% is in 50-64%
    assert std["lowest_percent"] == pytest.approx(62.5)
    bad = client.post("/api/rate", json={"key_questions": {"2.2": [{"yes": 9, "relevant": 8}]}})
    assert bad.status_code == 422 and "exceed" in bad.json()["detail"]


def test_ask_returns_verified_citations(client: httpx.Client) -> None:
    answer = client.post("/api/ask", json={"question": "What are the strengths in planning at Ashbridge?"}).json()
    assert answer["answer"] and re.search(r"\[\d+\]", answer["answer"])
    assert any(c["service"] == "Ashbridge" for c in answer["citations"])
    check_citations(client, answer["citations"])


def test_ask_with_history(client: httpx.Client) -> None:
    first = "What are the strengths in planning at Northwold?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": "..."}]
    r = client.post("/api/ask", json={"question": "And what about Kelderton and Marsh Vale?", "history": history})
    assert r.status_code == 200
    citations = r.json()["citations"]
    assert citations and all(c["service"] == "Kelderton and Marsh Vale" for c in citations), r.json()
    assert any(c["section"] == "2.2" for c in citations), r.json()  # the topic came from the history


def test_ask_stream_sends_tokens_then_citations_then_done(client: httpx.Client) -> None:
    with client.stream("POST", "/api/ask/stream", json={"question": "How did Northwold do on reviewing?"}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        body = r.read().decode()
    events = sse(body)
    names = [e for e, _ in events]
    assert "token" in names and names[-1] == "done"
    assert names.index("citations") > max(i for i, n in enumerate(names) if n == "token")
    tokens = "".join(json.loads(d) for e, d in events if e == "token")
    done = json.loads(events[-1][1])
    assert tokens.strip() == done["answer"].strip()
    citations = json.loads(next(d for e, d in events if e == "citations"))
    assert citations == done["citations"]
    check_citations(client, citations)


def test_draft_and_docx(client: httpx.Client) -> None:
    r = client.post("/api/draft", json={"standard": "2.2", "kind": "strengths", "kq": [
        {"yes": 5, "relevant": 8}, {"yes": 4, "relevant": 7}, {"yes": 8, "relevant": 9}]})
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["bullets"] and draft["citations"]
    assert draft["computed_rating"] == "Requires improvement"  # 4/7 = 57%
    check_citations(client, draft["citations"])

    doc = client.post("/api/draft/docx", json=draft)
    assert doc.status_code == 200
    assert doc.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in doc.headers["content-disposition"] and ".docx" in doc.headers["content-disposition"]
    from docx import Document

    document = Document(io.BytesIO(doc.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2.2 Planning" in text and "Strengths" in text and "Sources" in text
    assert document.core_properties.title.startswith("2.2 Planning")
    # Citations read as a reader looks them up: "<service> <year>, <section>, lines a-b".
    assert re.search(r"\[1\] [A-Z][\w ]+ \d{4}, .+, (?:p\. \d+ / )?lines? \d+", text), text
    first_bullet = re.sub(r"\s*\[\d+\]", "", draft["bullets"][0]).strip()[:40]
    assert first_bullet in re.sub(r"\s*\[\d+\]", "", text)


def test_draft_for_one_service(client: httpx.Client) -> None:
    r = client.post("/api/draft", json={"standard": "3.1", "kind": "improvements", "service": "Fenmarsh"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["service"] == "Fenmarsh"
    assert all(c["service"] == "Fenmarsh" for c in d["citations"]), [(c["service"], c["section"]) for c in d["citations"]]


def test_draft_input_errors(client: httpx.Client) -> None:
    unknown = client.post("/api/draft", json={"standard": "2.2", "kind": "strengths", "service": "Atlantis"})
    assert unknown.status_code == 422 and "Atlantis" in unknown.json()["detail"]
    qualitative = client.post("/api/draft", json={"standard": "1.1", "kind": "strengths", "kq": [{"yes": 1, "relevant": 2}]})
    assert qualitative.status_code == 422 and "--kq" not in qualitative.json()["detail"]
    assert client.post("/api/draft", json={"standard": "9.9", "kind": "strengths"}).status_code == 422
    assert client.post("/api/draft", json={"standard": "2.2", "kind": "poems"}).status_code == 422


def test_meta(client: httpx.Client) -> None:
    meta = client.get("/api/meta").json()
    assert {"Ashbridge", "Fenmarsh", "Northwold", "Kelderton and Marsh Vale"} <= set(meta["services"])
    assert len(meta["standards"]) == 13 and meta["auth_required"] is False
    assert meta["max_upload_mb"] > 0 and ".pdf" in meta["upload_suffixes"]


def test_docs_and_page_are_local_only(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/ask", "/api/ask/stream", "/api/draft", "/api/draft/docx", "/api/reports",
                 "/api/reports/{report_id}", "/api/reports/{report_id}/text", "/api/ratings", "/api/rate", "/healthz"):
        assert path in spec["paths"], path
    docs = client.get("/docs").text
    page = client.get("/").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs + page)
    assert assets
    for url in assets:
        assert not re.match(r"(https?:)?//", url), f"external asset {url}"
        assert client.get(url if url.startswith("/") else "/" + url).status_code == 200, url
    static = Path(__file__).resolve().parents[1] / "api" / "static"
    files = [f for f in static.rglob("*") if f.is_file()]
    assert any(f.parent.name == "js" for f in files)  # the page's ES modules are checked too
    for f in files:
        text = f.read_text(errors="ignore")
        assert not re.search(r"""(src|href|url\()\s*=?\s*["']?https?://""", text), f"external reference in {f.name}"
        if f.suffix == ".js":
            assert not re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function", text)
