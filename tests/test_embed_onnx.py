"""The fast ONNX int8 embedder: made locally once, reused, close to torch, wired into the embedder seam."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow

TEXTS = [
    "The management board meets every month and statutory partners attend at a senior level.",
    "Planning to keep the child safe lacked contingency arrangements in several cases.",
    "Children diverted by the joint decision-making panel can join a sailing programme.",
    "Resettlement: accommodation is agreed well before release.",
    "oocd jdm panel",
    "x",
]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


def test_export_once_then_reuse_and_agree_with_torch(models, monkeypatch) -> None:
    from sentence_transformers import SentenceTransformer

    from index import embed_onnx
    from yotassist.settings import EmbeddingSettings

    settings = EmbeddingSettings()
    model = embed_onnx.load_onnx_int8_model(settings, cache_dir=models)
    folder = embed_onnx.ensure_onnx_export(str(settings.model), models)
    int8 = folder / embed_onnx.INT8_FILE
    assert int8.is_file() and (folder / embed_onnx.FP32_FILE).is_file()
    # really quantised: the weight matrices shrink 4x (the fp32 token-embedding table, ~47 MB, stays)
    assert int8.stat().st_size < 0.75 * (folder / embed_onnx.FP32_FILE).stat().st_size
    stamp = int8.stat().st_mtime_ns

    calls = []
    monkeypatch.setattr(embed_onnx, "_export", lambda *a: calls.append(a))
    embed_onnx.load_onnx_int8_model(settings, cache_dir=models)
    assert calls == [] and int8.stat().st_mtime_ns == stamp  # reused, not re-exported

    fast = embed_onnx.encode_sorted(model, TEXTS, 16)
    torch = SentenceTransformer(str(settings.model), device="cpu").encode(TEXTS, normalize_embeddings=True)
    assert fast.shape == (len(TEXTS), 384) and fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    cos = (fast * torch).sum(axis=1)
    assert cos.min() > 0.97 and cos.mean() > 0.985, cos
    # Sorting by length inside must not change which vector belongs to which text.
    assert np.allclose(embed_onnx.encode_sorted(model, TEXTS[::-1], 16)[::-1], fast, atol=1e-5)
    # Nearest neighbours agree with torch wherever torch's choice is clear: int8 weights move cosines
    # by about 0.01, so a near-tie (two neighbours within 0.02) may go either way and proves nothing.
    ref = torch @ torch.T
    order = np.argsort(-ref, axis=1)
    clear = ref[np.arange(len(TEXTS)), order[:, 1]] - ref[np.arange(len(TEXTS)), order[:, 2]] > 0.02
    assert clear.sum() >= len(TEXTS) - 2, "the test set has too few clear neighbours to check anything"
    assert (np.argsort(-(fast @ fast.T), axis=1)[:, 1] == order[:, 1])[clear].all()


def test_half_made_export_is_replaced(models) -> None:
    from index import embed_onnx
    from yotassist.settings import EmbeddingSettings

    src = str(EmbeddingSettings().model)
    folder = embed_onnx.ensure_onnx_export(src, models)
    (folder / embed_onnx._READY).unlink()  # as if a run was killed before finishing
    (folder / embed_onnx.INT8_FILE).write_bytes(b"truncated")
    again = embed_onnx.ensure_onnx_export(src, models)
    assert again == folder and (folder / embed_onnx._READY).is_file()
    assert (folder / embed_onnx.INT8_FILE).stat().st_size > 1_000_000


def test_backend_seam_uses_the_fast_path(models, monkeypatch) -> None:
    monkeypatch.setenv("YOTASSIST_MODELS_DIR", str(models))
    from index.embedder import CachedEmbedder
    from yotassist.settings import EmbeddingSettings

    from index import embed_onnx

    emb = CachedEmbedder(EmbeddingSettings(backend="onnx-int8"), None)
    assert emb.encoder.model_id.endswith(":" + embed_onnx.INT8_CACHE_TAG)
    vecs = emb.embed_documents(TEXTS)
    assert vecs.shape == (len(TEXTS), 384)
    q = emb.embed_query("joint decision-making panel diversion")
    assert int(np.argmax(vecs @ q)) == 2


def test_changed_recipe_changes_cache_key_and_export_folder(models, monkeypatch) -> None:
    """Vectors and exports made by an older recipe must never be reused by a newer one."""
    from index import embed_onnx
    from index.embedder import CachedEmbedder, cache_tag
    from yotassist.settings import EmbeddingSettings

    settings = EmbeddingSettings(backend="onnx-int8")
    variant = "" if embed_onnx.WEIGHTS == "s8" else "-u8"  # the VNNI guard's pick is part of the tag
    assert cache_tag("onnx-int8") == embed_onnx.INT8_CACHE_TAG == f"onnx-int8-v{embed_onnx.RECIPE}{variant}"
    assert cache_tag("torch") == "torch"
    key_now = CachedEmbedder(settings, None)._key("same text")
    assert key_now != CachedEmbedder(EmbeddingSettings(backend="torch"), None)._key("same text")
    folder_now = embed_onnx.ensure_onnx_export(str(settings.model), models)
    assert folder_now.name.endswith(f"-v{embed_onnx.RECIPE}")

    from index import embedder

    monkeypatch.setitem(embedder._CACHE_TAGS, "onnx-int8", "onnx-int8-v999")
    assert CachedEmbedder(settings, None)._key("same text") != key_now
    monkeypatch.setattr(embed_onnx, "RECIPE", 999)
    monkeypatch.setattr(embed_onnx, "_export", lambda src, dst: (dst / embed_onnx._READY).write_text("x"))
    assert embed_onnx.ensure_onnx_export(str(settings.model), models) != folder_now


def test_vnni_guard_picks_the_int8_weight_variant(monkeypatch) -> None:
    """Signed int8 weights only where the CPU has VNNI kernels; the override names either variant."""
    from index import embed_onnx

    flags = next(ln for ln in open("/proc/cpuinfo", encoding="utf-8") if ln.startswith("flags")).split()
    expected = "s8" if any(f in flags for f in embed_onnx.VNNI_FLAGS) else "u8"
    monkeypatch.delenv("YOTASSIST_EMBED_INT8_WEIGHTS", raising=False)
    assert embed_onnx.int8_weights() == expected == embed_onnx.WEIGHTS
    assert embed_onnx.INT8_FILE.endswith(f"_{expected}.onnx")
    for forced in ("s8", "u8"):
        monkeypatch.setenv("YOTASSIST_EMBED_INT8_WEIGHTS", forced)
        assert embed_onnx.int8_weights() == forced


def test_saved_optimised_graph_gives_the_same_vectors_and_is_rebuilt_when_damaged(models) -> None:
    """A cold start loads the graph ONNX Runtime optimised on an earlier start (optimisation off):
    the vectors must be those of a freshly optimised session, and a truncated saved graph is rebuilt."""
    from index import embed_onnx
    from yotassist.settings import EmbeddingSettings

    folder = embed_onnx.ensure_onnx_export(str(EmbeddingSettings().model), models)
    model = folder / embed_onnx.INT8_FILE
    for old in model.parent.glob(f"{model.stem}.opt-*.onnx"):
        old.unlink()
    first = embed_onnx.LeanOnnxModel(folder, embed_onnx.INT8_FILE)  # optimises and saves
    saved = list(model.parent.glob(f"{model.stem}.opt-*.onnx"))
    assert len(saved) == 1 and saved[0].stat().st_size > 1_000_000
    again = embed_onnx.LeanOnnxModel(folder, embed_onnx.INT8_FILE)  # loads the saved graph
    assert again.session.get_session_options().graph_optimization_level.name == "ORT_DISABLE_ALL"
    assert np.allclose(first.encode_texts(TEXTS, 4), again.encode_texts(TEXTS, 4), atol=1e-6)

    saved[0].write_bytes(b"truncated")
    healed = embed_onnx.LeanOnnxModel(folder, embed_onnx.INT8_FILE)
    assert np.allclose(first.encode_texts(TEXTS, 4), healed.encode_texts(TEXTS, 4), atol=1e-6)
    assert saved[0].stat().st_size > 1_000_000  # rebuilt in place
