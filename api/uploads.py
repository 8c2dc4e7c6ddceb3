"""Upload safety: file-name sanitising, allowed types and the size limit.

Why here and not in the route: these are the rules an attacker probes (``../../x.txt``,
absolute paths, NUL bytes, a 2 GB body), so they live in one small module that tests can read
and exercise directly. The index stores a source under its own folder by this sanitised name
only, so nothing a client sends can choose a path outside the data folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from fastapi import UploadFile

ALLOWED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".html", ".htm", ".docx")
READ_CHUNK = 1 << 20
MAX_NAME_CHARS = 120


class UploadError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def safe_filename(raw: str | None) -> str:
    """The base name of a client-supplied file name, reduced to a safe, portable form.

    Drops every directory part (POSIX and Windows separators, drive letters), NUL and control
    characters, leading dots (no hidden files, no ``..``) and characters outside a conservative
    set; keeps the suffix. Raises ``UploadError(422)`` when nothing usable is left.
    """
    name = unicodedata.normalize("NFKC", raw or "")
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "\x00")
    name = PureWindowsPath(PurePosixPath(name.replace("\\", "/")).name).name
    # Letters of every script stay: the index turns a name into a stable, unique stored id
    # (slug plus a short hash when the slug loses characters) and keeps the original for display.
    name = re.sub(r"[^\w._ ()&,+-]", "_", name).strip(" .")
    name = name.lstrip(".-")
    if len(name) > MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix) if dot and len(suffix) <= 5 else name[:MAX_NAME_CHARS]
    if not name or name in {".", ".."} or not PurePosixPath(name).stem:
        raise UploadError(422, "the file name is empty once directory parts and control characters are removed")
    return name


def check_suffix(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        allowed = ", ".join(ALLOWED_SUFFIXES)
        shown = suffix or "no extension"
        raise UploadError(415, f"unsupported file type ({shown}); upload one of {allowed}")
    return suffix


async def read_limited(upload: UploadFile, max_bytes: int) -> bytes:
    """Read an upload in chunks and stop as soon as it passes ``max_bytes`` (413)."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = await upload.read(READ_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise UploadError(413, f"the file is larger than the {max_bytes // (1 << 20)} MB limit")
        parts.append(chunk)
    if total == 0:
        raise UploadError(422, "the file is empty")
    return b"".join(parts)
