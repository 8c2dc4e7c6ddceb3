"""The hybrid search as a LangChain ``BaseRetriever``, for chains that expect one.

Documents carry the chunk's exact source text as ``page_content`` and every ``Hit`` field
(source, service, section, title, line_start, line_end, page, score, ...) in ``metadata``.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class IndexRetriever(BaseRetriever):
    """Wraps ``index.store.Index.search``; filters are ``service``, ``standard`` and ``diversify``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    k: int = 5
    service: str | None = None
    standard: str | None = None
    diversify: bool | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.index.search(query, k=self.k, service=self.service, standard=self.standard,
                                 diversify=self.diversify)
        return [Document(page_content=h.text, metadata=h.model_dump(exclude={"text"}), id=h.chunk_id)
                for h in hits]
