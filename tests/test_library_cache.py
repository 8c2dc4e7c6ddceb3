"""The assistant's library caches: derived once per report set, and invalidated by a change.

Why these tests: every question now reads cached report lists, per-report sentence term indexes
and comparables instead of rebuilding them, and re-lists reports only when the index's change
stamp moves. A cache that missed an upload or a removal would answer from a library that no
longer exists, so each change path is checked on a real index (real parser, embedder, Chroma).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import embed_cache
from api_support import derived_report
from assistant.evidence import lexical_candidates
from assistant.library import Library
from index.store import Index

pytestmark = pytest.mark.slow

PLANTED = "The Quillfeather mentoring circle met every fortnight with each child and their carer."


@pytest.fixture()
def index(tmp_path: Path, samples_dir: Path) -> Index:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("ashbridge-2023.txt", "kelderton-and-marsh-vale-2020.md"):
        shutil.copy(samples_dir / name, src / name)
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    assert idx.ingest([src], progress=False).ok
    return idx


def test_term_index_finds_exactly_what_the_full_scan_finds(index: Index) -> None:
    lib = Library(index)
    for query in ("planning for safety and wellbeing", "health partners board attendance", "caseloads"):
        for r in lib.reports:
            want = lexical_candidates(lib.sentences(r.source), query)
            got = lib.lexical_candidates([r.source], query)
            assert [(s.line, s.index, s.text) for s in got] == [(s.line, s.index, s.text) for s in want]
            assert all(g is not w for g, w in zip(got, want))  # fresh copies: callers score them
        both = lib.lexical_candidates([r.source for r in lib.reports], query)
        assert len(both) == sum(len(lexical_candidates(lib.sentences(r.source), query)) for r in lib.reports)


def test_an_upload_and_a_removal_reach_the_library(index: Index) -> None:
    lib = Library(index)
    before = {r.source for r in lib.reports}
    assert not lib.lexical_candidates(sorted(before), "Quillfeather")
    stamp = index.generation()

    result = index.ingest_bytes(derived_report("Brackenmoor", extra_lines=[PLANTED]), "brackenmoor-2024.txt")
    assert result.status == "added"
    assert index.generation() != stamp
    lib.refresh(force=True)  # what every question does first
    assert {r.source for r in lib.reports} == before | {"brackenmoor-2024.txt"}
    assert "Brackenmoor" in lib.services()
    found = lib.lexical_candidates([r.source for r in lib.reports], "Quillfeather")
    assert [s.source for s in found] == ["brackenmoor-2024.txt"]
    assert any("Quillfeather" in s.text for s in found)

    assert index.remove("brackenmoor-2024.txt")
    lib.refresh(force=True)
    assert {r.source for r in lib.reports} == before
    assert "Brackenmoor" not in lib.services()
    assert not lib.lexical_candidates([r.source for r in lib.reports], "Quillfeather")
    # Per-report caches of the removed report are dropped, not kept for ever.
    assert all(key[0] != "brackenmoor-2024.txt" for key in lib.__dict__.get("_sentences", {}))


def test_an_unchanged_stamp_skips_the_listing(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = Library(index)
    assert lib.reports
    calls = []
    real = index.reports
    monkeypatch.setattr(index, "reports", lambda: calls.append(1) or real())
    lib.refresh(force=True)
    assert calls == []  # nothing changed: no listing of every record
    (index.dir / "generation").write_text("moved by another process")
    lib.refresh(force=True)
    assert calls == [1]


def test_the_persisted_view_follows_an_upload(index: Index) -> None:
    """An upload persists the new read view under the write lock, so another process (a second
    ``serve`` worker) loads it instead of reading Chroma."""
    from index import view

    index.ingest_bytes(derived_report("Brackenmoor", extra_lines=[PLANTED]), "brackenmoor-2024.txt")
    other = Index.open(index.settings, index_dir=index.dir)
    got = view.load(index.dir, other.generation())
    assert got is not None, "no view persisted for the current stamp"
    chunks = got[0]
    assert any(c.source == "brackenmoor-2024.txt" for c in chunks)
    hits = other.search("Quillfeather mentoring circle", k=3)
    assert hits and hits[0].source == "brackenmoor-2024.txt"
    assert other._store is None  # answered from the persisted view: Chroma never opened


def test_a_new_process_reads_the_saved_cut_instead_of_cutting_again(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold CLI question reads each report's sentences from ``views/sentences`` (the cut made by
    an earlier process) and gets exactly the same sentences; a damaged file is cut again and
    rewritten; a removed report's file goes."""
    import assistant.evidence as evidence

    first = Library(index)
    source = first.reports[0].source
    want = [(s.text, s.line, s.section, sorted(s.terms)) for s in first.raw_sentences(source)]
    first.boilerplate()
    saved = sorted((index.dir / "views" / "sentences").glob("*.pkl"))
    assert len(saved) == len(first.reports) == 2

    def no_cutting(*a, **k):
        raise AssertionError("cut again although a saved cut exists")

    monkeypatch.setattr(evidence, "sentences_from_lines", no_cutting)
    fresh = Library(index)  # as a new process would
    assert [(s.text, s.line, s.section, sorted(s.terms)) for s in fresh.raw_sentences(source)] == want
    assert fresh.boilerplate() == first.boilerplate()
    monkeypatch.undo()

    for p in saved:
        p.write_bytes(b"not a pickle")
    healed = Library(index)
    assert [(s.text, s.line, s.section, sorted(s.terms)) for s in healed.raw_sentences(source)] == want
    assert healed.raw_sentences(source) and all(p.stat().st_size > 100 for p in saved if p.name.startswith(
        next(r.sha256[:32] for r in healed.reports if r.source == source)))

    assert index.remove(source)
    after = Library(index)
    after.reports  # the refresh prunes cuts of report versions no longer listed
    assert len(list((index.dir / "views" / "sentences").glob("*.pkl"))) == 1


def test_questions_keep_the_installed_set_while_another_thread_refreshes(index: Index) -> None:
    """A question arriving while another thread installs a new report set answers from the
    current set at once (it used to queue behind the refresh for seconds after each upload), and
    the new set is published with its boilerplate and term statistics already built."""
    import threading

    lib = Library(index)
    before = {r.source for r in lib.reports}
    stats_before = lib.term_stats()
    result = index.ingest_bytes(derived_report("Brackenmoor", extra_lines=[PLANTED]), "brackenmoor-2024.txt")
    assert result.status == "added"
    got: list[set[str]] = []
    lib.__dict__["_checked"] = 0.0  # the reader must look at the index's stamp, not the 2 s shortcut
    with lib._lock:  # what the refreshing thread holds
        reader = threading.Thread(target=lambda: got.append({r.source for r in lib.reports}))
        reader.start()
        reader.join(5)
        assert not reader.is_alive(), "a question waited for another thread's refresh"
    assert got == [before]
    lib.refresh(force=True)
    assert {r.source for r in lib.reports} == before | {"brackenmoor-2024.txt"}
    assert lib.__dict__["_boiler"][0] == lib._sig and lib.__dict__["_df"][0] == lib._sig  # built before publishing
    assert lib.term_stats()[1] > stats_before[1]
    assert lib.lexical_candidates(["brackenmoor-2024.txt"], "Quillfeather")
