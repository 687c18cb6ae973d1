"""What the jobs of one sweep share: the store, Slack, the instant, the readers, and the lease on the
outbox rows it holds."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from rules.records import CaseRecord
from rules.settings import Settings
from store import outbox
from store.cards import CARD_BUDGET
from store.db import Store
from sweep.result import Item, SweepResult
from views.i18n import translator
from views.notices import Reader
from webapi.people import Directory
from webapi.posting import SLACK_ERRORS, Pacer, Poster, SlackOutage, classify, is_user

log = logging.getLogger("safet.sweep")

RefreshCard = Callable[[int], None]
"""A custom card redraw per case (tests); by default the sweep redraws its cards itself (``sweep.cards``)."""


class LeaseLost(Exception):
    """Another sweep took over rows this one held (it was presumed dead): stop touching them."""


class OutOfTime(Exception):
    """The sweep spent its time budget: what is left stays queued (never dropped) for the next one."""


class Lease:
    """The outbox rows this sweep holds, renewed through planning and posting. Every renew and every
    mark checks its row count: fewer rows than held means another sweep took them over."""

    def __init__(self, store: Store, token: str, now: datetime, length: timedelta,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.token, self.now, self.length, self._clock = store, token, now, length, clock
        self.held: set[int] = set()
        self._confirmed = clock()
        self._started = clock()

    def take(self, ids: Collection[int]) -> None:
        self.held = set(ids)
        self._confirmed = self._clock()

    def settled(self, ids: Collection[int], count: int) -> None:
        """``count`` rows of ``ids`` were marked: the rest were no longer ours."""
        self.held.difference_update(ids)
        if count < len(ids):
            raise LeaseLost(f"{len(ids) - count} notice(s) were taken over by another sweep")

    def keep(self) -> None:
        """Renew before a third of the lease is gone; raise ``LeaseLost`` when rows were taken over."""
        if not self.held or self._clock() - self._confirmed < self.length.total_seconds() / 3:
            return
        at = self.now + timedelta(seconds=self._clock() - self._started)
        count = outbox.renew(self.store, token=self.token, now=at)
        self._confirmed = self._clock()
        if count < len(self.held):
            raise LeaseLost(f"{len(self.held) - count} notice(s) were taken over by another sweep")


class Round:
    """One sweep at one instant: shared by the settle, plan, deliver, daily and preview jobs."""

    def __init__(self, store: Store, poster: Poster | None, settings: Settings, *, now: datetime, dry_run: bool,
                 refresh_card: RefreshCard | None, pacer: Pacer, batch: int, lease: timedelta,
                 directory: Directory | None, case_id: int | None = None, card_budget: int = CARD_BUDGET,
                 seconds: float | None = None) -> None:
        self.store, self.poster, self.settings, self.now = store, poster, settings, now
        self.case_id = case_id
        """Only this case's due notices (its outcome posted at once): nothing settled, no daily summary."""
        self.dry_run, self.refresh_card, self.pacer, self.batch = dry_run, refresh_card, pacer, batch
        self.client = poster.client if poster is not None else None
        self.directory = directory or Directory(store, default_locale=settings.default_locale,
                                                team_zone=settings.zone, leads=settings.leads, clock=lambda: now)
        self.report = SweepResult(dry_run=dry_run)
        self.token = uuid.uuid4().hex
        self.lease = Lease(store, self.token, now, lease)
        self.lease_length = lease
        self.touched: dict[int, tuple[object, ...]] = {}
        """Cases whose card may show something else after this sweep (a deadline notice, a settlement),
        with how urgent the notice that touched it was."""
        self.would_post: list[Item] = []
        self.history: dict[str, tuple[datetime, dict[str, str]]] = {}
        """Per conversation, read once per sweep: since when, and the notice keys found with their ts."""
        self.failures_in_a_row = 0
        self.card_budget = card_budget
        self._ends = time.monotonic() + seconds if seconds else None
        """Past this instant no new round of posts starts (a backlog bigger than one sweep's budget)."""
        self.lost_reason = ""
        """Why Slack's last lost answer was lost (an HTTP 500, a reset, a timeout)."""
        self._readers: dict[str, Reader] = {}
        self._permalinks: dict[tuple[str, str], str | None] = {}

    def out_of_time(self) -> bool:
        return self._ends is not None and time.monotonic() >= self._ends

    def reader(self, target: str) -> Reader:
        """Channels read in the channel language and the team's zone; a direct message in its reader's."""
        reader = self._readers.get(target)
        if reader is None:
            locale, zone, holidays = self.settings.channel_locale, self.settings.zone, self.settings.holidays
            weekend = self.settings.calendar.weekend
            profile = self.settings.accounts.market_of(None).profile
            account = self.settings.accounts.for_channel(target)
            if account is not None:  # an account's channel: its language, its marketplace's zone, calendar, windows
                market = self.settings.accounts.market_of(account.key)
                locale, zone, holidays, weekend = account.locale, market.zone, market.holidays_label, market.weekend
                profile = market.profile
            if is_user(target):
                try:
                    person = self.directory.person(target, self.client)
                    locale, zone = person.locale, person.zone
                except SLACK_ERRORS as error:
                    log.info("no profile for %s (%s): using the team's language", target, error)
                    locale = self.settings.default_locale
            reader = Reader(translator(locale), zone, self.now, holidays, weekend, profile)
            self._readers[target] = reader
        return reader

    def permalink(self, case: CaseRecord) -> str | None:
        """The card's link, built from the workspace URL (``auth.test``, once): no call per card."""
        if not case.channel_id or not case.card_ts or self.poster is None:
            return None
        key = (case.channel_id, case.card_ts)
        if key not in self._permalinks:
            try:
                self._permalinks[key] = self.poster.permalink(case.channel_id, case.card_ts)
            except SLACK_ERRORS as error:
                kind, reason = classify(error)
                if kind != "permanent":
                    raise SlackOutage.of(kind, reason) from None
                self._permalinks[key] = None
        return self._permalinks[key]
