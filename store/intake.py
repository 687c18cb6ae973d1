"""What intake remembers: which Slack messages it has already answered (one reply per email)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from rules.kinds import CaseKind
from rules.parsing import normalize
from rules.records import CaseRecord

from .db import Store
from .models import Case, IntakeRead
from .records import case_record

MAX_TRIES = 3
"""An email whose answer failed (files.info, the download, the post) is tried this many times in all."""


def first_read(store: Store, *, channel_id: str, message_ts: str, source: str, now: datetime,
               read_by: str | None = None, file_id: str | None = None, thread_ts: str | None = None) -> bool:
    """Record that this message is being answered; ``False`` when it already was (a retried event, a second
    look). The primary key decides, so two replicas receiving the same retry cannot both answer."""
    try:
        with store.transaction() as session:
            session.add(IntakeRead(channel_id=channel_id, message_ts=message_ts, source=source, read_by=read_by,
                                   read_at=now, file_id=file_id, thread_ts=thread_ts, tries=0))
        return True
    except IntegrityError:
        return False


def mark_answered(store: Store, *, channel_id: str, message_ts: str, now: datetime) -> None:
    """Its reply landed (or it needs none): never tried again."""
    with store.transaction() as session:
        session.execute(update(IntakeRead).where(IntakeRead.channel_id == channel_id,
                                                 IntakeRead.message_ts == message_ts)
                        .values(answered_at=now).execution_options(synchronize_session=False))


def mark_failed(store: Store, *, channel_id: str, message_ts: str) -> int:
    """One more failed try; the number of tries so far."""
    with store.transaction() as session:
        session.execute(update(IntakeRead).where(IntakeRead.channel_id == channel_id,
                                                 IntakeRead.message_ts == message_ts)
                        .values(tries=IntakeRead.tries + 1).execution_options(synchronize_session=False))
        return int(session.scalar(select(IntakeRead.tries).where(
            IntakeRead.channel_id == channel_id, IntakeRead.message_ts == message_ts)) or 0)


@dataclass(frozen=True)
class Unanswered:
    channel_id: str
    message_ts: str
    thread_ts: str
    file_id: str
    tries: int


def unanswered(store: Store, *, now: datetime, limit: int = 20) -> list[Unanswered]:
    """Emails of the intake channels whose answer failed, to try again, oldest first: after a failed try, a
    minute on; never tried to the end (the process stopped mid-answer), five minutes on, so an answer still
    under way is not raced."""
    failed = IntakeRead.tries.between(1, MAX_TRIES - 1) & (IntakeRead.read_at < now - timedelta(minutes=1))
    stopped = (IntakeRead.tries == 0) & (IntakeRead.read_at < now - timedelta(minutes=5))
    with store.reading() as session:
        rows = session.execute(
            select(IntakeRead.channel_id, IntakeRead.message_ts, IntakeRead.thread_ts, IntakeRead.file_id,
                   IntakeRead.tries)
            .where(IntakeRead.answered_at.is_(None), IntakeRead.file_id.is_not(None), failed | stopped)
            .order_by(IntakeRead.read_at).limit(limit)).all()
    return [Unanswered(r.channel_id, r.message_ts, r.thread_ts or r.message_ts, r.file_id, r.tries) for r in rows]


def cases_for(store: Store, kind: CaseKind, order_ids: Sequence[str], claim_number: str | None = None,
              ) -> dict[str, CaseRecord]:
    """The cases of ``kind`` these orders already have (one per order: the newest), and for a SAFE-T email
    that names no order, the claim with that SAFE-T claim number."""
    condition = Case.order_id.in_(list(order_ids)[:50])
    if claim_number and kind is CaseKind.SAFET:
        condition = condition | (Case.claim_number == normalize(claim_number))
    with store.reading() as session:
        rows = session.scalars(select(Case).where(Case.kind == kind, condition).options(selectinload(Case.deadlines))
                               .order_by(Case.updated_at.desc())).all()
        found: dict[str, CaseRecord] = {}
        for row in rows:
            found.setdefault(row.order_id, case_record(row, history=False))
        return found
