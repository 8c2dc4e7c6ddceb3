"""Every Answer and Draft records the settings and index generation it was made with."""

from __future__ import annotations

from assistant.service import Assistant
from assistant_support import build_index
from yotassist.settings import Settings


def test_answers_and_drafts_carry_settings_hash_and_index_generation(tmp_path, samples_dir):
    files = [samples_dir / "ashbridge-2023.txt", samples_dir / "northwold-2022.html"]
    idx = build_index(tmp_path / "index", files[:1])
    settings = Settings()
    a = Assistant(idx, settings, mode="extractive")
    first = a.ask("What was the overall rating?")
    assert first.settings_hash == settings.fingerprint() and len(first.settings_hash) == 12
    assert first.index_generation == idx.generation_tag()
    draft = a.draft("2.2", "strengths")
    assert draft.settings_hash == first.settings_hash and draft.index_generation == first.index_generation
    streamed = [v for k, v in a.ask_stream("What was the overall rating?") if k == "done"][0]
    assert streamed.index_generation == first.index_generation

    idx.ingest(files[1:2], progress=False)  # the index changes: so does the stamp
    assert a.ask("What was the overall rating?").index_generation != first.index_generation

    other = Settings(candidates=settings.candidates + 1)
    assert other.fingerprint() != settings.fingerprint()  # a knob that changes answers changes the hash
    assert Settings(port=settings.port + 1).fingerprint() == settings.fingerprint()  # the bind port does not
