"""Bad input: a clear one-line IngestError (exit 2 from the CLI) or an 'unknown' result with
warnings; never a traceback, never a hang. Big and binary files are generated in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from ingest import load_bytes, load_report
from ingest.errors import IngestError

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ROOT / "tests" / "fixtures" / "variants"
runner = CliRunner()


def _blank_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    w.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        w.write(fh)


def _one_line(exc: IngestError) -> str:
    msg = str(exc)
    assert msg and "\n" not in msg and "Traceback" not in msg
    return msg


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (b"   \n\n\t\n", "empty"),
    (b"\x00\x01\x02\x03binary\x00\xff\xfe" * 100, "binary"),
    (bytes(range(1, 32)) * 500, "binary"),
])
def test_unreadable_text(tmp_path, content, needle):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(IngestError) as info:
        load_report(p)
    assert needle in _one_line(info.value)


def test_random_garbage(tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes(os.urandom(200_000))
    with pytest.raises(IngestError) as info:
        load_report(p)
    assert "binary" in _one_line(info.value)


def test_pdf_without_text_layer(tmp_path):
    p = tmp_path / "scan.pdf"
    _blank_pdf(p)
    with pytest.raises(IngestError) as info:
        load_report(p)
    assert "no text layer" in _one_line(info.value)


def test_broken_pdf(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage garbage")
    with pytest.raises(IngestError) as info:
        load_report(p)
    _one_line(info.value)


def test_fake_pdf_extension(tmp_path):
    p = tmp_path / "notes.pdf"
    p.write_text("just some text")
    with pytest.raises(IngestError) as info:
        load_report(p)
    assert "not a PDF" in _one_line(info.value)


def test_unsupported_extension_and_missing_file(tmp_path):
    p = tmp_path / "report.xlsx"
    p.write_bytes(b"PK\x03\x04 zip")
    with pytest.raises(IngestError) as info:
        load_report(p)
    assert "unsupported" in _one_line(info.value)
    with pytest.raises(IngestError):
        load_report(tmp_path / "missing.txt")
    with pytest.raises(IngestError):
        load_report(tmp_path)  # a folder


def test_too_large_by_settings(tmp_path, monkeypatch):
    from yotassist.settings import get_settings

    monkeypatch.setattr(get_settings(), "max_parse_mb", 1)
    p = tmp_path / "big.txt"
    p.write_bytes(b"x" * (2 * 1024 * 1024))
    with pytest.raises(IngestError) as info:
        load_report(p)
    assert "limit" in _one_line(info.value)
    with pytest.raises(IngestError):
        load_bytes(b"x" * (2 * 1024 * 1024), "big.txt")


@pytest.mark.parametrize("kind", ["short-lines", "report-repeated", "one-line", "long-lines"])
def test_fifty_megabytes_parsed_or_refused_fast(tmp_path, kind):
    base = (VARIANTS / "easterby.txt").read_bytes()
    size = 50 * 1024 * 1024
    data = {
        "short-lines": b"a\n" * (size // 2),
        "report-repeated": base * (size // len(base)),
        "one-line": b"Overall rating Good 1.1 Staff Good " * (size // 36),
        "long-lines": (b"word " * 100 + b"\n") * (size // 501),
    }[kind]
    p = tmp_path / "big.txt"
    p.write_bytes(data)
    del data
    # CPU time of this process, not wall time: the guard is against a pathological (super-linear)
    # parse, which costs minutes of CPU, and must not flake when the machine is busy.
    t = time.process_time()
    try:
        r = load_report(p)
    except IngestError as exc:
        assert "lines" in _one_line(exc)
    else:
        assert r.report_type == "unknown" and r.warnings
    assert time.process_time() - t < 10


def test_latin1_and_utf16_files(tmp_path):
    text = (VARIANTS / "marlow-heath.txt").read_text(encoding="utf-8").replace("Marlow Heath", "Marlow Heáth")
    for enc in ("latin-1", "utf-16"):
        p = tmp_path / f"m-{enc}.txt"
        p.write_bytes(text.encode(enc))
        r = load_report(p)
        assert r.service == "Marlow Heáth"
        assert r.report_type == "inspection" and r.score == 22


def test_unrelated_html_and_markdown(tmp_path):
    p = tmp_path / "page.html"
    p.write_text("<html><body><h1>Garden party</h1><p>Bring a chair.</p><table><tr><td>1.1</td></tr></table></body></html>")
    r = load_report(p)
    assert r.report_type == "unknown" and r.warnings
    p = tmp_path / "notes.md"
    p.write_text("# Shopping\n\n- milk\n- bread\n")
    r = load_report(p)
    assert r.report_type == "unknown" and r.warnings


def test_deeply_nested_html(tmp_path):
    p = tmp_path / "deep.html"
    p.write_text("<html><body>" + "<div>" * 5000 + "Text" + "</div>" * 5000 + "</body></html>")
    r = load_report(p)
    assert r.report_type == "unknown"


# ------------------------------------------------------------------ CLI

def test_cli_json_on_variant():
    res = runner.invoke(app, ["parse", str(VARIANTS / "easterby.txt"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["score"] == 13 and data["framework"] == "2018"
    assert "lines" not in data and "line_pages" not in data
    assert data["key_questions"]["2.1"][0] == {
        "question": "Does assessment sufficiently analyse how to support the child's desistance?",
        "percent": 60.0, "yes": 6, "relevant": 10, "line": data["key_questions"]["2.1"][0]["line"]}


def test_cli_summary():
    res = runner.invoke(app, ["parse", str(VARIANTS / "marlow-heath.txt")])
    assert res.exit_code == 0, res.output
    assert "Marlow Heath" in res.stdout and "Warnings" in res.stdout and "2.4" in res.stdout


@pytest.mark.parametrize("name,content", [
    ("empty.txt", b""), ("garbage.txt", b"\x00\xff" * 1000), ("x.docx", b"PK"), ("scan.pdf", None)])
def test_cli_bad_input_exit_2(tmp_path, name, content):
    p = tmp_path / name
    if content is None:
        _blank_pdf(p)
    else:
        p.write_bytes(content)
    proc = subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "parse", str(p), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    err = proc.stderr.strip()
    assert err.startswith("yotassist: error: ") and "\n" not in err and "Traceback" not in err


def test_cli_missing_file():
    res = runner.invoke(app, ["parse", "/nonexistent/report.txt"])
    assert res.exit_code == 2


# ------------------------------------------------------------------ fuzz: never a traceback

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FRAGMENTS = ["1.1", "2.1.", "3.4", "4.1. Resettlement", "Overall rating", "Over\tall rating", "Score", "8/36",
             "Score 19/36", "Good", "Requires", "improvement", "Requires improvement", "Inadequate", "Outstanding",
             "Ratings", "Contents", "Annexe 1: Methodology", "Annex", "Domain one: Organisational delivery",
             "1. Organisational delivery", "Strengths:", "Areas for improvement:", "- ", "• ", "1. ", "**", "\t",
             "% 'Yes'", "Relevant cases\tNumber 'Yes'", "Does assessment keep the child safe?", "88%", "9\t8", "¹",
             "Our rating for planning is: Good", "key questions", "0-30 scale", "Each of the 10 standards", "--",
             "Recommendations", "Short Quality Screening", "| 1.1 | Staff | Good |", "<i>", "$^{3}$", " ", "?"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=6)
                .map(" ".join), max_size=60))
def test_parse_lines_never_raises(lines):
    from ingest import parse_lines

    r = parse_lines(lines, "fuzz.txt")
    assert r.report_type in ("inspection", "sqs", "unknown")
    for s in r.sections:
        assert 1 <= s.line_start <= s.line_end <= max(len(lines), 1)
    r.model_dump_json()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.md", "a.html", "a.pdf", "a"]))
def test_load_bytes_never_raises_anything_but_ingest_error(data, name):
    try:
        load_bytes(data, name)
    except IngestError as exc:
        _one_line(exc)
