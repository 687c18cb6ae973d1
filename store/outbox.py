"""The outbox as the sweep sees it: claim due notices exactly once, settle each one, and read what
a notice needs — all through indexes, in bulk, for the rows in hand only.

A notice's life: ``pending`` → ``claimed`` (one sweep holds it, with a token) → ``sent`` (with the
Slack ``ts``), ``skipped`` (a later warning stage already applies), ``failed`` (Slack refused it for
good), or ``cancelled`` (its deadline settled first). A failure before Slack acted puts it back to
``pending``; a post whose reply was lost goes back too, with ``unknown_since`` set. A row ``claimed``
for longer than the lease belongs to a sweep that died: its fate is unknown as well. Either way the
next sweep first looks for it in the conversation's history, by its key, before posting it again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, bindparam, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from rules.deadlines import DeadlineKind, DeadlineStatus
from rules.kinds import Action, CaseKind, State
from rules.ladder import EXPIRING, SELF_SETTLING
from rules.records import CaseRecord, DailyFacts, DeadlineRecord, EventRecord, FailedNotice
from rules.transitions import TERMINAL_STATES

from .db import Store
from .models import AuditEvent, Case, CaseDeadline, NoticeStatus, OutboxNotice
from .records import case_record, deadline_record, event_record

LEASE = timedelta(minutes=5)
"""How long a claim holds before another sweep may take the row over (its fate then unknown)."""
BATCH = 500

PENDING, CLAIMED, SENT, SKIPPED, FAILED, CANCELLED = (
    NoticeStatus.PENDING, NoticeStatus.CLAIMED, NoticeStatus.SENT, NoticeStatus.SKIPPED, NoticeStatus.FAILED,
    NoticeStatus.CANCELLED)
DAILY = "daily"


@dataclass(frozen=True)
class DueNotice:
    """An outbox row a sweep holds (or, in a dry run, would hold)."""

    id: int
    key: str
    kind: str
    """``deadline``, ``outcome``, ``approval`` or ``daily``."""
    stage: str | None
    case_id: int | None
    deadline_id: int | None
    event_id: int | None
    target: str
    post_at: datetime
    attempts: int
    uncertain_since: datetime | None = None
    """Set when the row was taken over from a sweep whose lease expired: the instant that sweep
    claimed it. It may have been posted already; look in Slack before posting."""
    ledger_key: str | None = None
    """The ledger entry a ``ledger`` notice is about."""


@dataclass(frozen=True)
class Stage:
    """One warning stage of a deadline, whatever its status: the late-start rule reads these."""

    id: int
    deadline_id: int
    stage: str | None
    post_at: datetime


@dataclass(frozen=True)
class DueSettlement:
    """A deadline that settles by itself, now due: an information request closes the claim, an
    outcome window ends with no debit, an "Appeal by" date lapses."""

    deadline_id: int
    case_id: int
    kind: DeadlineKind
    due_at: datetime


def _record(row: Any, uncertain_since: datetime | None = None) -> DueNotice:
    since = min(t for t in (row.unknown_since, uncertain_since) if t is not None) \
        if row.unknown_since or uncertain_since else None
    return DueNotice(
        id=row.id, key=row.key, kind=row.kind, stage=row.stage, case_id=row.case_id,
        deadline_id=row.deadline_id, event_id=row.event_id, target=row.target, post_at=row.post_at,
        attempts=row.attempts, uncertain_since=since, ledger_key=row.ledger_key,
    )


def _due(now: datetime, case_id: int | None = None) -> Select:
    # (status, post_at) index: an equality then a range, read in index order. One case's rows are
    # filtered among the due ones (few at any instant): no index on case_id needed.
    query = select(OutboxNotice.__table__).where(OutboxNotice.status == PENDING, OutboxNotice.post_at <= now)
    return query if case_id is None else query.where(OutboxNotice.case_id == case_id)


def _stale(now: datetime, lease: timedelta, case_id: int | None = None) -> Select:
    # Same index, status prefix: claimed rows are few (the ones in flight).
    query = select(OutboxNotice.__table__).where(OutboxNotice.status == CLAIMED,
                                                 OutboxNotice.claimed_at < now - lease)
    return query if case_id is None else query.where(OutboxNotice.case_id == case_id)


# ---------------------------------------------------------------- claiming


def claim_due(store: Store, *, now: datetime, token: str, limit: int = BATCH, lease: timedelta = LEASE,
              case_id: int | None = None) -> list[DueNotice]:
    """Claim up to ``limit`` due notices for the sweep holding ``token``, earliest first (only those of
    ``case_id`` when given: a case's outcome notices posted at once).

    Rows claimed longer ago than ``lease`` are taken over too (their sweep died). On PostgreSQL
    the rows are locked ``FOR UPDATE SKIP LOCKED`` in the claiming transaction, so sweeps that
    run at once take disjoint rows; SQLite's single writer (``BEGIN IMMEDIATE``) serialises them.
    """
    with store.transaction() as session:
        stale_query = _stale(now, lease, case_id).order_by(OutboxNotice.claimed_at).limit(limit)
        due_query = _due(now, case_id).order_by(OutboxNotice.post_at).limit(limit)
        if store.dialect == "postgresql":
            stale_query = stale_query.with_for_update(skip_locked=True)
            due_query = due_query.with_for_update(skip_locked=True)
        # Core rows, not ORM objects: a batch is hundreds of rows, none of them changed through the ORM.
        stale = session.execute(stale_query).all()
        due = session.execute(due_query.limit(limit - len(stale))).all() if len(stale) < limit else []
        claimed = [_record(row, row.claimed_at) for row in stale] + [_record(row) for row in due]
        if claimed:
            session.execute(
                update(OutboxNotice).where(OutboxNotice.id.in_([n.id for n in claimed]))
                # A row taken over from a dead sweep keeps, as its unknown fate, the instant that sweep claimed it.
                .values(status=CLAIMED, claim_token=token, claimed_at=now,
                        unknown_since=func.coalesce(OutboxNotice.unknown_since, OutboxNotice.claimed_at))
                .execution_options(synchronize_session=False)
            )
        return claimed


def renew(store: Store, *, token: str, now: datetime) -> int:
    """Extend the lease of every row this sweep still holds (a long sweep is not a dead one)."""
    with store.transaction() as session:
        result = session.execute(
            update(OutboxNotice).where(OutboxNotice.claim_token == token, OutboxNotice.status == CLAIMED)
            .values(claimed_at=now).execution_options(synchronize_session=False)
        )
        return result.rowcount or 0


# ---------------------------------------------------------------- settling


def _settle(store: Store, ids: Collection[int], token: str, **values: object) -> int:
    if not ids:
        return 0
    with store.transaction() as session:
        result = session.execute(
            update(OutboxNotice)
            .where(OutboxNotice.id.in_(list(ids)), OutboxNotice.claim_token == token, OutboxNotice.status == CLAIMED)
            .values(**values).execution_options(synchronize_session=False)
        )
        return result.rowcount or 0


def mark_sent(store: Store, ids: Collection[int], *, token: str, ts: str, now: datetime,
              attempted: bool = True) -> int:
    """Posted as the Slack message ``ts`` (one message may carry several notices: a digest);
    ``attempted=False`` when it was found already posted."""
    values: dict[str, object] = {"status": SENT, "sent_ts": ts, "settled_at": now, "error": None}
    if attempted:
        values["attempts"] = OutboxNotice.attempts + 1
    return _settle(store, ids, token, **values)


def mark_sent_many(store: Store, posted: Sequence[tuple[Sequence[int], str]], *, token: str, now: datetime) -> int:
    """Several messages posted (each its rows and its ``ts``), marked in one write; how many rows were
    still this sweep's."""
    rows = [{"row_id": i, "ts": ts} for ids, ts in posted for i in ids]
    if not rows:
        return 0
    table = OutboxNotice.__table__
    with store.transaction() as session:
        result = session.connection().execute(
            update(table).where(table.c.id == bindparam("row_id"), table.c.claim_token == token,
                                table.c.status == CLAIMED)
            .values(status=SENT, sent_ts=bindparam("ts"), settled_at=now, error=None, attempts=table.c.attempts + 1),
            rows,
        )
        return result.rowcount or 0


def mark_unknown(store: Store, ids: Collection[int], *, token: str, reason: str, since: datetime) -> int:
    """Sent, but Slack's answer was lost (5xx, reset, timeout): back to ``pending`` with its fate
    unknown since ``since``, so the next sweep looks for it in the history before sending it again."""
    return _settle(store, ids, token, status=PENDING, claim_token=None, claimed_at=None, error=reason[:500],
                   attempts=OutboxNotice.attempts + 1,
                   unknown_since=func.coalesce(OutboxNotice.unknown_since, since))


def mark_failed(store: Store, ids: Collection[int], *, token: str, reason: str, now: datetime) -> int:
    """Slack refused for good (archived channel, not in channel…): counted in App Home, listed in
    the next daily summary, never retried."""
    return _settle(store, ids, token, status=FAILED, error=reason[:500], settled_at=now,
                   attempts=OutboxNotice.attempts + 1)


def mark_skipped(store: Store, ids: Collection[int], *, token: str, now: datetime) -> int:
    """A missed warning whose later stage already applies: never posted."""
    return _settle(store, ids, token, status=SKIPPED, settled_at=now)


def mark_cancelled(store: Store, ids: Collection[int], *, token: str, now: datetime, reason: str) -> int:
    """Nothing left to say (the deadline settled, the case is gone)."""
    return _settle(store, ids, token, status=CANCELLED, settled_at=now, error=reason[:500])


def release(store: Store, ids: Collection[int], *, token: str, attempted: bool, reason: str | None = None) -> int:
    """Back to ``pending`` for the next sweep (Slack could not be reached); ``attempted`` counts a try."""
    values: dict[str, object] = {"status": PENDING, "claim_token": None, "claimed_at": None}
    if attempted:
        values.update(attempts=OutboxNotice.attempts + 1, error=reason[:500] if reason else None)
    return _settle(store, ids, token, **values)


def count_due(store: Store, *, now: datetime, lease: timedelta = LEASE, case_id: int | None = None) -> int:
    """Due notices still waiting (what a sweep leaves behind), of one case when ``case_id`` is given."""
    with store.reading() as session:
        pending = session.scalar(select(func.count()).select_from(_due(now, case_id).subquery())) or 0
        stale = session.scalar(select(func.count()).select_from(_stale(now, lease, case_id).subquery())) or 0
        return pending + stale


# ---------------------------------------------------------------- what notices need, in bulk


def stages_of(store: Store, deadline_ids: Iterable[int]) -> dict[int, list[Stage]]:
    """Every planned stage of these deadlines (any status), by deadline, earliest first."""
    ids = sorted(set(deadline_ids))
    found: dict[int, list[Stage]] = {i: [] for i in ids}
    if not ids:
        return found
    with store.reading() as session:
        rows = session.execute(
            select(OutboxNotice.id, OutboxNotice.deadline_id, OutboxNotice.stage, OutboxNotice.post_at)
            .where(OutboxNotice.deadline_id.in_(ids)).order_by(OutboxNotice.post_at)
        )
        for row_id, deadline_id, stage, post_at in rows:
            found[deadline_id].append(Stage(row_id, deadline_id, stage, post_at))
    return found


def load_cases(store: Store, case_ids: Iterable[int]) -> dict[int, CaseRecord]:
    """The cases these notices speak of, with their deadlines: two Core queries, no ORM identity map
    (a sweep reads hundreds of cases and changes none of them here)."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    cases, deadlines = Case.__table__, CaseDeadline.__table__
    with store.reading() as session:
        rows = session.execute(select(cases).where(cases.c.id.in_(ids))).mappings().all()
        by_case: dict[int, list[SimpleNamespace]] = {i: [] for i in ids}
        for row in session.execute(select(deadlines).where(deadlines.c.case_id.in_(ids))
                                   .order_by(deadlines.c.id)).mappings():
            by_case[row["case_id"]].append(SimpleNamespace(**row))
    return {row["id"]: case_record(SimpleNamespace(**row, deadlines=by_case[row["id"]]))  # type: ignore[arg-type]
            for row in rows}


def load_events(store: Store, event_ids: Iterable[int]) -> dict[int, EventRecord]:
    """The events notices tell of. A denial also says how many appeals came before it (its notice says
    "final" only then, however the case went on afterwards)."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    with store.reading() as session:
        rows = session.execute(select(AuditEvent.__table__).where(AuditEvent.id.in_(ids))).all()
        events = {row.id: event_record(row) for row in rows}  # type: ignore[arg-type]
        denials = {row.id: row.case_id for row in rows if row.action == str(Action.DENY)}
        if denials:
            appeals = session.execute(select(AuditEvent.case_id, AuditEvent.id).where(
                AuditEvent.case_id.in_(set(denials.values())), AuditEvent.action == str(Action.APPEAL))).all()
            for event_id, case_id in denials.items():
                before = sum(1 for c, i in appeals if c == case_id and i < event_id)
                events[event_id] = replace(events[event_id], details={**events[event_id].details,
                                                                      "appeals_before": before})
        return events


def due_settlements(store: Store, *, now: datetime, limit: int = BATCH,
                    after: tuple[datetime, int] | None = None) -> list[DueSettlement]:
    """Open deadlines that settle by themselves or lapse and are due, earliest first, via (status, due_at),
    after the ``(due_at, id)`` of the previous page (so refused ones never hide the ones behind them)."""
    with store.reading() as session:
        query = (
            select(CaseDeadline.id, CaseDeadline.case_id, CaseDeadline.kind, CaseDeadline.due_at)
            .where(CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.due_at <= now,
                   CaseDeadline.kind.in_([str(k) for k in SELF_SETTLING | EXPIRING]))
        )
        if after is not None:
            query = query.where(tuple_(CaseDeadline.due_at, CaseDeadline.id) > tuple_(*after))
        rows = session.execute(query.order_by(CaseDeadline.due_at, CaseDeadline.id).limit(limit))
        return [DueSettlement(i, case_id, DeadlineKind(kind), due_at) for i, case_id, kind, due_at in rows]


# ---------------------------------------------------------------- the daily summary


def daily_key(channel: str, day: str) -> str:
    return f"daily:{channel}:{day}"


def queue_daily(store: Store, *, channel: str, day: str, post_at: datetime, now: datetime) -> bool:
    """Plan the daily summary of ``day`` (``YYYY-MM-DD``) for ``channel`` once: a second call, from
    this sweep or another, inserts nothing. True when this call planned it."""
    values = {"key": daily_key(channel, day), "kind": DAILY, "stage": DAILY, "target": channel,
              "post_at": post_at, "status": PENDING, "attempts": 0, "created_at": now}
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    with store.transaction() as session:
        result = session.execute(insert(OutboxNotice).values(**values).on_conflict_do_nothing(index_elements=["key"]))
        return bool(result.rowcount)


def has_notice(store: Store, key: str) -> bool:
    with store.reading() as session:
        return session.scalar(select(OutboxNotice.id).where(OutboxNotice.key == key)) is not None


_OPEN_STATES = [str(s) for s in State if s not in TERMINAL_STATES]


def daily_facts(store: Store, *, now: datetime, until: datetime, limit: int = 25,
                account: str | None = None) -> DailyFacts:
    """Overdue and soon-due deadlines (through the (status, due_at) index), notices that failed in
    the last 24 hours, and how many chargebacks the team believes open; with ``account``, that
    seller account's only (a deployment of several accounts summarises each in its own channel)."""
    tasks = [str(k) for k in DeadlineKind if not k.is_window]
    open_deadline: tuple = (CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.kind.in_(tasks))
    own_cases = () if account is None else (Case.account == account,)
    if account is not None:
        open_deadline += (CaseDeadline.case_id.in_(select(Case.id).where(*own_cases)),)
    with store.reading() as session:
        def pick(*where: object) -> tuple[list[tuple[CaseRecord, DeadlineRecord]], int]:
            total = session.scalar(select(func.count()).select_from(CaseDeadline).where(*open_deadline, *where)) or 0
            rows = session.scalars(
                select(CaseDeadline).where(*open_deadline, *where).order_by(CaseDeadline.due_at).limit(limit)
                .options(selectinload(CaseDeadline.case).selectinload(Case.deadlines))
            ).all()
            return [(case_record(row.case), deadline_record(row)) for row in rows], total

        overdue, overdue_total = pick(CaseDeadline.due_at < now)
        due, due_total = pick(CaseDeadline.due_at >= now, CaseDeadline.due_at < until)
        recent: tuple = (OutboxNotice.status == FAILED, OutboxNotice.settled_at >= now - timedelta(days=1))
        if account is not None:
            recent += (OutboxNotice.case_id.in_(select(Case.id).where(*own_cases)),)
        failed_rows = session.execute(
            select(OutboxNotice.key, OutboxNotice.kind, OutboxNotice.target, OutboxNotice.error, Case.order_id,
                   OutboxNotice.settled_at)
            .outerjoin(Case, Case.id == OutboxNotice.case_id).where(*recent)
            .order_by(OutboxNotice.settled_at.desc()).limit(limit)
        ).all()
        failed_total = session.scalar(select(func.count()).select_from(OutboxNotice).where(*recent)) or 0
        # Grouped by kind rather than filtered on it, so the planner reads the open states through the
        # (state, updated_at) index instead of every chargeback ever recorded through (kind, order_id).
        open_by_kind = dict(session.execute(
            select(Case.kind, func.count()).where(Case.state.in_(_OPEN_STATES), *own_cases).group_by(Case.kind)
        ).all())
        open_chargebacks = open_by_kind.get(str(CaseKind.CHARGEBACK), 0)
    failed = [FailedNotice(key, kind, target, error or "", order_id, settled_at)
              for key, kind, target, error, order_id, settled_at in failed_rows]
    return DailyFacts(overdue=overdue, overdue_total=overdue_total, due=due, due_total=due_total, failed=failed,
                      failed_total=failed_total, open_chargebacks=open_chargebacks)
