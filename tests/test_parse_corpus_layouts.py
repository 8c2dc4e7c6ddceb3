"""The four rated reports of the reference corpus, re-rendered the way published reports arrive
(tests/fixtures/variants/corpus_layouts.py): HTML with bordered tables printed by headless Chromium
in one and two columns with a running header and page numbers, a .docx written by python-docx, and
the PDF LibreOffice prints from it. Nothing of the corpus is stored: the files are rendered at test
time from ../shared/corpus and cached under build/corpus-layouts/ by content hash.

Every rating, the score and every key-question figure must equal the parse of the corpus text file
(whose figures tests/test_parse_corpus.py pins), with no warning the text file does not have."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from ingest import load_report

from variant_builders import load_builder

pytestmark = pytest.mark.corpus

ROOT = Path(__file__).resolve().parents[1]
load_builder("build_layouts")  # corpus_layouts renders with its machinery
LAYOUTS_MOD = load_builder("corpus_layouts")
CACHE = ROOT / "build" / "corpus-layouts"


def _figures(r) -> dict:
    return dict(overall=r.overall, score=r.score, max_score=r.max_score, resettlement=r.resettlement,
                framework=r.framework, standards=r.standards,
                kq={k: [(q.percent, q.yes, q.relevant) for q in v] for k, v in r.key_questions.items()})


@pytest.fixture(scope="session")
def rendered(corpus_dir):
    for exe in ("chromium", "libreoffice"):
        if not shutil.which(exe) and not Path(f"/usr/bin/{exe}").exists():
            pytest.fail(f"{exe} is needed to render the corpus layouts (make test installs it)")
    return LAYOUTS_MOD.render(corpus_dir, CACHE)


@pytest.fixture(scope="session")
def parsed(rendered):
    """Every rendered file parsed once per session (the 1-column PDF serves two tests), by the same
    ``load_report`` users call, in one process per core: the parse is pure CPU (pdfminer interpreting
    Chromium's one-glyph-per-operator content streams), about 3 minutes of it in one process on a
    clean 2-core machine. ``spawn``: a fresh interpreter, never a fork of a process holding threads."""
    keys = list(rendered)
    workers = max(1, min(len(keys), os.cpu_count() or 1))
    # the biggest files first, so the last one to finish is a small one
    keys.sort(key=lambda k: rendered[k].stat().st_size, reverse=True)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        reports = list(pool.map(load_report, [rendered[k] for k in keys]))
    return dict(zip(keys, reports))


@pytest.fixture(scope="session")
def reference(corpus_dir):
    return {name: load_report(corpus_dir / name) for name in LAYOUTS_MOD.RATED}


@pytest.mark.parametrize("layout", LAYOUTS_MOD.LAYOUTS)
@pytest.mark.parametrize("name", LAYOUTS_MOD.RATED)
def test_every_figure_exact_in_every_layout(parsed, reference, name, layout):
    ref = reference[name]
    r = parsed[(name, layout)]
    got, want = _figures(r), _figures(ref)
    assert got == want
    assert sum(len(v) for v in want["kq"].values()) >= 20  # the comparison really covers the tables
    assert [w for w in r.warnings if w not in ref.warnings] == []
    for rows in r.key_questions.values():
        for q in rows:
            assert q.line and r.lines[q.line - 1].strip()


@pytest.mark.parametrize("name", LAYOUTS_MOD.RATED)
def test_pdf_pages_and_furniture(parsed, name):
    """The Chromium PDF keeps every line's page and drops the running header and page numbers."""
    r = parsed[(name, "pdf-1col")]
    assert r.line_pages and len(r.line_pages) == len(r.lines) and r.line_pages[-1] >= 10
    header = f"Inspection of youth justice services: {r.service}"
    assert not any(header in x for x in r.lines)
    assert not any(x.strip().isdigit() and len(x.strip()) <= 2 for x in r.lines)
    for s in r.sections:
        assert s.page_start == r.line_pages[s.line_start - 1]


def test_cache_is_keyed_by_content():
    """A changed text renders afresh: the cache key covers the corpus text and the renderer."""
    assert LAYOUTS_MOD._digest("a") != LAYOUTS_MOD._digest("b")
    assert LAYOUTS_MOD._digest("a") == LAYOUTS_MOD._digest("a")
