"""POST /api/check (a planted fault found, a bad upload refused) and the new-inspection draft over
the real server: figures and notes in the paragraph, a .docx whose citations are re-verified."""

from __future__ import annotations

import io
import json
import re

import httpx

from assistant_support import ROOT

FAULTS = json.loads((ROOT / "tests" / "fixtures" / "check" / "faults.json").read_text())


def _planted(name: str) -> bytes:
    text = (ROOT / "samples" / "ashbridge-2023.txt").read_text(encoding="utf-8")
    for old, new in FAULTS[name]["edits"]:
        text = text.replace(old, new)
    return text.encode()


def test_check_endpoint_finds_the_planted_fault(client: httpx.Client) -> None:
    r = client.post("/api/check", files={"file": ("ashbridge-draft.txt", _planted("wrong-rating"), "text/plain")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["kind"] for p in body["problems"]] == ["rating_vs_table"]
    assert body["standards"]["2.1"]["computed"] == "Inadequate"
    clean = client.post("/api/check", files={"file": ("a.txt", (ROOT / "samples" / "ashbridge-2023.txt").read_bytes())})
    assert clean.status_code == 200 and clean.json()["problems"] == []
    assert client.post("/api/check", files={"file": ("x.exe", b"MZ")}).status_code == 415
    nothing = client.post("/api/check", files={"file": ("notes.txt", b"Just a line of notes.\n")})
    assert nothing.status_code == 422


def test_new_inspection_draft_and_docx(client: httpx.Client) -> None:
    notes = "- Case managers met every child within five days.\n- Contingency plans were missing in several cases.\n"
    r = client.post("/api/draft", json={"standard": "2.2", "kind": "findings", "service": "Brookvale",
                                        "framework": "2021", "notes": notes,
                                        "kq": [{"yes": 8, "relevant": 9}, {"yes": 5, "relevant": 8},
                                               {"yes": 4, "relevant": 7}]})
    assert r.status_code == 200, r.text
    d = r.json()
    p = d["paragraph"]
    for fig in ("8 of 9", "5 of 8", "4 of 7"):
        assert fig in p
    assert p.count("Our rating for planning is Requires improvement") == 1
    assert "Case managers met every child within five days (inspector's note)." in p
    assert not re.search(r"\[\d+\]", p)  # the paragraph cites no other service
    assert d["comparable"] and all(re.search(r"\[\d+\]", c) for c in d["comparable"])
    doc = client.post("/api/draft/docx", json=d)
    assert doc.status_code == 200, doc.text
    from docx import Document

    text = "\n".join(x.text for x in Document(io.BytesIO(doc.content)).paragraphs)
    assert "Brookvale: 2.2 Planning - Findings (draft)" in text and "(inspector's note)" in text
    # A posted citation whose quote is not in the cited lines is refused before rendering.
    tampered = json.loads(json.dumps(d))
    tampered["citations"][0]["quote"] = "Every child was given a pony."
    bad = client.post("/api/draft/docx", json=tampered)
    assert bad.status_code == 422 and "does not match" in bad.json()["detail"]


def test_whole_domain_draft(client: httpx.Client) -> None:
    body = {"domain": "2", "framework": "2021", "service": "Brookvale",
            "kq": ["2.1=8/9,8/9,6/9", "2.2=8/9,5/8,4/7", "2.3=7/9,7/8,4/7", "2.4=5/6,5/7,2/4"],
            "notes": "- Reviews were not completed when a child moved placement.\n"}
    r = client.post("/api/draft/domain", json=body)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["ratings"] == {"2.1": "Good", "2.2": "Requires improvement", "2.3": "Requires improvement",
                            "2.4": "Requires improvement"}
    assert d["points"] == 5 and d["max_points"] == 12
    assert d["score_range"] == [5, 29] and d["overall_range"] == ["Inadequate", "Good"]
    placed = [s["standard"] for s in d["sections"] if "moved placement (inspector's note)" in (s["paragraph"] or "")]
    assert len(placed) == 1  # each note once, with the standard it is about
    given = dict(body, ratings={s: "Good" for s in ("1.1", "1.2", "1.3", "1.4", "3.1", "3.2", "3.3", "3.4")})
    d2 = client.post("/api/draft/domain", json=given).json()
    assert d2["score_range"] == [21, 21] and "overall rating is Good" in d2["summary"]
    short = client.post("/api/draft/domain", json=dict(body, kq=body["kq"][:2]))
    assert short.status_code == 422 and "missing: 2.3, 2.4" in short.json()["detail"]
