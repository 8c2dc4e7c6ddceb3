"""An error or a value as one short line: the form every refusal and log line in the product uses.

Why one helper: "collapse the white space of ``str(exc)`` and cut it" was written out a dozen times
across index/ and api/ (with limits of 160 to 500 characters); one function keeps them the same
shape, and a message can never carry a traceback's line breaks into a one-line answer.
"""

from __future__ import annotations


def one_line(value: object, limit: int | None = None, fallback: str = "") -> str:
    """``str(value)`` with white space collapsed, cut to ``limit`` characters; ``fallback`` when
    nothing is left (e.g. an exception with an empty message: give its class name)."""
    return " ".join(str(value).split())[:limit] or fallback
