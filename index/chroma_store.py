"""Chroma as the durable chunk store: embedded ``PersistentClient`` or a Chroma server.

Why a thin wrapper: the rest of the index deals in ``Chunk`` objects and numpy vectors; Chroma
wants flat metadata without ``None`` values. Embeddings are always computed by our cached
embedder and passed in; the collection is still created with that embedder as its explicit
embedding function so nothing ever falls back to Chroma's downloading default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlparse

import numpy as np

from index.model import Chunk

_META_FIELDS = ("source", "service", "published", "year", "framework", "section", "title", "kind",
                "rating", "line_start", "line_end", "page", "header")


def make_client(path: Path | None = None, url: str | None = None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cfg = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        return chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                   ssl=parsed.scheme == "https", settings=cfg)
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=cfg)


def to_metadata(chunk: Chunk, version: str) -> dict[str, Any]:
    data = chunk.model_dump()
    meta = {k: data[k] for k in _META_FIELDS if data.get(k) is not None}
    meta["version"] = version
    return meta


def from_record(cid: str, text: str, meta: dict[str, Any]) -> Chunk:
    fields = {k: meta.get(k) for k in _META_FIELDS}
    fields["header"] = fields.get("header") or ""
    return Chunk(id=cid, text=text, **fields)


class ChromaStore:
    """One collection of chunks, cosine space."""

    def __init__(self, client: Any, name: str, embedding_function: Any) -> None:
        self.client = client
        self.collection = client.get_or_create_collection(
            name=name, embedding_function=embedding_function, metadata={"hnsw:space": "cosine"}
        )

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, version: str, batch: int = 1000) -> None:
        for i in range(0, len(chunks), batch):
            part = chunks[i : i + batch]
            self.collection.upsert(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[to_metadata(c, version) for c in part],
                embeddings=[np.asarray(v, dtype=np.float32) for v in embeddings[i : i + batch]],
            )

    def delete_source(self, source: str, keep_version: str | None = None) -> None:
        """Delete a source's chunks, or only those of versions other than ``keep_version``."""
        if keep_version is None:
            self.collection.delete(where={"source": source})
        else:
            self.collection.delete(where={"$and": [{"source": source}, {"version": {"$ne": keep_version}}]})

    def delete_version(self, source: str, version: str) -> None:
        self.collection.delete(where={"$and": [{"source": source}, {"version": version}]})

    def all_records(self) -> list[tuple[Chunk, str]]:
        """Every stored chunk with its version (used to rebuild BM25 and the visible set)."""
        out: list[tuple[Chunk, str]] = []
        total = self.collection.count()
        page = 2000
        for offset in range(0, total, page):
            got = self.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                out.append((from_record(cid, doc or "", meta or {}), str((meta or {}).get("version", ""))))
        return out

    def query(self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        count = self.collection.count()
        if count == 0:
            return []
        res = self.collection.query(query_embeddings=[np.asarray(embedding, dtype=np.float32)],
                                    n_results=min(n, count), where=where, include=["distances"])
        ids = res["ids"][0] if res["ids"] else []
        dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists)]

    def count(self) -> int:
        return int(self.collection.count())
