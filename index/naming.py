"""The stored name (report id) of an ingested file: stable, unique, and looked up exactly."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path


def safe_source_name(filename: str) -> str:
    """The stable, unique name a file is stored and cited under: its base name when that is
    already plain (letters, digits, ``._ ()+-``), else a slug plus a short hash of the original
    name, so two names that differ only in characters the slug drops (``報告.txt``, ``отчёт.txt``)
    never land on one stored name. Idempotent: a stored name maps to itself."""
    base = Path(str(filename).replace("\\", "/")).name.strip()
    name = re.sub(r"[^A-Za-z0-9._ ()+-]", "_", base).strip(" .")
    name = re.sub(r"_+", "_", name)[:180]
    if name == base and name not in {"", ".", ".."}:
        return name
    stem, suffix = os.path.splitext(name)
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix):
        stem, suffix = name, os.path.splitext(base)[1].lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", os.path.splitext(base)[1]) else ""
    digest = hashlib.sha1(base.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{(stem.strip(' ._') or 'upload')[:160]}-{digest}{suffix}"


def _exact(source: str) -> str | None:
    """``source`` when it is a stored name as given (ids are looked up exactly), else None."""
    return source if source and safe_source_name(source) == source else None
