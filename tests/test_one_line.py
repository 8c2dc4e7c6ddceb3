"""Refusals and log lines are one short line, whatever the exception's text holds."""

from __future__ import annotations

from yotassist.one_line import one_line


def test_white_space_collapses_and_the_line_is_cut() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    assert one_line(ValueError("x " * 400), 10) == "x x x x x "
    assert len(one_line("y" * 1000, 300)) == 300


def test_an_empty_message_gets_the_fallback() -> None:
    assert one_line(KeyError(""), 300, "KeyError") == "''"  # str(KeyError('')) is "''": kept
    assert one_line(RuntimeError(), 300, "RuntimeError") == "RuntimeError"
    assert one_line("  \n ", fallback="nothing") == "nothing"
