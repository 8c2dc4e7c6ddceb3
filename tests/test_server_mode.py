"""Server mode: two app instances share one real ``chroma run`` server and see the same index.

Instance A is a long-lived ``Index`` in this process (like a running web app); instance B is the
``yotassist`` CLI in other processes, each with its own local folder. Both must list the same
reports, return the same hybrid hits (BM25 included), and notice each other's ingests/removals.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import embed_cache  # noqa: E402
import make_corpus  # noqa: E402

pytestmark = pytest.mark.slow
CHROMA = ROOT / ".venv" / "bin" / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real Chroma server on a free loopback port, stopped at the end."""
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not installed")
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(data / "server.log", "wb")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text(errors='replace')[-500:]}")
        time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture(scope="module")
def synthetic(synthetic_dir: Path) -> Path:
    return synthetic_dir


def cli(args: list[str], home: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, YOTASSIST_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("YOTASSIST_CHROMA_URL", None)
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def key(hits) -> list[tuple]:
    return [(h["source"], h["section"], h["line_start"], h["line_end"]) for h in hits]


def test_two_instances_share_one_server(chroma_server: str, synthetic: Path, samples_dir: Path, tmp_path: Path) -> None:
    from index.store import Index
    from yotassist.settings import Settings

    truths = make_corpus.load_truth(synthetic)
    questions = make_corpus.load_questions(synthetic)
    reports = synthetic / "reports"
    first, second, third = (reports / t["source"] for t in truths)

    # Both local folders start from the shared embedding cache (document vectors only; every query
    # still goes through the real model in each process).
    embed_cache.seed(tmp_path / "a")
    embed_cache.seed(tmp_path / "b")
    a = Index.open(Settings(home=tmp_path / "a-home"), index_dir=tmp_path / "a", chroma_url=chroma_server)
    summary = a.ingest([samples_dir / "ashbridge-2023.txt", first, second], progress=False)
    assert summary.ok and summary.count("added") == 3, summary
    # Nothing about the reports lives in A's local folder: records and sources are in the server.
    assert not list((tmp_path / "a" / "reports").glob("*.json"))

    # Instance B (another process, another local folder) lists the same reports...
    b_home = tmp_path / "b-home"
    out = cli(["reports", "--json", "--chroma-url", chroma_server, "--index", str(tmp_path / "b")], b_home)
    assert out.returncode == 0, out.stderr
    listed = {r["source"]: r["chunks"] for r in json.loads(out.stdout)}
    assert listed == {r.source: r.chunks for r in a.reports()}
    assert set(listed) == {"ashbridge-2023.txt", first.name, second.name}

    # ...and returns the same hybrid hits for the same queries (dense from the server, BM25 rebuilt
    # from the server's chunks).
    queries = [q["question"] for q in questions if q["source"] in {first.name, second.name}][:4]
    queries += ["oocd jdm panel weekly decisions", "CAMHS waiting times for children"]
    qfile = tmp_path / "queries.txt"
    qfile.write_text("\n".join(queries) + "\n")
    out = cli(["search", "--queries", str(qfile), "--k", "5", "--chroma-url", chroma_server, "--index", str(tmp_path / "b")], b_home)
    assert out.returncode == 0, out.stderr
    b_hits = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(b_hits) == len(queries)
    for row in b_hits:
        a_hits = [h.model_dump() for h in a.search(row["query"], k=5)]
        assert key(row["hits"]) == key(a_hits), row["query"]
        assert row["hits"], row["query"]
    expected = {q["question"]: q["source"] for q in questions}
    for row in b_hits[:4]:  # planted facts: the right report is found
        assert expected[row["query"]] in {h["source"] for h in row["hits"]}, row["query"]

    # B ingests a report; A (still open, no restart) sees it in its list and in search.
    out = cli(["ingest", str(third), "--quiet", "--chroma-url", chroma_server, "--index", str(tmp_path / "b")], b_home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert third.name in {r.source for r in a.reports()}
    fact = next(q for q in questions if q["source"] == third.name and q["section"] == "1.3")
    assert a.search(fact["question"], k=5)[0].source == third.name
    report = a.get_report(third.name)
    assert report is not None and report.lines and report.overall == truths[2]["overall"]
    assert a.source_path(third.name).read_bytes() == third.read_bytes()

    # A removes a report; B no longer lists or finds it.
    assert a.remove(first.name)
    out = cli(["reports", "--json", "--chroma-url", chroma_server, "--index", str(tmp_path / "b")], b_home)
    assert first.name not in {r["source"] for r in json.loads(out.stdout)}
    fact1 = next(q for q in questions if q["source"] == first.name and q["section"] == "1.3")
    qfile.write_text(fact1["question"] + "\n")
    out = cli(["search", "--queries", str(qfile), "--chroma-url", chroma_server, "--index", str(tmp_path / "b")], b_home)
    assert first.name not in {h["source"] for h in json.loads(out.stdout.splitlines()[0])["hits"]}
    embed_cache.merge(tmp_path / "a")
    embed_cache.merge(tmp_path / "b")


def test_unreachable_server_is_one_clear_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    out = cli(["reports", "--chroma-url", url, "--index", str(tmp_path / "x")], tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "cannot reach the Chroma server" in out.stderr and url in out.stderr
