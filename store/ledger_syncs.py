"""Each account's reading of Amazon's ledger: one sync at a time (a lease), the watermark advanced only after a
window was read and recorded whole, the last error kept and told to the account's leads once; and the claims
recorded granted that Amazon never paid, warned about once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from rules.kinds import CaseKind, State

from .db import Store
from .models import Case, LedgerSync, NoticeStatus, OutboxNotice

LEASE = timedelta(minutes=15)
"""A sync that started longer ago than this and never finished died: another may start."""
REFUSED = "refused"
UNPAID = "unpaid"


@dataclass(frozen=True)
class SyncState:
    account: str
    watermark: datetime | None
    read_from: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    entries: int
    error: str | None
    error_at: datetime | None


def _state(row: LedgerSync) -> SyncState:
    return SyncState(row.account, row.watermark, row.read_from, row.started_at, row.finished_at, row.entries,
                     row.error, row.error_at)


def sync_states(store: Store) -> dict[str, SyncState]:
    with store.reading() as session:
        return {row.account: _state(row) for row in session.scalars(select(LedgerSync))}


def begin_sync(store: Store, account: str, *, now: datetime, every: timedelta | None) -> SyncState | None:
    """Take the account's sync if it is due (``every``: its period; ``None``: a person asked, due now) and no
    other process holds it; ``None`` otherwise."""
    try:
        with store.transaction() as session:
            row = session.get(LedgerSync, account, with_for_update=True)
            if row is None:
                row = LedgerSync(account=account, entries=0)
                session.add(row)
            running = row.started_at is not None and (row.finished_at is None or row.finished_at < row.started_at) \
                and now - row.started_at < LEASE
            last = row.finished_at if row.error is None else row.error_at
            # A person's sync (every None) always runs: entries are kept by key, so two at once record once.
            if every is not None and (running or (last is not None and now - last < every)):
                return None
            row.started_at = now
            session.flush()
            return _state(row)
    except IntegrityError:
        return None  # another process created the row first: it syncs


def advance(store: Store, account: str, *, read_from: datetime, to: datetime) -> None:
    """A window ``[read_from, to)`` was read and recorded whole."""
    with store.transaction() as session:
        row = session.get(LedgerSync, account)
        assert row is not None
        if row.watermark is None or to > row.watermark:
            row.watermark = to
        if row.read_from is None or read_from < row.read_from:
            row.read_from = read_from


def finish_sync(store: Store, account: str, *, now: datetime, entries: int) -> None:
    with store.transaction() as session:
        row = session.get(LedgerSync, account)
        assert row is not None
        row.finished_at, row.entries, row.error, row.error_at, row.error_told = now, entries, None, None, None


def fail_sync(store: Store, account: str, *, now: datetime, code: str, message: str, tell: tuple[str, ...]) -> bool:
    """Keep the error; when it is one the leads have not been told yet, queue one notice to each of ``tell``
    (the leads, or the account's channel). Whether it was told now."""
    with store.transaction() as session:
        row = session.get(LedgerSync, account)
        assert row is not None
        row.error, row.error_at = message[:500], now
        if not tell or row.error_told == code:
            return False
        row.error_told = code
        for target in tell:
            session.add(OutboxNotice(
                key=f"ledger-{REFUSED}:{account}:{code}:{now.isoformat()}:{target}"[:200], kind="ledger",
                stage=REFUSED, target=target, post_at=now, status=NoticeStatus.PENDING, created_at=now))
        return True


def plan_unpaid(store: Store, account: str, *, now: datetime, after: timedelta) -> int:
    """One warning per claim recorded granted whose payment the ledger has not shown ``after`` the grant — only
    where the ledger was read from before the grant and up to after its payment was due."""
    with store.transaction() as session:
        sync = session.get(LedgerSync, account)
        if sync is None or sync.read_from is None or sync.watermark is None:
            return 0
        cutoff = min(now, sync.watermark) - after
        warned = exists().where(OutboxNotice.case_id == Case.id, OutboxNotice.kind == "ledger",
                                OutboxNotice.stage == UNPAID)
        rows = session.execute(select(Case.id, Case.channel_id, Case.owner_id).where(
            Case.account == account, Case.kind == CaseKind.SAFET, Case.state == State.REIMBURSED,
            Case.ledger_posted_at.is_(None), Case.decided_at >= sync.read_from, Case.decided_at <= cutoff,
            or_(Case.outcome_amount_cents.is_(None), Case.outcome_amount_cents > 0), ~warned)).all()
        for case_id, channel, owner in rows:
            session.add(OutboxNotice(key=f"ledger-{UNPAID}:{case_id}", kind="ledger", stage=UNPAID, case_id=case_id,
                                     target=channel or owner, post_at=now, status=NoticeStatus.PENDING,
                                     created_at=now))
        return len(rows)


def first_cards_due(store: Store, *, limit: int = 50) -> list[int]:
    """Cases Amazon's ledger opened whose first card is not posted yet (the card slot decides who posts it)."""
    from rules.records import LEDGER_ACTOR

    with store.reading() as session:
        return list(session.scalars(select(Case.id).where(
            Case.created_by == LEDGER_ACTOR, Case.card_ts.is_(None), Case.channel_id.is_not(None))
            .order_by(Case.id).limit(limit)))
