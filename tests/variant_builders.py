"""Load the fictitious fixture builders in tests/fixtures/variants as modules (they are scripts, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants"


def load_builder(name: str) -> ModuleType:
    if str(VARIANTS) not in sys.path:
        sys.path.insert(0, str(VARIANTS))  # build_family imports build_variants
    spec = importlib.util.spec_from_file_location(name, VARIANTS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
