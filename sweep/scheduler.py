"""The sweep: settle what is due, then post every due notice exactly once.

One sweep, at one instant ``now``:

1. Deadlines that settle by themselves and are due (``rules.ladder.SELF_SETTLING``): an unanswered
   SAFE-T information request closes the claim (``store.cases.auto_close``), an outcome window that
   ends with no debit presumes the chargeback won (``presume_no_debit``). Each queues its outcome
   notices, which this same sweep then posts. Deadlines that lapse (``EXPIRING``: an "Appeal by"
   date) are settled missed with no change of state (``expire_deadline``); their overdue notice
   stays queued and this same sweep posts it, once.
2. The daily summary of each day is planned once, as an outbox row keyed ``daily:{channel}:{day}``.
3. Due outbox rows are claimed in batches (``store.outbox.claim_due``), rendered from the same views
   as everything else, grouped per channel (more than three: one digest, most urgent first), posted
   with message metadata naming their keys, and marked. A missed warning whose later stage already
   applies is skipped; a row taken over from a dead sweep is first looked for in the channel's
   history, by its key, so a crash between posting and marking never posts twice.

Slack refusing a notice for good marks it failed and the others go on; Slack out of reach puts the
rest back for the next sweep and says so in ``SweepReport.errors``.

``deliver_case_notices`` runs step 3 for one case right after it changed, so an outcome is told at
once; the claims keep it to one post whether it or a sweep gets there first. Talking to Slack lives
in ``webapi.posting``, the demo in ``sweep.demo``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as wall_time
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from rules.actions import FULFILS
from rules.deadlines import (
    DeadlineKind,
    DeadlineStatus,
    end_of_day,
    local_instant,
    status_when_settled,
)
from rules.errors import DomainError
from rules.kinds import Action
from rules.ladder import EXPIRING, OVERDUE
from rules.records import SYSTEM_ACTOR, CaseRecord, DeadlineRecord, EventRecord
from rules.settings import Settings
from rules.transitions import transition_for
from store import cases as store_cases
from store import outbox
from store.db import Store
from store.outbox import BATCH, LEASE, DueNotice
from views.i18n import translator
from views.notices import (
    DIGEST_OVER,
    Message,
    Reader,
    approval_notice,
    daily_summary,
    deadline_notice,
    digest,
    outcome_notice,
)
from views.plain_text import message_text
from webapi.people import Directory
from webapi.posting import SLACK_ERRORS, Pacer, Poster, SlackOutage, as_poster, classify, is_user

log = logging.getLogger("safet.sweep")

HISTORY_MARGIN = timedelta(minutes=2)
"""How far before a dead sweep's claim to look for what it may have posted (clock skew)."""

RefreshCard = Callable[[int], None]


def _no_refresh(_case_id: int) -> None:
    """The default: no card to redraw (the Slack surface passes its own)."""


@dataclass
class SweepReport:
    """What one sweep did (or, in a dry run, would do)."""

    posted: int = 0
    """Notices delivered (a digest delivers several in one message)."""
    skipped: int = 0
    """Missed warnings whose later stage already applied."""
    failed: int = 0
    """Notices Slack refused for good."""
    closed: int = 0
    """SAFE-T claims closed automatically (information request unanswered)."""
    presumed: int = 0
    """Chargebacks presumed in the seller's favour (outcome window ended with no debit)."""
    expired: int = 0
    """“Appeal by” dates that passed: settled missed, the case unchanged (its overdue notice still posted)."""
    left: int = 0
    """Due notices still queued after the sweep."""
    errors: list[str] = field(default_factory=list)
    """Why the sweep stopped early (Slack out of reach, token refused); empty when all went out."""
    messages: int = 0
    recovered: int = 0
    """Notices a dead sweep had posted, found in Slack by their metadata and marked sent."""
    cancelled: int = 0
    dry_run: bool = False
    preview: list[str] = field(default_factory=list)
    """Dry run: every notice it would post and every case it would close, as terminal text."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would post" if self.dry_run else "posted"
        parts = [f"{verb} {self.posted} notices in {self.messages} messages"]
        for count, words in ((self.skipped, "stale warnings skipped"), (self.failed, "refused by Slack"),
                             (self.recovered, "found already posted"), (self.closed, "SAFE-T claims closed"),
                             (self.presumed, "chargebacks presumed no debit"),
                             (self.expired, "appeal windows closed"), (self.left, "left queued")):
            if count:
                parts.append(f"{words}: {count}")
        return "; ".join(parts)


# ---------------------------------------------------------------- one sweep


@dataclass
class _Item:
    """One notice ready to post: its outbox rows (none for a dry run's would-be notices)."""

    key: str
    target: str
    kind: str
    rank: tuple[Any, ...]
    message: Message
    ids: tuple[int, ...] = ()
    case_id: int | None = None
    uncertain_since: datetime | None = None
    """Taken over from a dead sweep that claimed it then: it may be in Slack already."""


def _lapsed(deadline: DeadlineRecord, row: DueNotice) -> bool:
    """The overdue notice of a deadline settled missed when it lapsed (an "Appeal by" date): still told once."""
    return row.stage == OVERDUE and deadline.kind in EXPIRING and deadline.status is DeadlineStatus.MISSED


class _Sweep:
    def __init__(self, store: Store, poster: Poster | None, settings: Settings, *, now: datetime, dry_run: bool,
                 refresh_card: RefreshCard, pacer: Pacer, batch: int, lease: timedelta,
                 directory: Directory | None, case_id: int | None = None) -> None:
        self.store, self.poster, self.settings, self.now = store, poster, settings, now
        self.case_id = case_id
        """Only this case's due notices (its outcome posted at once): nothing settled, no daily summary."""
        self.dry_run, self.refresh_card, self.pacer, self.batch, self.lease = dry_run, refresh_card, pacer, batch, lease
        self.client = poster.client if poster is not None else None
        self.directory = directory or Directory(store, default_locale=settings.default_locale,
                                                team_zone=settings.zone, leads=settings.leads, clock=lambda: now)
        self.report = SweepReport(dry_run=dry_run)
        self.token = uuid.uuid4().hex
        self.touched: set[int] = set()
        self.closing: set[int] = set()
        self.expiring: set[int] = set()
        """Dry run: deadlines this sweep would settle as lapsed (no longer overdue in the summary)."""
        self._readers: dict[str, Reader] = {}
        self._permalinks: dict[int, str | None] = {}
        self._claimed_at = time.monotonic()
        self.held: set[int] = set()
        """Outbox rows this sweep has claimed and not yet settled: released if it stops early."""
        self._would_post: list[_Item] = []
        """Dry run: notices that rows do not hold yet (outcomes of the closes, today's summary)."""

    # -------------------------------------------------------- the whole sweep

    def run(self) -> SweepReport:
        try:
            if self.case_id is None:
                self.settle()
                self.plan_daily()
            if self.dry_run:
                self.preview_due()
            else:
                self.post_due()
        except SlackOutage as stop:
            self.report.errors.append(str(stop))
        if not self.dry_run:
            self.report.left = outbox.count_due(self.store, now=self.now, lease=self.lease, case_id=self.case_id)
            for case_id in sorted(self.touched):
                self._refresh(case_id)
        return self.report

    def _refresh(self, case_id: int) -> None:
        try:
            self.refresh_card(case_id)
        except Exception:  # a card that cannot be redrawn never stops the notices
            log.exception("could not refresh the card of case %s", case_id)

    # -------------------------------------------------------- deadlines that settle by themselves or lapse

    def settle(self) -> None:
        tried: set[int] = set()
        while True:
            due = [d for d in outbox.due_settlements(self.store, now=self.now, limit=self.batch)
                   if d.deadline_id not in tried]
            if not due:
                return
            tried.update(d.deadline_id for d in due)
            if self.dry_run:
                self.preview_settlements(due)
                return
            for item in due:
                self._settle_one(item)

    def _settle_one(self, due: outbox.DueSettlement) -> None:
        try:
            if due.kind in EXPIRING:
                # Settled missed, the case unchanged; its overdue notice stays queued and is posted below.
                store_cases.expire_deadline(self.store, due.deadline_id, now=self.now)
                self.report.expired += 1
            elif due.kind is DeadlineKind.SAFET_INFO_REPLY:
                store_cases.auto_close(self.store, due.case_id, now=self.now)
                self.report.closed += 1
            else:
                store_cases.presume_no_debit(self.store, due.case_id, now=self.now)
                self.report.presumed += 1
            self.touched.add(due.case_id)
        except DomainError as refusal:
            # Another sweep got there first, or the case waits on something else (an open information
            # request inside the outcome window): leave it, the next sweep looks again.
            log.info("case %s not settled by its %s deadline: %s", due.case_id, due.kind, refusal)

    def preview_settlements(self, due: Sequence[outbox.DueSettlement]) -> None:
        cases = outbox.load_cases(self.store, (d.case_id for d in due))
        lines: list[str] = []
        for settlement in due:
            case = cases.get(settlement.case_id)
            if case is None:
                continue
            if settlement.kind in EXPIRING:
                self.expiring.add(settlement.deadline_id)
                self.report.expired += 1
                lines.append(f"  • case #{case.id}, order {case.order_id}: "
                             f"{self.reader(self.settings.alert_channel or case.owner_id).tr.label(settlement.kind)} "
                             "passed → settled as missed, the case unchanged")
                continue
            action = (Action.AUTO_CLOSE if settlement.kind is DeadlineKind.SAFET_INFO_REPLY
                      else Action.PRESUME_NO_DEBIT)
            tr = self.reader(self.settings.alert_channel or case.owner_id).tr
            try:
                transition = transition_for(case.kind, case.state, action, case.gate)
            except DomainError as refusal:
                lines.append(f"  • would leave case #{case.id} (order {case.order_id}) open: {tr.error(refusal)}")
                continue
            self.closing.add(case.id)
            if action is Action.AUTO_CLOSE:
                self.report.closed += 1
            else:
                self.report.presumed += 1
            lines.append(f"  • case #{case.id}, order {case.order_id}: {tr.label(case.state)} → "
                         f"{tr.label(transition.target)}")
            answered = FULFILS.get(action, frozenset())
            after = replace(case, state=transition.target, deadlines=tuple(
                replace(d, status=status_when_settled(d.due_at, d.kind, self.now, fulfilled=d.kind in answered))
                if d.status is DeadlineStatus.OPEN else d for d in case.deadlines))
            event = EventRecord(id=0, at=self.now, actor=SYSTEM_ACTOR, action=str(action),
                                from_state=case.state, to_state=transition.target, details={})
            targets = [("channel", case.channel_id), ("dm", case.owner_id)]
            for where, target in targets:
                if target and target != SYSTEM_ACTOR:
                    self._would_post.append(_Item(
                        key=f"event:(new):{where}", target=target, kind="outcome", rank=(2, self.now),
                        message=outcome_notice(after, event, self.reader(target)), case_id=case.id))
        if lines:
            self.report.preview += [f"Would settle {len(lines)} deadline(s) that settle by themselves:", *lines, ""]

    # -------------------------------------------------------- the daily summary

    def plan_daily(self) -> None:
        """One summary a day in each account's channel, at the account's hour in its marketplace's zone."""
        book = self.settings.accounts
        for account in book.accounts:
            if account.digest_hour is not None and account.channel:
                self._plan_daily(account.channel, account.digest_hour, book.market_of(account.key).zone)

    def _plan_daily(self, channel: str, hour: int, zone: ZoneInfo) -> None:
        local = self.now.astimezone(zone)
        if local.hour < hour:
            return
        post_at = local_instant(local.date(), wall_time(hour), zone)
        day = local.date().isoformat()
        if self.dry_run:
            key = outbox.daily_key(channel, day)
            if not outbox.has_notice(self.store, key):
                self._would_post.append(self._daily_item(
                    DueNotice(0, key, outbox.DAILY, outbox.DAILY, None, None, None, channel, post_at, 0)))
            return
        outbox.queue_daily(self.store, channel=channel, day=day, post_at=post_at, now=self.now)

    def _daily_item(self, row: DueNotice) -> _Item:
        book = self.settings.accounts
        account = book.for_channel(row.target)
        zone = book.market_of(account.key).zone if account else self.settings.zone
        local_day = self.now.astimezone(zone).date()
        facts = outbox.daily_facts(self.store, now=self.now, until=end_of_day(local_day + timedelta(days=1), zone),
                                   account=account.key if account and book.several else None)
        if self.dry_run and (self.closing or self.expiring):  # what this sweep would settle is no longer overdue
            kept = [(c, d) for c, d in facts.overdue if c.id not in self.closing and d.id not in self.expiring]
            facts = replace(facts, overdue=kept, overdue_total=facts.overdue_total - (len(facts.overdue) - len(kept)))
        message = daily_summary(facts, self.reader(row.target))
        return _Item(key=row.key, target=row.target, kind=outbox.DAILY, rank=(-1, row.post_at), message=message,
                     ids=(row.id,) if row.id else (), uncertain_since=row.uncertain_since)

    # -------------------------------------------------------- due notices

    def post_due(self) -> None:
        assert self.poster is not None
        while True:
            rows = outbox.claim_due(self.store, now=self.now, token=self.token, limit=self.batch, lease=self.lease,
                                    case_id=self.case_id)
            if not rows:
                return
            self._claimed_at = time.monotonic()
            self.held = {row.id for row in rows}
            try:
                self.process(rows)
            finally:
                if self.held:  # stopped early (or a bug): what this sweep did not settle goes back
                    outbox.release(self.store, self.held, token=self.token, attempted=False)
            if len(rows) < self.batch:
                return

    def preview_due(self) -> None:
        rows: list[DueNotice] = []
        after: tuple[datetime, int] | None = None
        while True:
            page = outbox.peek_due(self.store, now=self.now, after=after, limit=self.batch, lease=self.lease)
            rows += page
            if len(page) < self.batch:
                break
            after = (page[-1].post_at, page[-1].id)
        items = [*self._would_post, *self.plan(rows)]
        self.deliver(items)

    def process(self, rows: Sequence[DueNotice]) -> None:
        self.deliver(self.recover(self.plan(rows)))

    def plan(self, rows: Sequence[DueNotice]) -> list[_Item]:
        """Render what is still worth posting; skip missed stages, cancel what has nothing left to say."""
        cases = outbox.load_cases(self.store, (r.case_id for r in rows if r.case_id is not None))
        events = outbox.load_events(self.store, (r.event_id for r in rows if r.event_id is not None))
        stages = outbox.stages_of(self.store, (r.deadline_id for r in rows if r.deadline_id is not None))
        items: list[_Item] = []
        skipped: list[int] = []
        cancelled: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            if row.kind == outbox.DAILY:
                items.append(self._daily_item(row))
                continue
            case = cases.get(row.case_id) if row.case_id is not None else None
            if case is None:
                cancelled["the case no longer exists"].append(row.id)
                continue
            if row.kind == "deadline":
                deadline = next((d for d in case.deadlines if d.id == row.deadline_id), None)
                if deadline is None or case.id in self.closing or not (
                        deadline.status is DeadlineStatus.OPEN or _lapsed(deadline, row)):
                    cancelled["the deadline was settled"].append(row.id)
                    continue
                if any(s.id != row.id and row.post_at < s.post_at <= self.now for s in stages.get(deadline.id, ())):
                    skipped.append(row.id)
                    continue
                reader = self.reader(row.target)
                message = deadline_notice(case, deadline, row.stage or "", reader, permalink=self.permalink(case))
                rank = (0 if row.stage == OVERDUE else 1, deadline.due_at)
            elif row.kind in ("outcome", "approval"):
                event = events.get(row.event_id) if row.event_id is not None else None
                if event is None:
                    cancelled["the event no longer exists"].append(row.id)
                    continue
                render = outcome_notice if row.kind == "outcome" else approval_notice
                message = render(case, event, self.reader(row.target), permalink=self.permalink(case))
                rank = (2, event.at)
            else:
                cancelled[f"unknown notice kind {row.kind!r}"].append(row.id)
                continue
            items.append(_Item(key=row.key, target=row.target, kind=row.kind, rank=rank, message=message,
                               ids=(row.id,), case_id=case.id, uncertain_since=row.uncertain_since))
        self.report.skipped += len(skipped)
        self.report.cancelled += sum(len(ids) for ids in cancelled.values())
        if not self.dry_run:
            outbox.mark_skipped(self.store, skipped, token=self.token, now=self.now)
            for reason, ids in cancelled.items():
                outbox.mark_cancelled(self.store, ids, token=self.token, now=self.now, reason=reason)
        self.held.difference_update(skipped, *cancelled.values())
        return items

    def recover(self, items: list[_Item]) -> list[_Item]:
        """Rows taken over from a dead sweep: if Slack already shows them (by metadata key), mark them
        sent with that message instead of posting again."""
        assert self.poster is not None
        since: dict[str, datetime] = {}
        for item in items:
            if item.uncertain_since is not None:
                since[item.target] = min(item.uncertain_since, since.get(item.target, item.uncertain_since))
        done: set[str] = set()
        wall_now = datetime.now(self.now.tzinfo)
        for target, claimed_at in since.items():
            try:
                found = self.poster.posted_keys(target, min(claimed_at, wall_now) - HISTORY_MARGIN)
            except SLACK_ERRORS as error:
                kind, reason = classify(error)
                if kind == "transient":
                    raise SlackOutage.of(kind, reason) from None
                # No history to read (a missing scope such as im:history, an archived channel): better a
                # notice twice than a deadline missed, so post.
                log.warning("cannot read the history of %s (%s): its notices of unknown fate are posted", target,
                            reason)
                continue
            by_ts: dict[str, list[_Item]] = defaultdict(list)
            for item in items:
                if item.target == target and item.uncertain_since is not None and item.key in found:
                    by_ts[found[item.key]].append(item)
            for ts, posted in by_ts.items():
                ids = [i for item in posted for i in item.ids]
                outbox.mark_sent(self.store, ids, token=self.token, ts=ts, now=self.now)
                self.held.difference_update(ids)
                self.report.recovered += len(posted)
                done.update(item.key for item in posted)
        return [item for item in items if item.key not in done]

    # -------------------------------------------------------- posting

    def deliver(self, items: Sequence[_Item]) -> None:
        """Group per channel (more than three: a digest), most urgent first, then post round-robin
        across channels so pacing one channel never holds up another."""
        queues: dict[str, deque[tuple[Message, list[_Item]]]] = {}
        by_target: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            by_target[item.target].append(item)
        for target, group in by_target.items():
            queue: deque[tuple[Message, list[_Item]]] = deque()
            daily = [i for i in group if i.kind == outbox.DAILY]
            notices = sorted((i for i in group if i.kind != outbox.DAILY), key=lambda i: (i.rank, i.key))
            for item in daily:
                queue.append((item.message, [item]))
            if len(notices) > DIGEST_OVER:
                start = 0
                for message, count in digest([i.message for i in notices], self.reader(target).tr):
                    queue.append((message, notices[start:start + count]))
                    start += count
            else:
                queue.extend((i.message, [i]) for i in notices)
            queues[target] = queue
        if self.dry_run:
            self._preview(queues)
            return
        while queues:
            for target in list(queues):
                message, carried = queues[target].popleft()
                if not queues[target]:
                    del queues[target]
                self.post(target, message, carried)

    def post(self, target: str, message: Message, carried: list[_Item]) -> None:
        assert self.poster is not None
        ids = [i for item in carried for i in item.ids]
        keys = [item.key for item in carried]
        self.pacer.wait(target)
        try:
            ts = self.poster.post(target, message, keys)
        except SLACK_ERRORS as error:
            kind, reason = classify(error)
            if kind == "permanent":
                log.warning("Slack refused %s for %s: %s", keys, target, reason)
                outbox.mark_failed(self.store, ids, token=self.token, reason=reason, now=self.now)
                self.held.difference_update(ids)
                self.report.failed += len(carried)
                return
            outbox.release(self.store, ids, token=self.token, attempted=True, reason=reason)
            raise SlackOutage.of(kind, reason) from None
        outbox.mark_sent(self.store, ids, token=self.token, ts=ts, now=self.now)
        self.held.difference_update(ids)
        self.report.posted += len(carried)
        self.report.messages += 1
        # A deadline notice changes what the card shows (the hint, the overdue mark); an outcome or an
        # approval comes from an action whose handler already redrew the card.
        self.touched.update(item.case_id for item in carried if item.case_id is not None and item.kind == "deadline")
        self._renew_lease()

    def _renew_lease(self) -> None:
        elapsed = time.monotonic() - self._claimed_at
        if elapsed > self.lease.total_seconds() / 3:
            outbox.renew(self.store, token=self.token, now=self.now + timedelta(seconds=elapsed))
            self._claimed_at = time.monotonic()

    def _preview(self, queues: dict[str, deque[tuple[Message, list[_Item]]]]) -> None:
        names = {}
        total = sum(len(q) for q in queues.values())
        notices = sum(len(carried) for q in queues.values() for _, carried in q)
        self.report.posted, self.report.messages = notices, total
        if not total:
            self.report.preview.append("Nothing to post.")
            return
        self.report.preview.append(f"Would post {notices} notice(s) in {total} message(s):")
        for target, queue in queues.items():
            where = "direct message to " + target if is_user(target) else "channel " + target
            for message, carried in queue:
                self.report.preview += ["", f"── to {where} ({', '.join(i.key for i in carried)}) ──",
                                        message_text(message, names=names)]

    # -------------------------------------------------------- readers and links

    def reader(self, target: str) -> Reader:
        """Channels read in the channel language and the team's zone; a direct message in its reader's."""
        reader = self._readers.get(target)
        if reader is None:
            locale, zone, holidays = self.settings.channel_locale, self.settings.zone, self.settings.holidays
            weekend = self.settings.calendar.weekend
            account = self.settings.accounts.for_channel(target)
            if account is not None:  # an account's channel: its language, its marketplace's zone and calendar
                market = self.settings.accounts.market_of(account.key)
                locale, zone, holidays, weekend = account.locale, market.zone, market.holidays_label, market.weekend
            if is_user(target):
                try:
                    person = self.directory.person(target, self.client)
                    locale, zone = person.locale, person.zone
                except SLACK_ERRORS as error:
                    log.info("no profile for %s (%s): using the team's language", target, error)
                    locale = self.settings.default_locale
            reader = Reader(translator(locale), zone, self.now, holidays, weekend)
            self._readers[target] = reader
        return reader

    def permalink(self, case: CaseRecord) -> str | None:
        if not case.channel_id or not case.card_ts or self.poster is None or self.dry_run:
            return None
        if case.id not in self._permalinks:
            try:
                self._permalinks[case.id] = self.poster.permalink(case.channel_id, case.card_ts)
            except SLACK_ERRORS as error:
                kind, reason = classify(error)
                if kind != "permanent":
                    raise SlackOutage.of(kind, reason) from None
                self._permalinks[case.id] = None
        return self._permalinks[case.id]


def sweep(store: Store, client: WebClient | Poster | None, settings: Settings, *, now: datetime,
          dry_run: bool = False, refresh_card: RefreshCard | None = None, pacer: Pacer | None = None,
          batch: int = BATCH, lease: timedelta = LEASE, directory: Directory | None = None) -> SweepReport:
    """One sweep at ``now``: settle due deadlines, then post every due notice once.

    ``client`` is a ``WebClient`` (or any ``Poster``); a dry run needs none and changes nothing:
    ``SweepReport.preview`` then says what would be posted and closed. ``refresh_card(case_id)``
    redraws a case card after its notices went out (default: nothing).
    """
    runner = _Sweep(store, None if dry_run else as_poster(client), settings, now=now, dry_run=dry_run,
                    refresh_card=refresh_card or _no_refresh, pacer=pacer or Pacer(), batch=batch, lease=lease,
                    directory=directory)
    return runner.run()


def deliver_case_notices(store: Store, client: WebClient | Poster, settings: Settings, case_id: int, *,
                         now: datetime, directory: Directory | None = None, refresh_card: RefreshCard | None = None,
                         pacer: Pacer | None = None) -> SweepReport:
    """Post the due notices of one case now (its outcome, approval and deadline notices with
    ``post_at <= now``) rather than at the next sweep: called after a case changed.

    The rows are claimed as a sweep claims them, so each is posted once whichever gets there first;
    nothing is settled and no daily summary planned. Never raises: what could not go out stays
    queued for the sweep, and ``SweepReport.errors`` says why.
    """
    runner = _Sweep(store, as_poster(client), settings, now=now, dry_run=False,
                    refresh_card=refresh_card or _no_refresh, pacer=pacer or Pacer(), batch=BATCH, lease=LEASE,
                    directory=directory, case_id=case_id)
    try:
        return runner.run()
    except Exception as error:  # the sweep posts whatever is left; an action's listener must not fail on it
        log.exception("could not post the notices of case %s at once", case_id)
        runner.report.errors.append(f"notices of case {case_id} left for the sweep: {error}")
        return runner.report


# ---------------------------------------------------------------- in-process sweeping (serve, socket)


class Sweeper:
    """Sweeps every ``interval`` seconds on a daemon thread until ``stop()``."""

    def __init__(self, store: Store, client: WebClient | Poster, settings: Settings, clock: Callable[[], datetime], *,
                 refresh_card: RefreshCard | None = None, interval: float | None = None) -> None:
        self.store, self.client, self.settings, self.clock = store, client, settings, clock
        self.refresh_card = refresh_card
        self.interval = float(interval if interval is not None else settings.sweep_seconds)
        self.last_report: SweepReport | None = None
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
                                         refresh_card=self.refresh_card, pacer=pacer)
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
                  refresh_card: RefreshCard | None = None) -> Sweeper:
    """Sweep in-process every ``SAFET_SWEEP_SECONDS`` (the app runner calls this for serve/socket).
    Several processes may sweep at once: claims keep every notice to one post."""
    return Sweeper(store, client, settings, clock, refresh_card=refresh_card).start()
