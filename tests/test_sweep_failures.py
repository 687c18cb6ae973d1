"""Sweep: failures; dry run and daily summary; the command line; in-process sweeping (split from
tests/test_sweep.py, whose helpers it uses)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from slack_app.config import Settings
from store import cases
from store.db import Policy, Store
from store.models import OutboxNotice
from store.queries import home_data
from sweep.scheduler import SweepResult, start_sweeper, sweep
from tests.processes import run_together
from tests.test_sweep import (  # noqa: F401 (fixtures)
    CHANNEL,
    MEI,
    H,
    chargeback_due,
    client,
    fast,
    filed_claim,
    keys,
    messages,
    outbox_rows,
    run,
    settings,
    slack,
    snapshot,
    stage_key,
    text_of,
)
from webapi.client import make_client
from webapi.posting import Pacer

# ---------------------------------------------------------------- failures


def test_a_channel_slack_refuses_for_good_fails_its_notices_and_the_others_still_post(
        db_url, store, client, settings, slack, now):  # noqa: F811
    archived = Store.from_url(db_url, Policy(case_channel="CARCHIVED"))
    try:
        lost = [chargeback_due(archived, now + 2 * H) for _ in range(2)]
        kept = [chargeback_due(store, now + 2 * H) for _ in range(2)]
        slack.set_channel_error("CARCHIVED", "is_archived")

        report = run(store, client, settings, now)

        assert (report.posted, report.failed, report.errors) == (2, 2, [])
        assert sorted(keys(slack)) == sorted(stage_key(c, "warn-4h") for c in kept)
        rows = outbox_rows(store)
        assert [(rows[stage_key(c, "warn-4h")].status, rows[stage_key(c, "warn-4h")].error) for c in lost] == \
            [("failed", "is_archived")] * 2
        assert home_data(store, user_id=MEI, now=now).failed_notices == 2
        calls = len(slack.calls("chat.postMessage"))
        assert run(store, client, settings, now + timedelta(minutes=5)).failed == 0
        assert len(slack.calls("chat.postMessage")) == calls
    finally:
        archived.dispose()


def test_rate_limits_and_server_errors_delay_notices_but_never_double_them(store, client, settings, slack, now):  # noqa: F811
    first = [chargeback_due(store, now + 2 * H, owner=f"U{n}A") for n in range(3)]
    slack.fail_next("chat.postMessage", status=429, retry_after=0)  # waited out and retried: nothing was posted
    slack.fail_next("chat.postMessage", status=500)  # never re-sent blindly: its fate is unknown

    report = run(store, client, settings, now)

    assert (report.posted, report.unknown, report.left) == (2, 1, 1)
    assert len(slack.calls("chat.postMessage")) == 4
    assert run(store, client, settings, now + timedelta(minutes=1)).posted == 1  # not in the channel: posted

    later = [chargeback_due(store, now + 4 * H, owner=f"U{n}B") for n in range(2)]
    slack.fail_next("chat.postMessage", status=500, times=2)
    outage = run(store, client, settings, now + H)
    assert outage.posted == 0 and outage.left == 2
    assert outage.errors and "Slack could not be reached" in outage.errors[0]
    # Two lost answers in a row stop the sweep; each was tried once and is looked up before a re-send.
    assert [outbox_rows(store)[stage_key(c, "warn-4h")].attempts for c in later] == [1, 1]

    assert run(store, client, settings, now + H).posted == 2
    assert Counter(keys(slack)) == {stage_key(c, "warn-4h"): 1 for c in first + later}
    assert len(slack.calls("conversations.history")) == 2  # one read per conversation per sweep


def test_a_crash_between_posting_and_marking_is_recovered_from_the_message_metadata(
        store, client, settings, slack, now):  # noqa: F811
    change = chargeback_due(store, now + 2 * H)
    key = stage_key(change, "warn-4h")
    run(store, client, settings, now)
    [posted] = messages(slack)
    with store.transaction() as session:  # as if the sweep died before marking the row sent
        session.execute(update(OutboxNotice).where(OutboxNotice.key == key)
                        .values(status="claimed", claim_token="dead-sweep", claimed_at=now, sent_ts=None))

    assert run(store, client, settings, now + timedelta(minutes=2)).posted == 0  # within the lease: hands off
    report = run(store, client, settings, now + timedelta(minutes=6))

    assert (report.recovered, report.posted) == (1, 0)
    assert keys(slack) == [key]
    row = outbox_rows(store)[key]
    assert (row.status, row.sent_ts) == ("sent", posted["ts"])


def test_a_notice_of_unknown_fate_that_never_reached_slack_is_posted_after_the_lease(
        store, client, settings, slack, now):  # noqa: F811
    change = chargeback_due(store, now + 2 * H)
    key = stage_key(change, "warn-4h")
    with store.transaction() as session:
        session.execute(update(OutboxNotice).where(OutboxNotice.key == key)
                        .values(status="claimed", claim_token="dead-sweep", claimed_at=now))

    report = run(store, client, settings, now + timedelta(minutes=6))

    assert (report.recovered, report.posted) == (0, 1)
    assert keys(slack) == [key]
    assert slack.calls("conversations.history")[0].args["include_all_metadata"] in ("1", 1, True, "true")


def test_a_history_that_cannot_be_read_does_not_hold_back_a_notice_of_unknown_fate(store, client, settings, slack, now):  # noqa: F811
    change = chargeback_due(store, now + 2 * H)
    with store.transaction() as session:
        session.execute(update(OutboxNotice).where(OutboxNotice.key == stage_key(change, "warn-4h"))
                        .values(status="claimed", claim_token="dead-sweep", claimed_at=now))
    slack.fail_next("conversations.history", error="missing_scope")

    report = run(store, client, settings, now + timedelta(minutes=6))

    assert (report.posted, report.errors) == (1, [])
    assert keys(slack) == [stage_key(change, "warn-4h")]


def test_a_refused_bot_token_stops_the_sweep_and_keeps_every_notice_queued(store, client, settings, slack, now):  # noqa: F811
    made = [chargeback_due(store, now + 2 * H, owner=f"U{n}T") for n in range(2)]
    slack.fail_next("chat.postMessage", error="invalid_auth")

    report = run(store, client, settings, now)

    assert (report.posted, report.failed, report.left) == (0, 0, 2)
    assert report.errors[0].startswith("Slack refused the bot token (invalid_auth)")
    assert {outbox_rows(store)[stage_key(c, "warn-4h")].status for c in made} == {"pending"}
    assert run(store, client, settings, now).posted == 2


def test_sweeps_running_at_once_post_every_notice_exactly_once(db_url, store, settings, slack, now):  # noqa: F811
    made = [chargeback_due(store, now + 2 * H + n * timedelta(minutes=1), owner=f"U{n % 6}X") for n in range(24)]
    stores = [Store.from_url(db_url, store.policy) for _ in range(3)]
    reports: list[SweepResult] = []

    def one(s: Store) -> None:
        reports.append(sweep(s, fast(make_client(settings)), settings, now=now, pacer=Pacer(0), batch=4))

    run_together(one, ((s,) for s in stores), timeout=30)
    for s in stores:
        s.dispose()

    assert sum(r.posted for r in reports) == 24
    assert all(r.errors == [] for r in reports)
    assert Counter(keys(slack)) == {stage_key(c, "warn-4h"): 1 for c in made}


# ---------------------------------------------------------------- dry run and daily summary




def test_a_dry_run_prints_what_it_would_post_and_close_and_changes_nothing(store, settings, slack, now):  # noqa: F811
    claim = filed_claim(store, now - timedelta(days=5))
    cases.log_info_request(store, claim, actor=MEI, now=now - timedelta(days=5), arrived_at=now - timedelta(days=5))
    change = chargeback_due(store, now + 2 * H, notes="<!channel>")
    before = snapshot(store)

    report = sweep(store, None, replace_settings(settings, digest_hour=9), now=now, dry_run=True)

    assert snapshot(store) == before
    assert slack.calls() == []
    preview = "\n".join(report.preview)
    assert "Information requested → Closed automatically" in preview
    assert stage_key(change, "warn-4h") in preview
    assert "closed the claim automatically" in preview
    assert "direct message to UMEI" in preview
    assert "Daily summary" in preview
    assert "@UMEI" in preview and "<!channel>" in preview  # terminal text reads the escaped note back
    assert (report.closed, report.posted) == (1, 4)


def replace_settings(settings: Settings, **changes: Any) -> Settings:  # noqa: F811
    from dataclasses import replace

    return replace(settings, **changes)


def test_the_daily_summary_is_posted_once_a_day_at_the_digest_hour(db_url, store, client, settings, slack):  # noqa: F811
    settings = replace_settings(settings, digest_hour=9)
    friday_0830 = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    overdue = chargeback_due(store, friday_0830 - 3 * H)
    soon = chargeback_due(store, friday_0830 + 20 * H)
    failing = Store.from_url(db_url, Policy(case_channel="CGONE"))
    chargeback_due(failing, friday_0830 - 5 * H)
    failing.dispose()
    slack.set_channel_error("CGONE", "channel_not_found")
    run(store, client, settings, friday_0830)  # before 09:00: notices, no summary
    assert not [k for k in keys(slack) if k.startswith("daily:")]

    run(store, client, settings, friday_0830 + 35 * timedelta(minutes=1))
    run(store, client, settings, friday_0830 + 3 * H)

    [daily] = [m for m in messages(slack) if m["metadata"]["event_payload"]["keys"] == ["daily:CCASES:2026-11-20"]]
    text = text_of(daily)
    assert "Action Required (需操作)" in text
    assert "The team believes 3 chargebacks are open" in text
    assert overdue.case.order_id in text and soon.case.order_id in text
    assert "could not be posted" in text and "channel_not_found" in text
    run(store, client, settings, friday_0830 + 25 * H)
    assert [k for k in keys(slack) if k.startswith("daily:")] == ["daily:CCASES:2026-11-20", "daily:CCASES:2026-11-21"]


# ---------------------------------------------------------------- the command line


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(db_url: str, api_url: str, at: datetime, tmp_path) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFET_", "SLACK_", "DATABASE_URL"))}
    env.update(DATABASE_URL=db_url, SLACK_API_URL=api_url, SLACK_BOT_TOKEN="xoxb-test", SAFET_ALERT_CHANNEL=CHANNEL,
               NO_PROXY="127.0.0.1,localhost")
    return subprocess.Popen([sys.executable, "-m", "slack_app", "sweep", "--now", at.isoformat()], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def sqlite_copy(template: str, path) -> tuple[str, Store]:  # type: ignore[no-untyped-def]
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    return url, Store.from_url(url, Policy(case_channel=CHANNEL))


def test_the_sweep_command_posts_once_then_nothing_and_fails_plainly_when_slack_is_unreachable(
        sqlite_template, slack, now, tmp_path):  # noqa: F811
    # The command is the same on both backends (test_sweep_postgres.py runs it on PostgreSQL); SQLite files
    # keep these processes quick, and the unreachable one (the client's retries back off for seconds) runs
    # beside the others on a database of its own.
    down_url, down_store = sqlite_copy(sqlite_template, tmp_path / "down.sqlite3")
    chargeback_due(down_store, now + 2 * H)
    down = cli(down_url, f"http://127.0.0.1:{closed_port()}/api/", now, tmp_path)
    url, store = sqlite_copy(sqlite_template, tmp_path / "cli.sqlite3")
    made = [chargeback_due(store, now + 2 * H) for _ in range(2)]
    try:
        code, _, err = finished(cli(url, slack.base_url, now, tmp_path))
        assert code == 0, err
        posted = Counter(keys(slack))
        assert posted == {**{stage_key(c, "warn-4h"): 1 for c in made}, "daily:CCASES:2026-11-20": 1}

        code, out, err = finished(cli(url, slack.base_url, now + timedelta(minutes=1), tmp_path))
        assert code == 0, err
        assert Counter(keys(slack)) == posted
        assert "posted 0 notices" in out

        code, _, err = finished(down)
        assert code != 0
        [line] = err.strip().splitlines()
        assert line.startswith("safet: Slack could not be reached")
        left = outbox_rows(down_store)
        assert {left[k].status for k in left if k.endswith("warn-4h") or k.startswith("daily:")} == {"pending"}
    finally:
        store.dispose()
        down_store.dispose()


# ---------------------------------------------------------------- in-process sweeping


def test_the_in_process_sweeper_sweeps_on_its_interval_until_stopped(store, client, settings, slack, now):  # noqa: F811
    chargeback_due(store, now + 2 * H)
    sweeper = start_sweeper(store, client, replace_settings(settings, sweep_seconds=1), lambda: now)
    try:
        slack.wait_for("chat.postMessage", timeout=5)
        assert sweeper.alive
    finally:
        sweeper.stop()
    assert not sweeper.alive
    assert sweeper.last_report is not None and sweeper.last_report.posted == 1

    off = start_sweeper(store, client, replace_settings(settings, sweep_seconds=0), lambda: now)
    assert not off.alive
    off.stop()
