"""Is it an inspection report? The measured structure signals on every sample and corpus report,
on random prose and on an unrelated document; and the bound on chunks per document (real parser,
real chunker, real index)."""

from __future__ import annotations

import random
from pathlib import Path

import embed_cache
from api_support import ROOT, SAMPLES, sample_files

WORDS = ("the of and a to in is was it for on with as by this that be are from at or an have not which but they "
         "planning children service court rating inspection good staff case risk garden rota budget meeting").split()


def random_prose(lines: int, seed: int = 7) -> str:
    """Sentences of common and report-ish words, with no structure at all."""
    rnd = random.Random(seed)
    return "\n".join(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 25))).capitalize() + "."
                     for _ in range(lines))


def test_every_sample_report_is_recognised_and_prose_is_not() -> None:
    import ingest
    from ingest.report_signals import is_report, measure, refusal

    for f in sample_files():
        report = ingest.load_report(f)
        assert is_report(measure(report)) and refusal(report) is None, (f.name, measure(report))
    for seed in range(5):
        report = ingest.load_bytes(random_prose(300 + 200 * seed, seed).encode(), "prose.txt")
        assert refusal(report) and "does not look like an inspection report" in refusal(report), measure(report)
    unrelated = ingest.load_report(ROOT / "tests" / "fixtures" / "variants" / "unrelated.txt")
    assert refusal(unrelated)


def test_every_corpus_report_is_recognised(corpus_dir: Path) -> None:
    import ingest
    from ingest.report_signals import measure, refusal

    files = sorted(p for p in corpus_dir.iterdir() if p.suffix == ".txt")
    assert len(files) >= 5
    for f in files:
        report = ingest.load_report(f)
        assert refusal(report) is None, (f.name, measure(report))


def test_chunks_per_document_are_bounded(tmp_path: Path) -> None:
    from index.store import Index
    from yotassist.settings import Settings

    assert "chunk" in Settings.model_fields["max_chunks_per_document"].description
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(Settings(home=tmp_path, max_chunks_per_document=20), index_dir=tmp_path / "index")
    summary = idx.ingest([SAMPLES / "ashbridge-2023.txt"], progress=False)
    result = summary.results[0]
    assert result.status == "failed" and "more than the limit of 20" in (result.error or ""), result
    assert idx.reports() == [] and idx.embedder.stats.misses == 0  # refused before anything was embedded
    embed_cache.seed(tmp_path / "index2")
    roomy = Index.open(Settings(home=tmp_path, max_chunks_per_document=600), index_dir=tmp_path / "index2")
    assert roomy.ingest([SAMPLES / "ashbridge-2023.txt"], progress=False).results[0].status == "added"
