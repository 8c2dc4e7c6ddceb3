"""Our fictitious sample reports and rating fixtures must obey the published rating rules.

Why: the demo, the parser tests and the rating-module tests all lean on samples/expected.json and
tests/fixtures/rating/expected.json. If a figure in a report and its expected entry drift apart,
or a sample breaks the rules in domain.md by accident, every later test would be testing noise.
This module recomputes every band, score and overall rating from the listed figures (independently
of the product code), checks that the report files really print those figures, that the PDF is
the build of its source, and that no sample reuses sentences from the real corpus.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RATING_FIXTURES = ROOT / "tests" / "fixtures" / "rating"

POINTS = {"Inadequate": 0, "Requires improvement": 1, "Good": 2, "Outstanding": 3}
BOUNDARIES = (50.0, 65.0, 80.0)
CORE = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4"]


def band(percent: float) -> str:
    if percent < 50:
        return "Inadequate"
    if percent < 65:
        return "Requires improvement"
    if percent < 80:
        return "Good"
    return "Outstanding"


def overall_band(score: int) -> str:
    if score <= 6:
        return "Inadequate"
    if score <= 18:
        return "Requires improvement"
    if score <= 30:
        return "Good"
    return "Outstanding"


def kq_percent(kq: dict) -> float:
    if "relevant" in kq:
        return 100.0 * kq["yes"] / kq["relevant"]
    return float(kq["percent"])


def case_based(entry: dict) -> list[str]:
    ids = ["2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
    return ids + (["3.4"] if entry["framework"] == "2018" else [])


def discretion_eligible(kq: dict) -> bool:
    """Reasons the reports give for considering discretion (domain.md)."""
    p = kq_percent(kq)
    if any(abs(p - b) <= 5 for b in BOUNDARIES):
        return True
    if "relevant" in kq:
        rel, yes = kq["relevant"], kq["yes"]
        if rel <= 5:
            return True
        if band(100 * min(yes + 1, rel) / rel) != band(p) or band(100 * max(yes - 1, 0) / rel) != band(p):
            return True
    return False


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["samples"]


SAMPLE_ENTRIES = [(SAMPLES, e) for e in _load(SAMPLES / "expected.json")]
FIXTURE_ENTRIES = [(RATING_FIXTURES, e) for e in _load(RATING_FIXTURES / "expected.json")]
ALL = SAMPLE_ENTRIES + FIXTURE_ENTRIES
IDS = [e["file"] for _, e in ALL]


@pytest.mark.parametrize(("folder", "entry"), ALL, ids=IDS)
def test_expected_figures_follow_rating_rules(folder: Path, entry: dict) -> None:
    assert list(entry["standards"]) == CORE
    assert set(entry["standards"].values()) <= set(POINTS)
    departures = {d["standard"]: d for d in entry["departures"]}
    computed: dict[str, str] = dict(entry["standards"])
    for sid in case_based(entry):
        kqs = entry["key_questions"][sid]
        assert len(kqs) == (2 if sid == "3.4" else 3), sid
        for kq in kqs:
            if "relevant" in kq:
                assert 0 <= kq["yes"] <= kq["relevant"]
                assert kq["percent"] == pytest.approx(100 * kq["yes"] / kq["relevant"], abs=0.05)
        lowest = min(kqs, key=kq_percent)
        computed[sid] = band(kq_percent(lowest))
        if sid in departures:
            d = departures[sid]
            assert entry["standards"][sid] == d["published"] != computed[sid] == d["computed"], sid
            assert d["lowest_percent"] == pytest.approx(kq_percent(lowest), abs=0.05)
            assert d["lowest_question"] == lowest["question"]
            assert discretion_eligible(dict(lowest, **{k: d[k] for k in ("relevant", "yes") if k in d})) is d[
                "discretion_eligible"
            ]
        else:
            assert entry["standards"][sid] == computed[sid], f"{entry['file']} {sid}: lowest {kq_percent(lowest):.1f}%"
    if entry["framework"] == "2021":
        assert "3.4" not in entry["key_questions"]
        assert entry["standard_titles"]["3.4"] == "Out-of-court disposal policy and provision"
    else:
        assert entry["standard_titles"]["3.4"] == "Joint working"
        assert entry["resettlement"] is None
    assert entry["max_score"] == 36
    assert entry["score"] == sum(POINTS[r] for r in entry["standards"].values())
    assert entry["overall"] == overall_band(entry["score"])
    if entry["departures"]:
        assert entry["computed_score"] == sum(POINTS[r] for r in computed.values())
        assert entry["computed_overall"] == overall_band(entry["computed_score"])


def test_samples_cover_the_spread_the_demo_needs() -> None:
    samples = [e for _, e in SAMPLE_ENTRIES]
    assert len(samples) >= 4
    assert len({e["overall"] for e in samples}) >= 3
    assert {e["framework"] for e in samples} == {"2018", "2021"}
    assert {e["kq_style"] for e in samples} == {"percent", "counts"}
    assert {e["format"] for e in samples} >= {"txt", "md", "html", "pdf"}
    assert any(e["resettlement"] for e in samples) and any(not e["resettlement"] for e in samples)
    assert all(not e["departures"] for e in samples), "demo samples publish exactly the computed ratings"
    departures = [d for _, e in FIXTURE_ENTRIES for d in e["departures"]]
    assert sorted(d["discretion_eligible"] for d in departures) == [False, True]


def report_text(path: Path) -> str:
    """The report's text with all whitespace collapsed, whatever its format."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    elif path.suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        text = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text("\n")
    else:
        text = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", text.replace("**", ""))


SEP = r"[\s|]*"


@pytest.mark.parametrize(("folder", "entry"), ALL, ids=IDS)
def test_report_prints_the_expected_figures(folder: Path, entry: dict) -> None:
    text = report_text(folder / entry["file"])
    assert entry["title"] in text
    assert re.search(rf"Score{SEP}{entry['score']}/36", text)
    assert re.search(rf"Overall rating:?{SEP}{entry['overall']}", text)
    for sid, rating in entry["standards"].items():
        title = re.escape(entry["standard_titles"][sid])
        # the ratings-table row, then the section heading followed by its rating
        assert re.search(rf"{re.escape(sid)}{SEP}{title}{SEP}{rating}", text), f"ratings row {sid}"
        assert re.search(rf"{re.escape(sid)}\. {title} .{{0,260}}?{rating}", text), f"section {sid}"
    for sid, kqs in entry["key_questions"].items():
        for kq in kqs:
            q = re.escape(kq["question"])
            if "relevant" in kq:
                pattern = rf"{q}{SEP}{kq['relevant']}{SEP}{kq['yes']}\b"
            else:
                pattern = rf"{q}{SEP}{kq['percent']}%"
            assert len(re.findall(pattern, text)) >= 1, f"{sid}: {kq}"
    n_tables = len(entry["key_questions"])
    assert len(re.findall(r"Our rating for [a-z ]+ is based on the following key questions:", text)) == n_tables
    if entry["format"] == "html":  # an <ol> prints no numbers in its text
        from bs4 import BeautifulSoup

        soup = BeautifulSoup((folder / entry["file"]).read_text(encoding="utf-8"), "html.parser")
        assert len(soup.select("ol > li")) == entry["recommendations"]
    else:
        for n in range(1, entry["recommendations"] + 1):
            assert re.search(rf"(?:^|\s){n}\. [a-z]", text), f"recommendation {n}"
    if entry["resettlement"]:
        assert re.search(rf"4\.1{SEP}Resettlement policy and provision{SEP}{entry['resettlement']}", text)
    else:
        assert not re.search(r"4\.1\.? ?Resettlement policy and provision (Good|Outstanding|Inadequate|Requires)", text)


def test_pdf_is_the_build_of_its_source(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    spec = importlib.util.spec_from_file_location("build_pdf", SAMPLES / "src" / "build_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for entry in (e for _, e in SAMPLE_ENTRIES if e["format"] == "pdf"):
        out = module.build(SAMPLES / entry["source"], tmp_path / entry["file"])
        assert out.read_bytes() == (SAMPLES / entry["file"]).read_bytes(), "rebuild: samples/src/build_pdf.py"
        from pypdf import PdfReader

        assert len(PdfReader(out).pages) >= 5


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _shingles(words: list[str], n: int) -> set[str]:
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def prose_lines(path: Path) -> list[str]:
    """Lines of running prose: no table rows, no key questions, no stock lead-in furniture."""
    if path.suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        raw = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text("\n")
    else:
        raw = path.read_text(encoding="utf-8")
    keep = []
    for line in raw.splitlines():
        if "\t" in line or "|" in line or line.rstrip().endswith("?") or "based on the following key questions" in line:
            continue
        if len(_words(line)) >= 8:
            keep.append(line)
    return keep


@pytest.mark.corpus
def test_samples_do_not_reuse_corpus_sentences(corpus_dir: Path) -> None:
    """No run of 10 words of our prose may appear in a real report (tables and stock phrases aside)."""
    n = 10
    corpus: set[str] = set()
    for p in corpus_dir.glob("*.txt"):
        corpus |= _shingles(_words(p.read_text(encoding="utf-8")), n)
    files = [SAMPLES / "src" / "fenmarsh-2019.txt"] + [
        folder / e["file"] for folder, e in ALL if not e["file"].endswith(".pdf")
    ]
    for path in files:
        shared = set().union(*(_shingles(_words(line), n) for line in prose_lines(path))) & corpus
        # runs of rule values ("0 6 inadequate 7 18 requires improvement ...") are figures, not prose
        shared = {s for s in shared if sum(w.isdigit() for w in s.split()) < 4}
        assert not shared, f"{path.name} shares {n}-word runs with the corpus: {sorted(shared)[:5]}"
