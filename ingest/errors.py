"""The one exception the ingest layer raises for input it cannot read at all.

Its message is a single human sentence, shown as-is by the CLI (``yotassist: error: ...``) and
the upload endpoint, so it never carries a traceback or a library's internal wording alone.
"""

from __future__ import annotations


class IngestError(Exception):
    """Input that cannot be turned into report text: empty, binary, no text layer, too large, wrong type."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))  # always one line

    @property
    def message(self) -> str:
        return str(self)
