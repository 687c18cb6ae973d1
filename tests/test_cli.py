"""The `safet` command line: one obvious way in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from slack_app.cli import build_parser
from store.db import head_revision

COMMANDS = ["serve", "socket", "sweep", "demo", "db", "roster", "intake", "export", "accounts", "ledger"]


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
    assert f"schema at revision {head_revision()}" in result.stdout
    current = subprocess.run([sys.executable, "-m", "slack_app", "db", "current"], capture_output=True, text=True,
                             timeout=60, env=env, cwd=tmp_path)
    assert current.stdout.strip() == head_revision()


def test_export_writes_the_cases_and_their_events_as_csv(tmp_path):  # type: ignore[no-untyped-def]
    import csv

    from store.db import Policy, Store, upgrade
    from tests.report_story import tell_story

    url = f"sqlite:///{tmp_path / 'story.sqlite3'}"
    upgrade(url)
    store = Store.from_url(url, Policy())
    tell_story(store)
    store.dispose()
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "SAFET_TIMEZONE": "America/Los_Angeles"}
    result = subprocess.run([sys.executable, "-m", "slack_app", "export", "--from", "2026-10-01", "--to",
                             "2026-10-31", "october.csv"], capture_output=True, text=True, timeout=60, env=env,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # October (local): A opened and granted (Oct 31 23:30 PDT), D opened and debited; both are October's.
    with open(tmp_path / "october.csv", encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["order_id"], r["state"], r["recovered"]) for r in rows] == [
        ("123-1234567-0000001", "reimbursed", "50.00"), ("123-1234567-0000004", "debit_reversed", "80.00")]
    assert (tmp_path / "october-events.csv").read_bytes().startswith("\ufeff".encode())
    assert "wrote 2 cases" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "slack_app", "export", "--from", "2026-11-30", "--to", "2026-11-01",
                          "x.csv"], capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "ends before it begins" in bad.stderr
