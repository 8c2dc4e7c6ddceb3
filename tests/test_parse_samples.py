"""Every fictitious sample report in samples/ parses with its ratings, every key-question figure
and no warnings, checked against samples/expected.json (written by the samples' author)."""

from __future__ import annotations

import json

from ingest import load_report


def _samples(samples_dir):
    path = samples_dir / "expected.json"
    assert path.is_file(), f"{path} is missing: the samples' expected figures are part of the repository"
    return json.loads(path.read_text(encoding="utf-8"))["samples"]


def test_every_sample_file_is_listed(samples_dir):
    listed = {s["file"] for s in _samples(samples_dir)}
    present = {p.name for p in samples_dir.iterdir()
               if p.suffix in {".txt", ".md", ".html", ".pdf"} and p.name != "README.md"}
    assert present == listed
    assert len(present) >= 4


def test_samples_parse(samples_dir):
    for e in _samples(samples_dir):
        r = load_report(samples_dir / e["file"])
        name = e["file"]
        assert r.report_type == "inspection", name
        assert r.warnings == [], (name, r.warnings)
        for field in ("service", "published", "framework", "overall", "score", "max_score", "resettlement"):
            assert getattr(r, field) == e[field], (name, field)
        assert r.standards == e["standards"], name
        for sid, title in e["standard_titles"].items():
            assert r.standard_titles[sid] == title, (name, sid)
        if isinstance(e.get("recommendations"), int):
            assert len(r.recommendations) == e["recommendations"], name
        assert set(r.key_questions) == set(e["key_questions"]), name
        for sid, rows in e["key_questions"].items():
            got = r.key_questions[sid]
            assert [q.question for q in got] == [x["question"] for x in rows], (name, sid)
            assert [q.percent for q in got] == [float(x["percent"]) for x in rows], (name, sid)
            assert [(q.yes, q.relevant) for q in got] == [(x.get("yes"), x.get("relevant")) for x in rows], (name, sid)
        std = [s.id for s in r.sections if s.kind == "standard"]
        assert std == sorted(e["standards"]) + (["4.1"] if e["resettlement"] else []), name
        for s in r.sections:
            if s.kind == "standard":
                assert s.rating_in_text == (e["standards"].get(s.id) or e["resettlement"]), (name, s.id)
        if name.endswith(".pdf"):
            assert r.line_pages and all(s.page_start for s in r.sections)
