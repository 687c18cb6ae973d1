"""The weekly report: posted into the case channel at the configured local day and hour, once.

``post_weekly_report`` is the whole job, for any sweep to call: it plans the week's outbox row
(``store.weekly``, keyed by channel and day, so two sweeps or two replicas post it once), posts the
figures of the seven days before that day, then the chart (drawn here, off any request) with
``files_upload_v2`` and alt text giving the same numbers. Slack out of reach: the row waits for the next
sweep (only the chart again when the message is already out). Slack refusing for good: the row is failed,
and shows in App Home and the daily summary like any notice that could not be posted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from rules.deadlines import local_instant
from rules.report_records import last_days
from rules.settings import Settings
from store import reports as store_reports
from store import weekly
from store.db import Store
from store.outbox import has_notice
from sweep.context import Round
from views.chart import render_chart
from views.i18n import translator
from views.report import chart_alt_text, period_title, weekly_message
from webapi.posting import SLACK_ERRORS, SlackPoster, classify

log = logging.getLogger("safet.sweep")

LATE_BY_AT_MOST = timedelta(days=1)
"""A report more than a day late (the app was down) is left out rather than posted days after."""
WEEKS_CHARTED = 13
HISTORY_MARGIN = timedelta(minutes=2)
"""How far before the report was due to look for it in the channel (clock skew)."""


@dataclass(frozen=True)
class Desk:
    """Where one seller account's weekly report goes: its channel, language and zone, and its cases only."""

    account: str | None
    channel: str
    locale: str
    zone: ZoneInfo


def desks(settings: Settings) -> list[Desk]:
    """One weekly report per account that has a case channel (the single-account settings: one, for all)."""
    book = settings.accounts
    if not book.several:
        return [Desk(None, settings.alert_channel, settings.channel_locale, settings.zone)] \
            if settings.alert_channel else []
    return [Desk(a.key, a.channel, a.locale, book.market_of(a.key).zone) for a in book.accounts if a.channel]


def due_instant(settings: Settings, now: datetime, zone: ZoneInfo | None = None) -> datetime | None:
    """The latest configured (day, hour) at or before ``now``, in the account's zone; ``None`` when off."""
    if settings.report_hour is None:
        return None
    zone = zone or settings.zone
    today = now.astimezone(zone).date()
    for back in range(8):
        day = today - timedelta(days=back)
        if day.weekday() == settings.report_day:
            due = local_instant(day, time(settings.report_hour), zone)
            if due <= now:
                return due
    return None


def _key(desk: Desk, due: datetime) -> str:
    return weekly.weekly_key(desk.channel, due.astimezone(desk.zone).date().isoformat())


def preview_weekly_report(store: Store, settings: Settings, *, now: datetime) -> str | None:
    """The dry run's lines: the weekly reports this sweep would post, if any."""
    lines = []
    for desk in desks(settings):
        due = due_instant(settings, now, desk.zone)
        if due is None or now - due > LATE_BY_AT_MOST or has_notice(store, _key(desk, due)):
            continue
        day = due.astimezone(desk.zone).date()
        lines.append(f"Would post the weekly report ({last_days(day, desk.zone).label}) with its chart "
                     f"to {desk.channel}")
    return "\n".join(lines) or None


def weekly_job(run: Round) -> None:
    """The sweep's job: post the weekly report when it is due, once; the dry run says it would."""
    if run.dry_run:
        line = preview_weekly_report(run.store, run.settings, now=run.now)
        run.report.preview += [line, ""] if line else []
        return
    if run.client is None:
        return
    said = post_weekly_report(run.store, run.client, run.settings, now=run.now, token=run.token,
                              lease=run.lease_length)
    if said and said != "weekly report posted":
        run.report.errors.append(said)
    elif said:
        run.report.messages += 1


def post_weekly_report(store: Store, client: WebClient, settings: Settings, *, now: datetime, token: str,
                       lease: timedelta) -> str | None:
    """Post each account's report that is due and that nobody has; returns what happened, for the sweep's report."""
    said = [_post_one(store, client, settings, desk, now=now, token=token, lease=lease) for desk in desks(settings)]
    failed = [s for s in said if s and s != "weekly report posted"]
    return "; ".join(failed) if failed else ("weekly report posted" if any(said) else None)


def _post_one(store: Store, client: WebClient, settings: Settings, desk: Desk, *, now: datetime, token: str,
              lease: timedelta) -> str | None:
    due = due_instant(settings, now, desk.zone)
    if due is None or now - due > LATE_BY_AT_MOST:
        return None
    channel = desk.channel
    day = due.astimezone(desk.zone).date()
    key = _key(desk, due)
    posted_ts = weekly.claim_weekly(store, key=key, channel=channel, post_at=due, now=now, token=token, lease=lease)
    if posted_ts is None:
        return None
    tr = translator(desk.locale)
    zone = desk.zone
    try:
        report = store_reports.report(store, last_days(day, zone), now=now, account=desk.account)
        if not posted_ts:
            # A message Slack took but whose answer was lost (5xx, reset, a sweep killed before it noted
            # the ts) carries the key in its metadata: found in the channel, it is never posted again.
            poster = SlackPoster(client)
            found = poster.posted_keys(channel, due - HISTORY_MARGIN).get(key)
            ts = found or poster.post(channel, weekly_message(report, tr, account_key=desk.account), [key])
            weekly.note_message(store, key=key, token=token, ts=ts)
        weeks = [last_days(day - timedelta(days=7 * back), zone) for back in reversed(range(WEEKS_CHARTED))]
        chart = store_reports.chart_data(store, weeks, now=now, account=desk.account)
        title = period_title(report.period, tr)
        client.files_upload_v2(channel=channel, content=render_chart(chart, tr), filename=f"report-{day}.png",
                               title=title, alt_txt=chart_alt_text(chart, tr))
    except SLACK_ERRORS as error:
        kind, reason = classify(error)
        permanent = kind == "permanent"
        weekly.finish_weekly(store, key=key, token=token, now=now, error=reason, retry=not permanent)
        log.warning("weekly report %s not posted (%s): %s", key, kind, reason)
        return f"weekly report not posted: {reason}"
    except Exception:
        weekly.finish_weekly(store, key=key, token=token, now=now, error="could not draw the report", retry=True)
        log.exception("weekly report %s could not be drawn", key)
        return "weekly report could not be drawn"
    weekly.finish_weekly(store, key=key, token=token, now=now)
    return "weekly report posted"
