"""Templates and prompts are files in ``prompts/``, loaded by name.

Why files: wording changes (a register, a system prompt) should be reviewable diffs of text, not
code. Templates use ``{placeholders}`` (``str.format``). They are checked when they load: a
placeholder must be a plain name (no positional ``{}``, no ``{a.b}`` or ``{a[0]}``) and braces must
balance, so a typo in a template fails at once with its file, not half-way through an answer.
Rendering names any placeholder the caller did not supply (an unknown placeholder is an error,
not a silently empty hole). Files are read and parsed once per modification time.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from yotassist.settings import get_settings


class PromptError(ValueError):
    """A template that cannot be used: bad placeholder syntax or a placeholder nobody supplies."""


def placeholders(text: str, where: str) -> frozenset[str]:
    """The placeholder names of a template; PromptError on anything but plain ``{name}`` fields."""
    names: set[str] = set()
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PromptError(f"{where}: {exc}") from None
    for _, field, spec, _ in fields:
        if field is None:
            continue
        if not field.isidentifier():
            raise PromptError(f"{where}: placeholder {{{field}}} is not a plain name")
        if spec and "{" in spec:
            raise PromptError(f"{where}: placeholder {{{field}}} has a nested field in its format")
        names.add(field)
    return frozenset(names)


def _find(name: str, prompts_dir: Path | None) -> Path:
    base = Path(prompts_dir or get_settings().prompts_dir)
    for cand in (base / name, base / f"{name}.md", base / f"{name}.txt"):
        if cand.is_file():
            return cand
    raise FileNotFoundError(f"prompt template {name!r} not found in {base}")


@lru_cache(maxsize=256)
def _template(path: str, mtime: float) -> tuple[str, frozenset[str]]:
    text = Path(path).read_text(encoding="utf-8").rstrip("\n")
    return text, placeholders(text, path)


@lru_cache(maxsize=64)
def _phrases(path: str, mtime: float) -> Mapping[str, str]:
    out: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#") or ":" not in line:
            continue
        key, text = line.split(":", 1)
        placeholders(text, f"{path}:{number} ({key.strip()})")
        out[key.strip()] = text.strip()
    return MappingProxyType(out)


def load(name: str, prompts_dir: Path | None = None) -> str:
    """The text of ``prompts/<name>`` (``.md`` or ``.txt`` may be omitted), checked."""
    path = _find(name, prompts_dir)
    return _template(str(path), path.stat().st_mtime)[0]


def render(name: str, prompts_dir: Path | None = None, **values: object) -> str:
    """Fill a template's ``{placeholders}``; PromptError names any the caller did not supply."""
    path = _find(name, prompts_dir)
    text, fields = _template(str(path), path.stat().st_mtime)
    unknown = sorted(fields - values.keys())
    if unknown:
        raise PromptError(
            f"{path}: unknown placeholder{'s' if len(unknown) > 1 else ''} "
            f"{', '.join('{' + u + '}' for u in unknown)} (supplied: {', '.join(sorted(values)) or 'none'})"
        )
    return text.format(**values)


def phrases(name: str, prompts_dir: Path | None = None) -> Mapping[str, str]:
    """A template file of ``key: text`` lines (comments start with #) as a read-only mapping: for
    many small sentence patterns kept in one file. Parsed and checked once per file version."""
    path = _find(name, prompts_dir)
    return _phrases(str(path), path.stat().st_mtime)
