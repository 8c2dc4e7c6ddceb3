"""A real PostgreSQL server for the conversation-store tests, started from Debian's packages.

``initdb`` in a temporary folder, ``pg_ctl start`` on a free loopback port; as root (CI and the
dev machines run as root) the server runs as the ``postgres`` user, since PostgreSQL refuses to run
as root. Skips with a clear message only when the binaries are not installed (``make test``
installs Debian's ``postgresql`` package through the ``postgres`` target).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bin: Path
    data: Path
    port: int
    run_as: list[str]
    log: Path

    def url(self, db: str) -> str:
        return f"postgresql://yotassist@127.0.0.1:{self.port}/{db}"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.run_as, *args], capture_output=True, text=True, timeout=120, check=check)

    def create_db(self, name: str) -> str:
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "yotassist", name)
        return self.url(name)

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)


def start_pg() -> PgServer:
    binaries = pg_bin()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql; `make test` installs it)")
    root = Path(tempfile.mkdtemp(prefix="yotassist-pg-"))
    root.chmod(0o755)
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as a non-root user")
        run_as = [runuser, "-u", "postgres", "--"]
        shutil.chown(root, "postgres", "postgres")
    data, sock, log = root / "data", root / "sock", root / "server.log"
    for d in (sock,):
        d.mkdir()
        if run_as:
            shutil.chown(d, "postgres", "postgres")
    port = free_port()
    server = PgServer(binaries, data, port, run_as, log)
    out = server.run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "yotassist", "-E", "UTF8",
                     "--no-sync", check=False)
    if out.returncode != 0:
        pytest.fail(f"initdb failed: {out.stderr[-1000:]}")
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    out = server.run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "-t", "60",
                     "start", check=False)
    if out.returncode != 0:
        log_text = log.read_text(errors="replace")[-1500:] if log.exists() else ""
        pytest.fail(f"PostgreSQL did not start: {out.stderr[-800:]} {log_text}")
    deadline = time.time() + 30
    while server.run(str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), check=False).returncode != 0:
        if time.time() > deadline:
            pytest.fail("PostgreSQL is not accepting connections")
        time.sleep(0.3)
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = start_pg()
    yield server
    server.stop()
    shutil.rmtree(server.data.parent, ignore_errors=True)
