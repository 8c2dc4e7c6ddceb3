"""How the rating module prints numbers, percentages and standard names in its prose.

Why shared: the discretion reasons (arithmetic), the findings and the explanations must print a
figure the same way ("65%", "1 point", "4.5 points"), or two sentences about one figure disagree.
"""

from __future__ import annotations

from fractions import Fraction

from assistant.rating_models import Basis, StandardResult


def as_fraction(value: Fraction | float | int | str) -> Fraction:
    """An exact fraction; a float is read as its shortest decimal, so 66.7 stays 66.7."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))  # shortest decimal that round-trips: 66.7 -> 667/10 exactly
    return Fraction(value)


def round_pp(x: Fraction) -> float:
    """A percentage or a distance in points as printed: one decimal place."""
    return round(float(x), 1)


def fmt_num(x: Fraction | float | int) -> str:
    f = round(float(x), 1)
    return str(int(f)) if f == int(f) else f"{f:.1f}"


def fmt_points(x: Fraction | float) -> str:
    n = fmt_num(x)
    return f"{n} point" if n == "1" else f"{n} points"


def standard_label(res: StandardResult) -> str:
    """"Planning (court disposals)": 2.1 and 3.1 are both "Assessment"."""
    if res.domain in ("Court disposals", "Out-of-court disposals") and not res.qualitative:
        return f"{res.title} ({res.domain.lower()})"
    return res.title


def fmt_pct(x: Fraction) -> str:
    return f"{fmt_num(x)}%"


def fmt_basis(b: Basis) -> str:
    who = f"{b.theme}" if b.theme else f"\u201c{b.question}\u201d"
    counts = f", {b.yes}/{b.relevant}" if b.yes is not None and b.relevant else ""
    return f"{fmt_num(b.percent)}%{counts}, {who}"


def number_word(n: int) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    return words.get(n, str(n))
