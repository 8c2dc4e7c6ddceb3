"""Compatibility facade: the composers now live in ``assistant.compose`` (one module per kind).

Kept so existing imports (``from assistant.compose_extractive import Draft``, ``cx.lookup``) work.
"""

from __future__ import annotations

from assistant.compose.common import (  # noqa: F401
    NOT_EVIDENCE, Draft, _pct, _report_of, _same_domain, _search, _sentence_line, _standard_title, phrase,
)
from assistant.compose.comparative import (  # noqa: F401
    MAX_COMPARED_SERVICES, ComparedServices, _cell_sentence, _rated, _rating_grid_asked, _rating_grid_cell, comparative,
    compared_services,
)
from assistant.compose.lookup import (  # noqa: F401
    _explicit_standard, _with_following, _with_preceding, bullet_lookup, lookup,
)
from assistant.compose.methodology import _cue_sentence, _methodology_focus, _probe_passage, methodology  # noqa: F401
from assistant.compose.numeric import _kq_lines, _kq_summary, numeric  # noqa: F401
