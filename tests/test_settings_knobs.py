"""Tuning constants are settings: documented, read from ``Settings``, and the environment is read
nowhere else in the product (one place to see and change every knob)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from assistant.compose_extractive import compared_services
from assistant.router import Route
from index.retriever import rare_limits
from yotassist.settings import EvidenceSettings, RetrievalSettings, Settings, get_settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "index", "assistant", "api", "yotassist")


def test_the_setting_groups_say_what_each_knob_is_for() -> None:
    for model in (RetrievalSettings, EvidenceSettings):
        missing = [name for name, f in model.model_fields.items() if not (f.description or "").strip()]
        assert not missing, f"{model.__name__} fields without description=: {missing}"


def _environment_reads(path: Path) -> list[int]:
    """Lines that read the environment (``os.environ.get``, ``os.getenv``, ``os.environ[...]``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if (owner == "os.environ" and node.func.attr == "get") or (owner == "os" and node.func.attr == "getenv"):
                lines.append(node.lineno)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and ast.unparse(node.value) == "os.environ":
            lines.append(node.lineno)
    return lines


def test_nothing_but_settings_reads_the_environment() -> None:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "yotassist" / "settings.py":
                continue
            if lines := _environment_reads(path):
                found[str(path.relative_to(ROOT))] = lines
    assert not found, f"environment read outside yotassist/settings.py: {found}"


def test_the_checker_sees_an_environment_read(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nA = os.environ.get('X')\nB = os.getenv('Y')\nC = os.environ['Z']\n")
    assert sorted(_environment_reads(probe)) == [2, 3, 4]


def test_retrieval_knobs_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YOTASSIST_RETRIEVAL_RARE_SHARE", "0.01")
    monkeypatch.setenv("YOTASSIST_EMBED_INT8_WEIGHTS", "u8")
    settings = Settings()
    assert settings.retrieval.rare_share == 0.01
    assert settings.embed.int8_weights == "u8"
    assert rare_limits(10_000, settings.retrieval) == (100, 0)
    assert rare_limits(10_000, RetrievalSettings(rare_share=0.002)) == (20, 0)


class _Index:
    def search(self, query: str, k: int = 5, **filters):
        from types import SimpleNamespace

        return [SimpleNamespace(service=f"Service {chr(65 + i)}") for i in range(20)][:k]


def test_max_compared_services_is_read_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    services = [f"Service {chr(65 + i)}" for i in range(20)]
    route = Route(question="how did services do on planning", kind="comparative", text="planning", services=[])
    monkeypatch.setenv("YOTASSIST_RETRIEVAL_MAX_COMPARED_SERVICES", "3")
    get_settings.cache_clear()
    try:
        got = compared_services(route, services, _Index(), "planning")
    finally:
        get_settings.cache_clear()
    assert got.services == services[:3] and got.more == 17
