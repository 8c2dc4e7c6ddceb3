"""The rating rule table (``yotassist/data/frameworks.toml``) resolved into plain data.

Why here: ingest (the parser's figure self-checks) and assistant (the rating module) must apply
the same published thresholds, and data flows one way (ingest -> index -> assistant), so neither
may import the other. Both read this one file through this loader; ``assistant.rating_rules``
builds its typed rule objects from it.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).with_name("data") / "frameworks.toml"


@lru_cache(maxsize=4)
def load_frameworks(path: Path = RULES_FILE) -> dict[str, dict[str, Any]]:
    """Framework name -> {bands, points, overall, discretion, standards, limiting}, with
    ``inherit``/``replace`` resolved and each standard's ``themes`` name turned into its list."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    defaults, themes = data["defaults"], data.get("themes", {})
    raw: dict[str, dict[str, Any]] = data["frameworks"]
    out: dict[str, dict[str, Any]] = {}

    def resolve(name: str) -> dict[str, Any]:
        if name in out:
            return out[name]
        spec = raw[name]
        standards = [dict(s) for s in spec.get("standards", [])]
        if "inherit" in spec:
            base = resolve(spec["inherit"])
            replaced = set(spec.get("replace", [])) | {s["id"] for s in standards}
            standards = [dict(s) for s in base["standards"] if s["id"] not in replaced] + standards
            standards.sort(key=lambda s: tuple(int(p) for p in s["id"].split(".")))
        for s in standards:
            if isinstance(s.get("themes"), str):
                s["themes"] = list(themes[s["themes"]])
            s.setdefault("themes", [])
            s.setdefault("scored", True)
        out[name] = {
            "bands": [(float(b), r) for b, r in spec.get("bands", defaults["bands"])],
            "points": dict(spec.get("points", defaults["points"])),
            "overall": [(int(b), r) for b, r in spec.get("overall", defaults["overall"])],
            "discretion": dict(spec.get("discretion", defaults["discretion"])),
            "standards": standards,
            "limiting": [dict(x) for x in spec.get("limiting", [])],
        }
        return out[name]

    for name in raw:
        resolve(name)
    return out


def ratings() -> tuple[str, ...]:
    """The four ratings, worst first."""
    return tuple(tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))["ratings"])
