"""The dry run: the real sweep, run inside one database transaction that is rolled back, posting to a
recording instead of Slack. It settles, plans and renders with the very code a real sweep runs, so
what it shows can never disagree with what a sweep would do; nothing is kept, nothing is sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from rules.settings import Settings
from store.db import Store
from sweep.context import Round
from sweep.result import SweepResult
from views.plain_text import message_text
from webapi.people import Directory
from webapi.posting import Pacer, RecordingPoster, is_user


def _no_card(_case_id: int) -> None:
    """A dry run redraws no card."""


def preview(store: Store, settings: Settings, *, now: datetime, batch: int, lease: timedelta,
            directory: Directory | None, jobs: Callable[[Round], None]) -> SweepResult:
    """Run ``jobs`` (the sweep's own) on a rehearsal of ``store``, then describe what was posted."""
    poster = RecordingPoster()
    with store.rehearsal() as trial:
        run = Round(trial, poster, settings, now=now, dry_run=True, refresh_card=_no_card, pacer=Pacer(0),
                    batch=batch, lease=lease, directory=directory)
        jobs(run)
    report = run.report
    posted = poster.take()
    if not posted:
        report.preview.append("Nothing to post.")
        return report
    report.preview.append(f"Would post {report.posted} notice(s) in {len(posted)} message(s):")
    names: dict[str, str] = {}
    for message in posted:
        where = "direct message to " + message.target if is_user(message.target) else "channel " + message.target
        report.preview += ["", f"── to {where} ({', '.join(message.keys)}) ──",
                           message_text(message.message, names=names)]
    return report
