"""Line-preserving cleaning for *matching only*.

The parser matches headings, ratings and table rows against a cleaned copy of each line; the
report keeps the original lines, so line numbers and citations always refer to the text as
loaded. Every function here maps one line to one line (never joins or splits lines).

PDF extraction artefacts handled: tab characters inside words (``Over\\tall``), markdown bold
(``**Good**``), ``<i>``/``<sup>`` tags, LaTeX-ish footnotes (``$^{13}$``), superscript footnote
markers glued to words, markdown table pipes, heading hashes, odd spaces.
"""

from __future__ import annotations

import re

from ingest.model import RATINGS

#: Longest line we run structural regexes on; longer lines are prose (or garbage) by definition.
MAX_STRUCT_LEN = 600

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_RE = re.compile(f"[{SUPERSCRIPTS}]+")
_TAG_RE = re.compile(r"</?(?:i|b|em|strong|u|span|a|sup|sub|br)\b[^<>]{0,200}>", re.I)
_SUP_TAG_RE = re.compile(r"<sup>[^<>]{0,20}</sup>", re.I)
_LATEX_FN_RE = re.compile(r"\$\^\{[^$]{0,40}\}\$|\^\{[^}]{0,40}\}")
_BOLD_RE = re.compile(r"\*\*|__")
_WORD_TAB_RE = re.compile(r"(?<=[a-z])\t(?=[a-z])")
_MD_HEAD_RE = re.compile(r"^#{1,6}\s+")
_MD_SEP_RE = re.compile(r"^[\s|:\-–—=_*.]+$")
_SPACES_RE = re.compile(r"[ \u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_TABS_RE = re.compile(r"\s*\t[\s\t]*")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st", "\u00ad": None, "\u200b": None, "\ufeff": None})
_LIGATURE_RE = re.compile("[\ufb00-\ufb06\u00ad\u200b\ufeff]")
#: "78 per cent" / "78 percent" -> "78%" (matching only)
_PER_CENT_RE = re.compile(r"(?<=\d)\s*(?:per\s?cent|percent)\b", re.I)
#: a footnote digit glued to a rating word: "Inadequate2", "Good12"
_RATING_FN_RE = re.compile(r"\b(Inadequate|improvement|Good|Outstanding)\d{1,2}\b", re.I)
_TRAIL_MARK_RE = re.compile(r"(?<=[?.!:a-z)])(?:\s?[*†‡]+|\s?\[\d{1,3}\]|(?<=[?])\d{1,3})(?=\s|$)")

BULLET_RE = re.compile(
    r"^(?:[-–—•·▪◦○●■□►*]|\(?\d{1,2}[.)](?!\d)|\(?[a-z][.)](?=\s)|\(?[ivx]{1,4}\)(?=\s))\s+(?=\S)"
)

_RATING_ALT = r"Inadequate|Requires[\s\-]+improvement|Good|Outstanding"
RATING_RE = re.compile(rf"\b({_RATING_ALT})\b", re.I)
#: A line (or cell) that is nothing but a rating, allowing decoration: quotes, stars, a full stop.
LONE_RATING_RE = re.compile(rf"^[\s'\"‘’“”*]*({_RATING_ALT})[\s'\"‘’“”*.☆★]*$", re.I)
#: A rating at the very end of a line, after a cell break or sentence end.
TRAILING_RATING_RE = re.compile(rf"(?:^|\t|[.:;!?)]\s*|\s{{2,}})[\s'\"‘’“”*]*({_RATING_ALT})[\s'\"‘’“”*.☆★]*$", re.I)


def norm_rating(text: str | None) -> str | None:
    """Map any printed form ("requires  Improvement", "GOOD") to the canonical rating or None."""
    if not text:
        return None
    t = " ".join(text.replace("-", " ").split()).lower()
    for r in RATINGS:
        if t == r.lower():
            return r
    return None


def clean(line: str) -> str:
    """Cleaned copy of one line for matching. Tabs that separate cells are kept (one tab each)."""
    if not line:
        return ""
    if line.isascii() and not any(ch in line for ch in "<*_^#|\t"):
        st = line.strip()
        st = " ".join(st.split()) if "  " in st else st
        return _figures(st) if "cent" in st or st[-1:].isdigit() else st
    s = line.translate(_LIGATURES) if not line.isascii() and _LIGATURE_RE.search(line) else line
    if "<" in s:
        s = _SUP_TAG_RE.sub("", s)
        s = _TAG_RE.sub("", s)
    if "^{" in s:
        s = _LATEX_FN_RE.sub("", s)
    if "*" in s or "_" in s:
        s = _BOLD_RE.sub("", s)
    s = _SUP_RE.sub("", s)
    if "\t" in s:
        s = _WORD_TAB_RE.sub("", s)
    st = s.strip()
    if st.startswith("#"):
        st = _MD_HEAD_RE.sub("", st)
    if st.startswith("|") and st.endswith("|") and len(st) > 1:
        st = "\t".join(c.strip() for c in st.strip("|").split("|"))
    st = _SPACES_RE.sub(" ", st)
    if "\t" in st:
        st = _TABS_RE.sub("\t", st).strip("\t ")
    st = st.strip()
    return _figures(st) if "cent" in st or st[-1:].isdigit() else st


def _figures(st: str) -> str:
    """Figures in a matchable form: "78 per cent" -> "78%", "Inadequate2" -> "Inadequate"."""
    if "cent" in st:
        st = _PER_CENT_RE.sub("%", st)
    if st[-1:].isdigit() and ("quate" in st or "ment" in st or "ood" in st or "ding" in st):
        st = _RATING_FN_RE.sub(r"\1", st)
    return st


def flat(cleaned: str) -> str:
    """A cleaned line with cell breaks turned into single spaces."""
    return cleaned.replace("\t", " ") if "\t" in cleaned else cleaned


def is_rule(cleaned: str) -> bool:
    """Table rules and stray separators such as ``--``, ``-----\\t----``, ``|---|---|``."""
    return bool(cleaned) and len(cleaned) < 200 and bool(_MD_SEP_RE.match(cleaned)) and any(
        c in cleaned for c in "-–—=_")


def strip_bullet(cleaned: str) -> tuple[bool, str]:
    """(is_bullet, text without the glyph or number)."""
    m = BULLET_RE.match(cleaned)
    if not m:
        return False, cleaned
    rest = cleaned[m.end():]
    # "- 2. ensure ...": a glyph followed by a list number
    m2 = re.match(r"^\(?\d{1,2}[.)](?!\d)\s+(?=\S)", rest)
    if m2:
        rest = rest[m2.end():]
    return True, rest.strip()


def strip_markers(text: str) -> str:
    """Remove footnote markers left after cleaning (``safe? 10``, ``safe?*``, ``policy†``)."""
    t = _TRAIL_MARK_RE.sub("", text)
    return " ".join(t.split())


def tidy(text: str) -> str:
    """Whitespace-normalised text for output (bullets, recommendations, titles)."""
    return " ".join(strip_markers(flat(text)).split())


_KEY_RE = re.compile(r"[^a-z0-9]+")


def key(text: str) -> str:
    """Comparison key: lower case letters and digits only."""
    return _KEY_RE.sub(" ", text.lower()).strip()
