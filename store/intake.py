"""What intake remembers: which Slack messages it has already answered (one reply per email)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from rules.kinds import CaseKind
from rules.parsing import normalize
from rules.records import CaseRecord

from .db import Store
from .models import Case, IntakeRead
from .records import case_record


def first_read(store: Store, *, channel_id: str, message_ts: str, source: str, now: datetime,
               read_by: str | None = None) -> bool:
    """Record that this message is being answered; ``False`` when it already was (a retried event, a second
    look). The primary key decides, so two replicas receiving the same retry cannot both answer."""
    try:
        with store.transaction() as session:
            session.add(IntakeRead(channel_id=channel_id, message_ts=message_ts, source=source, read_by=read_by,
                                   read_at=now))
        return True
    except IntegrityError:
        return False


def was_read(store: Store, *, channel_id: str, message_ts: str) -> bool:
    with store.reading() as session:
        return bool(session.scalar(select(exists().where(IntakeRead.channel_id == channel_id,
                                                         IntakeRead.message_ts == message_ts))))


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
