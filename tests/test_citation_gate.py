"""The citation gate on hand-made passages: markers, quotes, support, streaming (pure, fast)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from assistant.citations import CitationGate, Passage, quote_in_lines, recheck

# A tiny fictitious "report": line i+1 is LINES[i].
LINES = [
    "Ratings",
    "2.2\tPlanning\tRequires improvement",
    "Does planning focus sufficiently on keeping other people safe?\t7\t4",
    "",
    "Planning to keep other people safe was weak. Contingency plans were missing in half of the cases.",
    "Joint working with the police was strong, and the panel met every week.",
]


def lines_of(source: str):
    return LINES if source == "fict.txt" else None


def passage(n: int, a: int, b: int, quote: str | None = None, context: str = "Fictown 2024") -> Passage:
    return Passage(n=n, source="fict.txt", service="Fictown", section="2.2", title="Planning", line_start=a,
                   line_end=b, text="\n".join(LINES[a - 1 : b]), quote=quote, context=context)


def test_valid_markers_are_renumbered_in_order_of_appearance():
    ps = [passage(7, 5, 5), passage(3, 6, 6)]
    v = CitationGate(ps, lines_of).verify(
        "Joint working with the police was strong [3]. Planning to keep other people safe was weak [7]."
    )
    assert v.text == "Joint working with the police was strong [1]. Planning to keep other people safe was weak [2]."
    assert [c.line_start for c in v.citations] == [6, 5]
    assert v.citations[1].quote == "Planning to keep other people safe was weak."
    assert v.unsupported == []
    assert all(recheck(v.citations, lines_of))


def test_marker_pointing_nowhere_is_dropped_and_unsupported_sentence_moved():
    v = CitationGate([passage(1, 5, 5)], lines_of).verify("Planning to keep other people safe was weak [9].")
    assert v.text == ""
    assert v.citations == []
    assert v.unsupported == ["Planning to keep other people safe was weak."]


def test_fabricated_claim_with_real_marker_is_unsupported():
    v = CitationGate([passage(1, 6, 6)], lines_of).verify(
        "The service abolished every court order and closed its offices [1]. Joint working with the police was strong [1]."
    )
    assert v.unsupported == ["The service abolished every court order and closed its offices."]
    assert v.text == "Joint working with the police was strong [1]."


def test_wrong_rating_or_number_is_unsupported_even_with_overlap():
    ps = [passage(1, 2, 2, context="Fictown 2024 ratings")]
    gate = CitationGate(ps, lines_of)
    v = gate.verify("Fictown was rated Outstanding for 2.2 Planning [1].")
    assert v.unsupported and not v.citations
    v2 = CitationGate(ps, lines_of).verify("Fictown was rated Requires improvement for 2.2 Planning [1].")
    assert v2.unsupported == [] and v2.citations[0].quote == "2.2 Planning Requires improvement"
    v3 = CitationGate([passage(1, 3, 3)], lines_of).verify("Planning kept other people safe in 4 of 9 cases [1].")
    assert v3.unsupported  # 9 is not printed on the cited line


def test_percentage_derived_from_printed_counts_is_supported():
    v = CitationGate([passage(1, 3, 3)], lines_of).verify(
        "Planning focused sufficiently on keeping other people safe in 4 of 7 cases (57%) [1]."
    )
    assert v.unsupported == [] and len(v.citations) == 1
    v2 = CitationGate([passage(1, 3, 3)], lines_of).verify(
        "Planning focused sufficiently on keeping other people safe in 4 of 7 cases (75%) [1]."
    )
    assert v2.unsupported


def test_quote_not_in_source_lines_is_never_shown():
    # The passage claims a text the source does not hold at those lines (stale chunk).
    bad = Passage(n=1, source="fict.txt", section="2.2", title="Planning", line_start=5, line_end=5,
                  text="Planning to keep other people safe was excellent.", quote="Planning to keep other people safe was excellent.")
    v = CitationGate([bad], lines_of).verify("Planning to keep other people safe was excellent [1].")
    assert v.citations == [] and v.unsupported
    unknown = passage(1, 5, 5).model_copy(update={"source": "missing.txt"})
    v2 = CitationGate([unknown], lines_of).verify("Planning to keep other people safe was weak [1].")
    assert v2.citations == []


def test_gate_picks_the_supporting_sentence_of_a_chunk_and_narrows_lines():
    chunk = passage(1, 2, 6)
    v = CitationGate([chunk], lines_of).verify("Contingency plans were missing in half of the cases [1].")
    c = v.citations[0]
    assert (c.line_start, c.line_end) == (5, 5)
    assert c.quote == "Contingency plans were missing in half of the cases."
    assert quote_in_lines(c.quote, LINES, c.line_start, c.line_end)


def test_trusted_framing_passes_untrusted_unmarked_claim_does_not():
    gate = CitationGate([passage(1, 6, 6)], lines_of, trusted=["Here is what the report says."])
    v = gate.verify("Here is what the report says.\nEvery service was rated Outstanding.\n- Joint working with the police was strong [1].")
    assert "Here is what the report says." in v.text
    assert "Outstanding" not in v.text
    assert v.unsupported == ["Every service was rated Outstanding."]


def test_markers_after_the_full_stop_and_table_cells():
    v = CitationGate([passage(1, 6, 6), passage(2, 2, 2, context="Fictown ratings")], lines_of).verify(
        "| Service | Rating | Evidence |\n|---|---|---|\n"
        "| Fictown | Requires improvement [2] | Joint working with the police was strong. [1] [5] |"
    )
    assert "| Fictown | Requires improvement [1] | Joint working with the police was strong [2]. |" in v.text
    assert len(v.citations) == 2


TEXT = ("Joint working with the police was strong [1]. The panel abolished all courts [1]. "
        "Planning to keep other people safe was weak [2].\n- Contingency plans were missing in half of the cases [2].\n")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(TEXT) - 1), max_size=12))
def test_streaming_in_any_chunking_equals_whole_verification(cuts):
    ps = [passage(1, 6, 6), passage(2, 5, 5)]
    whole = CitationGate(ps, lines_of).verify(TEXT)
    gate = CitationGate(ps, lines_of)
    pieces, last = [], 0
    for c in sorted(set(cuts)) + [len(TEXT)]:
        pieces.append(gate.feed(TEXT[last:c]))
        last = c
    tail = gate.finish()
    streamed = ("".join(pieces) + tail.text).strip()
    assert " ".join(streamed.split()) == " ".join(whole.text.split())
    assert [c.quote for c in tail.citations] == [c.quote for c in whole.citations]
    assert tail.unsupported == whole.unsupported == ["The panel abolished all courts."]


def test_naming_the_service_is_not_support_for_a_fabricated_claim():
    # The passage context (service, year, section) lets a sentence name who and when, but the
    # claim itself must be in the cited text: one shared word ("court") is not enough.
    p = Passage(n=1, source="fict.txt", service="Fictown", section="3.4", title="Joint working", line_start=6,
                line_end=6, text=LINES[5], context="Fictown 2024 3.4 Joint working")
    v = CitationGate([p], lines_of).verify("Fictown abolished its youth court panel [1].")
    assert v.unsupported == ["Fictown abolished its youth court panel."] and not v.citations
    ok = CitationGate([p], lines_of).verify("In Fictown (2024), joint working with the police was strong [1].")
    assert ok.unsupported == [] and ok.citations[0].quote == LINES[5]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([
    "Planning to keep other people safe was weak", "Joint working with the police was strong",
    "The panel met every week", "Every service was rated Outstanding", "Contingency plans were missing",
    "Fictown closed all its offices in 1999", "2.2 Planning Requires improvement",
]), st.lists(st.integers(min_value=0, max_value=9), max_size=3)), max_size=6))
def test_whatever_the_text_every_shown_citation_is_verbatim_and_every_marker_backed(units):
    import re

    ps = [passage(1, 5, 5), passage(2, 6, 6), passage(3, 2, 3, context="Fictown ratings"), passage(4, 2, 6)]
    text = " ".join(s + "".join(f"[{n}]" for n in ns) + "." for s, ns in units)
    v = CitationGate(ps, lines_of).verify(text)
    assert all(recheck(v.citations, lines_of))
    assert {int(n) for n in re.findall(r"\[(\d+)\]", v.text)} == {c.n for c in v.citations}
    assert [c.n for c in v.citations] == list(range(1, len(v.citations) + 1))
    assert "Outstanding" not in v.text and "1999" not in v.text


def test_bullet_character_is_a_list_prefix_kept_when_its_first_sentence_is_dropped():
    """Reports and LLMs write '\u2022' bullets: when the bullet's first sentence is unsupported, the
    bullet stays on the kept sentence and does not leak into the unsupported list."""
    v = CitationGate([passage(1, 6, 6)], lines_of).verify(
        "\u2022 The moon is made of cheese entirely [1]. "
        "Joint working with the police was strong, and the panel met every week [1]."
    )
    assert v.text.startswith("\u2022 Joint working")
    assert v.unsupported == ["The moon is made of cheese entirely."]
