"""Templates and prompts are files in ``prompts/``, loaded by name.

Why files: wording changes (a register, a system prompt) should be reviewable diffs of text, not
code. Templates use ``{placeholders}`` (``str.format``); a missing value is an error, not a
silently empty hole.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from yotassist.settings import get_settings


@lru_cache(maxsize=256)
def _read(path: str, mtime: float) -> str:
    return Path(path).read_text(encoding="utf-8")


def load(name: str, prompts_dir: Path | None = None) -> str:
    """The text of ``prompts/<name>`` (``.md`` or ``.txt`` may be omitted)."""
    base = Path(prompts_dir or get_settings().prompts_dir)
    for cand in (base / name, base / f"{name}.md", base / f"{name}.txt"):
        if cand.is_file():
            return _read(str(cand), cand.stat().st_mtime).rstrip("\n")
    raise FileNotFoundError(f"prompt template {name!r} not found in {base}")


def render(name: str, prompts_dir: Path | None = None, **values: object) -> str:
    """Fill a template's ``{placeholders}``."""
    return load(name, prompts_dir).format(**values)


def phrases(name: str, prompts_dir: Path | None = None) -> dict[str, str]:
    """A template file of ``key: text`` lines (comments start with #) as a dict: for many small
    sentence patterns kept in one file."""
    out: dict[str, str] = {}
    for line in load(name, prompts_dir).splitlines():
        if not line.strip() or line.lstrip().startswith("#") or ":" not in line:
            continue
        key, text = line.split(":", 1)
        out[key.strip()] = text.strip()
    return out
