"""The `safet` command line: one obvious way in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from slack_app.cli import build_parser

COMMANDS = ["serve", "socket", "sweep", "demo", "db", "roster", "intake", "accounts"]


# The entry point pip installed beside this interpreter: the README runs the tests without activating the venv.
SAFET = str(Path(sys.executable).with_name("safet"))


@pytest.mark.parametrize("argv", [[SAFET, "--help"], [sys.executable, "-m", "slack_app", "--help"]])
def test_help_lists_every_subcommand(argv):  # type: ignore[no-untyped-def]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
    for command in COMMANDS:
        assert f"    {command}" in result.stdout, command


def test_the_parser_knows_exactly_the_documented_subcommands():  # type: ignore[no-untyped-def]
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")
    assert sorted(subparsers.choices) == sorted(COMMANDS)


def test_sweep_refuses_an_instant_without_offset(capsys):  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["sweep", "--now", "2026-11-20T15:00:00"])
    assert "no UTC offset" in capsys.readouterr().err


def test_db_upgrade_creates_the_schema_in_a_new_sqlite_file(tmp_path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "slack_app", "db", "upgrade"], capture_output=True, text=True,
                            timeout=60, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "schema at revision 0006" in result.stdout
    current = subprocess.run([sys.executable, "-m", "slack_app", "db", "current"], capture_output=True, text=True,
                             timeout=60, env=env, cwd=tmp_path)
    assert current.stdout.strip() == "0006"
