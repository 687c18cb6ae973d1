"""The sweep: settle what is due, then post every due notice exactly once.

One sweep, at one instant ``now``, runs its jobs in order: ``sweep.settle`` (deadlines that settle by
themselves or lapse), ``sweep.daily`` (plan today's summary), then claims due outbox rows in batches
(``store.outbox.claim_due``) and for each batch ``sweep.plan`` (render once, skip, cancel) and
``sweep.deliver`` (look up notices of unknown fate, group, post, mark). ``sweep.preview`` runs the
same jobs on a rehearsal of the store that is rolled back (the dry run).

One process sweeps a database at a time (``store.upkeep.sweep_lock``); the claims keep every notice
to one post even so. ``deliver_case_notices`` runs the claim-plan-deliver part for one case right
after it changed, so an outcome is told at once; whichever gets there first posts it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from slack_sdk import WebClient

from rules.settings import Settings
from store import outbox, upkeep
from store.cards import CARD_BUDGET
from store.db import Store
from store.outbox import BATCH, LEASE
from sweep import cards
from sweep.context import LeaseLost, OutOfTime, RefreshCard, Round
from sweep.daily import plan_daily
from sweep.deliver import deliver, recover
from sweep.plan import plan
from sweep.preview import preview
from sweep.result import SweepResult
from sweep.settle import settle
from sweep.weekly_report import weekly_job
from webapi.people import Directory
from webapi.posting import Pacer, Poster, SlackOutage, as_poster

__all__ = ["Pacer", "SweepResult", "Sweeper", "deliver_case_notices", "start_sweeper", "sweep"]

AlsoJob = Callable[[WebClient, datetime], object]
"""A job the composition root adds to each sweep, with the sweep's client and instant."""

log = logging.getLogger("safet.sweep")


def redraw_cards(run: Round) -> None:
    """The cards of the cases this sweep touched: in bulk by default, or through a custom redraw."""
    if run.refresh_card is None:
        cards.redraw(run)
        return
    for case_id in sorted(run.touched):
        try:
            run.refresh_card(case_id)
        except Exception:  # a card that cannot be redrawn never stops the notices
            log.exception("could not refresh the card of case %s", case_id)


def post_due(run: Round) -> None:
    while True:
        rows = outbox.claim_due(run.store, now=run.now, token=run.token, limit=run.batch, lease=run.lease_length,
                                case_id=run.case_id)
        if not rows:
            return
        run.lease.take(row.id for row in rows)
        try:
            deliver(run, recover(run, plan(run, rows)))
        finally:
            if run.lease.held:  # stopped early (or lost the lease): what this sweep did not settle goes back
                outbox.release(run.store, run.lease.held, token=run.token, attempted=False)
        if len(rows) < run.batch:
            return


def jobs(run: Round) -> None:
    """Every job of one sweep, in order; the same for a real sweep and its dry run."""
    try:
        if run.case_id is None:
            settle(run)
            plan_daily(run)
            weekly_job(run)
        post_due(run)
    except SlackOutage as stop:
        run.report.errors.append(str(stop))
    except OutOfTime:
        log.info("the sweep's time budget is spent: the rest stays queued for the next sweep")
    except LeaseLost as lost:
        run.report.errors.append(f"this sweep lost its lease and stopped: {lost}")
    if run.report.unknown and not run.report.errors:
        run.report.errors.append(f"Slack could not be reached for {run.report.unknown} notice(s) ({run.lost_reason}): "
                                 "the next sweep looks them up in the conversation before sending them again")
    run.report.left = outbox.count_due(run.store, now=run.now, lease=run.lease_length, case_id=run.case_id)


def sweep(store: Store, client: WebClient | Poster | None, settings: Settings, *, now: datetime,
          dry_run: bool = False, refresh_card: RefreshCard | None = None, pacer: Pacer | None = None,
          batch: int = BATCH, lease: timedelta = LEASE, directory: Directory | None = None,
          card_budget: int = CARD_BUDGET, seconds: float | None = None,
          also: Sequence[AlsoJob] = (), before: Sequence[AlsoJob] = ()) -> SweepResult:
    """One sweep at ``now``: ``before`` (jobs the composition root adds whose notices go out in this sweep:
    reading Amazon's ledger), settle due deadlines, post every due notice once, then ``also`` (answering again
    the emails whose answer failed).

    ``client`` is a ``WebClient`` (or any ``Poster``); a dry run needs none and changes nothing:
    ``SweepResult.preview`` then says what would be posted and closed. ``seconds`` bounds the time
    spent posting (a backlog past it: each channel's most urgent first, the rest left queued; the
    in-process sweeper passes most of its interval). ``refresh_card(case_id)``
    redraws a case card after its notices went out (default: the sweep redraws, in bulk, the cards
    whose shown content changed).
    """
    if dry_run:
        return preview(store, settings, now=now, batch=batch, lease=lease, directory=directory, jobs=jobs)
    with upkeep.sweep_lock(store) as held:
        if not held:
            log.info("another process is sweeping this database: this sweep does nothing")
            return SweepResult(busy=True)
        _run_jobs(before, client, now)
        run = Round(store, as_poster(client), settings, now=now, dry_run=False,
                    refresh_card=refresh_card, pacer=pacer or Pacer(), batch=batch, lease=lease,
                    directory=directory, card_budget=card_budget, seconds=seconds)
        jobs(run)
        redraw_cards(run)
        _run_jobs(also, client, now)
        upkeep.keep_statistics(store)
        return run.report


def _run_jobs(added: Sequence[AlsoJob], client: WebClient | Poster | None, now: datetime) -> None:
    if not isinstance(client, WebClient):
        return
    for job in added:
        try:
            job(client, now)
        except Exception:  # one job's failure must not stop the sweeps that follow
            log.exception("a sweep job failed")


def deliver_case_notices(store: Store, client: WebClient | Poster, settings: Settings, case_id: int, *,
                         now: datetime, directory: Directory | None = None, refresh_card: RefreshCard | None = None,
                         pacer: Pacer | None = None) -> SweepResult:
    """Post the due notices of one case now (its outcome, approval and deadline notices with
    ``post_at <= now``) rather than at the next sweep: called after a case changed.

    The rows are claimed as a sweep claims them, so each is posted once whichever gets there first;
    nothing is settled and no daily summary planned. Never raises: what could not go out stays
    queued for the sweep, and ``SweepResult.errors`` says why.
    """
    run = Round(store, as_poster(client), settings, now=now, dry_run=False,
                refresh_card=refresh_card, pacer=pacer or Pacer(), batch=BATCH, lease=LEASE,
                directory=directory, case_id=case_id)
    try:
        jobs(run)
        redraw_cards(run)
    except Exception as error:  # the sweep posts whatever is left; an action's listener must not fail on it
        log.exception("could not post the notices of case %s at once", case_id)
        run.report.errors.append(f"notices of case {case_id} left for the sweep: {error}")
    return run.report


# ---------------------------------------------------------------- in-process sweeping (serve, socket)


class Sweeper:
    """Sweeps every ``interval`` seconds on a daemon thread until ``stop()``."""

    def __init__(self, store: Store, client: WebClient | Poster, settings: Settings, clock: Callable[[], datetime], *,
                 refresh_card: RefreshCard | None = None, interval: float | None = None,
                 also: Sequence[AlsoJob] = (), before: Sequence[AlsoJob] = ()) -> None:
        self.store, self.client, self.settings, self.clock = store, client, settings, clock
        self.refresh_card, self.also, self.before = refresh_card, tuple(also), tuple(before)
        self.interval = float(interval if interval is not None else settings.sweep_seconds)
        self.last_report: SweepResult | None = None
        self.sweeps = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="safet-sweeper", daemon=True)

    def start(self) -> Sweeper:
        """Start sweeping (at once, then every ``interval``); an interval of 0 means off."""
        if self.interval > 0:
            self._thread.start()
        return self

    def _loop(self) -> None:
        pacer = Pacer(sleep=self._stopping.wait)
        while not self._stopping.is_set():
            try:
                self.last_report = sweep(self.store, self.client, self.settings, now=self.clock(),
                                         refresh_card=self.refresh_card, pacer=pacer,
                                         seconds=max(5.0, self.interval * 0.8), also=self.also,
                                         before=self.before)
                if self.last_report.errors:
                    log.warning("sweep stopped early: %s", "; ".join(self.last_report.errors))
            except Exception:  # the sweeper outlives any one bad sweep
                log.exception("sweep failed")
            self.sweeps += 1
            self._stopping.wait(self.interval)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


def start_sweeper(store: Store, client: WebClient | Poster, settings: Settings, clock: Callable[[], datetime], *,
                  refresh_card: RefreshCard | None = None, also: Sequence[AlsoJob] = (),
                  before: Sequence[AlsoJob] = ()) -> Sweeper:
    """Sweep in-process every ``SAFET_SWEEP_SECONDS`` (the app runner calls this for serve/socket).
    Every worker may run one: the sweep lock lets one sweep at a time, the claims keep notices to one post."""
    return Sweeper(store, client, settings, clock, refresh_card=refresh_card, also=also, before=before).start()
