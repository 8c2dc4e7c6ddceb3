"""Crash safety with real processes: SIGKILL mid-ingest, damaged and foreign index folders, reindex.

The ingest is a real ``yotassist ingest`` subprocess. The test hook ``tests/hooks/sitecustomize.py``
(on the subprocess's PYTHONPATH only; the product has no such switch) makes it pause after
report 2's chunks are written to Chroma and before it is committed, leaving a marker file; the
test kills it with SIGKILL exactly there. The same hook lines two writers up on one instant.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "tests" / "hooks"
sys.path.insert(0, str(ROOT / "bench"))

import embed_cache  # noqa: E402
import make_corpus  # noqa: E402

pytestmark = pytest.mark.slow


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, YOTASSIST_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **extra)
    env.pop("YOTASSIST_CHROMA_URL", None)
    return env


def hooked_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment of a subprocess that loads the test hook (tests/hooks/sitecustomize.py)."""
    env = env_for(home, **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HOOKS), str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def cli(args: list[str], home: Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args], cwd=ROOT,
                          env=env_for(home, **extra), capture_output=True, text=True, timeout=timeout)


def listed(index: Path, home: Path) -> dict[str, int]:
    out = cli(["reports", "--json", "--index", str(index)], home)
    assert out.returncode == 0, out.stderr
    return {r["source"]: r["chunks"] for r in json.loads(out.stdout)}


def chroma_chunks_by_source(index: Path) -> dict[str, int]:
    """Raw view of the Chroma collection (including uncommitted, invisible chunks)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # the folder may have been replaced since the last look
    client = chromadb.PersistentClient(path=str(index / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    col = client.get_collection("yotassist-chunks")
    counts: dict[str, int] = {}
    for meta in col.get(include=["metadatas"])["metadatas"]:
        counts[meta["source"]] = counts.get(meta["source"], 0) + 1
    return counts


def one_clean_line(out: subprocess.CompletedProcess) -> str:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("yotassist: error: ")
    return lines[0]


@pytest.fixture(scope="module")
def reports(synthetic_dir: Path) -> list[Path]:
    return sorted((synthetic_dir / "reports").glob("*.txt"))


@pytest.fixture(scope="module")
def killed_index(tmp_path_factory, reports: list[Path]) -> Iterator[tuple[Path, Path, Path]]:
    """An index whose ingest of three reports was SIGKILLed after report 2's chunks were written.

    Only report 2 pauses (YOTASSIST_TEST_PAUSE_AT); report 1 commits at once. The index is
    seeded from the shared embedding cache: the kill point is about commits, not embedding.
    """
    home = tmp_path_factory.mktemp("home")
    index = home / "index"
    embed_cache.seed(index)
    src = home / "incoming"
    src.mkdir()
    for p in reports:
        (src / p.name).write_bytes(p.read_bytes())
    proc = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "ingest", str(src),
                             "--index", str(index), "--quiet"], cwd=ROOT,
                            env=hooked_env(home, YOTASSIST_TEST_PAUSE_BEFORE_COMMIT="120",
                                           YOTASSIST_TEST_PAUSE_AT=reports[1].name),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = index / f".test-paused-{reports[1].name}"
    deadline = time.time() + 600
    try:
        while not marker.exists():
            assert proc.poll() is None, "ingest ended before reaching the second report"
            assert time.time() < deadline, "ingest never reached the second report"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    yield home, index, src
    embed_cache.merge(index)


def test_sigkill_mid_ingest_shows_only_complete_reports(killed_index, reports: list[Path]) -> None:
    home, index, src = killed_index
    first, second, third = (p.name for p in reports)
    raw = chroma_chunks_by_source(index)
    assert raw.get(second, 0) > 0, "the kill was meant to land after report 2's chunks were written"
    # Only report 1 is visible, with exactly its committed chunks.
    assert listed(index, home) == {first: raw[first]}
    qfile = home / "q.txt"
    qfile.write_text("\n".join(q["question"] for q in make_corpus.load_questions(reports[0].parents[1])) + "\n")
    out = cli(["search", "--queries", str(qfile), "--k", "10", "--index", str(index)], home)
    assert out.returncode == 0, out.stderr
    sources = {h["source"] for line in out.stdout.splitlines() for h in json.loads(line)["hits"]}
    assert sources == {first}

    # The next ingest finishes the job, with consistent chunk counts and no leftovers.
    out = cli(["ingest", str(src), "--index", str(index), "--json"], home)
    assert out.returncode == 0, out.stdout + out.stderr
    status = {r["source"]: r["status"] for r in json.loads(out.stdout)["results"]}
    assert status == {first: "unchanged", second: "added", third: "added"}
    now = listed(index, home)
    assert set(now) == {first, second, third}
    assert chroma_chunks_by_source(index) == now
    assert not list((index / "sources").glob(".*incoming"))


def test_damaged_chroma_is_a_clear_error_and_reindex_rebuilds(killed_index, reports: list[Path]) -> None:
    home, index, _ = killed_index
    before = listed(index, home)
    assert len(before) == 3
    db = index / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"this is not a database " * 500)

    for args in (["search", "planning for the safety of the child"], ["ingest", str(reports[0])]):
        line = one_clean_line(cli([*args, "--index", str(index)], home))
        assert str(index) in line and "damaged" in line and "yotassist reindex" in line

    out = cli(["reindex", "--index", str(index), "--quiet"], home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert listed(index, home) == before
    assert chroma_chunks_by_source(index) == before
    assert list(index.glob("chroma.damaged-*"))
    out = cli(["search", "planning for the safety of the child", "--json", "--index", str(index)], home)
    assert out.returncode == 0 and json.loads(out.stdout)["hits"], out.stderr


def test_foreign_folder_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "notes.txt").write_text("shopping list")
    before = sorted(p.name for p in folder.iterdir())
    for args in (["reports"], ["search", "governance"], ["ingest", str(folder / "notes.txt")], ["reindex"]):
        line = one_clean_line(cli([*args, "--index", str(folder)], tmp_path))
        assert str(folder) in line and "not a yotassist index" in line
    assert sorted(p.name for p in folder.iterdir()) == before


def test_garbage_database_in_a_fresh_looking_folder(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    (index / "chroma").mkdir(parents=True)
    (index / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(4096))
    line = one_clean_line(cli(["search", "anything", "--index", str(index)], tmp_path))
    assert str(index) in line and "reindex" in line


def _consistent_and_searchable(index: Path, home: Path, names: set[str]) -> None:
    """Every report listed, its listed chunk count equal to Chroma's, and found by a service search."""
    now = listed(index, home)
    assert set(now) == names, now
    assert chroma_chunks_by_source(index) == now
    assert all(n > 0 for n in now.values()), now
    rows = json.loads(cli(["reports", "--json", "--index", str(index)], home).stdout)
    qfile = home / "service-queries.txt"
    qfile.write_text("".join(f"{r['service']} planning\n" for r in rows))
    out = cli(["search", "--queries", str(qfile), "--k", "3", "--index", str(index)], home)
    assert out.returncode == 0, out.stderr
    for row, line in zip(rows, out.stdout.splitlines()):
        hits = json.loads(line)["hits"]
        assert hits and hits[0]["source"] == row["source"], (row, hits)
    service = rows[0]["service"]
    out = cli(["search", "planning", "--service", service, "--json", "--index", str(index)], home)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)["hits"]
    assert hits and {h["source"] for h in hits} == {rows[0]["source"]}, hits


def test_two_concurrent_ingests_leave_every_report_searchable(tmp_path: Path, reports: list[Path]) -> None:
    """Two `yotassist ingest` processes on one folder, lined up to commit at the same instant
    (before the write lock this failed on the first try: one run's clean-up deleted the other's
    committed chunks)."""
    names = {p.name for p in reports}
    home = tmp_path / "home"
    index = home / "index"
    embed_cache.seed(index)
    barrier = time.time() + 25  # both processes have loaded the model and embedded by then
    procs = [subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "ingest",
                               str(reports[0].parent), "--index", str(index), "--json"], cwd=ROOT,
                              env=hooked_env(home, YOTASSIST_TEST_COMMIT_BARRIER=str(barrier)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, (out, err)
        assert "Traceback" not in err
    statuses = sorted(r["status"] for out, _ in outs for r in json.loads(out)["results"])
    assert statuses.count("added") == len(names) and statuses.count("unchanged") == len(names), statuses
    _consistent_and_searchable(index, home, names)
    again = cli(["ingest", str(reports[0].parent), "--index", str(index), "--json"], home)
    assert {r["status"] for r in json.loads(again.stdout)["results"]} == {"unchanged"}
    embed_cache.merge(index)


def test_cli_ingest_during_an_upload_to_the_server(tmp_path: Path, reports: list[Path]) -> None:
    """The web app and a CLI ingest write one folder at the same instant: they serialise."""
    import httpx
    from api_support import finish_upload, start_server

    home = tmp_path / "home"
    index = home / "index"
    embed_cache.seed(index)
    first = cli(["ingest", str(reports[0]), "--index", str(index), "--quiet"], home)
    assert first.returncode == 0, first.stderr
    barrier = time.time() + 30
    hook = {"PYTHONPATH": hooked_env(home)["PYTHONPATH"], "YOTASSIST_TEST_COMMIT_BARRIER": str(barrier)}
    server = start_server(index, home, **hook)
    try:
        proc = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "ingest",
                                 str(reports[1]), str(reports[2]), "--index", str(index), "--json"], cwd=ROOT,
                                env=hooked_env(home, YOTASSIST_TEST_COMMIT_BARRIER=str(barrier)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with httpx.Client(base_url=server.base_url, timeout=300) as c:
            r = finish_upload(c.post("/api/reports", files={"file": (reports[1].name, reports[1].read_bytes(), "text/plain")}))
            assert r.status_code == 200, r.text
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, (out, err)
            assert {x["id"] for x in c.get("/api/reports").json()} == {p.name for p in reports}
    finally:
        server.stop()
    _consistent_and_searchable(index, home, {p.name for p in reports})
    embed_cache.merge(index)


@pytest.fixture(scope="module")
def sound_index(tmp_path_factory, reports: list[Path]) -> tuple[Path, Path, dict[str, int]]:
    home = tmp_path_factory.mktemp("sound")
    index = home / "index"
    embed_cache.seed(index)
    out = cli(["ingest", *map(str, reports), "--index", str(index), "--quiet"], home)
    assert out.returncode == 0, out.stderr
    embed_cache.merge(index)
    return home, index, listed(index, home)


def _damage(case: str, index: Path, first: str) -> str:
    """Damage a copy of the index one way; the words the error line must contain."""
    if case == "empty-chroma-db":
        (index / "chroma" / "chroma.sqlite3").write_bytes(b"")
        return "chroma.sqlite3"
    if case == "damaged-record":
        (index / "reports" / f"{first}.json").write_bytes(b'{"source": "trunc')
        return f"reports/{first}.json"
    if case == "garbage-marker":
        (index / "yotassist-index.json").write_bytes(b"\x00garbage{")
        return "yotassist-index.json"
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["empty-chroma-db", "damaged-record", "garbage-marker"])
def test_damage_is_named_and_reindex_recovers(sound_index, tmp_path: Path, reports: list[Path], case: str) -> None:
    import shutil

    home, original, before = sound_index
    index = tmp_path / "index"
    shutil.copytree(original, index)
    words = _damage(case, index, reports[0].name)
    for args in (["search", "planning for the safety of the child"], ["reports"]):
        line = one_clean_line(cli([*args, "--index", str(index)], home))
        assert words in line and "damaged" in line and "yotassist reindex" in line, line
    out = cli(["reindex", "--index", str(index), "--quiet"], home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert listed(index, home) == before
    assert chroma_chunks_by_source(index) == before
    out = cli(["search", "planning for the safety of the child", "--json", "--index", str(index)], home)
    assert out.returncode == 0 and json.loads(out.stdout)["hits"], out.stderr
