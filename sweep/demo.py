"""`safet demo`: a sample team's week in the terminal, no Slack needed. A fresh SQLite file gets a
seller-support team's cases in every state of both kinds; then the week (a weekend and a holiday in
it) is played hour by hour: what the people do, and every message the sweep would post (recorded,
never sent), as terminal text."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.engine import make_url

from rules.deadlines import local_instant
from rules.records import ListFilter
from rules.settings import Settings
from store.db import Policy, Store, upgrade
from store.people import save_chosen_locale
from store.queries import list_cases
from sweep.demo_team import DEMO_CHANNEL, DEMO_CHANNEL_NAME, DEMO_LEAD, DEMO_PEOPLE, DemoTeam
from sweep.scheduler import SweepResult, sweep
from views.i18n import translator
from views.plain_text import message_text
from views.text import due_text
from webapi.posting import Pacer, RecordingPoster


def demo_settings(locale: str = "en", database_url: str = "sqlite:///safet-demo.sqlite3") -> Settings:
    """A small team: two preparers and a lead who approves chargebacks over $200 and SAFE-T claims of
    unknown amount, warnings in one channel, a daily summary at 09:00 Los Angeles time."""
    return Settings(database_url=database_url, alert_channel=DEMO_CHANNEL, digest_hour=9, channel_locale=locale,
                    default_locale=locale, leads=(DEMO_LEAD,), require_approval=True, approval_above_cents=20000,
                    sweep_seconds=0)


def demo_week_start(settings: Settings, today: datetime) -> tuple[datetime, str]:
    """08:00 on the Friday before the next weekday public holiday, so the week shows a weekend and a
    holiday: (start instant, the holiday's name)."""
    calendar = settings.calendar
    day = today.astimezone(settings.zone).date()
    for _ in range(800):
        day += timedelta(days=1)
        name = calendar.holiday_name(day)
        if name and day.weekday() < 5:
            friday = day - timedelta(days=(day.weekday() - 4) % 7 or 7)
            return local_instant(friday, wall_time(8), settings.zone), name
    raise ValueError("no public holiday on a weekday within two years: set SAFET_HOLIDAYS")


def _local(moment: datetime, settings: Settings) -> datetime:
    return moment.astimezone(settings.zone)


def play_demo(store: Store, settings: Settings, *, start: datetime, holiday_name: str, days: int = 7,
              out: Any = None, names: dict[str, str] | None = None) -> SweepResult:
    """Fill the store with the demo team's cases (created in the past), then play ``days`` days hour by
    hour: what the people do, and every message the app would post, as terminal text."""
    write = (out or sys.stdout).write
    names = {**DEMO_PEOPLE, DEMO_CHANNEL: DEMO_CHANNEL_NAME, **(names or {})}
    zone = settings.zone
    holiday = next(local_instant(start.astimezone(zone).date() + timedelta(days=n), wall_time(0), zone)
                   for n in range(1, 8) if settings.calendar.holiday_name(start.astimezone(zone).date()
                                                                          + timedelta(days=n)))
    team = DemoTeam(store, settings, start)
    team.build(holiday.astimezone(zone))
    save_chosen_locale(store, "UMEI", "zh_CN")
    steps = sorted(team.steps)
    for step in (s for s in steps if s.at < start):
        step.run(step.at)
    poster, quiet = RecordingPoster(), Pacer(0)
    sweep(store, poster, settings, now=start - timedelta(minutes=1), pacer=quiet)  # the app was running
    poster.take()

    tr = translator(settings.channel_locale)
    cases = [*list_cases(store, ListFilter.OPEN, user_id="", now=start, limit=500),
             *list_cases(store, ListFilter.CLOSED, user_id="", now=start, limit=500)]
    write(f"SAFE-T Desk demo: a seller-support team — mei and james prepare, priya leads — and {len(cases)} cases.\n")
    local_start = _local(start, settings)
    write(f"The week starts {local_start:%A %d %B %Y %H:%M} ({settings.timezone}); it has a weekend and "
          f"{holiday_name} ({holiday.astimezone(zone):%A %d %B}), a US holiday business days skip.\n")
    write(f"Nothing goes to Slack: each message below is what {DEMO_CHANNEL_NAME} or a direct message would show.\n\n")
    write("Cases at the start:\n")
    for case in sorted(cases, key=lambda c: (c.kind.value, c.state.value)):
        deadline = case.next_deadline
        due = f" · {tr.label(deadline.kind)} {due_text(deadline, tr, zone)}" if deadline else ""
        write(f"  {case.order_id}  {tr.label(case.kind):<13} {tr.label(case.state):<34} "
              f"@{DEMO_PEOPLE.get(case.owner_id, case.owner_id)}{due}\n")

    total = SweepResult()
    pending = [s for s in steps if s.at >= start]
    day_shown = None
    down_from, down_until = team.outage or (start, start)
    for hour in range(days * 24 + 1):
        now = start + timedelta(hours=hour)
        lines: list[str] = []
        while pending and pending[0].at <= now:
            step = pending.pop(0)
            step.run(step.at)
            lines.append(f"{_local(step.at, settings):%H:%M}  ✎ {step.say}")
        if down_from <= now < down_until:
            if now - timedelta(hours=1) < down_from:
                lines.append(f"{_local(down_from, settings):%H:%M}  ✖ the app goes down (a failed deploy) until "
                             f"{_local(down_until, settings):%H:%M}: no sweeps meanwhile")
            report = SweepResult()
        else:
            if down_from < down_until and now - timedelta(hours=1) < down_until <= now:
                lines.append(f"{_local(now, settings):%H:%M}  ✔ the app is back and sweeps")
            report = sweep(store, poster, settings, now=now, pacer=quiet)
        for field_name in ("posted", "skipped", "failed", "closed", "presumed", "expired", "messages"):
            setattr(total, field_name, getattr(total, field_name) + getattr(report, field_name))
        if report.closed:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the app closes {report.closed} SAFE-T claim(s) "
                         "automatically: the information request went unanswered")
        if report.presumed:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the app presumes {report.presumed} chargeback(s) "
                         "won: 90 days with no debit")
        if report.expired:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the “Appeal by” date of {report.expired} denied claim(s) "
                         "passed: settled as missed, the denial stands")
        if report.skipped:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ {report.skipped} missed warning(s) skipped: a later "
                         "stage already applies")
        for posted in poster.take():
            where = names.get(posted.target, posted.target)
            where = where if posted.target == DEMO_CHANNEL else f"direct message to @{where}"
            lines.append(f"{_local(now, settings):%H:%M}  → {where}")
            lines += ["        " + line for line in message_text(posted.message, names=names).splitlines()]
        if lines:
            local_day = _local(now, settings).date()
            if local_day != day_shown:
                day_shown = local_day
                title = f"{local_day:%A %d %B %Y}"
                if settings.calendar.holiday_name(local_day):
                    title += f" — {settings.calendar.holiday_name(local_day)}"
                write(f"\n━━ {title} " + "━" * max(4, 60 - len(title)) + "\n")
            write("\n".join(lines) + "\n")
    write(f"\nIn {days} days the app would have posted {total.messages} messages carrying {total.posted} notices, "
          f"skipped {total.skipped} stale warnings, closed {total.closed} claim(s) automatically and presumed "
          f"{total.presumed} chargeback(s) won.\n")
    return total


def run_demo(database_url: str, *, days: int = 7, locale: str = "en", today: datetime,
             out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The command: a local SQLite file only, started afresh (deleted first), the week after ``today``
    played, then how to see the next sweep. Exit status 0, or 2 with a one-line reason."""
    out, err = out or sys.stdout, err or sys.stderr
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        err.write("safet: the demo fills a local SQLite file; use e.g. --database sqlite:///safet-demo.sqlite3\n")
        return 2
    if days < 1:
        err.write("safet: --days must be 1 or more\n")
        return 2
    path = Path(url.database)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    settings = demo_settings(locale, database_url)
    upgrade(database_url)
    store = Store.from_url(database_url, Policy.of(settings))
    try:
        start, holiday = demo_week_start(settings, today)
        play_demo(store, settings, start=start, holiday_name=holiday, days=days, out=out)
    finally:
        store.dispose()
    out.write(f"\nThe cases stay in {path}. See what a sweep would do next, without posting:\n"
              f"  DATABASE_URL={database_url} safet sweep --dry-run --now "
              f"{(start + timedelta(days=days, hours=1)).isoformat()}\n")
    return 0
