"""The weekly report: posted by the sweep into the case channel at the configured local day and hour, once,
with its chart uploaded through ``files_upload_v2`` (recorded by the fake Slack), and its alt text.

Monday 2026-11-23 09:00 in Los Angeles is 17:00 UTC: the report covers Monday Nov 16 to Sunday Nov 22
(from 2026-11-16 08:00 UTC to 2026-11-23 08:00 UTC). From tests/report_story.py, worked by hand: H debited
$70.00 on Nov 16 and J denied (no amount) on Nov 17, nothing recovered; at risk: F (reply due Nov 22, now
overdue, £30.00). I's unanswered request is closed automatically by the same sweep first.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from rules.settings import Settings
from store.db import Store
from store.models import OutboxNotice
from sweep.scheduler import sweep
from sweep.weekly_report import due_instant
from tests.processes import run_together
from tests.report_story import tell_story
from webapi.posting import Pacer

CHANNEL = "CCASES"
MONDAY_0905 = datetime(2026, 11, 23, 17, 5, tzinfo=UTC)


@pytest.fixture
def settings(fake_slack) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(api_url=fake_slack.base_url, bot_token="xoxb-test", alert_channel=CHANNEL, digest_hour=None,
                    report_day=0, report_hour=9)


def run(store: Store, settings: Settings, at: datetime):  # type: ignore[no-untyped-def]
    from webapi.client import make_client

    return sweep(store, make_client(settings), settings, now=at, pacer=Pacer(0))


def weekly_posts(fake) -> list[dict]:  # type: ignore[no-untyped-def]
    return [m for m in fake.messages(CHANNEL) if m.get("text", "").startswith("Weekly report:")]


def test_the_report_is_due_at_the_configured_local_day_and_hour() -> None:
    settings = Settings(alert_channel=CHANNEL, report_day=0, report_hour=9)
    assert due_instant(settings, datetime(2026, 11, 23, 16, 59, tzinfo=UTC)) == datetime(2026, 11, 16, 17, tzinfo=UTC)
    assert due_instant(settings, MONDAY_0905) == datetime(2026, 11, 23, 17, tzinfo=UTC)
    assert due_instant(Settings(alert_channel=CHANNEL), MONDAY_0905) is None  # no hour set: no weekly report


def test_the_weekly_report_and_its_chart_are_posted_once_across_sweeps(store, fake_slack, settings) -> None:
    tell_story(store)
    run(store, settings, MONDAY_0905 - timedelta(minutes=10))  # 08:55: not yet
    assert weekly_posts(fake_slack) == [] and fake_slack.uploads(CHANNEL) == []

    for at in (MONDAY_0905, MONDAY_0905 + timedelta(minutes=1), MONDAY_0905 + timedelta(hours=3)):
        report = run(store, settings, at)
        assert report.errors == []
    [post] = weekly_posts(fake_slack)
    text = str(post["blocks"])
    assert "Weekly report: Nov 16, 2026 – Nov 22, 2026" in post["text"]
    assert "*Lost*: $70.00" in text and "*Recovered*: —" in text
    assert "£30.00 (1 cases, 1 already overdue)" in text
    uploads = fake_slack.uploads(CHANNEL)
    assert [u.filename for u in uploads] == ["report-2026-11-23.png"]
    upload = uploads[0]
    image = Image.open(io.BytesIO(upload.content or b""))
    assert (image.format, image.size) == ("PNG", (1000, 420))
    assert 10_000 < len(upload.content or b"") < 500_000
    # The alt text carries the chart's numbers: the weeks with outcomes, and open cases by time left.
    alt = upload.alt_txt or ""
    assert "Oct 26, 2026: recovered $50.00, lost —" in alt
    assert "Nov 9, 2026: recovered €80.00 · $123.45, lost $50.00" in alt
    assert "Nov 16, 2026: recovered —, lost $70.00" in alt
    assert "Overdue: 1, < 24 h: 0, 24–48 h: 0, 2–7 days: 1, > 7 days: 0" in alt
    with store.reading() as session:
        row = session.scalars(select(OutboxNotice).where(OutboxNotice.kind == "weekly")).one()
    assert (row.key, row.status, row.sent_ts) == (f"weekly:{CHANNEL}:2026-11-23", "sent", post["ts"])

    run(store, settings, MONDAY_0905 + timedelta(days=7))  # the next Monday: the next week's report
    assert len(weekly_posts(fake_slack)) == 2 and len(fake_slack.uploads(CHANNEL)) == 2


def test_slack_down_during_the_upload_posts_only_the_chart_next_time(store, fake_slack, settings) -> None:
    tell_story(store)
    fake_slack.fail_next("files.getUploadURLExternal", error="service_unavailable")
    report = run(store, settings, MONDAY_0905)
    assert report.errors and len(weekly_posts(fake_slack)) == 1 and fake_slack.uploads(CHANNEL) == []
    assert run(store, settings, MONDAY_0905 + timedelta(minutes=1)).errors == []
    assert len(weekly_posts(fake_slack)) == 1 and len(fake_slack.uploads(CHANNEL)) == 1


def test_two_sweeps_at_once_post_the_weekly_report_once(db_url, store, fake_slack, settings, policy) -> None:
    tell_story(store)
    stores = [Store.from_url(db_url, policy) for _ in range(2)]
    errors: list[BaseException] = []

    def one(s: Store) -> None:
        try:
            run(s, settings, MONDAY_0905)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    run_together(one, ((s,) for s in stores), timeout=60)
    for s in stores:
        s.dispose()
    assert errors == []
    assert len(weekly_posts(fake_slack)) == 1 and len(fake_slack.uploads(CHANNEL)) == 1


def test_a_chinese_channel_gets_the_report_in_chinese(store, fake_slack, settings) -> None:
    from dataclasses import replace

    tell_story(store)
    run(store, replace(settings, channel_locale="zh_CN"), MONDAY_0905)
    [post] = [m for m in fake_slack.messages(CHANNEL) if m.get("text", "").startswith("每周报告")]
    assert "*已损失*: US$70.00" in str(post["blocks"])
    [upload] = fake_slack.uploads(CHANNEL)
    assert "已逾期: 1" in (upload.alt_txt or "")


def test_a_dry_run_says_it_would_post_the_weekly_report_and_posts_nothing(store, fake_slack, settings) -> None:
    tell_story(store)
    preview = sweep(store, None, settings, now=MONDAY_0905, dry_run=True)
    assert f"Would post the weekly report (2026-11-16..2026-11-22) with its chart to {CHANNEL}" in preview.preview
    assert weekly_posts(fake_slack) == [] and fake_slack.uploads() == []
    run(store, settings, MONDAY_0905)
    assert not any("weekly report" in line for line in sweep(store, None, settings, now=MONDAY_0905,
                                                              dry_run=True).preview)


@pytest.mark.parametrize("how", ["500", "drop"])
def test_a_weekly_report_slack_took_but_whose_answer_was_lost_is_posted_once(store, fake_slack, settings, how) -> None:
    """The message lands, its answer never comes back: the next sweep finds it by its metadata key in the
    channel and posts only the chart, never the message a second time."""
    tell_story(store)
    fake_slack.lose_reply("chat.postMessage", how, delay=0.0)
    first = run(store, settings, MONDAY_0905)
    assert first.errors and fake_slack.uploads(CHANNEL) == []
    assert len(weekly_posts(fake_slack)) == 1  # Slack has it, the sweep does not know
    run(store, settings, MONDAY_0905 + timedelta(minutes=5))
    assert len(weekly_posts(fake_slack)) == 1 and len(fake_slack.uploads(CHANNEL)) == 1
    with store.reading() as session:
        row = session.scalars(select(OutboxNotice).where(OutboxNotice.kind == "weekly")).one()
    assert (row.status, row.sent_ts) == ("sent", weekly_posts(fake_slack)[0]["ts"])
