"""Prompt templates are checked when they load, cached once parsed, and every phrase is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import prompts

ROOT = Path(__file__).resolve().parents[1]


def test_an_unknown_placeholder_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "greeting.md").write_text("Hello {service}, your {ratingg} is in.\n", encoding="utf-8")
    with pytest.raises(prompts.PromptError, match=r"unknown placeholder \{ratingg\}"):
        prompts.render("greeting", tmp_path, service="Ashbridge", rating="Good")
    assert prompts.render("greeting", tmp_path, service="A", ratingg="B") == "Hello A, your B is in."


@pytest.mark.parametrize("bad", ["Rated {0}.", "Rated {report.rating}.", "Rated {rating.", "Rated {}."])
def test_malformed_placeholders_fail_when_the_template_loads(tmp_path: Path, bad: str) -> None:
    (tmp_path / "bad.md").write_text(bad, encoding="utf-8")
    with pytest.raises(prompts.PromptError, match="bad.md"):
        prompts.load("bad", tmp_path)
    (tmp_path / "many.md").write_text(f"# phrases\nok: fine {{x}}\nbroken: {bad}\n", encoding="utf-8")
    with pytest.raises(prompts.PromptError, match=r"many.md:3 \(broken\)"):
        prompts.phrases("many", tmp_path)


def test_phrases_are_parsed_once_per_file_version(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("a: one {x}\n", encoding="utf-8")
    first = prompts.phrases("p", tmp_path)
    assert prompts.phrases("p", tmp_path) is first
    path.write_text("a: two {x}\nb: three\n", encoding="utf-8")
    import os

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert dict(prompts.phrases("p", tmp_path)) == {"a": "two {x}", "b": "three"}


def test_the_shipped_templates_load() -> None:
    for path in sorted((ROOT / "prompts").glob("*.md")):
        prompts.load(path.stem, ROOT / "prompts")
    assert prompts.phrases("phrases", ROOT / "prompts")


def test_every_answer_phrase_is_used_by_the_code() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "assistant").rglob("*.py"))
    unused = [k for k in prompts.phrases("phrases", ROOT / "prompts")
              if not re.search(r"[\"']" + re.escape(k) + r"[\"']", code)]
    assert not unused, f"phrases in prompts/phrases.md that no code uses: {unused}"
