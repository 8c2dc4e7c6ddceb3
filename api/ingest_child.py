"""One upload's ingest in a child process at lower CPU priority, its progress read back line by line.

Why a process and not a thread: in the web server, an upload indexed on a thread shares the
worker's GIL with every question being answered. With 25 clients asking, the writer got about a
thirteenth of the interpreter: a two-second write took 25-50 s (holding the index's write lock
all that time, so a CLI ingest waited too), and the questions of that worker stalled behind it
(bench/results/load.md, p99 about 10 s). A child process has its own interpreter, and its nice
value covers all its threads (ONNX Runtime's pool included), so questions keep the cores first.
It takes the same cross-process write lock as ``yotassist ingest``; the server sees the new
generation stamp and loads the view the child persisted, as it does after a CLI ingest.

After the commit the child also prepares what the first questions about the new report would
otherwise compute in the server (a 10 s stall of every question in flight, seen with py-spy):
the report's evidence sentences (``assistant.sentence_store``) and their vectors (the index's
content-hash cache). It lives in ``api`` because it uses both ``index`` and ``assistant``.

Protocol (private to this module): the parent pickles (settings, index folder, file, name,
options) to the child's stdin; the child prints ``{"stage": ..., "fraction": ...}`` lines on
stdout and pickles its ``IngestResult`` -- or the exception it raised -- to a result file.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

from index.results import IngestResult

log = logging.getLogger("yotassist.uploads")


class ChildIngestError(RuntimeError):
    """The child ended without a result (killed, crashed before writing one)."""


def ingest_bytes_in_child(settings: Any, index_dir: Path, chroma_url: str | None, data: bytes, filename: str, *,
                          allow_unstructured: bool = False, progress: Callable[[str, float], None] | None = None,
                          nice: int = 10) -> IngestResult:
    """``Index.ingest_bytes`` run by a child process; exceptions raised there are raised here."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    fd, upload = tempfile.mkstemp(prefix=".upload-", suffix=".bytes", dir=index_dir)
    result_path = upload[: -len(".bytes")] + ".result"
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        job = {"settings": settings, "index_dir": str(index_dir), "chroma_url": chroma_url, "upload": upload,
               "filename": filename, "allow_unstructured": allow_unstructured, "result": result_path}
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)  # the same code as this process
        proc = subprocess.Popen([sys.executable, "-m", "api.ingest_child"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        _lower_priority(proc.pid, nice)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        proc.stdin.close()
        for raw in proc.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if progress is not None and "stage" in msg:
                progress(str(msg["stage"]), float(msg.get("fraction", 0.0)))
        stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr is not None else ""
        code = proc.wait()
        try:
            with open(result_path, "rb") as fh:
                outcome = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            last = stderr.strip().splitlines()[-1:] or [f"exit status {code}"]
            raise ChildIngestError(f"the indexing process ended without a result ({last[0][:300]})") from None
        if isinstance(outcome, BaseException):
            raise outcome
        for line in stderr.splitlines():  # what the child had to say (e.g. evidence not prepared) reaches the log
            if line.startswith("yotassist:"):
                log.warning("upload %s: %s", filename, line[len("yotassist:"):].strip())
        return outcome
    finally:
        for p in (upload, result_path):
            try:
                os.unlink(p)
            except OSError:
                pass


def _lower_priority(pid: int, nice: int) -> None:
    """Give the child nice value ``nice`` (it starts with the calling thread's; threads it creates
    later inherit it). Absolute, not added: the upload job thread may already be niced itself."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, pid, max(os.getpriority(os.PRIO_PROCESS, pid), min(19, nice)))
    except OSError:
        pass  # not allowed here: the child keeps our priority


def _child() -> None:
    job = pickle.loads(sys.stdin.buffer.read())
    out = sys.stdout

    def tell(stage: str, fraction: float) -> None:
        out.write(json.dumps({"stage": stage, "fraction": fraction}) + "\n")
        out.flush()

    outcome: Any
    try:
        from index.store import Index

        idx = Index.open(job["settings"], index_dir=job["index_dir"], chroma_url=job["chroma_url"])
        with open(job["upload"], "rb") as fh:
            data = fh.read()
        outcome = idx.ingest_bytes(data, job["filename"], allow_unstructured=job["allow_unstructured"], progress=tell)
        if getattr(outcome, "status", None) in ("added", "updated"):
            tell("preparing", 0.97)
            _prepare_evidence(idx, outcome.source)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        outcome = exc
    try:
        blob = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(blob)  # an exception that does not round-trip is sent as its message
    except Exception:
        blob = pickle.dumps(RuntimeError(f"{type(outcome).__name__}: {outcome}"))
    tmp = job["result"] + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(blob)
    os.replace(tmp, job["result"])


def _prepare_evidence(idx: Any, source: str) -> None:
    """Cut the new report into evidence sentences and embed them (saved in the index folder) so
    the servers' first questions about it read them instead of computing them. Best effort: a
    failure here leaves the work to the first question, as before."""
    try:
        from assistant.library import Library
        from assistant.select import vectors_of

        lib = Library(idx)
        texts = [s.text for s in lib.sentences(source)] + [s.text for s in lib.table_rows(source)]
        vectors_of(lib).warm(texts)
    except Exception as exc:  # noqa: BLE001 - an optimisation, never a reason to fail the upload
        print(f"yotassist: could not prepare {source}'s evidence ({type(exc).__name__}: {exc}); "
              "its first questions will compute it", file=sys.stderr)


if __name__ == "__main__":
    _child()
