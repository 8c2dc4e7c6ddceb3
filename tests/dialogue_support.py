"""A fictitious report for the rating-reasoning and follow-up tests: "Brackenmoor".

Made from the project's own Kelderton and Marsh Vale sample (never the corpus), renamed, with
its prose tagged so that no sentence is shared word for word (shared sentences are boilerplate to
the assistant), and with 2.2 Planning key questions chosen so the what-if arithmetic is exact:
10/12 (83.3%), 7/12 (58.3%), 4/9 (44.4%) -> Inadequate, as published; one more 'Yes' on keeping
other people safe (5/9 = 55.6%) would make it Requires improvement.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KMV = ROOT / "samples" / "kelderton-and-marsh-vale-2020.md"
SERVICE = "Brackenmoor"
ROWS_22 = ((12, 10), (12, 7), (9, 4))  # (relevant, yes): desistance, child's safety, other people's safety


def brackenmoor_text() -> str:
    text = KMV.read_text(encoding="utf-8").replace("Kelderton and Marsh Vale", SERVICE)
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("### 2.2. Planning"))
    rows = [i for i in range(start, start + 20) if lines[i].startswith("| Does planning")]
    assert len(rows) == 3, rows
    for i, (rel, yes) in zip(rows, ROWS_22):
        q = lines[i].split("|")[1].strip()
        lines[i] = f"| {q} | {rel} | {yes} |"
    tag = f" (in {SERVICE})"
    out = [re.sub(r"(?<=[a-z])\.(?=\s|$)", tag + ".", ln) if len(ln) > 40 and not ln.startswith("|") else ln
           for ln in lines]
    return "\n".join(out)


def write_brackenmoor(folder: Path) -> Path:
    path = folder / "brackenmoor-2020.md"
    path.write_text(brackenmoor_text(), encoding="utf-8")
    return path
