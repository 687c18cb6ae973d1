"""The unit of work behind every case change: check the person and the transition, then write the new
state, settle and open deadlines, audit, and queue notices — in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rules import deadlines as rules_deadlines
from rules.actions import FULFILS, OUTCOME_ACTIONS
from rules.deadlines import Deadline, DeadlineKind, DeadlineStatus
from rules.errors import StaleCase, no_such_case, stale_case
from rules.kinds import Action
from rules.ladder import stages
from rules.records import APP_ACTORS, CaseRecord, EventRecord
from rules.refusals import refusal
from rules.report_records import DECIDING_ACTIONS
from rules.text import N_
from rules.transitions import Transition, transition_for

from .db import Store
from .models import AuditEvent, Case, CaseDeadline, NoticeStatus, OutboxNotice
from .records import case_record, event_record


@dataclass(frozen=True)
class Change:
    """What one use case did: the case as it is now and the audit event that says so."""

    case: CaseRecord
    event: EventRecord


@dataclass
class Changing:
    session: Session
    store: Store
    case: Case
    transition: Transition
    now: datetime
    details: dict[str, Any] = field(default_factory=dict)
    counts_from: datetime | None = None
    """When the deadline this transition opens counts from (``None``: it opens none this time)."""
    stated_at: datetime | None = None
    """Amazon's own date for that deadline, when given."""
    result: Change | None = None

    def opens_from(self, at: datetime, stated_at: datetime | None = None) -> None:
        self.counts_from, self.stated_at = at, stated_at


@contextmanager
def changing(
    store: Store, case_id: int, action: Action, *, actor: str, now: datetime, is_lead: bool = False,
    expected_version: int | None = None,
) -> Iterator[Changing]:
    """Load the case, check the person and the transition, let the caller fill in details, then
    write the new state, settle and open deadlines, audit, and queue notices — all or nothing."""
    try:
        with store.transaction() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise no_such_case()
            record = case_record(case)
            if expected_version is not None and case.version != expected_version:
                raise stale_case(record.state)
            refused = refusal(record, action, actor=actor, is_lead=is_lead, now=now)
            if refused is not None:
                raise refused
            transition = transition_for(record.kind, record.state, action, record.gate_at(now))
            change = Changing(session, store, case, transition, now)
            yield change
            from_state = case.state
            _settle_deadlines(session, case, transition, now)
            if transition.opens is not None and change.counts_from is not None:
                # The case's marketplace: its calendar and its counts.
                opened = store.policy.market(case.marketplace).opened(transition.opens, at=change.counts_from,
                                                                      stated_at=change.stated_at)
                if opened is not None:
                    open_deadline(session, store, case, opened, now)
            case.state = transition.target
            case.updated_at = now
            if action in DECIDING_ACTIONS:
                case.decided_at = now  # the report counts the case in the period of its outcome
            event = audit(session, case, actor, action, from_state, now, change.details)
            if action in OUTCOME_ACTIONS or action in (Action.APPROVE, Action.SEND_BACK):
                _queue_outcome(session, case, event, now, direct_only=action not in OUTCOME_ACTIONS)
            change.result = finish(session, case, event)
    except StaleDataError:
        raise StaleCase(N_("Someone else changed this case at the same moment; look at the card again.")) from None


def result(change: Changing) -> Change:
    assert change.result is not None
    return change.result


def audit(session: Session, case: Case, actor: str, action: str, from_state: str | None, now: datetime,
           details: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(case_id=case.id, at=now, actor=actor, action=str(action), from_state=from_state,
                       to_state=case.state, details={k: v for k, v in details.items() if v not in (None, "")})
    session.add(event)
    session.flush()
    return event


def finish(session: Session, case: Case, event: AuditEvent, *, deadlines_loaded: bool = False) -> Change:
    session.flush()
    if not deadlines_loaded:
        session.refresh(case, ["deadlines"])
    return Change(case_record(case), event_record(event))


def open_deadline(session: Session, store: Store, case: Case, deadline: Deadline, now: datetime) -> None:
    row = CaseDeadline(
        case_id=case.id, kind=deadline.kind, rule=deadline.rule, basis_at=deadline.basis_at,
        computed_due_at=deadline.computed_due_at, stated_due_at=deadline.stated_due_at,
        due_at=deadline.due_at, status=DeadlineStatus.OPEN, created_at=now, days=deadline.days,
    )
    session.add(row)
    session.flush()
    plan_ladder(session, store, case, row, now)


def _settle_deadlines(session: Session, case: Case, transition: Transition, now: datetime) -> None:
    fulfilled = FULFILS.get(transition.action, frozenset())
    for row in case.deadlines:
        kind = DeadlineKind(row.kind)
        if row.status == DeadlineStatus.OPEN and kind in transition.closes:
            row.status = rules_deadlines.status_when_settled(row.due_at, kind, now, fulfilled=kind in fulfilled)
            row.settled_at = now
            cancel_pending_notices(session, OutboxNotice.deadline_id == row.id, now=now)


def cancel_pending_notices(session: Session, *where: Any, now: datetime, error: str | None = None) -> None:
    """Cancel the notices still waiting to be posted that match ``where`` (a deadline settled, passed)."""
    session.execute(
        update(OutboxNotice).where(OutboxNotice.status == NoticeStatus.PENDING, *where)
        .values(status=NoticeStatus.CANCELLED, settled_at=now, error=error)
        .execution_options(synchronize_session=False)
    )


def _notice_target(case: Case) -> str:
    return case.channel_id or case.owner_id


def plan_ladder(session: Session, store: Store, case: Case, row: CaseDeadline, now: datetime) -> None:
    """Plan (or re-plan) each warning stage of a deadline; a stage already posted stays posted."""
    existing = {n.stage: n for n in session.scalars(
        select(OutboxNotice).where(OutboxNotice.deadline_id == row.id))}
    for stage, post_at in stages(DeadlineKind(row.kind), row.due_at, store.policy.ladder):
        notice = existing.get(stage)
        if notice is None:
            session.add(OutboxNotice(
                key=f"deadline:{row.id}:{stage}", kind="deadline", stage=stage, case_id=case.id,
                deadline_id=row.id, target=_notice_target(case), post_at=post_at, status=NoticeStatus.PENDING,
                created_at=now,
            ))
        elif notice.status in (NoticeStatus.PENDING, NoticeStatus.CANCELLED):
            notice.post_at, notice.status = post_at, NoticeStatus.PENDING


def _queue_outcome(session: Session, case: Case, event: AuditEvent, now: datetime, *, direct_only: bool) -> None:
    """An outcome goes to the case channel and, as a direct message, to the owner."""
    targets = [("dm", case.owner_id)]
    if not direct_only and case.channel_id:
        targets.insert(0, ("channel", case.channel_id))
    for where, target in targets:
        if target in APP_ACTORS:
            continue
        session.add(OutboxNotice(
            key=f"event:{event.id}:{where}", kind="outcome" if not direct_only else "approval",
            stage=where, case_id=case.id, event_id=event.id, target=target, post_at=now, status=NoticeStatus.PENDING,
            created_at=now,
        ))
