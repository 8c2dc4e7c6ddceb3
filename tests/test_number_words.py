"""Number words come from one vocabulary file, and each reader gets exactly the range it asks for."""

from __future__ import annotations

import re

import pytest

from yotassist.number_words import alternation, number_words


def test_the_vocabulary_counts_from_zero_to_twenty_in_order() -> None:
    words = number_words()
    assert list(words.values()) == list(range(21))
    assert words["seven"] == 7 and words["twelve"] == 12 and words["twenty"] == 20


def test_a_range_is_exactly_that_range() -> None:
    assert number_words(8, 13) == {"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13}
    pattern = re.compile(r"\b(?:" + alternation(1, 12) + r")\b")
    assert pattern.fullmatch("twelve") and pattern.fullmatch("one")
    assert not pattern.search("zero") and not pattern.search("thirteen")


def test_a_range_the_file_does_not_cover_is_refused() -> None:
    with pytest.raises(ValueError, match="no word for"):
        number_words(0, 25)


def test_the_readers_share_the_vocabulary() -> None:
    from assistant import text, tone, whatif_parse
    from ingest import checks

    assert whatif_parse._NUMBER_WORDS == number_words(0, 20)
    assert tone._WORD_NUM == number_words(1, 16)
    assert text.NUMBER_WORDS == {w: str(n) for w, n in number_words(1, 12).items()}
    assert checks.NUMBER_WORDS == number_words(8, 13)
    assert tone.share("nine of the 14 cases") == pytest.approx(9 / 14)
