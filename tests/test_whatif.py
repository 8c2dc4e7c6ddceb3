"""Rating reasoning in chat (kind ``whatif``) on a real index: figures typed in a question are rated
by the rating module, and the answer states band, lowest key question, margin and the discretion
test, with the rule cited to a report's annex. Expected values are computed here with
``assistant.rating`` so the answer and the module cannot drift apart."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from assistant.rating import get_rules, rate_standard
from assistant.service import Assistant
from assistant_support import build_index
from dialogue_support import SERVICE, write_brackenmoor
from ingest.model import KeyQuestion

pytestmark = pytest.mark.timeout(600)
RULES = get_rules("2021")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, samples_dir) -> Assistant:
    from index.store import Index

    src = tmp_path_factory.mktemp("whatif-src")
    files = [write_brackenmoor(src), samples_dir / "ashbridge-2023.txt"]
    d = tmp_path_factory.mktemp("whatif-index") / "index"
    build_index(d, files)
    a = Assistant(Index.open(index_dir=d), mode="extractive")
    a.lib.refresh(force=True)
    return a


def _expected(sid: str, values: list[tuple[int, int] | float]):
    kqs = [KeyQuestion(question=f"key question {i + 1}", percent=round(100 * v[0] / v[1], 1), yes=v[0], relevant=v[1])
           if isinstance(v, tuple) else KeyQuestion(question=f"key question {i + 1}", percent=v)
           for i, v in enumerate(values)]
    return rate_standard(RULES.standard(sid), kqs, RULES)


def _num(x: float) -> str:
    f = round(x, 1)
    return str(int(f)) if f == int(f) else f"{f:.1f}"


def _rule_cited(ans) -> bool:
    """At least one citation quotes an annex line that states a rating rule."""
    return any(re.search(r"lowest|0-3 scale|percentage points|majority|0-36|Inadequate 0", c.quote, re.I)
               for c in ans.citations)


@pytest.mark.parametrize("question, sid, values", [
    ("If 3.1 came out 9 of 10, 7 of 9 and 6 of 11, what would it be rated and could discretion apply?",
     "3.1", [(9, 10), (7, 9), (6, 11)]),
    ("Would 12 of 20, 15 of 20 and 17 of 20 give Good for 3.2?", "3.2", [(12, 20), (15, 20), (17, 20)]),
    ("Would 72%, 68% and 90% on 2.3 be Good?", "2.3", [72.0, 68.0, 90.0]),
    ("Was 81% on 2.4 eligible for discretion?", "2.4", [81.0]),
    ("If 2.1 had 3 of 4, 4 of 5 and 2 of 3 yes answers, what rating would it get?", "2.1", [(3, 4), (4, 5), (2, 3)]),
])
def test_typed_key_questions_are_rated_by_the_module(assistant, question, sid, values):
    ans = assistant.ask(question)
    assert ans.kind == "whatif", (ans.kind, ans.answer)
    exp = _expected(sid, values)
    text = ans.answer
    assert f"**{exp.computed}**" in text, text
    assert f"{_num(exp.basis.percent)}%" in text  # the lowest key question
    margin_bits = [x for x in (exp.basis.pp_below_upper_boundary, exp.basis.pp_above_lower_boundary) if x is not None]
    for m in margin_bits:
        assert f"{_num(m)} point{'' if _num(m) == '1' else 's'}" in text, (m, text)
    assert ("Discretion: yes" in text) == bool(exp.discretion_eligible), (exp.discretion_reasons, text)
    assert _rule_cited(ans), ans.citations
    assert not ans.unsupported, ans.unsupported


def test_specific_bands_and_discretion_by_hand():
    """The arithmetic the answers rely on, checked against hand-worked values (so the expected
    values above cannot both be wrong in the same way)."""
    r = _expected("3.1", [(9, 10), (7, 9), (6, 11)])  # 6/11 = 54.5%: 4.5 above 50, within 5
    assert (r.computed, r.discretion_eligible, r.lowest_percent) == ("Requires improvement", True, 54.5)
    r = _expected("3.2", [(12, 20), (15, 20), (17, 20)])  # 60%: one more 'Yes' is 65% Good
    assert r.computed == "Requires improvement" and any("13/20" in x for x in r.discretion_reasons)
    r = _expected("2.1", [(3, 4), (4, 5), (2, 3)])  # 66.7% Good, one fewer on 2/3 is Inadequate
    assert r.computed == "Good" and r.basis.relevant == 3 and r.discretion_eligible


@pytest.mark.parametrize("question, band, yes", [
    ("Would 30/36 have been Outstanding?", "Good", False),
    ("Would a score of 31 out of 36 have been Outstanding?", "Outstanding", True),
    ("Would 18/36 have been Good overall?", "Requires improvement", False),
])
def test_typed_score_gives_the_overall_band(assistant, question, band, yes):
    ans = assistant.ask(question)
    assert ans.kind == "whatif"
    assert f"**{band}**" in ans.answer
    assert ("So yes" in ans.answer) == yes, ans.answer
    assert _rule_cited(ans)


def test_a_named_services_own_figures_with_one_more_case(assistant):
    q = f"would {SERVICE}'s 2.2 have been Requires improvement if one more case had met the question on keeping other people safe?"
    ans = assistant.ask(q)
    assert ans.kind == "whatif"
    text = ans.answer
    assert "5/9 instead of 4/9" in text and "**Requires improvement**" in text and "so yes" in text, text
    # the report's own rows are cited, from the report's 2.2 section
    assert any(c.source == "brackenmoor-2020.md" and c.section == "2.2" for c in ans.citations), ans.citations
    same = assistant.ask(f"would {SERVICE}'s 2.2 have been Requires improvement if one more case had met the desistance question?")
    assert "**Inadequate**" in same.answer and "so no" in same.answer, same.answer


def test_why_a_published_rating_is_what_it_is(assistant):
    ans = assistant.ask(f"Which key question dragged {SERVICE}'s 2.2 planning down?")
    assert ans.kind == "whatif", ans.kind
    exp = rate_standard(RULES.standard("2.2"), [KeyQuestion(question=q, percent=round(100 * y / r, 1), yes=y, relevant=r)
                                                 for q, (r, y) in zip(("d", "c", "o"), ((12, 10), (12, 7), (9, 4)))], RULES)
    assert exp.computed == "Inadequate"
    assert "4/9 = 44.4%" in ans.answer and "published rating: Inadequate" in ans.answer, ans.answer
    assert f"{_num(float(Fraction(50) - Fraction(400, 9)))} points below Requires improvement" in ans.answer


@pytest.mark.parametrize("question, counts, percents, score, changed", [
    ("If seven of nine, five of eight and four of seven met the 2.2 key questions, what rating?", [(7, 9), (5, 8), (4, 7)], [], None, {}),
    ("what if the lowest key question had been 66?", [], [66.0], None, {}),
    ("Would 29 points have been Outstanding?", [], [], 29, {}),
    ("Would Brackenmoor be Good overall if 2.2 and 2.4 had been Good?", [], [], None, {"2.2": "Good", "2.4": "Good"}),
    ("Planning was sufficient in nine of the 14 cases", [], [], None, {}),  # prose, not a what-if
])
def test_the_parser_reads_typed_figures(question, counts, percents, score, changed):
    from assistant.whatif_parse import parse

    t = parse(question)
    assert (t.counts, t.percents, t.score, t.changed) == (counts, percents, score, changed)


def test_changed_standard_ratings_recompute_the_score(assistant):
    ans = assistant.ask(f"Would {SERVICE} have been Good overall if 2.2 and 2.4 had been Good?")
    assert ans.kind == "whatif"
    # published 12/36 with 2.2 and 2.4 Inadequate (0 points each); Good is 2 points each -> 16/36
    assert "score would be 16/36" in ans.answer and "**Requires improvement**" in ans.answer, ans.answer
    assert "So no" in ans.answer and not ans.unsupported, (ans.answer, ans.unsupported)
    assert any(c.source == "brackenmoor-2020.md" and "12/36" in c.quote.replace(" ", "") for c in ans.citations)


def test_what_it_takes_to_reach_the_next_band(assistant):
    ans = assistant.ask(f"How many more cases would {SERVICE} have needed on 2.2 to get Requires improvement?")
    assert ans.kind == "whatif"
    # 4/9 -> 5/9 = 55.6% lifts other people's safety over 50%; the other two are above it already
    assert "To reach Requires improvement: 1 more 'Yes' on other people's safety (5/9 = 55.6%)." in ans.answer, ans.answer


@pytest.mark.parametrize("question, whatif", [
    ("Is 65% Good or Requires improvement?", True),
    ("Which services had over 80% on desistance and were rated Outstanding?", False),
    ("What percentage of Ashbridge cases had good planning for safety?", False),
])
def test_typed_figures_with_a_rating_are_rating_reasoning_unless_a_search(question, whatif):
    from assistant.whatif_parse import detect

    assert detect(question, "Ashbridge" in question, False) is whatif
