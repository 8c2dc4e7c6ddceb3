"""Shared fixtures: where the reference corpus and our own samples live."""

from __future__ import annotations

import sys
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The default embedder (onnx-int8) is exported locally once from the shipped weights; every test
# index, server and CLI subprocess shares that one export instead of making its own per temp home.
os.environ.setdefault("YOTASSIST_MODELS_DIR", str(ROOT / "build" / "models"))
# YOTASSIST_TEST_CORPUS: the reference corpus elsewhere (e.g. from a git worktree one level deeper).
CORPUS = Path(os.environ.get("YOTASSIST_TEST_CORPUS") or ROOT.parent / "shared" / "corpus")
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"

# Live-server, index and browser fixtures shared by the API/browser test modules (session scope).
pytest_plugins = ["api_support"]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The reference corpus. Missing, it is a skip on a developer's checkout without ../shared, but a
    failure in a CI-like run (``CI`` set) or when ``YOTASSIST_TEST_CORPUS`` names it explicitly:
    there a missing corpus means the corpus tests silently stopped testing anything."""
    if not CORPUS.is_dir():
        why = f"reference corpus not found at {CORPUS} (clone ../shared beside the project)"
        if os.environ.get("CI") or os.environ.get("YOTASSIST_TEST_CORPUS"):
            pytest.fail(why + "; CI and YOTASSIST_TEST_CORPUS runs need it")
        pytest.skip(why)
    return CORPUS


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three small generated reports (bench/make_corpus.py, compact) with their truth and questions.

    Shared by the crash-safety and server-mode tests so the same texts (and so the same cached
    vectors, see tests/embed_cache.py) serve both.
    """
    sys.path.insert(0, str(ROOT / "bench"))
    import make_corpus

    out = tmp_path_factory.mktemp("synthetic")
    make_corpus.generate(3, 21, out, compact=True)
    return out
