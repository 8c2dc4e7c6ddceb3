"""Which embedder made an index's vectors, recorded in the index, so queries use the same one.

Why: a query vector from another model, another backend or another quantisation recipe still
"works" (cosine gives numbers) but ranks worse, silently. So an index records at creation
``embedding.json``: the model folder's name, a digest of its weights file, the backend and the
backend's cache tag (which names the export recipe and int8 variant). Opening it then:

* uses the recorded backend when the configuration does not choose one explicitly (an index made
  with torch keeps being queried with torch, one made with the fast int8 path with that);
* refuses, with one clear message, an explicit backend (``YOTASSIST_EMBED_BACKEND``) or model
  whose fingerprint differs from the recorded one.

An index from before fingerprints (reports but no ``embedding.json``) was made by the old default,
torch, unless the configuration says otherwise explicitly.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from index.health import IndexOpenError
from yotassist.settings import EmbeddingSettings

FILE = "embedding.json"
LEGACY_BACKEND = "torch"  # the default before fingerprints were recorded
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class EmbeddingMismatchError(IndexOpenError):
    """The configured embedder is not the one the index's vectors were made with."""


@lru_cache(maxsize=8)
def _weights_digest(model: str) -> str:
    """sha256 over the weights file's size, first and last MiB: cheap (no 90 MB read per start)
    and different for any other set of weights in practice."""
    folder = Path(model)
    for name in WEIGHT_FILES:
        path = folder / name
        if path.is_file():
            size = path.stat().st_size
            h = hashlib.sha256(f"{name}:{size}:".encode())
            with open(path, "rb") as fh:
                h.update(fh.read(1 << 20))
                if size > 2 << 20:
                    fh.seek(-(1 << 20), os.SEEK_END)
                    h.update(fh.read(1 << 20))
            return h.hexdigest()[:16]
    return "unknown"


def fingerprint(settings: EmbeddingSettings) -> dict[str, Any]:
    """What identifies the vectors ``settings`` produce (no model is loaded)."""
    from index.embedder import cache_tag

    model = Path(str(settings.model))
    return {"model": f"{model.parent.name}/{model.name}", "weights": _weights_digest(str(settings.model)),
            "backend": settings.backend, "cache_tag": cache_tag(settings.backend)}


def read(index_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(index_dir) / FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise IndexOpenError(f"index folder {index_dir} has a damaged {FILE} (which embedder made its vectors); "
                             f"delete it only if you know the index was made with the current settings") from None
    return data if isinstance(data, dict) else None


def write(index_dir: Path, settings: EmbeddingSettings) -> dict[str, Any]:
    from index.records import atomic_write

    data = fingerprint(settings)
    atomic_write(Path(index_dir) / FILE, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
    return data


def _describe(fp: dict[str, Any]) -> str:
    return f"{fp.get('model')} on {fp.get('backend')} ({fp.get('cache_tag')}, weights {fp.get('weights')})"


def resolve(index_dir: Path, configured: EmbeddingSettings, has_reports: bool) -> EmbeddingSettings:
    """The embedding settings to use for this index (recording them when the index is new)."""
    explicit = "backend" in configured.model_fields_set
    recorded = read(index_dir)
    if recorded is None:
        if not has_reports:
            write(index_dir, configured)  # a new index: these settings make its vectors
            return configured
        if explicit:
            return configured  # a pre-fingerprint index: the configuration says how it was made
        return configured.model_copy(update={"backend": LEGACY_BACKEND})
    settings = configured if explicit else configured.model_copy(update={"backend": recorded.get("backend")})
    try:
        current = fingerprint(settings)
    except ValueError as exc:
        raise EmbeddingMismatchError(f"index folder {index_dir}: {exc}") from None
    if current != {k: recorded.get(k) for k in current}:
        raise EmbeddingMismatchError(
            f"index folder {index_dir} was embedded with {_describe(recorded)}, but the configured embedder is "
            f"{_describe(current)}; queries must use the embedder the chunks were made with: unset "
            f"YOTASSIST_EMBED_BACKEND / YOTASSIST_EMBED_MODEL (or set them to the recorded values), or ingest "
            f"into a new --index folder with the new embedder")
    return settings
