"""Fields right per layout: the parser on fictitious reports rendered the way real ones arrive.

Run: ``.venv/bin/python bench/parsing.py`` (renders with /usr/bin/chromium and LibreOffice into
build/layouts, then parses each file and counts fields right against the builder's TRUTH).
Writes bench/results/parsing.md. A field is one of: service, publication date, framework,
overall, score, each standard's rating, resettlement, each key-question figure, each
recommendation, each strength / area for improvement, each annex section; plus whether the
parse raised any warning (a clean fixture must raise none).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "variants"))


def score(report, truth: dict) -> tuple[int, int, list[str]]:
    """(right, total, what was wrong)."""
    wrong: list[str] = []
    right = total = 0

    def field(name: str, got, want) -> None:
        nonlocal right, total
        total += 1
        if got == want:
            right += 1
        else:
            wrong.append(f"{name}: got {got!r}, want {want!r}")

    for f in ("service", "published", "framework", "overall", "score", "resettlement"):
        field(f, getattr(report, f), truth[f])
    for sid, rating in truth["standards"].items():
        field(f"standard {sid}", report.standards.get(sid), rating)
    for sid, figures in truth["kq"].items():
        got = [q.percent for q in report.key_questions.get(sid, [])]
        for n, want in enumerate(figures):
            field(f"kq {sid}.{n + 1}", got[n] if n < len(got) else None, float(want))
        if len(got) > len(figures):
            field(f"kq {sid} extra rows", got[len(figures):], [])
    for n, rec in enumerate(truth["recommendations"]):
        field(f"recommendation {n + 1}", report.recommendations[n] if n < len(report.recommendations) else None, rec)
    for kind in ("strengths", "improvements"):
        for sid, items in truth[kind].items():
            sec = report.section(sid)
            got = getattr(sec, kind) if sec else []
            for n, item in enumerate(items):
                field(f"{kind} {sid}.{n + 1}", got[n] if n < len(got) else None, item)
    for aid in truth.get("annexes", []):
        field(f"annex {aid}", bool(report.section(aid)), True)
    return right, total, wrong


def _existing(out: Path, name: str) -> dict[str, Path]:
    import build_layouts

    build_layouts.REPORTS[name]()  # fills TRUTH
    return {"pdf-1col": out / f"{name}-1col.pdf", "pdf-2col": out / f"{name}-2col.pdf", "docx": out / f"{name}.docx",
            "docx-pdf": out / "lo" / f"{name}.pdf", "text-layer": out / f"{name}-text-layer.txt"}


def main() -> None:
    import build_layouts

    from ingest import IngestError, Report, load_report

    out = ROOT / "build" / "layouts"
    paths = build_layouts.build(out) if "--no-render" not in sys.argv else {
        (n, lay): p for n in build_layouts.REPORTS for lay, p in _existing(out, n).items()}
    rows = []
    for (name, layout), path in paths.items():
        try:
            r = load_report(path)
        except IngestError as exc:  # refused: every field is wrong
            _, total, _ = score(Report(source=path.name), build_layouts.TRUTH[name])
            rows.append((name, layout, 0, total, 0, [f"refused: {exc}"], []))
            continue
        right, total, wrong = score(r, build_layouts.TRUTH[name])
        rows.append((name, layout, right, total, len(r.warnings), wrong, r.warnings))
    lines = ["| report | layout | fields right | warnings |", "|---|---|---|---|"]
    for name, layout, right, total, nw, _, _ in rows:
        lines.append(f"| {name} | {layout} | {right}/{total} | {nw} |")
    print("\n".join(lines))
    for name, layout, _, _, _, wrong, warns in rows:
        for w in wrong:
            print(f"  {name} {layout} WRONG {w}")
        for w in warns:
            print(f"  {name} {layout} WARNING {w}")


if __name__ == "__main__":
    main()
