"""The cold query path: no torch, no sentence-transformers, no Chroma; a persisted read view that is
used only while it matches the index; the embedder fingerprint that keeps queries on the index's model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import embed_cache
from index.store import Index

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "sentence_transformers", "transformers", "chromadb")
# Runs the real CLI in a fresh interpreter and reports which heavy modules it imported.
PROBE = (
    "import sys\nfrom api.cli import main\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code or 0\nelse:\n    code = 0\n"
    f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@pytest.fixture(scope="module")
def cold_index(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    index_dir = tmp_path_factory.mktemp("cold") / "index"
    embed_cache.seed(index_dir)
    idx = Index.open(index_dir=index_dir)
    summary = idx.ingest([samples_dir / "ashbridge-2023.txt", samples_dir / "northwold-2022.html"], progress=False)
    assert summary.ok and summary.count("added") == 2
    embed_cache.merge(index_dir)
    return index_dir


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONPATH=str(ROOT))
    full.pop("YOTASSIST_EMBED_BACKEND", None)
    full.update(env or {})
    return subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, env=full, capture_output=True,
                          text=True, timeout=120)


def _heavy(proc: subprocess.CompletedProcess) -> list[str]:
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY:")][-1]
    return [m for m in line[6:].split(",") if m]


def test_ask_and_search_import_neither_torch_nor_chroma(cold_index: Path) -> None:
    ask = _cli("ask", "How is out-of-court disposal work in Ashbridge?", "--index", str(cold_index), "--json")
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert answer["citations"], answer
    assert _heavy(ask) == []
    search = _cli("search", "joint decision-making panel", "--index", str(cold_index), "--json")
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)
    assert _heavy(search) == []


def test_the_torch_backend_is_still_what_it_says(tmp_path: Path, samples_dir: Path) -> None:
    """The reference backend stays available and really loads torch (the probe sees it)."""
    index_dir = tmp_path / "index"
    embed_cache.seed(index_dir)
    env = {"YOTASSIST_EMBED_BACKEND": "torch"}
    made = _cli("ingest", str(samples_dir / "ashbridge-2023.txt"), "--index", str(index_dir), "--quiet", env=env)
    assert made.returncode == 0, made.stderr
    assert json.loads((index_dir / "embedding.json").read_text())["backend"] == "torch"
    # Without the variable the recorded backend is used: queries run on torch, like the chunks.
    found = _cli("search", "joint decision-making panel", "--index", str(index_dir), "--json")
    assert found.returncode == 0, found.stderr
    assert "torch" in _heavy(found)


def test_a_mismatched_embedder_is_refused_in_one_line(cold_index: Path) -> None:
    assert json.loads((cold_index / "embedding.json").read_text())["backend"] == "onnx-int8"
    proc = _cli("search", "panel", "--index", str(cold_index), env={"YOTASSIST_EMBED_BACKEND": "torch"})
    assert proc.returncode == 2
    errors = [ln for ln in proc.stderr.splitlines() if not ln.startswith("HEAVY:")]
    assert len(errors) == 1 and errors[0].startswith("yotassist: error: "), proc.stderr
    assert "was embedded with" in errors[0] and "onnx-int8" in errors[0] and "torch" in errors[0]


def test_persisted_view_gives_the_same_hits_without_opening_chroma(cold_index: Path) -> None:
    questions = ["oocd jdm panel", "How did other YOTs fare on resettlement?", "3.4 joint working"]
    warm = Index.open(index_dir=cold_index)
    got = [warm.search(q, k=5) for q in questions]
    assert warm._store is None  # the view came from disk, Chroma was never opened
    rebuilt_dir = cold_index.parent / "rebuilt"
    shutil.copytree(cold_index, rebuilt_dir)
    shutil.rmtree(rebuilt_dir / "views")
    rebuilt = Index.open(index_dir=rebuilt_dir)
    again = [rebuilt.search(q, k=5) for q in questions]
    assert rebuilt._store is not None  # no view: rebuilt from Chroma ...
    assert (rebuilt_dir / "views" / "current.json").is_file()  # ... and persisted for the next process
    for a, b in zip(got, again):
        assert [(h.chunk_id, round(h.score, 4)) for h in a] == [(h.chunk_id, round(h.score, 4)) for h in b]


def test_a_view_from_another_generation_is_not_used(tmp_path: Path, samples_dir: Path) -> None:
    from index import view

    index_dir = tmp_path / "index"
    embed_cache.seed(index_dir)
    idx = Index.open(index_dir=index_dir)
    idx.ingest([samples_dir / "ashbridge-2023.txt"], progress=False)
    gen = idx._generation()
    assert view.load(index_dir, gen) is not None
    idx.records.bump()  # another process committed a change
    assert view.load(index_dir, idx._generation()) is None
    fresh = Index.open(index_dir=index_dir)
    assert fresh.search("joint decision-making panel", k=3)
    assert fresh._store is not None  # rebuilt from Chroma, not the stale view
    assert view.load(index_dir, fresh._generation()) is not None


def test_lexical_arrays_round_trip() -> None:
    from index.lexical import LexicalIndex

    texts = ["The panel met weekly to agree out-of-court disposals.", "Resettlement planning started late.",
             "Panel decisions were recorded; the panel reviewed cases.", ""]
    built = LexicalIndex(texts)
    loaded = LexicalIndex.from_arrays(built.to_arrays())
    for q in ("panel decisions", "resettlement", "nothing matches", "panel panel weekly"):
        assert np.array_equal(built.scores(q), loaded.scores(q))


def test_legacy_index_without_fingerprint_is_treated_as_torch(tmp_path: Path, monkeypatch) -> None:
    from index.fingerprint import resolve
    from yotassist.settings import EmbeddingSettings

    monkeypatch.delenv("YOTASSIST_EMBED_BACKEND", raising=False)
    assert resolve(tmp_path, EmbeddingSettings(), has_reports=True).backend == "torch"
    assert not (tmp_path / "embedding.json").exists()
    assert resolve(tmp_path, EmbeddingSettings(backend="onnx"), has_reports=True).backend == "onnx"
    new = tmp_path / "new"
    new.mkdir()
    assert resolve(new, EmbeddingSettings(backend="onnx-int8"), has_reports=False).backend == "onnx-int8"
    assert json.loads((new / "embedding.json").read_text())["cache_tag"].startswith("onnx-int8")
