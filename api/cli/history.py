"""``yotassist ask --history``: earlier turns from a file or inline JSON, checked before use.

Why strict: a history that is silently misread (a JSON object taken as lines of text, binary junk
taken as questions) makes a follow-up answer about the wrong service without any warning. The
accepted forms are a JSON list of user questions (strings) and/or ``{"role": "user"|"assistant",
"content": "..."}`` turns, given inline or in a UTF-8 file, or a text file with one earlier
question per line. Anything else is refused with one line that says what was wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_TURNS = 40
MAX_TURN_CHARS = 40_000


class HistoryError(ValueError):
    """A --history value that cannot be used; the message is fit to show a user."""


def _check_turns(data: Any, where: str) -> list[Any]:
    if isinstance(data, dict):
        raise HistoryError(f"--history {where} is a JSON object; expected a JSON list of turns "
                           '(strings or {"role": "user"|"assistant", "content": "..."})')
    if not isinstance(data, list):
        raise HistoryError(f"--history {where} is JSON {type(data).__name__}, not a list of turns")
    if len(data) > MAX_TURNS:
        raise HistoryError(f"--history {where} has {len(data)} turns; at most {MAX_TURNS} are accepted")
    for i, turn in enumerate(data, 1):
        if isinstance(turn, str):
            text = turn
        elif isinstance(turn, dict):
            extra = set(turn) - {"role", "content"}
            if extra or turn.get("role") not in ("user", "assistant") or not isinstance(turn.get("content"), str):
                raise HistoryError(f"--history {where}: turn {i} must be a string or "
                                   '{"role": "user"|"assistant", "content": "..."}, not ' + json.dumps(turn)[:80])
            text = turn["content"]
        else:
            raise HistoryError(f"--history {where}: turn {i} is {type(turn).__name__}; expected a string or a role/content object")
        if len(text) > MAX_TURN_CHARS:
            raise HistoryError(f"--history {where}: turn {i} is longer than {MAX_TURN_CHARS} characters")
    return list(data)


def _looks_binary(raw: bytes) -> bool:
    if b"\x00" in raw:
        return True
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    return controls > max(2, len(text) // 100)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # inline JSON longer than a file name may be, or with a NUL byte
        return False


def parse_history(value: str) -> list[Any]:
    """The turns of ``--history VALUE`` (a file path or inline JSON); raises HistoryError."""
    stripped = value.strip()
    path = Path(value)
    if stripped[:1] in ("[", "{", '"') and not _is_file(path):
        try:
            return _check_turns(json.loads(stripped), "value")
        except json.JSONDecodeError as exc:
            raise HistoryError(f"--history value is not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not _is_file(path):
        raise HistoryError(f"--history {value} is neither a file nor a JSON list")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HistoryError(f"cannot read --history {value}: {exc.strerror or exc}") from None
    if _looks_binary(raw):
        raise HistoryError(f"--history {value} is not UTF-8 text (binary data?)")
    text = raw.decode("utf-8")
    if text.strip()[:1] in ("[", "{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HistoryError(f"--history {value} starts like JSON but is not valid JSON "
                               f"({exc.msg}, line {exc.lineno})") from None
        return _check_turns(data, value)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return _check_turns(lines, value)
