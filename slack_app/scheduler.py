"""The sweep: settle what is due, then post every due notice exactly once.

One sweep, at one instant ``now``:

1. Deadlines that settle by themselves and are due (``rules.ladder.SELF_SETTLING``): an unanswered
   SAFE-T information request closes the claim (``store.cases.auto_close``), an outcome window that
   ends with no debit presumes the chargeback won (``presume_no_debit``). Each queues its outcome
   notices, which this same sweep then posts.
2. The daily summary of each day is planned once, as an outbox row keyed ``daily:{channel}:{day}``.
3. Due outbox rows are claimed in batches (``store.outbox.claim_due``), rendered from the same views
   as everything else, grouped per channel (more than three: one digest, most urgent first), posted
   with message metadata naming their keys, and marked. A missed warning whose later stage already
   applies is skipped; a row taken over from a dead sweep is first looked for in the channel's
   history, by its key, so a crash between posting and marking never posts twice.

Slack refusing a notice for good marks it failed and the others go on; Slack out of reach puts the
rest back for the next sweep and says so in ``SweepReport.errors``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as wall_time
from http.client import HTTPException
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from slack_app.config import Settings
from slack_app.i18n import translator
from slack_app.people import Directory
from slack_app.rules.deadlines import (
    DeadlineKind,
    DeadlineStatus,
    end_of_day,
    local_instant,
    outcome_window,
    safet_info_reply,
    status_when_settled,
)
from slack_app.rules.errors import DomainError
from slack_app.rules.kinds import Action
from slack_app.rules.ladder import OVERDUE
from slack_app.rules.records import CaseRecord, EventRecord
from slack_app.rules.transitions import FULFILS, transition_for
from store import cases as store_cases
from store import outbox
from store.db import Store
from store.outbox import BATCH, LEASE, DueNotice
from views.notices import (
    DIGEST_OVER,
    Message,
    Reader,
    approval_notice,
    daily_summary,
    deadline_notice,
    digest,
    message_text,
    outcome_notice,
)

log = logging.getLogger("safet.sweep")

NOTICE_EVENT = "safet_notice"
"""Message metadata ``event_type`` of every notice; its payload lists the outbox keys it carries."""
HISTORY_MARGIN = timedelta(minutes=2)
"""How far before a dead sweep's claim to look for what it may have posted (clock skew)."""
HISTORY_PAGES = 10

_TRANSIENT = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
_AUTH = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                   "missing_scope", "not_allowed_token_type", "team_access_not_granted"})
_USER = re.compile(r"[UW][A-Z0-9]{2,}", re.ASCII)

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
                             (self.presumed, "chargebacks presumed no debit"), (self.left, "left queued")):
            if count:
                parts.append(f"{words}: {count}")
        return "; ".join(parts)


# ---------------------------------------------------------------- talking to Slack


class Poster(Protocol):
    """Where notices go: Slack's Web API, or a recording (the demo, tests)."""

    client: WebClient | None

    def post(self, target: str, message: Message, keys: Sequence[str]) -> str: ...

    def permalink(self, channel: str, ts: str) -> str | None: ...

    def posted_keys(self, target: str, oldest: datetime) -> dict[str, str]: ...


def notice_metadata(keys: Sequence[str]) -> dict[str, Any]:
    return {"event_type": NOTICE_EVENT, "event_payload": {"keys": list(keys)}}


def _keys_of(message: dict[str, Any]) -> list[str]:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != NOTICE_EVENT:
        return []
    keys = (metadata.get("event_payload") or {}).get("keys") or []
    return [k for k in keys if isinstance(k, str)]


def is_user(target: str) -> bool:
    return bool(_USER.fullmatch(target))


class SlackPoster:
    """Posts through a ``WebClient`` (whose retry handlers wait out 429s and 5xx)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._im: dict[str, str] = {}

    def post(self, target: str, message: Message, keys: Sequence[str]) -> str:
        response = self.client.chat_postMessage(
            channel=target, text=message.text, blocks=[b.to_dict() for b in message.blocks],
            metadata=notice_metadata(keys), unfurl_links=False, unfurl_media=False,
        )
        return str(response["ts"])

    def permalink(self, channel: str, ts: str) -> str | None:
        try:
            return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except SlackApiError as error:
            if _classify(error)[0] != "permanent":
                raise
            log.info("no permalink for %s/%s: %s", channel, ts, error.response.get("error"))
            return None

    def posted_keys(self, target: str, oldest: datetime) -> dict[str, str]:
        """Notice keys found in the channel's messages since ``oldest``, with their ``ts``."""
        channel = target
        if is_user(target):
            channel = self._im.get(target) or str(self.client.conversations_open(users=target)["channel"]["id"])
            self._im[target] = channel
        found: dict[str, str] = {}
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = self.client.conversations_history(
                channel=channel, oldest=f"{oldest.timestamp():.6f}", include_all_metadata=True, limit=200,
                cursor=cursor,
            )
            for message in page.get("messages", []):
                for key in _keys_of(message):
                    found.setdefault(key, str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
        return found


@dataclass(frozen=True)
class PostedMessage:
    target: str
    message: Message
    keys: tuple[str, ...]
    ts: str

    @property
    def text(self) -> str:
        return message_text(self.message)


class RecordingPoster:
    """Keeps what would have been posted (``safet demo``, tests): no Slack anywhere."""

    client: WebClient | None = None

    def __init__(self) -> None:
        self.posted: list[PostedMessage] = []
        self._counter = 0

    def post(self, target: str, message: Message, keys: Sequence[str]) -> str:
        self._counter += 1
        ts = f"{self._counter}.000000"
        self.posted.append(PostedMessage(target, message, tuple(keys), ts))
        return ts

    def permalink(self, channel: str, ts: str) -> str | None:
        return None

    def posted_keys(self, target: str, oldest: datetime) -> dict[str, str]:
        return {key: m.ts for m in self.posted if m.target == target for key in m.keys}

    def take(self) -> list[PostedMessage]:
        """What was posted since the last call."""
        taken, self.posted = self.posted, []
        return taken


def _poster(client: WebClient | Poster | None) -> Poster:
    if client is None:
        raise ValueError("a sweep that posts needs a Slack client")
    if isinstance(client, WebClient):
        return SlackPoster(client)
    return client


class Pacer:
    """About one message per second per channel (Slack's posting limit); ``sleep`` is injectable."""

    def __init__(self, interval: float = 1.0, *, sleep: Callable[[float], Any] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}

    def wait(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None and self.interval > 0:
            remaining = self.interval - (self._clock() - last)
            if remaining > 0:
                self._sleep(remaining)
        self._last[channel] = self._clock()


def _classify(error: BaseException) -> tuple[str, str]:
    """("permanent" | "transient" | "auth", reason) for a failed Slack call."""
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error") or "")
        status = getattr(error.response, "status_code", 200) or 200
        if status == 429 or status >= 500 or code in _TRANSIENT:
            return "transient", code or f"HTTP {status}"
        if code in _AUTH:
            return "auth", code
        return "permanent", code or "unknown_error"
    if isinstance(error, OSError | HTTPException):
        return "transient", str(error) or type(error).__name__
    return "permanent", str(error) or type(error).__name__


_SLACK_ERRORS = (SlackClientError, OSError, HTTPException)


class _Stop(Exception):
    """Slack is out of reach or refuses the token: stop this sweep, leave the rest queued."""


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


class _Sweep:
    def __init__(self, store: Store, poster: Poster | None, settings: Settings, *, now: datetime, dry_run: bool,
                 refresh_card: RefreshCard, pacer: Pacer, batch: int, lease: timedelta,
                 directory: Directory | None) -> None:
        self.store, self.poster, self.settings, self.now = store, poster, settings, now
        self.dry_run, self.refresh_card, self.pacer, self.batch, self.lease = dry_run, refresh_card, pacer, batch, lease
        self.client = poster.client if poster is not None else None
        self.directory = directory or Directory(store, default_locale=settings.default_locale,
                                                team_zone=settings.zone, leads=settings.leads, clock=lambda: now)
        self.report = SweepReport(dry_run=dry_run)
        self.token = uuid.uuid4().hex
        self.touched: set[int] = set()
        self.closing: set[int] = set()
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
            self.settle()
            self.plan_daily()
            if self.dry_run:
                self.preview_due()
            else:
                self.post_due()
        except _Stop as stop:
            self.report.errors.append(str(stop))
        if not self.dry_run:
            self.report.left = outbox.count_due(self.store, now=self.now, lease=self.lease)
            for case_id in sorted(self.touched):
                self._refresh(case_id)
        return self.report

    def _refresh(self, case_id: int) -> None:
        try:
            self.refresh_card(case_id)
        except Exception:  # a card that cannot be redrawn never stops the notices
            log.exception("could not refresh the card of case %s", case_id)

    # -------------------------------------------------------- deadlines that settle by themselves

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
            if due.kind is DeadlineKind.SAFET_INFO_REPLY:
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
            event = EventRecord(id=0, at=self.now, actor=store_cases.SYSTEM, action=str(action),
                                from_state=case.state, to_state=transition.target, details={})
            targets = [("channel", case.channel_id), ("dm", case.owner_id)]
            for where, target in targets:
                if target and target != store_cases.SYSTEM:
                    self._would_post.append(_Item(
                        key=f"event:(new):{where}", target=target, kind="outcome", rank=(2, self.now),
                        message=outcome_notice(after, event, self.reader(target)), case_id=case.id))
        if lines:
            self.report.preview += [f"Would settle {len(lines)} deadline(s) that settle by themselves:", *lines, ""]

    # -------------------------------------------------------- the daily summary

    def plan_daily(self) -> None:
        hour, channel = self.settings.digest_hour, self.settings.alert_channel
        if hour is None or not channel:
            return
        local = self.now.astimezone(self.settings.zone)
        if local.hour < hour:
            return
        post_at = local_instant(local.date(), wall_time(hour), self.settings.zone)
        day = local.date().isoformat()
        if self.dry_run:
            key = outbox.daily_key(channel, day)
            if not outbox.has_notice(self.store, key):
                self._would_post.append(self._daily_item(
                    DueNotice(0, key, outbox.DAILY, outbox.DAILY, None, None, None, channel, post_at, 0)))
            return
        outbox.queue_daily(self.store, channel=channel, day=day, post_at=post_at, now=self.now)

    def _daily_item(self, row: DueNotice) -> _Item:
        local_day = self.now.astimezone(self.settings.zone).date()
        facts = outbox.daily_facts(self.store, now=self.now,
                                   until=end_of_day(local_day + timedelta(days=1), self.settings.zone))
        if self.dry_run and self.closing:  # what this sweep would close is no longer overdue
            kept = [(c, d) for c, d in facts.overdue if c.id not in self.closing]
            facts = replace(facts, overdue=kept, overdue_total=facts.overdue_total - (len(facts.overdue) - len(kept)))
        message = daily_summary(facts, self.reader(row.target))
        return _Item(key=row.key, target=row.target, kind=outbox.DAILY, rank=(-1, row.post_at), message=message,
                     ids=(row.id,) if row.id else (), uncertain_since=row.uncertain_since)

    # -------------------------------------------------------- due notices

    def post_due(self) -> None:
        assert self.poster is not None
        while True:
            rows = outbox.claim_due(self.store, now=self.now, token=self.token, limit=self.batch, lease=self.lease)
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
                if deadline is None or deadline.status is not DeadlineStatus.OPEN or case.id in self.closing:
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
            except _SLACK_ERRORS as error:
                kind, reason = _classify(error)
                if kind == "transient":
                    raise self._stop(kind, reason) from None
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
        except _SLACK_ERRORS as error:
            kind, reason = _classify(error)
            if kind == "permanent":
                log.warning("Slack refused %s for %s: %s", keys, target, reason)
                outbox.mark_failed(self.store, ids, token=self.token, reason=reason, now=self.now)
                self.held.difference_update(ids)
                self.report.failed += len(carried)
                return
            outbox.release(self.store, ids, token=self.token, attempted=True, reason=reason)
            raise self._stop(kind, reason) from None
        outbox.mark_sent(self.store, ids, token=self.token, ts=ts, now=self.now)
        self.held.difference_update(ids)
        self.report.posted += len(carried)
        self.report.messages += 1
        # A deadline notice changes what the card shows (the hint, the overdue mark); an outcome or an
        # approval comes from an action whose handler already redrew the card.
        self.touched.update(item.case_id for item in carried if item.case_id is not None and item.kind == "deadline")
        self._renew_lease()

    @staticmethod
    def _stop(kind: str, reason: str) -> _Stop:
        """Why this sweep stops, in one line: nothing more can go out until Slack answers."""
        if kind == "auth":
            return _Stop(f"Slack refused the bot token ({reason}): check SLACK_BOT_TOKEN and the app's scopes; "
                         "what is left stays queued")
        return _Stop(f"Slack could not be reached ({reason}); what is left stays queued for the next sweep")

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
            locale, zone = self.settings.channel_locale, self.settings.zone
            if is_user(target):
                try:
                    person = self.directory.person(target, self.client)
                    locale, zone = person.locale, person.zone
                except _SLACK_ERRORS as error:
                    log.info("no profile for %s (%s): using the team's language", target, error)
                    locale = self.settings.default_locale
            reader = Reader(translator(locale), zone, self.now, self.settings.holidays)
            self._readers[target] = reader
        return reader

    def permalink(self, case: CaseRecord) -> str | None:
        if not case.channel_id or not case.card_ts or self.poster is None or self.dry_run:
            return None
        if case.id not in self._permalinks:
            try:
                self._permalinks[case.id] = self.poster.permalink(case.channel_id, case.card_ts)
            except _SLACK_ERRORS as error:
                kind, reason = _classify(error)
                if kind != "permanent":
                    raise self._stop(kind, reason) from None
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
    runner = _Sweep(store, None if dry_run else _poster(client), settings, now=now, dry_run=dry_run,
                    refresh_card=refresh_card or _no_refresh, pacer=pacer or Pacer(), batch=batch, lease=lease,
                    directory=directory)
    return runner.run()


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



# ---------------------------------------------------------------- the demo (`safet demo`)

DEMO_CHANNEL = "CDEMO"
DEMO_CHANNEL_NAME = "#seller-support"
DEMO_PEOPLE = {"UMEI": "mei", "UJAMES": "james", "UPRIYA": "priya"}
DEMO_LEAD = "UPRIYA"


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


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    say: str = field(compare=False)
    run: Callable[[datetime], Any] = field(compare=False)


class _DemoTeam:
    """The team's cases, every state of both kinds, and what the people do during the week."""

    def __init__(self, store: Store, settings: Settings, start: datetime) -> None:
        self.store, self.settings, self.start = store, settings, start
        self.steps: list[_Step] = []
        self.ids: dict[str, int] = {}
        self.outage: tuple[datetime, datetime] | None = None
        """When the app is down (a failed deploy): no sweeps, so missed warnings are posted late or skipped."""
        self._labels: set[str] = set()
        self._orders = 0

    # ---- helpers

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        return local_instant(self.start.astimezone(self.settings.zone).date() + timedelta(days=day),
                             wall_time(hour, minute), self.settings.zone)

    def date(self, day: int):  # type: ignore[no-untyped-def]
        return self.start.astimezone(self.settings.zone).date() + timedelta(days=day)

    def order_id(self) -> str:
        self._orders += 1
        n = self._orders
        return f"11{n % 10}-{(4829301 + n * 7919) % 10**7:07d}-{(5512093 + n * 104729) % 10**7:07d}"

    def step(self, at: datetime, say: str, run: Callable[[datetime], Any]) -> None:
        self.steps.append(_Step(at, len(self.steps), say, run))

    def case(self, label: str) -> int:
        return self.ids[label]

    def _label(self, label: str) -> str:
        if label in self._labels:
            raise ValueError(f"two demo cases named {label!r}")
        self._labels.add(label)
        return label

    def safet(self, label: str, owner: str, reason: Any, at: datetime, *, file_at: datetime | None = None,
              claim_number: str | None = None) -> None:
        label, order_id = self._label(label), self.order_id()

        def open_it(now: datetime) -> None:
            self.ids[label] = store_cases.open_safet_claim(
                self.store, actor=owner, order_id=order_id, reason=reason, now=now,
                explanation="Technician arrived; the customer was not home (photos attached)."
                if str(reason) == "trip_credit" else "See attached documents.",
            ).case.id

        self.step(at, f"{DEMO_PEOPLE[owner]} prepares a SAFE-T claim for order {order_id}", open_it)
        if file_at is not None:
            self.file(label, owner, file_at, claim_number=claim_number)

    def file(self, label: str, owner: str, at: datetime, *, claim_number: str | None = None) -> None:
        def file_it(now: datetime) -> None:
            case_id = self.case(label)
            record = store_cases.record_filing
            try:
                record(self.store, case_id, actor=owner, now=now, claim_number=claim_number)
            except DomainError:  # the approval gate: ask, get approved, then file
                store_cases.submit_for_approval(self.store, case_id, actor=owner, now=now - timedelta(hours=2))
                store_cases.approve(self.store, case_id, actor=DEMO_LEAD, is_lead=True,
                                    now=now - timedelta(hours=1))
                record(self.store, case_id, actor=owner, now=now, claim_number=claim_number)

        self.step(at, f"{DEMO_PEOPLE[owner]} files it in Seller Central", file_it)

    def chargeback(self, label: str, owner: str, cents: int, complaint: Any, email_day: int, *,
                   notes: str = "") -> None:
        label, order_id = self._label(label), self.order_id()
        email_on = self.date(email_day)

        def open_it(now: datetime) -> None:
            self.ids[label] = store_cases.open_chargeback(
                self.store, actor=owner, order_id=order_id, amount_cents=cents, currency="USD", now=now,
                complaint_type=complaint, email_on=email_on, notes=notes,
            ).case.id

        self.step(self.at(email_day, 9, 30), f"{DEMO_PEOPLE[owner]} records Amazon's chargeback email for order "
                                             f"{order_id}", open_it)

    def act(self, at: datetime, say: str, use_case: Callable[..., Any], label: str, **kwargs: Any) -> None:
        self.step(at, say, lambda now: use_case(self.store, self.case(label), now=now, **kwargs))

    def represent(self, label: str, owner: str, at: datetime, **extra: Any) -> None:
        self.act(at, f"{DEMO_PEOPLE[owner]} represents the case in Seller Central", store_cases.represent, label,
                 actor=owner, shipped_on=self.date(-20), shipping_method="UPS Ground", tracking="1Z999AA10123456784",
                 correspondence="Buyer confirmed the delivery window by message.", **extra)

    # ---- the story

    def build(self, holiday: datetime) -> None:
        from slack_app.rules.kinds import ComplaintType as Cp
        from slack_app.rules.kinds import SafetReason as R

        M, J, P = "UMEI", "UJAMES", DEMO_LEAD
        sc = store_cases
        # SAFE-T claims, one per state, some of them moving during the week.
        self.safet("preparing", M, R.TRIP_CREDIT, self.at(-1, 15))
        self.safet("awaiting", J, R.PENALTY_FEE, self.at(-2, 10))
        self.act(self.at(-2, 11), "james asks priya to approve", sc.submit_for_approval, "awaiting", actor=J)
        self.act(self.at(0, 11, 30), "priya sends james's claim back", sc.send_back, "awaiting", actor=P,
                 is_lead=True, note="Attach the penalty notice and the buyer messages, then send it again.")
        self.safet("approved", M, R.CANCELLED_INCORRECTLY, self.at(-3, 9))
        self.act(self.at(-3, 10), "mei asks priya to approve", sc.submit_for_approval, "approved", actor=M)
        self.act(self.at(-3, 16), "priya approves", sc.approve, "approved", actor=P, is_lead=True)
        self.safet("filed", M, R.TRIP_CREDIT, self.at(-6, 9), file_at=self.at(-5, 14), claim_number="4471-2290")
        # Thursday's information request: 2 business days, the weekend skipped; nobody answers.
        self.safet("info", M, R.TRIP_CREDIT, self.at(-8, 9), file_at=self.at(-6, 10), claim_number="4471-3318")
        self.act(self.at(-1, 10), "Amazon's investigator asks mei for the customer-approved photos",
                 sc.log_info_request, "info", actor=M, arrived_at=self.at(-1, 10))
        self.safet("answered", J, R.TRIP_CREDIT, self.at(-12, 9), file_at=self.at(-9, 11), claim_number="4470-9921")
        self.act(self.at(-4, 9), "an investigator asks james for more", sc.log_info_request, "answered", actor=J,
                 arrived_at=self.at(-4, 9))
        self.act(self.at(-3, 15), "james answers", sc.record_answer, "answered", actor=J)
        # An information request two business days before the holiday: the holiday is skipped too.
        self.safet("holiday", J, R.PENALTY_FEE, self.at(-14, 9), file_at=self.at(-10, 12), claim_number="4470-8812")
        asked = self.settings.calendar
        day = holiday.date()
        for _ in range(2):
            day -= timedelta(days=1)
            while not asked.is_business_day(day):
                day -= timedelta(days=1)
        arrived = local_instant(day, wall_time(11), self.settings.zone)
        due = asked.add_business_days(arrived, 2)
        self.act(arrived, "an investigator asks james to prove the penalty is wrong", sc.log_info_request,
                 "holiday", actor=J, arrived_at=arrived)
        self.act(due - timedelta(hours=20), "james answers the investigator", sc.record_answer, "holiday", actor=J)
        self.safet("reimbursed", J, R.TRIP_CREDIT, self.at(-22, 9), file_at=self.at(-20, 10))
        self.act(self.at(-4, 13), "Amazon grants the Trip Credit", sc.record_grant, "reimbursed", actor=J,
                 is_lead=False, amount_cents=5000)
        self.safet("granted", J, R.CANCELLED_INCORRECTLY, self.at(-14, 9), file_at=self.at(-12, 15))
        self.act(self.at(3, 14), "Amazon grants james's claim", sc.record_grant, "granted", actor=J, is_lead=False,
                 amount_cents=12000)
        self.safet("denied", M, R.PENALTY_FEE, self.at(-18, 9), file_at=self.at(-15, 10), claim_number="4469-1104")
        self.act(self.at(-1, 16), "Amazon denies mei's claim (No-Grant)", sc.record_denial, "denied", actor=M,
                 is_lead=False, appeal_by=self.at(3, 17))
        self.safet("appealed", J, R.TRIP_CREDIT, self.at(-32, 9), file_at=self.at(-30, 10))
        self.act(self.at(-10, 10), "Amazon denies it", sc.record_denial, "appealed", actor=J, is_lead=False,
                 appeal_by=self.at(20, 17))
        self.act(self.at(-8, 10), "james appeals with new photos", sc.record_appeal, "appealed", actor=J,
                 new_evidence="Time-stamped photos of the completed installation.")
        self.safet("auto_closed", M, R.TRIP_CREDIT, self.at(-27, 9), file_at=self.at(-25, 10))
        self.act(self.at(-14, 9), "an investigator asks for more", sc.log_info_request, "auto_closed", actor=M,
                 arrived_at=self.at(-14, 9))
        unanswered = safet_info_reply(self.at(-14, 9), self.settings.calendar).due_at
        self.act(unanswered + timedelta(minutes=5), "two business days pass", sc.auto_close, "auto_closed")
        self.safet("withdrawn", J, R.TRIP_CREDIT, self.at(-7, 9))
        self.act(self.at(-6, 9), "james withdraws it: the appointment was completed after all", sc.withdraw,
                 "withdrawn", actor=J, is_lead=False)

        # Chargebacks.
        self.chargeback("reply", M, 12999, Cp.NOT_RECEIVED, -2, notes="Buyer says the parcel never came.")
        self.represent("reply", M, self.at(5, 21))
        self.chargeback("overdue", J, 8950, Cp.UNAUTHORIZED, -6, notes="Card reported stolen.")
        self.act(self.at(4, 10), "Amazon's email: the account was debited", sc.record_debit, "overdue", actor=J,
                 is_lead=False, amount_cents=8950, reason="No response received within 7 days.")
        self.act(self.at(5, 11), "james disputes the debit by replying to the email", sc.dispute_debit, "overdue",
                 actor=J, note="We responded; tracking shows delivery to the billing address.")
        self.chargeback("approval", M, 45000, Cp.MATERIALLY_DIFFERENT, -1, notes="Buyer says the colour differs.")
        self.act(self.at(-1, 17), "mei asks priya to approve the response", sc.submit_for_approval, "approval",
                 actor=M)
        self.act(self.at(0, 10), "priya approves mei's response", sc.approve, "approval", actor=P, is_lead=True,
                 note="Good evidence. Include the listing photos.")
        self.represent("approval", M, self.at(3, 10), item_details="Listing photos match the item shipped.")
        # Three chargebacks from one stolen card, due the same night the app is down for a failed deploy:
        # when it is back, each missed warning is posted late once (the earlier stages skipped), in one digest.
        for label, cents in (("ring1", 4999), ("ring2", 6450), ("ring3", 3125)):
            self.chargeback(label, J, cents, Cp.UNAUTHORIZED, -3, notes="Same stolen card as the other two.")
        self.outage = (self.at(3, 23), self.at(4, 20, 30))
        for minute, label in ((0, "ring1"), (10, "ring2"), (20, "ring3")):
            self.represent(label, J, self.at(4, 22, minute))
        self.chargeback("cb_approved", J, 26000, Cp.MATERIALLY_DIFFERENT, -3)
        self.act(self.at(-2, 10), "james asks priya to approve a refund", sc.submit_for_approval, "cb_approved",
                 actor=J)
        self.act(self.at(-2, 15), "priya approves", sc.approve, "cb_approved", actor=P, is_lead=True)
        self.act(self.at(4, 20), "james refunds the buyer", sc.refund, "cb_approved", actor=J)
        self.chargeback("refunded", M, 4500, Cp.NOT_RECOGNISED, -12)
        self.act(self.at(-10, 10), "mei refunds the buyer", sc.refund, "refunded", actor=M)
        self.chargeback("window", M, 7425, Cp.NOT_RECEIVED, -93)
        self.represent("window", M, self.at(-88, 12))
        self.chargeback("represented", J, 15999, Cp.NOT_RECEIVED, -34)
        self.represent("represented", J, self.at(-30, 11))
        self.chargeback("cb_info", J, 6150, Cp.NOT_RECEIVED, -12)
        self.represent("cb_info", J, self.at(-9, 11))
        self.act(self.at(-1, 13), "Amazon asks james for the delivery photo", sc.log_info_request, "cb_info",
                 actor=J, arrived_at=self.at(-1, 13), stated_due_at=self.at(2, 17))
        self.act(self.at(2, 15), "james sends the delivery photo", sc.record_answer, "cb_info", actor=J)
        self.chargeback("cb_answered", M, 9900, Cp.NOT_RECEIVED, -20)
        self.represent("cb_answered", M, self.at(-17, 11))
        self.act(self.at(-10, 9), "Amazon asks for more", sc.log_info_request, "cb_answered", actor=M,
                 arrived_at=self.at(-10, 9), stated_due_at=self.at(-7, 17))
        self.act(self.at(-8, 10), "mei answers", sc.record_answer, "cb_answered", actor=M)
        self.chargeback("debited", J, 3999, Cp.UNAUTHORIZED, -40)
        self.act(self.at(-20, 10), "Amazon debits", sc.record_debit, "debited", actor=J, is_lead=False,
                 amount_cents=3999, reason="The buyer's bank sided with the cardholder.")
        self.chargeback("no_debit", M, 5600, Cp.NOT_RECEIVED, -120)
        self.represent("no_debit", M, self.at(-115, 11))
        window_end = outcome_window(represented_on=self.date(-115), zone=self.settings.zone).due_at
        self.act(window_end + timedelta(minutes=5), "90 days pass", sc.presume_no_debit, "no_debit")
        self.chargeback("won", J, 18900, Cp.NOT_RECEIVED, -50)
        self.represent("won", J, self.at(-45, 11))
        self.act(self.at(-5, 10), "Amazon says the case was won", sc.record_win, "won", actor=J, is_lead=False)
        for label, owner, cents, day, outcome in (("disputed", M, 2999, -60, None), ("reversed", J, 11900, -80, True),
                                                  ("upheld", M, 7800, -90, False)):
            self.chargeback(label, owner, cents, Cp.NOT_RECOGNISED, day)
            self.act(self.at(day + 30, 10), "Amazon debits", sc.record_debit, label, actor=owner, is_lead=False,
                     amount_cents=cents, reason="The buyer's bank sided with the cardholder.")
            self.act(self.at(day + 31, 10), "the owner disputes it", sc.dispute_debit, label, actor=owner,
                     note="Signed proof of delivery attached.")
            if outcome is not None:
                self.act(self.at(day + 60, 10), "the bank decides", sc.decide_dispute, label, actor=owner,
                         is_lead=False, reversed_=outcome)


def _local(moment: datetime, settings: Settings) -> datetime:
    return moment.astimezone(settings.zone)


def play_demo(store: Store, settings: Settings, *, start: datetime, holiday_name: str, days: int = 7,
              out: Any = None, names: dict[str, str] | None = None) -> SweepReport:
    """Fill the store with the demo team's cases (created in the past), then play ``days`` days hour by
    hour: what the people do, and every message the app would post, as terminal text."""
    import sys

    from store.people import save_chosen_locale

    write = (out or sys.stdout).write
    names = {**DEMO_PEOPLE, DEMO_CHANNEL: DEMO_CHANNEL_NAME, **(names or {})}
    zone = settings.zone
    holiday = next(local_instant(start.astimezone(zone).date() + timedelta(days=n), wall_time(0), zone)
                   for n in range(1, 8) if settings.calendar.holiday_name(start.astimezone(zone).date()
                                                                          + timedelta(days=n)))
    team = _DemoTeam(store, settings, start)
    team.build(holiday.astimezone(zone))
    save_chosen_locale(store, "UMEI", "zh_CN")
    steps = sorted(team.steps)
    for step in (s for s in steps if s.at < start):
        step.run(step.at)
    poster = RecordingPoster()
    quiet = Pacer(0)
    sweep(store, poster, settings, now=start - timedelta(minutes=1), pacer=quiet)  # the app was running
    poster.take()

    from store.queries import ListFilter, list_cases

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
        due = f" · {tr.label(deadline.kind)} {tr.moment(deadline.due_at, zone)}" if deadline else ""
        write(f"  {case.order_id}  {tr.label(case.kind):<13} {tr.label(case.state):<34} "
              f"@{DEMO_PEOPLE.get(case.owner_id, case.owner_id)}{due}\n")

    total = SweepReport()
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
            report = SweepReport()
        else:
            if down_from < down_until and now - timedelta(hours=1) < down_until <= now:
                lines.append(f"{_local(now, settings):%H:%M}  ✔ the app is back and sweeps")
            report = sweep(store, poster, settings, now=now, pacer=quiet)
        for field_name in ("posted", "skipped", "failed", "closed", "presumed", "messages"):
            setattr(total, field_name, getattr(total, field_name) + getattr(report, field_name))
        if report.closed:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the app closes {report.closed} SAFE-T claim(s) "
                         "automatically: the information request went unanswered")
        if report.presumed:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the app presumes {report.presumed} chargeback(s) "
                         "won: 90 days with no debit")
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
