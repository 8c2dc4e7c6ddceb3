"""Session fixtures for the API, security, concurrency, schemathesis and browser tests.

One real index is built from the sample reports with the real CLI (``yotassist ingest``) and
served by a real ``yotassist serve`` process on a free port; every API test module shares it.
Embeddings come from the shared test cache (``tests/embed_cache.py``: the index's own
content-hash cache, seeded before ingest and merged back afterwards), so only the first run pays
for embedding the samples; queries always run through the real model.

Registered as a plugin from ``tests/conftest.py`` so the session fixtures are shared.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx
import pytest

import embed_cache

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
ARTIFACTS = ROOT / "test-artifacts"
SUFFIXES = {".txt", ".md", ".pdf", ".html", ".htm"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
TEST_MAX_UPLOAD_MB = 3


def sample_files() -> list[Path]:
    """The top-level sample reports (not samples/src, which holds their sources)."""
    return sorted(p for p in SAMPLES.iterdir()
                  if p.is_file() and p.suffix.lower() in SUFFIXES and p.name.lower() != "readme.md")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOTASSIST_")}
    if os.environ.get("YOTASSIST_MODELS_DIR"):  # the one shared ONNX export (tests/conftest.py)
        env["YOTASSIST_MODELS_DIR"] = os.environ["YOTASSIST_MODELS_DIR"]
    env.update(
        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
        YOTASSIST_HOME=str(home), YOTASSIST_MAX_UPLOAD_MB=str(TEST_MAX_UPLOAD_MB),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from api.cli import main; main()", *args]


def build_index(index_dir: Path, home: Path) -> None:
    """Ingest the samples with the real CLI, reusing the cross-session embedding cache."""
    embed_cache.seed(index_dir)
    files = [str(p) for p in sample_files()]
    proc = subprocess.run(cli("ingest", *files, "--index", str(index_dir), "--quiet"), cwd=ROOT,
                          env=server_env(home), capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"ingest failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    embed_cache.merge(index_dir)


@dataclass
class Server:
    """A running ``yotassist serve`` process."""

    base_url: str
    port: int
    index_dir: Path
    home: Path
    proc: subprocess.Popen
    log_path: Path
    api_key: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def start_server(index_dir: Path, home: Path, *, api_key: str | None = None, ready_timeout: float = 180,
                 **extra_env: str) -> Server:
    port = free_port()
    env = server_env(home, **extra_env)
    if api_key:
        env["YOTASSIST_API_KEY"] = api_key
    log_path = home / f"server-{port}.log"
    log = open(log_path, "w")
    # No --host: the default must be 127.0.0.1 (tested in test_api_security).
    proc = subprocess.Popen(cli("serve", "--port", str(port), "--index", str(index_dir), "--log-level", "warning"),
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", port, index_dir, home, proc, log_path, api_key, extra_env)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{server.log()}")
        try:
            if httpx.get(server.url("/healthz"), timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"server did not become ready in {ready_timeout} s:\n{server.log()}")


def finish_upload(response: httpx.Response, timeout: float = 600) -> httpx.Response:
    """An upload's final answer. ``POST /api/reports`` answers 202 with a job once the file passed
    its checks; this polls ``GET /api/jobs/{id}`` until the job ends and returns what it ended with
    as a response: 200 with the ``UploadOut`` body, or the job's failure status with its ``detail``.
    Any other answer (401, 413, 415, 422...) is returned as it is."""
    if response.status_code != 202:
        return response
    url = str(response.request.url.join(response.json()["url"]))
    deadline = time.monotonic() + timeout
    while True:
        job = httpx.get(url, timeout=60).json()
        if job["state"] in ("done", "failed"):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"upload job did not finish in {timeout} s: {job}")
        time.sleep(0.2)
    if job["state"] == "done":
        return httpx.Response(200, json=job["result"], request=response.request)
    return httpx.Response(job["status_code"], json={"detail": job["error"]}, request=response.request)


# ---------------------------------------------------------------------------------------------
# derived fictitious reports for upload tests (made from our own samples, never the corpus)


def derived_report(new_service: str, *, extra_lines: list[str] | None = None, disagree_22: bool = False) -> bytes:
    """A copy of the Ashbridge sample under another service name.

    ``disagree_22`` publishes 2.2 as Good although its lowest key question (58%) computes
    Requires improvement, so the ratings grid must mark a disagreement. ``extra_lines`` are
    added to the 2.2 narrative (used for the <script> test).
    """
    text = (SAMPLES / "ashbridge-2023.txt").read_text(encoding="utf-8")
    text = text.replace("Ashbridge", new_service)
    # Make the prose its own: the assistant rightly ignores sentences that several reports share
    # word for word (boilerplate), and an exact copy would be nothing but shared sentences.
    tag = f" (in {new_service})"
    lines = [re.sub(r"(?<=[a-z])\.(?=\s|$)", tag + ".", line) if len(line) > 40 and "\t" not in line else line
             for line in text.split("\n")]
    if disagree_22:
        for i, line in enumerate(lines):
            if line.startswith("2.2\tPlanning\t"):
                lines[i] = "2.2\tPlanning\tGood"
        start = next(i for i, line in enumerate(lines) if line.strip() == "2.2. Planning" and i > 100)
        for i in range(start, start + 8):
            if lines[i].strip() == "Requires improvement":
                lines[i] = "Good"
                break
    if extra_lines:
        start = next(i for i, line in enumerate(lines) if line.strip() == "2.2. Planning" and i > 100)
        anchor = next(i for i in range(start, len(lines)) if lines[i].startswith("Planning to keep the child safe"))
        lines[anchor + 1 : anchor + 1] = ["", *extra_lines]
    return "\n".join(lines).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(home, index_dir) of a fresh index of the samples; built once per session."""
    home = tmp_path_factory.mktemp("yotassist-home")
    index_dir = home / "index"
    build_index(index_dir, home)
    return home, index_dir


@pytest.fixture(scope="session")
def live_server(built_index: tuple[Path, Path]) -> Iterator[Server]:
    """The app on the sample index, no API key (the default set-up)."""
    home, index_dir = built_index
    server = start_server(index_dir, home)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def client(live_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=120) as c:
        yield c


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
