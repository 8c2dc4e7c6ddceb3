"""Figures that do not add up are loud: planted faults in our own samples each give a warning,
and the clean samples give none (ingest/figure_checks.py)."""

from __future__ import annotations

from pathlib import Path

from ingest import load_report

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _planted(tmp_path: Path, name: str, old: str, new: str, count: int = 1) -> list[str]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return load_report(path).warnings


def test_clean_samples_have_no_figure_warning() -> None:
    for name in ("ashbridge-2023.txt", "kelderton-and-marsh-vale-2020.md", "northwold-2022.html"):
        warnings = load_report(SAMPLES / name).warnings
        assert not [w for w in warnings if "key question" in w], (name, warnings)


def test_a_lost_row_is_named(tmp_path: Path) -> None:
    warnings = _planted(tmp_path, "ashbridge-2023.txt",
                        "Does planning focus well enough on keeping other people safe?\t58%\n", "")
    assert any("Standard 2.2 has 2 key questions" in w for w in warnings), warnings


def test_counts_that_cannot_be(tmp_path: Path) -> None:
    warnings = _planted(tmp_path, "kelderton-and-marsh-vale-2020.md",
                        "| Does assessment analyse well enough how to keep the child safe? | 12 | 7 |",
                        "| Does assessment analyse well enough how to keep the child safe? | 12 | 17 |")
    assert any("more 'Yes' answers (17) than relevant cases (12)" in w for w in warnings), warnings


def test_a_misread_figure_that_changes_the_band(tmp_path: Path) -> None:
    text = (SAMPLES / "ashbridge-2023.txt").read_text(encoding="utf-8")
    # a footnote mark or a neighbouring figure read as the value: 27% where 58% is printed
    text = text.replace("keeping other people safe?\t58%", "keeping other people safe?\t27%", 1)
    path = tmp_path / "ashbridge-2023.txt"
    path.write_text(text, encoding="utf-8")
    warnings = load_report(path).warnings
    assert any(w.startswith("Standard 2.2: the lowest key question (27%) is in the Inadequate band") for w in warnings), warnings
