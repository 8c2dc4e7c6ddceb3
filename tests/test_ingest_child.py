"""An upload indexed by a child process (``api.ingest_child``), as the web server does it.

Why: the server indexes uploads in a child so the writer does not share a worker's GIL with the
questions being answered (bench/results/load.md). The parent must get the same result, the same
progress stages and the same errors as an in-process ingest, and see the new report at once.
Real index (real parser, embedder, Chroma), real child process.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import embed_cache
from api.ingest_child import ingest_bytes_in_child
from index.store import Index

pytestmark = pytest.mark.slow


def test_the_child_indexes_the_upload_and_the_parent_sees_it(tmp_path: Path, samples_dir: Path) -> None:
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    assert idx.search("planning", k=1) == []
    data = (samples_dir / "ashbridge-2023.txt").read_bytes()
    stages: list[str] = []
    result = ingest_bytes_in_child(idx.settings, idx.dir, idx.chroma_url, data, "ashbridge-2023.txt",
                                   progress=lambda stage, fraction: stages.append(stage), nice=5)
    assert result.status == "added" and result.chunks > 0, result
    assert {"parsing", "embedding", "writing"} <= set(stages)
    assert [r.source for r in idx.reports()] == ["ashbridge-2023.txt"]
    hits = idx.search("planning for safety", k=3)
    assert hits and all(h.source == "ashbridge-2023.txt" for h in hits)
    # the same bytes again: unchanged, as ``yotassist ingest`` says
    again = ingest_bytes_in_child(idx.settings, idx.dir, idx.chroma_url, data, "ashbridge-2023.txt", nice=5)
    assert again.status == "unchanged"
    assert not [p for p in idx.dir.iterdir() if p.name.startswith(".upload-")]  # nothing left behind


def test_an_error_in_the_child_is_raised_in_the_parent(tmp_path: Path) -> None:
    """A file the parser refuses comes back as the same failed result or exception, never as a hang."""
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    try:
        result = ingest_bytes_in_child(idx.settings, idx.dir, idx.chroma_url, b"\x00\xff" * 10, "junk.pdf", nice=0)
    except Exception as exc:  # noqa: BLE001 - either shape is the in-process behaviour
        inproc: object
        try:
            inproc = idx.ingest_bytes(b"\x00\xff" * 10, "junk.pdf")
        except Exception as exc2:  # noqa: BLE001
            inproc = exc2
        assert type(inproc) is type(exc) and str(inproc) == str(exc)
    else:
        assert result.status == "failed" and result.error
        assert idx.ingest_bytes(b"\x00\xff" * 10, "junk.pdf").error == result.error
    assert idx.reports() == []


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="CPU priority is a Linux/Unix notion")
def test_the_child_runs_at_the_lower_priority(tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    import api.ingest_child as ip

    seen: list[int] = []
    real_popen = subprocess.Popen

    def spy(*a, **k):
        proc = real_popen(*a, **k)
        seen.append(proc.pid)
        return proc

    monkeypatch.setattr(ip.subprocess, "Popen", spy)
    real_lower = ip._lower_priority

    def check(pid: int, nice: int) -> None:
        real_lower(pid, nice)
        seen.append(os.getpriority(os.PRIO_PROCESS, pid))

    monkeypatch.setattr(ip, "_lower_priority", check)
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    data = (samples_dir / "ashbridge-2023.txt").read_bytes()
    assert ingest_bytes_in_child(idx.settings, idx.dir, idx.chroma_url, data, "a.txt", nice=7).status == "added"
    assert seen[1] >= 7


def test_the_child_prepares_the_new_reports_evidence_for_the_servers(tmp_path: Path, samples_dir: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """After an upload, a server's first question about the new report neither cuts it into
    sentences nor encodes them: the child saved both in the index folder."""
    import assistant.evidence as evidence
    from assistant.library import Library
    from assistant.select import vectors_of

    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    data = (samples_dir / "ashbridge-2023.txt").read_bytes()
    assert ingest_bytes_in_child(idx.settings, idx.dir, idx.chroma_url, data, "ashbridge-2023.txt", nice=0).status == "added"

    def no_cutting(*a, **k):
        raise AssertionError("the server cut the new report again")

    monkeypatch.setattr(evidence, "sentences_from_lines", no_cutting)
    lib = Library(idx)  # as a server worker sees the new report
    texts = [s.text for s in lib.sentences("ashbridge-2023.txt")]
    assert texts
    encoder = idx.embedder.encoder
    calls: list[int] = []
    real = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda t, batch_size: calls.append(len(t)) or real(t, batch_size))
    vectors_of(lib).warm(texts)
    assert calls == [], "sentence vectors were encoded again instead of read from the index's cache"
