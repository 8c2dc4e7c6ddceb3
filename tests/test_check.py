"""`yotassist check`: nothing on the clean corpus reports and samples; exactly the planted fault on
each fixture (our own sample with one edit, tests/fixtures/check/faults.json); CLI and API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.check import check_with_library
from assistant_support import ROOT, build_index
from ingest import load_report

FAULTS = json.loads((ROOT / "tests" / "fixtures" / "check" / "faults.json").read_text())
RATED = ["kirklees-2021.txt", "st-helens-2023.txt", "tower-hamlets-and-city-of-london-2022.txt", "wigan-2021.txt"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, corpus_dir):
    d = tmp_path_factory.mktemp("check-index") / "index"
    build_index(d, [corpus_dir / n for n in RATED])
    return d


@pytest.fixture(scope="module")
def lib(index_dir):
    from assistant.library import Library
    from index.store import Index

    yield Library(Index.open(index_dir=index_dir))
    import embed_cache

    embed_cache.merge(index_dir)  # the sentence vectors the classifiers were trained on


def planted(name: str, tmp_path: Path) -> Path:
    text = (ROOT / "samples" / "ashbridge-2023.txt").read_text(encoding="utf-8")
    for old, new in FAULTS[name]["edits"]:
        assert old in text, old  # the fixture still matches the sample
        text = text.replace(old, new)
    out = tmp_path / f"ashbridge-{name}.txt"
    out.write_text(text, encoding="utf-8")
    return out


@pytest.mark.parametrize("name", RATED)
def test_clean_corpus_report_has_no_problems(lib, corpus_dir, name):
    r = check_with_library(load_report(corpus_dir / name), lib)
    assert r.problems == [], r.problems
    assert r.score["from_published_standards"] == load_report(corpus_dir / name).score


def test_clean_sample_has_no_problems(lib):
    assert check_with_library(load_report(ROOT / "samples" / "ashbridge-2023.txt"), lib).problems == []


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_exactly_the_planted_fault(lib, tmp_path, name):
    r = check_with_library(load_report(planted(name, tmp_path)), lib)
    assert sorted(p.kind for p in r.problems) == FAULTS[name]["expect"], r.problems


def test_cli_check_json_and_errors(index_dir, tmp_path):
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin", "YOTASSIST_HOME": str(tmp_path)}
    cmd = [sys.executable, "-c", "from api.cli import main; main()", "check"]
    out = subprocess.run([*cmd, str(planted("wrong-sum", tmp_path)), "--index", str(index_dir), "--json"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert [p["kind"] for p in json.loads(out.stdout)["problems"]] == ["score_sum"]
    missing = subprocess.run([*cmd, str(tmp_path / "nope.txt")], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
    assert missing.returncode == 2 and missing.stderr.startswith("yotassist: error: no such file")


def test_cli_draft_domain(index_dir, tmp_path):
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin", "YOTASSIST_HOME": str(tmp_path)}
    cmd = [sys.executable, "-c", "from api.cli import main; main()", "draft-domain", "--domain", "3",
           "--framework", "2018", "--service", "Brookvale", "--index", str(index_dir)]
    kqs = ["--kq", "3.1=4/5,3/5,4/5", "--kq", "3.2=4/5,3/5,2/3", "--kq", "3.3=5/5,4/5,3/3", "--kq", "3.4=4/5,1/1"]
    out = subprocess.run([*cmd, *kqs, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["ratings"] == {"3.1": "Requires improvement", "3.2": "Requires improvement", "3.3": "Outstanding",
                            "3.4": "Outstanding"}
    assert d["points"] == 8 and [s["standard"] for s in d["sections"]] == ["3.1", "3.2", "3.3", "3.4"]
    bad = subprocess.run([*cmd, *kqs[:2]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("yotassist: error: domain 3 needs figures")
