"""A broken install stops the server at start with its cause, instead of serving 503s."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from api.app import BrokenInstall, create_app
from api.cli import app as cli


def test_create_app_refuses_to_start_without_the_assistant(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "assistant.service", None)  # makes `import assistant.service` fail
    with pytest.raises(BrokenInstall, match="assistant cannot be imported"):
        create_app()


def test_serve_says_so_in_one_line(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "assistant.service", None)
    res = CliRunner().invoke(cli, ["serve", "--port", "0", "--index", str(tmp_path / "index")])
    assert res.exit_code == 2
    assert res.stderr.startswith("yotassist: error: the assistant cannot be imported")
    assert "Traceback" not in res.output
