"""The synthetic corpus generator: deterministic, rule-consistent, parseable, and our own words."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import make_corpus  # noqa: E402

RATINGS = ("Inadequate", "Requires improvement", "Good", "Outstanding")


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    make_corpus.generate(40, 11, out)
    return out


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path, corpus: Path) -> None:
    make_corpus.generate(40, 11, tmp_path / "again")
    make_corpus.generate(40, 12, tmp_path / "other")
    assert _digest(tmp_path / "again") == _digest(corpus)
    assert _digest(tmp_path / "other") != _digest(corpus)


def test_smaller_run_into_same_folder_leaves_no_stale_reports(tmp_path: Path) -> None:
    make_corpus.generate(10, 3, tmp_path)
    make_corpus.generate(4, 3, tmp_path)
    assert len(list((tmp_path / "reports").glob("*.txt"))) == 4
    assert len(make_corpus.load_truth(tmp_path)) == 4


def test_ratings_follow_the_rules(corpus: Path) -> None:
    truths = make_corpus.load_truth(corpus)
    assert len(truths) == 40 and len({t["source"] for t in truths}) == 40
    frameworks = {t["framework"] for t in truths}
    layouts = {t["layout"] for t in truths}
    assert frameworks == {"2018", "2021"} and layouts == {"percent", "counts"}
    for t in truths:
        assert 2018 <= t["year"] <= 2024
        assert t["framework"] == ("2018" if t["published"] < "2021-07" else "2021")
        assert len(t["standards"]) == 12
        for sid, kqs in t["key_questions"].items():
            for k in kqs:
                assert 0 <= k["yes"] <= k["relevant"]
                assert k["percent"] == int(100 * k["yes"] / k["relevant"] + 0.5)
            lowest = min(k["percent"] for k in kqs)
            assert t["standards"][sid] == make_corpus.band(lowest), (t["source"], sid)
        expected_kq = {"2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"} | ({"3.4"} if t["framework"] == "2018" else set())
        assert set(t["key_questions"]) == expected_kq
        assert t["score"] == sum(RATINGS.index(r) for r in t["standards"].values())
        assert t["overall"] == make_corpus.overall_band(t["score"])
        if t["framework"] == "2018":
            assert t["resettlement"] is None


def test_planted_facts_are_unique_and_in_their_section(corpus: Path) -> None:
    questions = make_corpus.load_questions(corpus)
    truths = {t["source"]: t for t in make_corpus.load_truth(corpus)}
    assert len(questions) >= 4 * 40
    assert len({q["question"] for q in questions}) == len(questions)
    for t in truths.values():
        text = (corpus / "reports" / t["source"]).read_text(encoding="utf-8")
        lines = text.splitlines()
        for f in t["facts"]:
            assert text.count(f["sentence"]) == 1
            at = next(i for i, line in enumerate(lines) if f["sentence"] in line)
            heading = next(line for line in reversed(lines[:at]) if "\t" not in line and line[:4] in {f"{s}." for s in t["standards"]} | {"4.1."})
            assert heading.startswith(f["section"] + ". "), (t["source"], f["id"], heading)


def test_no_corpus_sentence_is_copied(corpus: Path, corpus_dir: Path) -> None:
    real = set()
    for p in corpus_dir.glob("*.txt"):
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
            for sentence in line.replace("\t", " ").split(". "):
                if len(sentence) >= 50 and len(sentence.split()) >= 9:  # prose, not table rows
                    real.add(sentence.strip().lower())
    generated_text = "\n".join(p.read_text(encoding="utf-8") for p in (corpus / "reports").glob("*.txt"))
    ours = {s.strip().lower() for line in generated_text.splitlines() for s in line.replace("\t", " ").split(". ") if len(s) >= 50 and len(s.split()) >= 9}
    assert not (real & ours), sorted(real & ours)[:3]


def _load_report():
    """The parser's entry point; a missing package or function is an error, never a skip."""
    from ingest import load_report

    return load_report


def test_every_report_parses_into_the_planted_ratings(corpus: Path) -> None:
    load_report = _load_report()
    for t in make_corpus.load_truth(corpus):
        rep = load_report(corpus / "reports" / t["source"])
        where = t["source"]
        assert rep.report_type == "inspection", where
        assert rep.framework == t["framework"], where
        assert rep.overall == t["overall"] and rep.score == t["score"] and rep.max_score == 36, where
        assert dict(rep.standards) == t["standards"], where
        assert rep.resettlement == t["resettlement"], where
        assert rep.published and rep.published.startswith(t["published"]), where
        assert rep.service and rep.service.startswith(t["service"]), (where, rep.service)
        assert set(rep.key_questions) == set(t["key_questions"]), where
        for sid, kqs in t["key_questions"].items():
            got = rep.key_questions[sid]
            if t["layout"] == "counts":  # counts are exact: the percentage is yes / relevant
                assert [(k.yes, k.relevant) for k in got] == [(k["yes"], k["relevant"]) for k in kqs], (where, sid)
                assert [k.percent for k in got] == pytest.approx([100 * k["yes"] / k["relevant"] for k in kqs], abs=0.05)
            else:
                assert [k.percent for k in got] == [k["percent"] for k in kqs], (where, sid)
        assert not [w for w in rep.warnings if "disagree" in w.lower() or "mismatch" in w.lower()], (where, rep.warnings)


def test_cli_writes_the_requested_number(tmp_path: Path) -> None:
    make_corpus.main(["--n", "3", "--seed", "5", "--out", str(tmp_path)])
    assert len(list((tmp_path / "reports").glob("*.txt"))) == 3
    rows = [json.loads(line) for line in (tmp_path / "questions.jsonl").read_text().splitlines()]
    assert all(set(r) >= {"question", "answer", "source", "section"} for r in rows)
