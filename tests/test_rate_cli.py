"""`yotassist rate` from the command line: what-if JSON shape, bad specs, the rich table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

RATINGS = {"Inadequate", "Requires improvement", "Good", "Outstanding"}
STANDARD_KEYS = {"published", "computed", "agrees", "qualitative", "basis", "lowest_percent", "margin_pp",
                 "discretion_eligible", "discretion_reasons"}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "160"})


def test_what_if_json_shape_and_values(runner) -> None:
    res = runner.invoke(app, ["rate", "--kq", "2.2=5/8,4/7,8/9", "--kq", "3.1=72%,81%,66%",
                              "--framework", "2021", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {"source", "framework", "standards", "score", "overall", "resettlement", "findings",
            "explanation"} <= set(data)
    assert data["framework"] == "2021" and set(data["standards"]) == {"2.2", "3.1"}
    s22 = data["standards"]["2.2"]
    assert STANDARD_KEYS <= set(s22)
    assert s22["computed"] == "Requires improvement" and s22["lowest_percent"] == 57.1
    assert s22["basis"]["yes"] == 4 and s22["basis"]["relevant"] == 7
    assert s22["basis"]["theme"] == "the child's safety"  # typed values take the usual order
    assert s22["published"] is None and s22["agrees"] is None
    s31 = data["standards"]["3.1"]
    assert s31["computed"] == "Good" and s31["margin_pp"] == 1.0 and s31["discretion_eligible"] is True
    assert {"published", "computed"} <= set(data["score"]) and data["score"]["computed"] is None
    assert all(s["computed"] in RATINGS for s in data["standards"].values())
    assert "Planning (2.2, court disposals) comes to Requires improvement" in data["explanation"]
    assert "\n" not in data["explanation"]


def test_what_if_2018_joint_working_and_full_score(runner) -> None:
    args = ["rate", "--framework", "2018", "--json"]
    for sid in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"):
        args += ["--kq", f"{sid}=80%,90%,100%"]
    args += ["--kq", "3.4=4/5,1/1"]
    for sid in ("1.1", "1.2", "1.3", "1.4"):
        args += ["--rating", f"{sid}=outstanding"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["standards"]["3.4"]["computed"] == "Outstanding"
    assert data["standards"]["1.1"] == {**data["standards"]["1.1"], "published": "Outstanding", "qualitative": True}
    assert data["score"]["computed"] == 36 and data["overall"]["computed"] == "Outstanding"
    assert data["resettlement"]["in_framework"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kq", "2.2=5/0"], "no relevant cases"),
        (["--kq", "2.2=9/8"], "more 'Yes' answers"),
        (["--kq", "2.2=lots"], "cannot read 'lots'"),
        (["--kq", "planning"], "expected STANDARD=VALUES"),
        (["--kq", "3.4=5/8", "--framework", "2021"], "rated qualitatively"),
        (["--kq", "2.2=5/8", "--kq", "2.2=6/8"], "given twice"),
        (["--kq", "2.2=5/8", "--framework", "2030"], "unknown framework"),
        (["--kq", "2.2=5/8", "--rating", "1.1=Brilliant"], "rating must be one of"),
        (["--kq", "3.1=60%", "--cases", "3.1=x"], "bad --cases"),
        (["--kq", "3.1=60%", "--cases", "3.2=5"], "without --kq values"),
        ([], "give a report FILE"),
        (["no-such-report.txt"], "no such file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner, args, message) -> None:
    res = runner.invoke(app, ["rate", *args])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("yotassist: error:") and message in lines[0]
    assert "Traceback" not in res.output


def test_file_and_kq_together_is_refused(runner, tmp_path) -> None:
    f = tmp_path / "r.txt"
    f.write_text("x\n")
    res = runner.invoke(app, ["rate", str(f), "--kq", "2.2=5/8"])
    assert res.exit_code == 2 and "not both" in res.stderr


def test_cases_enable_the_one_case_test_for_typed_percentages(runner) -> None:
    res = runner.invoke(app, ["rate", "--kq", "3.1=90%,40%,95%", "--cases", "3.1=5", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["standards"]["3.1"]
    assert s["computed"] == "Inadequate" and s["discretion_eligible"]
    assert any("sample of 5 cases" in r for r in s["discretion_reasons"])


def test_table_shows_published_and_computed_side_by_side(runner) -> None:
    res = runner.invoke(app, ["rate", "--kq", "2.2=5/8,4/7,8/9", "--rating", "1.1=Good"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "Published" in out and "Computed" in out
    assert "2.2 Planning" in out and "Requires improvement" in out and "57.1% (4/7)" in out
    assert "1.1 Governance and leadership" in out and "qualitative" in out
    assert "comes to Requires improvement" in out  # the explanation follows the table
    assert not out.lstrip().startswith("{")


def test_console_script_exit_code_and_stderr() -> None:
    exe = Path(sys.executable).with_name("yotassist")
    ok = subprocess.run([str(exe), "rate", "--kq", "2.1=13/20,19/20,20/20", "--json"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    s = json.loads(ok.stdout)["standards"]["2.1"]
    assert s["computed"] == "Good" and s["margin_pp"] == 0.0 and s["discretion_eligible"]
    bad = subprocess.run([str(exe), "rate", "--kq", "2.1=13/0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("yotassist: error: bad --kq")


def test_rate_says_when_the_report_has_parser_warnings(runner, tmp_path) -> None:
    """`rate` on a report the parser warns about says so (table and JSON), before any disagreement."""
    from api_support import derived_report

    path = tmp_path / "warnbury-2023.txt"
    path.write_bytes(derived_report("Warnbury", disagree_22=True))
    res = runner.invoke(app, ["rate", str(path)])
    assert res.exit_code == 0, res.output
    assert "Working from a report with 2 parser warning(s)" in res.output
    assert "is not the sum" in res.output
    data = json.loads(runner.invoke(app, ["rate", str(path), "--json"]).stdout)
    assert any("is not the sum" in w for w in data["report_warnings"])
