"""Every knob is documented, and each one has exactly one environment spelling."""

from __future__ import annotations

from yotassist.settings import EmbeddingSettings, LLMSettings, Settings


def test_every_field_says_what_it_is_for() -> None:
    for model in (Settings, EmbeddingSettings, LLMSettings):
        missing = [name for name, f in model.model_fields.items() if not (f.description or "").strip()]
        assert not missing, f"{model.__name__} fields without description=: {missing}"


def test_the_embed_model_has_one_spelling(monkeypatch) -> None:
    monkeypatch.setenv("YOTASSIST_EMBED_MODEL", "/models/documented")
    monkeypatch.setenv("YOTASSIST_EMBED__MODEL", "/models/second-spelling")
    monkeypatch.setenv("YOTASSIST_LLM__MODEL", "second-spelling")
    s = Settings()
    assert s.embed.model == "/models/documented"
    assert s.llm.model == "local"


def test_models_dir_is_a_setting(monkeypatch, tmp_path) -> None:
    from index.embed_onnx import models_dir

    monkeypatch.delenv("YOTASSIST_MODELS_DIR", raising=False)  # tests/conftest.py sets a shared one
    monkeypatch.setenv("YOTASSIST_HOME", str(tmp_path))
    assert models_dir() == tmp_path / "models"
    monkeypatch.setenv("YOTASSIST_MODELS_DIR", str(tmp_path / "exports"))
    assert Settings().models_dir == tmp_path / "exports"
    assert models_dir() == tmp_path / "exports"

