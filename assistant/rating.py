"""The rating module's public face: ``from assistant.rating import rate_report`` and friends.

Why a facade: callers (CLI, API, drafting, tests) import one name-space while the work sits in
modules with one job each (listed in ``docs/DEVELOPING.md``):

- ``assistant.rating_rules``: the published rules as data (bands, points, overall, discretion);
- ``assistant.rating_models``: the result models;
- ``assistant.rating_arithmetic``: bands, one standard's band and discretion triggers, score, overall;
- ``assistant.rating_result``: a whole run (``rate``, ``rate_report``, ``detect_framework``);
- ``assistant.rating_findings``: the findings and the plain-English explanations;
- ``assistant.rating_spec``: the ``--kq`` / ``--rating`` what-if parsers;
- ``assistant.rating_format``: how figures are printed in all of the prose.

No language model ever produces a rating; everything behind this facade is a pure function.
"""

from __future__ import annotations

from assistant.rating_arithmetic import band, band_range, overall_of, rank, rate_standard, score_of, theme_of
from assistant.rating_findings import explain, explain_standard
from assistant.rating_models import (
    Basis,
    KeyQuestionView,
    OverallResult,
    RatingResult,
    ResettlementResult,
    ScoreResult,
    StandardResult,
    Status,
)
from assistant.rating_result import detect_framework, rate, rate_report
from assistant.rating_rules import RATINGS, FrameworkRules, StandardRule, get_rules
from assistant.rating_spec import parse_kq_spec, parse_kq_specs, parse_rating_spec
from ingest.model import KeyQuestion, Report

__all__ = [
    "RATINGS",
    "Basis",
    "FrameworkRules",
    "KeyQuestion",
    "KeyQuestionView",
    "OverallResult",
    "RatingResult",
    "Report",
    "ResettlementResult",
    "ScoreResult",
    "StandardResult",
    "StandardRule",
    "Status",
    "band",
    "band_range",
    "detect_framework",
    "explain",
    "explain_standard",
    "get_rules",
    "overall_of",
    "parse_kq_spec",
    "parse_kq_specs",
    "parse_rating_spec",
    "rank",
    "rate",
    "rate_report",
    "rate_standard",
    "score_of",
    "theme_of",
]
