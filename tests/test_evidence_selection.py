"""Evidence selection on two fictitious reports (tests/fixtures/evidence), real embedder and index:
an antecedent kept with "Of these, ...", a multi-part question answered part by part (and a part
the reports do not answer said so), a figure answered from the table row that prints it, a
comparison that leaves out the report with no evidence and has no rating columns, and sentence
vectors cached by content hash and read back, not re-encoded."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.citations import recheck
from assistant.parts import split_parts
from assistant.select import vectors_of, with_antecedents
from assistant.semantic import SentenceVectors
from assistant.service import Assistant
from assistant_support import ROOT, build_index, open_assistant

FIXTURES = ROOT / "tests" / "fixtures" / "evidence"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("evidence-index") / "index"
    build_index(d, sorted(FIXTURES.glob("*.txt")))
    return d


@pytest.fixture(scope="module")
def assistant(index_dir):
    return open_assistant(index_dir)


def _ask(a: Assistant, q: str):
    ans = a.ask(q)
    assert ans.citations and all(recheck(ans.citations, a.lib.lines_of)), ans.answer
    return ans


def test_split_parts_gives_each_clause_its_own_part_with_the_subject() -> None:
    parts = split_parts("brackenford management board - who chairs it now, since when, and who was chair before?")
    assert [p.text for p in parts] == ["who chairs it now", "since when", "who was chair before"]
    assert all("management board" in p.query for p in parts)
    assert len(split_parts("What is the rate of children looked after per 10,000, compared with England?")) == 1


def test_sentence_pointing_back_comes_with_its_antecedent(assistant) -> None:
    ans = _ask(assistant, "How many of the children open to Brackenford were looked after?")
    text = ans.answer
    assert "Of these, nine were looked after" in text
    assert "Forty-two children were open" in text
    assert text.index("Forty-two children were open") < text.index("Of these, nine")


def test_with_antecedents_adds_the_previous_sentence_once(assistant) -> None:
    lib = assistant.lib
    src = next(r.source for r in lib.reports if r.service == "Brackenford")
    sents = lib.raw_sentences(src)
    of_these = next(s for s in sents if s.text.startswith("Of these"))
    got = with_antecedents([of_these], lib)
    assert [s.text[:10] for s in got] == ["Forty-two ", "Of these, "]
    assert len(with_antecedents(got, lib)) == 2  # already there: not added twice


def test_multi_part_question_answered_part_by_part(assistant) -> None:
    ans = _ask(assistant, "Brackenford management board: who chairs it, since when, and who chaired it before?")
    for fact in ("Priya Okafor", "March 2022", "retired magistrate"):
        assert fact in ans.answer, ans.answer
    assert "do not say" not in ans.answer


def test_part_the_reports_do_not_answer_is_said_so(assistant) -> None:
    ans = _ask(assistant, "Who chairs the Brackenford management board, and how often does the board meet?")
    assert "Priya Okafor" in ans.answer
    assert "do not say: how often does the board meet" in ans.answer, ans.answer


def test_figure_question_answered_from_the_table_row(assistant) -> None:
    ans = _ask(assistant, "What is the rate of children looked after per 10,000 in Brackenford?")
    first = ans.answer.splitlines()[0]
    assert "71" in first, ans.answer  # the row that prints the figure leads, not the prose without it
    assert any(c.quote.startswith("Children looked after (rate per 10,000 children)") for c in ans.citations)


def test_comparison_leaves_out_a_report_without_evidence(assistant) -> None:
    ans = _ask(assistant, "How do the services compare on reparation projects for children?")
    assert ans.kind == "comparative"
    rows = [ln for ln in ans.answer.splitlines() if ln.startswith("| ")]
    assert rows[0].startswith("| Service | Evidence |")  # no rating or score columns for this topic
    assert any(r.startswith("| Brackenford") and "Saltmarsh" in r for r in rows)
    assert not any(r.startswith("| Oakhollow") for r in rows)
    assert "No evidence on this topic was found in: Oakhollow (2024)" in ans.answer


def test_sentence_vectors_cached_by_content_hash_and_reused(index_dir, assistant) -> None:
    from index.store import Index

    lib = assistant.lib
    texts = [s.text for r in lib.reports for s in lib.sentences(r.source)]
    assert vectors_of(lib).encoded >= len(set(texts))  # the warm-up embedded them
    fresh = Index.open(index_dir=index_dir)  # a new process's view: nothing in memory
    vec = SentenceVectors(fresh)
    before = (fresh.embedder.stats.hits, fresh.embedder.stats.misses)
    m = vec.vectors(texts)
    assert m.shape == (len(texts), 384)
    assert fresh.embedder.stats.misses == before[1]  # read back from the index's cache, not encoded
    assert fresh.embedder.stats.hits - before[0] == len(set(texts))
    vec.vectors(texts)
    assert fresh.embedder.stats.hits - before[0] == len(set(texts))  # second time: from memory
    vec.vectors(["A sentence no report contains, so it must be encoded once."])
    assert fresh.embedder.stats.misses == before[1] + 1


def test_list_items_carry_their_lead_in_words() -> None:
    from assistant.evidence import lead_in_of, sentences_from_lines, with_lead_in

    lines = ["The Fernholm Health Partnership should:", "", "1. fund a second speech therapist for the team by March.",
             "Plain prose closes the list again."]
    lead, out = "", []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        lead, item = lead_in_of(line, lead)
        out += with_lead_in(sentences_from_lines([line], i, source="x", service="Fernholm", section="recs", title=""),
                            lead if item else "")
    item = next(s for s in out if s.text.startswith("fund a second"))  # a list item may open in lower case
    assert {"health", "partnership"} <= item.terms and item.quote is None
    prose = next(s for s in out if s.text.startswith("Plain prose"))
    assert "partnership" not in prose.terms


def test_answer_cue_needs_new_words_not_the_questions_own() -> None:
    from assistant.answer_cues import asked, carries

    q = "who chairs the Fernholm board?"
    wanted = asked(q)
    assert [c.name for c in wanted] == ["who"]
    assert carries("The board chair is keen to improve governance.", wanted, q) == 0.0  # only "chair" again
    assert carries("The board is chaired by the Director of Housing.", wanted, q) == 1.0
    assert carries("There were 71 children per 10,000.", asked("what rate per 10,000?"), "what rate per 10,000?") == 1.0


def test_sentence_cut_by_a_page_break_is_joined_and_still_verbatim() -> None:
    from assistant.citations import quote_in_lines
    from assistant.evidence import bridges, sentences_from_lines

    lines = ["The Fernholm team had one vacancy in the spring, and it was", "", "", "filled by July with a seconded nurse.",
             "Next the board met.", "A line without an end", "Another that starts upper case."]
    got = bridges(lines, 10)
    assert [(a, b, t) for a, b, _, t, _ in got] == [
        (10, 13, "The Fernholm team had one vacancy in the spring, and it was filled by July with a seconded nurse.")]
    assert quote_in_lines(got[0][3], ["x"] * 9 + lines, 10, 13)
    s = next(x for x in sentences_from_lines(lines, 10, source="x", service="Fernholm", section="s", title="")
             if x.text.startswith("The Fernholm team"))
    assert (s.line, s.line_end) == (10, 13) and s.passage(1).line_end == 13


def test_page_broken_sentence_answers_and_its_citation_spans_both_lines(assistant) -> None:
    ans = _ask(assistant, "How quickly was the case manager post refilled in Brackenford?")
    assert "refilled within six weeks" in ans.answer
    c = next(c for c in ans.citations if "refilled within six weeks" in c.quote)
    assert c.line_end > c.line_start


def test_lead_context_adds_the_next_sentence_of_the_paragraph_within_the_budget() -> None:
    from assistant.compose.lookup import lead_context
    from assistant.evidence import sentences_from_lines

    line = ("The Fernholm team introduced the Lantern scheme in 2023 after a pilot. Its aim is to reach primary school "
            "children before they are known to any service. A third sentence follows here for the record.")
    sents = sentences_from_lines([line], 7, source="x", service="Fernholm", section="s", title="")
    lead = [sents[0]]
    got = lead_context(lead, lead, lambda src: sents, budget_words=60)
    assert [s.text for s in got] == [sents[1].text]  # the next one only, not the whole paragraph
    assert lead_context(lead, lead, lambda src: sents, budget_words=15) == []  # over budget: nothing added
    assert lead_context([sents[2]], [sents[2]], lambda src: sents, budget_words=60) == []  # last of its paragraph


def test_learned_score_file_matches_the_features_and_orders_the_candidates(assistant) -> None:
    from assistant.evidence import score_sentences
    from assistant.evidence_model import FEATURES, load_model
    from assistant.select import select
    from yotassist.settings import EvidenceSettings

    model = load_model()
    assert model is not None and model.names == FEATURES and len(model.coef) == len(FEATURES)
    lib = assistant.lib
    src = next(r.source for r in lib.reports if r.service == "Brackenford")
    q = "which case management system does the service use?"
    sents = score_sentences(lib.sentences(src), q, stats=lib.term_stats())
    sel = select(sents, q, split_parts(q), lib, 3, cfg=EvidenceSettings(learned=True))
    assert all(0.0 < s.learned < 1.0 for s in sents)
    assert "Ledgerline" in sel.lead[0].text
    off = select(score_sentences(lib.sentences(src), q, stats=lib.term_stats()), q, split_parts(q), lib, 3,
                 cfg=EvidenceSettings(learned=False))
    assert "Ledgerline" in off.lead[0].text


def test_methodology_report_evidence_adds_the_search_hits_best_sentences(assistant) -> None:
    from assistant.citations import quote_in_lines
    from assistant.compose.common import Draft
    from assistant.compose.methodology import report_evidence

    route = assistant.route("Which case management system does Brackenford use?")
    d = Draft()
    report_evidence(route, assistant.lib, assistant.index, d, 2)
    assert any("Ledgerline" in line for line in d.lines) and len(d.passages) <= 2
    assert all(quote_in_lines(p.quote, assistant.lib.lines_of(p.source), p.line_start, p.line_end) for p in d.passages)
    none = Draft()
    report_evidence(route, assistant.lib, assistant.index, none, 0)  # the default: off
    assert not none.lines and not none.passages
