"""The Index end to end on our fictitious samples: real parser, real embedder, real PersistentClient.

One session-scoped index serves the read-only tests; tests that change or remove files use their
own small index so they cannot disturb the others.
"""

from __future__ import annotations

import re

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import embed_cache
from index.store import Index

pytestmark = pytest.mark.slow

REPORT_EXTS = (".txt", ".md", ".html", ".pdf")


def _sample_files(samples_dir: Path) -> list[Path]:
    return [p for p in sorted(samples_dir.iterdir()) if p.suffix in REPORT_EXTS and p.name.lower() != "readme.md"]


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> tuple[Index, Path, object]:
    src = tmp_path_factory.mktemp("samples-src")
    for f in _sample_files(samples_dir):
        shutil.copy(f, src / f.name)
    # Seeded from the shared embedding cache: no test here counts embeddings of this first ingest.
    index_dir = tmp_path_factory.mktemp("samples-index") / "index"
    embed_cache.seed(index_dir)
    idx = Index.open(index_dir=index_dir)
    summary = idx.ingest([src], progress=False)
    embed_cache.merge(index_dir)
    return idx, src, summary


@pytest.fixture()
def small_index(tmp_path: Path, samples_dir: Path) -> tuple[Index, Path]:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(samples_dir / "ashbridge-2023.txt", src / "ashbridge-2023.txt")
    # Seeded (the unchanged Ashbridge paragraphs come from the cache) but never merged back, so a
    # text a test adds here is never in the shared cache and is always really embedded.
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    summary = idx.ingest([src], progress=False)
    assert [r.status for r in summary.results] == ["added"]
    return idx, src / "ashbridge-2023.txt"


def _services(idx: Index) -> set[str]:
    return {r.service for r in idx.reports() if r.service}


# --- ingest -------------------------------------------------------------------------------------

def test_first_ingest_adds_every_sample(sample_index, samples_dir: Path) -> None:
    idx, _, summary = sample_index
    assert {r.status for r in summary.results} == {"added"}, [(r.source, r.error) for r in summary.results]
    assert len(summary.results) == len(_sample_files(samples_dir))
    reports = {r.source: r for r in idx.reports()}
    assert set(reports) == {f.name for f in _sample_files(samples_dir)}
    ash = reports["ashbridge-2023.txt"]
    assert (ash.overall, ash.score, ash.max_score, ash.year) == ("Good", 26, 36, 2023)
    assert reports["northwold-2022.html"].overall == "Outstanding"
    assert all(r.chunks > 0 and r.sha256 for r in reports.values())
    assert sum(r.chunks for r in reports.values()) == len(idx.chunks())


def test_reingest_of_unchanged_files_skips_and_never_embeds(sample_index) -> None:
    idx, src, _ = sample_index
    before_chunks = len(idx.chunks())
    misses = idx.embedder.stats.misses
    again = idx.ingest([src], progress=False)
    assert {r.status for r in again.results} == {"unchanged"}
    assert again.embedded == 0 and idx.embedder.stats.misses == misses
    assert len(idx.chunks()) == before_chunks


def test_a_fresh_process_view_reads_the_same_index(sample_index) -> None:
    idx, src, _ = sample_index
    other = Index.open(index_dir=idx.dir)  # as another process would
    again = other.ingest([src], progress=False)
    assert {r.status for r in again.results} == {"unchanged"}
    assert other._embedder is None or other.embedder.stats.misses == 0  # model never needed


def test_changed_file_replaces_its_chunks(small_index) -> None:
    idx, path = small_index
    old_ids = {c.id for c in idx.chunks()}
    hits = idx.search("Diversion Panel police weekly", k=3)
    assert hits
    text = path.read_text(encoding="utf-8")
    marker = "The zebra-crossing mural project at the Ashbridge office won a fictional award."
    path.write_text(text.rstrip("\n") + "\n\n" + marker + "\n", encoding="utf-8")
    misses = idx.embedder.stats.misses
    summary = idx.ingest([path], progress=False)
    assert summary.results[0].status == "updated"
    # only the changed text is embedded again: the cache serves every unchanged paragraph
    assert 0 < idx.embedder.stats.misses - misses < len(old_ids) // 2
    new_ids = {c.id for c in idx.chunks()}
    assert not (old_ids & new_ids), "old chunks still visible"
    assert idx.store.count() == len(new_ids), "old chunks left in Chroma"
    top = idx.search("zebra-crossing mural award", k=1)[0]
    assert marker in top.text
    report = idx.get_report("ashbridge-2023.txt")
    assert report is not None and report.lines[-1] == marker


def test_uncommitted_chunks_are_invisible(small_index) -> None:
    """Chunks written without their commit record (a crash mid-ingest) never show in search."""
    idx, _ = small_index
    chunk = idx.chunks()[0].model_copy(update={"id": "orphan-1", "text": "quokka quokka quokka"})
    vec = idx.embedder.embed_documents([chunk.text])
    idx.store.add([chunk], vec, version="not-committed")
    idx._bump_generation()
    assert all("quokka" not in h.text for h in idx.search("quokka", k=5))


def test_remove(small_index) -> None:
    idx, _ = small_index
    assert idx.remove("no-such-report.txt") is False
    assert idx.remove("ashbridge-2023.txt") is True
    assert idx.reports() == []
    assert idx.search("Diversion Panel", k=5) == []
    assert idx.store.count() == 0
    assert idx.get_report("ashbridge-2023.txt") is None
    assert idx.source_path("ashbridge-2023.txt") is None


def test_a_bad_file_fails_alone(tmp_path: Path, samples_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf \x00\x01\x02")
    (src / "notes.docx").write_bytes(b"PK\x03\x04")
    shutil.copy(samples_dir / "northwold-2022.html", src / "northwold-2022.html")
    idx = Index.open(index_dir=tmp_path / "index")
    summary = idx.ingest([src / "broken.pdf", src / "notes.docx", src / "northwold-2022.html", src / "missing.txt"],
                         progress=False)
    status = {r.source: r.status for r in summary.results}
    assert status == {"broken.pdf": "failed", "notes.docx": "failed", "northwold-2022.html": "added",
                      "missing.txt": "failed"}
    assert all(r.error and "\n" not in r.error for r in summary.results if r.status == "failed")
    assert [r.source for r in idx.reports()] == ["northwold-2022.html"]
    assert {c.source for c in idx.chunks()} == {"northwold-2022.html"}


# --- search ----------------------------------------------------------------------------------------

def test_hits_quote_the_source_exactly(sample_index) -> None:
    idx, _, _ = sample_index
    hits = idx.search("CAMHS waiting times", k=5)
    assert hits
    for h in hits:
        report = idx.get_report(h.source)
        assert report is not None and report.text_of(h.line_start, h.line_end) == h.text
        assert h.service and h.title and h.score > 0


def test_service_filter_accepts_short_forms(sample_index) -> None:
    idx, _, _ = sample_index
    services = _services(idx)
    kelderton = next(s for s in services if s.startswith("Kelderton"))
    for name in (kelderton, "kelderton", "Kelderton"):
        hits = idx.search("planning for risk of harm", k=5, service=name)
        assert hits and {h.service for h in hits} == {kelderton}


def test_service_named_in_the_question_filters(sample_index) -> None:
    idx, _, _ = sample_index
    hits = idx.search("kelderton oocd jdm panel", k=5)
    assert hits and all(h.service.startswith("Kelderton") for h in hits)
    assert hits[0].section == "3.4"


def test_standard_filter(sample_index) -> None:
    idx, _, _ = sample_index
    hits = idx.search("police", k=6, standard="3.4")
    assert hits and {h.section for h in hits} == {"3.4"}


def test_standard_named_in_the_question_is_preferred(sample_index) -> None:
    idx, _, _ = sample_index
    for query, wanted in (("resettlement", "4.1"), ("3.4", "3.4"), ("joint working with the police", "3.4")):
        assert idx.search(query, k=3)[0].section == wanted, query


def test_comparative_question_reaches_every_service(sample_index) -> None:
    idx, _, _ = sample_index
    services = _services(idx)
    hits = idx.search("how did other YOTs fare on OOCD joint working?", k=5)
    assert {h.service for h in hits} == services
    # the standard's own section, not a summary, for each service
    assert sum(h.section == "3.4" for h in hits) >= len(services) - 1
    # and without diversification the same question is dominated by fewer services
    plain = idx.search("how did other YOTs fare on OOCD joint working?", k=5, diversify=False)
    assert len({h.service for h in plain}) <= len({h.service for h in hits})


def test_langchain_retriever(sample_index) -> None:
    idx, _, _ = sample_index
    docs = idx.as_retriever(k=3, service="Northwold").invoke("exploitation hub")
    assert 0 < len(docs) <= 3
    for d in docs:
        assert d.metadata["service"] == "Northwold"
        assert {"source", "section", "title", "line_start", "line_end", "score"} <= set(d.metadata)
        report = idx.get_report(d.metadata["source"])
        assert report.text_of(d.metadata["line_start"], d.metadata["line_end"]) == d.page_content


# --- CLI -------------------------------------------------------------------------------------------

def _cli(*args: str):
    from api.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_search_json_shape(sample_index) -> None:
    idx, _, _ = sample_index
    res = _cli("search", "TH planning", "--json", "--k", "3", "--index", str(idx.dir))
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["query"] == "TH planning" and 0 < len(data["hits"]) <= 3
    for hit in data["hits"]:
        assert set(hit) == {"source", "service", "section", "title", "line_start", "line_end", "page", "score", "text"}
        assert 1 <= hit["line_start"] <= hit["line_end"]


def test_cli_search_queries_jsonl(sample_index, tmp_path: Path) -> None:
    idx, _, _ = sample_index
    qfile = tmp_path / "q.txt"
    qfile.write_text("resettlement\n\nkelderton jdm\nhow did other YOTs fare on joint working?\n", encoding="utf-8")
    res = _cli("search", "--queries", str(qfile), "--k", "2", "--json", "--index", str(idx.dir))
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    assert [r["query"] for r in rows] == ["resettlement", "kelderton jdm", "how did other YOTs fare on joint working?"]
    assert all(len(r["hits"]) == 2 for r in rows)


def test_cli_reports_and_bad_input(sample_index, tmp_path: Path) -> None:
    idx, _, _ = sample_index
    res = _cli("reports", "--json", "--index", str(idx.dir))
    assert res.exit_code == 0
    assert {r["source"] for r in json.loads(res.stdout)} == {r.source for r in idx.reports()}
    bad = _cli("remove", "nothing.txt", "--index", str(idx.dir))
    assert bad.exit_code == 2 and "not indexed" in bad.output
    bad = _cli("search", "x", "--standard", "nine", "--index", str(idx.dir))
    assert bad.exit_code == 2
    bad = _cli("search", "x", "--service", "Atlantis", "--index", str(idx.dir))
    assert bad.exit_code == 2 and "no indexed service" in bad.output
    assert idx.resolve_service("kelderton", None).startswith("Kelderton")
    empty = _cli("search", "anything", "--index", str(tmp_path / "empty-index"))
    assert empty.exit_code == 2 and "empty" in empty.output


def test_ingest_bytes_uses_a_safe_name_and_the_cache(small_index) -> None:
    idx, path = small_index
    misses = idx.embedder.stats.misses
    res = idx.ingest_bytes(path.read_bytes(), "../../etc/Ashbridge copy?.txt")
    # "?" is dropped from the stored name, so a short hash of the original name keeps it unique
    assert res.status == "added" and re.fullmatch(r"Ashbridge copy-[0-9a-f]{8}\.txt", res.source), res.source
    assert idx.embedder.stats.misses == misses  # same text, same header: every vector from the cache
    assert idx.source_path(res.source) is not None and idx.source_path(res.source).parent.name == "sources"
    assert idx.ingest_bytes(path.read_bytes(), "Ashbridge copy?.txt").status == "unchanged"
    assert idx.ingest_bytes(path.read_bytes(), res.source).status == "unchanged"
    bad = idx.ingest_bytes(b"\x00\x01\x02" * 100, "blob.exe")
    assert bad.status == "failed" and "unsupported" in (bad.error or "")
