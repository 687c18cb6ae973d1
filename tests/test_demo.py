"""`safet demo`: a sample team's week played through the sweep, in the terminal, with no Slack."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime

from slack_app import runtime
from store.db import Policy, Store, upgrade
from sweep import demo


def test_the_demo_plays_a_week_with_warnings_closes_and_outcomes_without_slack(tmp_path):
    settings = demo.demo_settings("en", f"sqlite:///{tmp_path}/demo.sqlite3")
    upgrade(settings.database_url)
    store = Store.from_url(settings.database_url, Policy.of(settings))
    out = io.StringIO()
    try:
        start = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # Friday 08:00 in Los Angeles
        total = demo.play_demo(store, settings, start=start, holiday_name="Thanksgiving Day", days=7, out=out)
    finally:
        store.dispose()
    text = out.getvalue()

    assert "Thursday 26 November 2026 — Thanksgiving Day" in text
    assert "US holidays skipped" in text
    assert "Closed automatically" in text and "No debit came" in text
    assert "Amazon may debit the account" in text
    assert "notices, most urgent first" in text
    assert "missed warning(s) skipped" in text
    assert "direct message to @mei" in text and "sent back your" in text
    assert "✅ @priya" in text  # priya's approval, in mei's own language (zh_CN)
    assert "Daily summary" in text and "需操作" in text
    assert "<!date" not in text and "<@" not in text
    assert (total.closed, total.presumed) == (1, 1) and total.skipped >= 2
    # mei's denied claim: its "Appeal by" date passes mid-week, is told once, then settles.
    assert "Seller Central may no longer accept an appeal, and the denial stands" in text
    assert text.count("may no longer accept an appeal") == 1
    assert "the “Appeal by” date of 1 denied claim(s) passed" in text and total.expired == 1


def test_the_demo_week_starts_on_the_friday_before_a_weekday_holiday():
    settings = demo.demo_settings()
    start, holiday = demo.demo_week_start(settings, datetime(2026, 11, 1, tzinfo=UTC))

    assert (start, holiday) == (datetime(2026, 11, 6, 16, 0, tzinfo=UTC), "Veterans Day")


def test_the_demo_command_starts_from_a_fresh_file(tmp_path, capsys):
    path = tmp_path / "demo.sqlite3"
    path.write_text("not a database")

    assert runtime.demo(f"sqlite:///{path}", days=1, locale="en") == 0

    out = capsys.readouterr().out
    assert "Cases at the start:" in out and "safet sweep --dry-run" in out
    assert runtime.demo("postgresql://example/db", days=1) == 2
    assert runtime.demo(f"sqlite:///{path}", days=0) == 2


def test_safet_demo_for_two_days_prints_the_warnings_and_exits_0(tmp_path):
    path = tmp_path / "two-days.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFET_", "SLACK_", "DATABASE_URL"))}

    result = subprocess.run([sys.executable, "-m", "slack_app", "demo", "--days", "2", "--database",
                             f"sqlite:///{path}"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Cases at the start:" in out
    assert "→ #seller-support" in out
    assert "⏰ @james *Respond to the chargeback* by" in out  # a warning before the reply is due
    assert "Overdue: *Respond to the chargeback*" in out  # and the notice once it passed
    assert re.search(r"In 2 days the app would have posted \d+ messages carrying \d+ notices, skipped \d+ stale "
                     r"warnings, closed \d+ claim\(s\) automatically", out)
    assert f"The cases stay in {path}" in out
    assert path.exists() and not list(tmp_path.glob("safet-demo.sqlite3"))
