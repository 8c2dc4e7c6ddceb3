"""Bytes to text lines, one loader per format, each recording enough to cite a line.

- Text/markdown: BOM-aware decoding (UTF-8, UTF-8 BOM, UTF-16/32 BOMs), BOM-less UTF-16 sniffing,
  then UTF-8, then cp1252/Latin-1; binary garbage is refused rather than decoded into noise.
- PDF: lines rebuilt from word positions (``ingest.pdflayout``, pdfplumber), page furniture dropped;
  pypdf's text stream as the fallback; ``line_pages[i]`` is the 1-based page of line ``i + 1``.
- HTML: BeautifulSoup; block elements on their own lines, list items as ``- `` bullets, table
  rows as tab-separated cells, scripts/styles dropped.

Lines are split on ``\\n`` only (after folding ``\\r\\n``/``\\r``), never with ``str.splitlines``,
whose extra separators (form feed, U+2028...) would shift line numbers against other tools.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError

TEXT_EXTS = {".txt", ".md", ".markdown", ".text"}
PDF_EXTS = {".pdf"}
HTML_EXTS = {".html", ".htm", ".xhtml"}
DOCX_EXTS = {".docx"}
SUPPORTED = sorted(TEXT_EXTS | PDF_EXTS | HTML_EXTS | DOCX_EXTS)
#: A real report is 100-15,000 lines; far beyond that is not a report, and refusing it up front
#: keeps parse time and memory bounded (a 50 MB file of short lines is refused in well under a second).
MAX_LINES = 200_000
MAX_PDF_PAGES = 1_500
#: An HTML tree costs roughly ten times the file size in memory; reports are well under 5 MB.
MAX_HTML_BYTES = 20 * 1024 * 1024


@dataclass
class LoadedText:
    lines: list[str]
    kind: str  # "text", "pdf", "html"
    line_pages: list[int] | None = None
    sha256: str = ""
    notes: list[str] = field(default_factory=list)  # loader remarks that become report warnings


def max_bytes() -> int:
    try:
        from yotassist.settings import get_settings

        return int(get_settings().max_parse_mb) * 1024 * 1024
    except Exception:  # settings unreadable: fall back to the documented default
        return 80 * 1024 * 1024


def _too_many_lines(count: int) -> IngestError:
    return IngestError(f"the file has {count:,} lines, more than the {MAX_LINES:,} a report can have; "
                       "it is not parsed")


def split_lines(text: str) -> list[str]:
    count = text.count("\n") or text.count("\r")
    if count > MAX_LINES:
        raise _too_many_lines(count)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# ---------------------------------------------------------------- text

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


#: control characters other than \t \n \v \f \r, C1 controls, and the replacement character
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _looks_binary(text: str) -> bool:
    sample = text[:200_000]
    if not sample:
        return False
    bad = len(_BAD_CHARS_RE.findall(sample))
    return bad / len(sample) > 0.02


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Raises IngestError for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise IngestError(f"the file starts with a {enc} byte-order mark but is not valid {enc}") from exc
            return text.lstrip("\ufeff"), enc
    head = data[:4000]
    if len(head) >= 4 and b"\x00" in head:
        # BOM-less UTF-16: NULs in every other byte
        even, odd = head[0::2], head[1::2]
        for enc, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
            if zeros.count(0) > 0.8 * len(zeros):
                try:
                    text = data.decode(enc).lstrip("\ufeff")
                except UnicodeDecodeError:
                    continue
                sample = text[:20_000]
                if sample and sum(c.isascii() for c in sample) > 0.6 * len(sample):
                    return text, enc
        raise IngestError("the file looks binary, not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def load_text(data: bytes) -> LoadedText:
    text, enc = decode_text(data)
    if _looks_binary(text):
        raise IngestError("the file looks binary, not text (too many control characters)")
    lines = split_lines(text)
    notes = [] if enc.startswith(("utf-8", "ascii")) else [f"The file was decoded as {enc}."]
    return LoadedText(lines=lines, kind="text", notes=notes)


# ---------------------------------------------------------------- pdf

def load_pdf(data: bytes) -> LoadedText:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from pypdf import PdfReader  # local import: only PDF ingestion pays for it

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise IngestError("the PDF is encrypted and cannot be read without a password") from exc
        pages = list(reader.pages)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"cannot read the PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise IngestError("the PDF has no pages")
    if len(pages) > MAX_PDF_PAGES:
        raise IngestError(f"the PDF has {len(pages):,} pages, more than the {MAX_PDF_PAGES:,} a report can have")
    if not reader.is_encrypted:
        try:
            from ingest.pdflayout import pdf_lines

            lines, line_pages, notes = pdf_lines(data, MAX_PDF_PAGES)
            if len(lines) > MAX_LINES:
                raise _too_many_lines(len(lines))
            if any(line.strip() for line in lines):
                return LoadedText(lines=lines, kind="pdf", line_pages=line_pages, notes=notes)
        except IngestError:
            raise
        except Exception:  # pdfplumber cannot read it: fall back to pypdf's text stream below
            pass
    lines = []
    line_pages = []
    notes = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:
            notes.append(f"Page {number} of the PDF could not be read ({type(exc).__name__}).")
            text = ""
        page_lines = split_lines(text.replace("\x00", ""))
        lines.extend(page_lines)
        line_pages.extend([number] * len(page_lines))
        if len(lines) > MAX_LINES:
            raise _too_many_lines(len(lines))
    if not any(line.strip() for line in lines):
        raise IngestError("the PDF has no text layer (scanned images?); run OCR first")
    return LoadedText(lines=lines, kind="pdf", line_pages=line_pages, notes=notes)


# ---------------------------------------------------------------- html

_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2", "h3", "h4",
    "h5", "h6", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "table",
    "thead", "tbody", "tfoot", "caption", "hr", "address", "form", "fieldset", "details", "summary", "body",
}
_DROP = {"script", "style", "head", "noscript", "template", "svg", "iframe", "object", "button", "select"}
_WS = re.compile(r"\s+")


def _html_lines(soup) -> list[str]:
    """Walk the tree iteratively (deep nesting must not hit the recursion limit)."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = _WS.sub(" ", "".join(buf)).strip()
        buf.clear()
        if text:
            out.append(text)

    def cell_text(node) -> str:
        return _WS.sub(" ", node.get_text(" ")).strip()

    stack: list = [(soup, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node.name in _BLOCK or node.name == "li":
                flush()
            continue
        if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(node, NavigableString):
            buf.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in _DROP:
            continue
        if name == "br":
            flush()
            continue
        if name == "tr":
            flush()
            cells = [cell_text(c) for c in node.find_all(["td", "th"], recursive=False)]
            if any(cells):
                out.append("\t".join(cells))
            continue
        if name in _BLOCK or name == "li":
            flush()
        if name == "li":
            parent = node.parent
            if parent is not None and parent.name == "ol":
                index = sum(1 for s in node.find_previous_siblings("li")) + 1
                buf.append(f"{index}. ")
            else:
                buf.append("- ")
        stack.append((node, True))
        for child in reversed(list(node.children)):
            stack.append((child, False))
    flush()
    return out


def load_html(data: bytes) -> LoadedText:
    from bs4 import BeautifulSoup  # local import: only HTML ingestion pays for it

    if len(data) > MAX_HTML_BYTES:
        raise IngestError(f"the HTML file is {len(data) / 1048576:.0f} MB, above the "
                          f"{MAX_HTML_BYTES // 1048576} MB limit for HTML reports")

    text, enc = decode_text(data)
    if _looks_binary(text):
        raise IngestError("the file looks binary, not HTML")
    try:
        import lxml  # noqa: F401

        parser = "lxml"
    except ImportError:
        parser = "html.parser"
    try:
        soup = BeautifulSoup(text, parser)
        lines = _html_lines(soup.body or soup)
    except Exception as exc:
        raise IngestError(f"cannot read the HTML ({type(exc).__name__})") from exc
    return LoadedText(lines=lines, kind="html")


# ---------------------------------------------------------------- dispatch

def sniff(data: bytes) -> str | None:
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    low = head[:1024].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low or b"<body" in low:
        return "html"
    return None


def load_data(data: bytes, filename: str) -> LoadedText:
    """Pick the loader by extension (content sniffing wins for PDF/HTML) and load."""
    limit = max_bytes()
    if len(data) > limit:
        raise IngestError(
            f"the file is {len(data) / 1048576:.0f} MB, above the {limit // 1048576} MB parse limit "
            "(settings.max_parse_mb)")
    if not data or not data[:1_000_000].strip() and not data.strip():
        raise IngestError("the file is empty")
    ext = Path(filename).suffix.lower()
    sniffed = sniff(data)
    if ext in PDF_EXTS or sniffed == "pdf":
        if sniffed != "pdf":
            raise IngestError("the file has a .pdf extension but is not a PDF")
        loaded = load_pdf(data)
    elif ext in DOCX_EXTS:
        if not data.startswith(b"PK"):
            raise IngestError("the file has a .docx extension but is not a Word document")
        try:
            from ingest.docx import docx_lines

            loaded = LoadedText(lines=docx_lines(data), kind="docx")
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(f"cannot read the Word document ({type(exc).__name__})") from exc
    elif ext in HTML_EXTS or (sniffed == "html" and ext not in TEXT_EXTS):
        loaded = load_html(data)
    elif ext in TEXT_EXTS or ext == "":
        loaded = load_text(data)
    else:
        raise IngestError(f"unsupported file type '{ext}' (supported: {', '.join(SUPPORTED)})")
    if len(loaded.lines) > MAX_LINES:
        raise _too_many_lines(len(loaded.lines))
    if not any(line.strip() for line in loaded.lines):
        raise IngestError("the file contains no text")
    loaded.sha256 = hashlib.sha256(data).hexdigest()
    return loaded


def read_path(path: Path) -> bytes:
    if not path.exists():
        raise IngestError(f"no such file: {path}")
    if path.is_dir():
        raise IngestError(f"{path} is a folder, not a report file")
    size = path.stat().st_size
    limit = max_bytes()
    if size > limit:
        raise IngestError(
            f"the file is {size / 1048576:.0f} MB, above the {limit // 1048576} MB parse limit (settings.max_parse_mb)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from exc
