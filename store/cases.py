"""One function per use case. Each validates through the rules and writes the case, its audit
event, its deadlines and its outbox notices in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from slack_app.rules import deadlines as rules_deadlines
from slack_app.rules.deadlines import Deadline, DeadlineKind, DeadlineStatus
from slack_app.rules.eligibility import OrderFacts, check_chargeback, check_safet_claim
from slack_app.rules.errors import AlreadyClaimed, DomainError, NotFound, StaleCase
from slack_app.rules.kinds import Action, CaseKind, ComplaintType, SafetReason
from slack_app.rules.ladder import OVERDUE, stages
from slack_app.rules.parsing import normalize, parse_optional_order_id, parse_order_id
from slack_app.rules.records import CaseRecord, EventRecord
from slack_app.rules.text import N_
from slack_app.rules.transitions import (
    FULFILS,
    INITIAL_STATE,
    OUTCOME_ACTIONS,
    SETTLED_BY_SYSTEM,
    Transition,
    check_permission,
    needs_approval,
    transition_for,
)

from .db import Store
from .models import AuditEvent, Case, CaseDeadline, Evidence, OutboxNotice, RosterOrder
from .records import case_record, deadline_record, event_record

SYSTEM = "system"
"""The actor of changes the app makes by itself (automatic close, presumed outcome)."""


@dataclass(frozen=True)
class Change:
    """What one use case did: the case as it is now and the audit event that says so."""

    case: CaseRecord
    event: EventRecord


@dataclass(frozen=True)
class Attachment:
    label: str
    slack_file_id: str | None = None
    url: str | None = None


# ---------------------------------------------------------------- opening cases


def open_safet_claim(
    store: Store, *, actor: str, order_id: str, reason: SafetReason, now: datetime,
    product_order_id: str | None = None, explanation: str = "",
    second_appointment_completed_on: date | None = None, claim_number: str | None = None,
    attachments: Sequence[Attachment] = (), filing_locale: str | None = None,
) -> Change:
    """Check eligibility and open a SAFE-T claim in preparation (one claim per order)."""
    policy = store.policy
    order_id = parse_order_id(order_id)
    product_order_id = parse_optional_order_id(product_order_id, field="product_order_id")
    try:
        with store.transaction() as session:
            facts = _order_facts(session, order_id)
            today = now.astimezone(policy.calendar.zone).date()
            eligibility = check_safet_claim(
                order_id=order_id, reason=reason, facts=facts, today=today, explanation=explanation,
                second_appointment_completed_on=second_appointment_completed_on,
            )
            case = Case(
                kind=CaseKind.SAFET, order_id=order_id, state=INITIAL_STATE[CaseKind.SAFET],
                owner_id=actor, created_by=actor, created_at=now, updated_at=now, reason=reason,
                product_order_id=product_order_id, explanation=explanation,
                second_appointment_completed_on=second_appointment_completed_on,
                expected_amount_cents=eligibility.expected_amount_cents, currency=eligibility.currency,
                claim_number=_clean_reference(claim_number), filing_locale=filing_locale,
                channel_id=policy.case_channel, details={},
                needs_approval=needs_approval(
                    required=policy.require_approval, above_cents=policy.approval_above_cents,
                    amount_cents=eligibility.expected_amount_cents,
                ),
            )
            session.add(case)
            session.flush()
            for item in attachments:
                session.add(Evidence(case_id=case.id, label=item.label, slack_file_id=item.slack_file_id,
                                     url=item.url, added_by=actor, added_at=now))
            event = _audit(session, case, actor, "open", None, now, {"reason": str(reason)})
            return _finish(session, case, event)
    except IntegrityError:
        raise _already_claimed(CaseKind.SAFET, order_id) from None


def open_chargeback(
    store: Store, *, actor: str, order_id: str, amount_cents: int, currency: str, now: datetime,
    complaint_type: ComplaintType, email_on: date | None = None, email_at: datetime | None = None,
    notes: str = "",
) -> Change:
    """Record Amazon's chargeback email: the reply is due 7 calendar days from its date."""
    policy = store.policy
    order_id = parse_order_id(order_id)
    zone = policy.calendar.zone
    if email_at is not None:
        email_on = email_at.astimezone(zone).date()
    if email_on is None:
        raise DomainError(N_("Enter the date of Amazon's email."), field="email_on")
    if email_on > now.astimezone(zone).date():
        raise DomainError(N_("The email date cannot be in the future."), field="email_on")
    try:
        with store.transaction() as session:
            check_chargeback(order_id=order_id, has_chargeback=_has_case(session, CaseKind.CHARGEBACK, order_id))
            case = Case(
                kind=CaseKind.CHARGEBACK, order_id=order_id, state=INITIAL_STATE[CaseKind.CHARGEBACK],
                owner_id=actor, created_by=actor, created_at=now, updated_at=now, amount_cents=amount_cents,
                currency=currency, complaint_type=complaint_type, email_on=email_on, email_at=email_at,
                notes=notes, channel_id=policy.case_channel, details={},
                needs_approval=needs_approval(
                    required=policy.require_approval, above_cents=policy.approval_above_cents,
                    amount_cents=amount_cents,
                ),
            )
            session.add(case)
            session.flush()
            deadline = rules_deadlines.chargeback_reply(email_on=email_on, email_at=email_at, zone=zone)
            _open_deadline(session, store, case, deadline, now)
            event = _audit(session, case, actor, "open", None, now, {"complaint_type": str(complaint_type)})
            return _finish(session, case, event)
    except IntegrityError:
        raise _already_claimed(CaseKind.CHARGEBACK, order_id) from None


# ---------------------------------------------------------------- state changes


@dataclass
class _Changing:
    session: Session
    store: Store
    case: Case
    transition: Transition
    now: datetime
    details: dict[str, Any] = field(default_factory=dict)
    opens: Deadline | None = None
    result: Change | None = None


@contextmanager
def _changing(
    store: Store, case_id: int, action: Action, *, actor: str, now: datetime, is_lead: bool = False,
    expected_version: int | None = None,
) -> Iterator[_Changing]:
    """Load the case, check the person and the transition, let the caller fill in details, then
    write the new state, settle and open deadlines, audit, and queue notices — all or nothing."""
    try:
        with store.transaction() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(N_("No such case."))
            record = case_record(case)
            if expected_version is not None and case.version != expected_version:
                raise StaleCase(N_("This case changed since you opened it: it is now “{state}”."),
                                state=record.state)
            if actor != SYSTEM:
                check_permission(action, actor=actor, owner=case.owner_id, is_lead=is_lead)
            transition = transition_for(record.kind, record.state, action, record.gate)
            if action in SETTLED_BY_SYSTEM and not any(
                d.kind is SETTLED_BY_SYSTEM[action] and d.due_at <= now for d in record.open_deadlines
            ):
                raise DomainError(N_("Nothing is due yet: the app acts only once the deadline has passed."))
            change = _Changing(session, store, case, transition, now)
            yield change
            from_state = case.state
            _settle_deadlines(session, case, transition, now)
            if change.opens is not None:
                _open_deadline(session, store, case, change.opens, now)
            case.state = transition.target
            case.updated_at = now
            event = _audit(session, case, actor, action, from_state, now, change.details)
            if action in OUTCOME_ACTIONS or action in (Action.APPROVE, Action.SEND_BACK):
                _queue_outcome(session, case, event, now, direct_only=action not in OUTCOME_ACTIONS)
            change.result = _finish(session, case, event)
    except StaleDataError:
        raise StaleCase(N_("Someone else changed this case at the same moment; look at the card again.")) from None


def _result(change: _Changing) -> Change:
    assert change.result is not None
    return change.result


def submit_for_approval(store: Store, case_id: int, *, actor: str, now: datetime, note: str = "",
                        expected_version: int | None = None) -> Change:
    """Ask a lead to approve a prepared claim or response before it is submitted in Seller Central."""
    with _changing(store, case_id, Action.SUBMIT_FOR_APPROVAL, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return _result(change)


def approve(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
            expected_version: int | None = None) -> Change:
    """A lead approves: the case may now be submitted in Seller Central."""
    with _changing(store, case_id, Action.APPROVE, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.case.approved_by = actor
        change.details.update(note=note)
    return _result(change)


def send_back(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
              expected_version: int | None = None) -> Change:
    """A lead sends the case back to its preparer with a note."""
    with _changing(store, case_id, Action.SEND_BACK, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return _result(change)


def record_filing(store: Store, case_id: int, *, actor: str, now: datetime, claim_number: str | None = None,
                  filed_at: datetime | None = None, expected_version: int | None = None) -> Change:
    """The claim was submitted in Seller Central; keep Amazon's SAFE-T claim number as text."""
    with _changing(store, case_id, Action.FILE, actor=actor, now=now,
                   expected_version=expected_version) as change:
        if claim_number is not None:
            change.case.claim_number = _clean_reference(claim_number)
        change.case.details = {**change.case.details, "filed_at": (filed_at or now).isoformat()}
        change.details.update(claim_number=change.case.claim_number)
    return _result(change)


def log_info_request(store: Store, case_id: int, *, actor: str, now: datetime, arrived_at: datetime,
                     stated_due_at: datetime | None = None, note: str = "",
                     expected_version: int | None = None) -> Change:
    """An investigator asked for more information. SAFE-T: 2 business days (or Amazon's earlier
    "Reply by"); chargeback: the time frame stated in the request."""
    if arrived_at > now:
        raise DomainError(N_("The request cannot arrive in the future."), field="arrived_at")
    with _changing(store, case_id, Action.LOG_INFO_REQUEST, actor=actor, now=now,
                   expected_version=expected_version) as change:
        if change.case.kind == CaseKind.SAFET:
            deadline = rules_deadlines.safet_info_reply(arrived_at, store.policy.calendar)
            change.opens = rules_deadlines.with_stated_date(deadline, stated_due_at)
        else:
            if stated_due_at is None:
                raise DomainError(N_("Enter the deadline stated in Amazon's request."), field="stated_due_at")
            change.opens = rules_deadlines.amazon_stated(DeadlineKind.CHARGEBACK_INFO_REPLY, stated_due_at,
                                                         arrived_at)
        if stated_due_at is not None and stated_due_at <= arrived_at:
            raise DomainError(N_("Amazon's date must be after the request arrived."), field="stated_due_at")
        change.details.update(arrived_at=arrived_at.isoformat(), note=note)
    return _result(change)


def record_answer(store: Store, case_id: int, *, actor: str, now: datetime, note: str = "",
                  expected_version: int | None = None) -> Change:
    """The team answered the investigator in Seller Central."""
    with _changing(store, case_id, Action.ANSWER, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return _result(change)


def record_grant(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime,
                 amount_cents: int | None, note: str = "", expected_version: int | None = None) -> Change:
    """Amazon granted the claim (the amount is Amazon's call; it may differ from the expected one)."""
    with _changing(store, case_id, Action.GRANT, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.case.outcome_amount_cents = amount_cents
        change.details.update(amount_cents=amount_cents, note=note)
    return _result(change)


def record_denial(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime,
                  appeal_by: datetime | None = None, note: str = "",
                  expected_version: int | None = None) -> Change:
    """Amazon denied the claim (No-Grant); its "Appeal by" date, when given, becomes a deadline."""
    with _changing(store, case_id, Action.DENY, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        if appeal_by is not None and change.case.appeals_used == 0:
            if appeal_by <= now:
                raise DomainError(N_("The “Appeal by” date has already passed."), field="appeal_by")
            change.opens = rules_deadlines.amazon_stated(DeadlineKind.APPEAL_BY, appeal_by, now)
        change.case.outcome_amount_cents = 0
        change.details.update(note=note, appeal_by=appeal_by.isoformat() if appeal_by else None)
    return _result(change)


def record_appeal(store: Store, case_id: int, *, actor: str, now: datetime, new_evidence: str,
                  expected_version: int | None = None) -> Change:
    """Appeal a denied claim — once — with new information."""
    if not new_evidence.strip():
        raise DomainError(N_("Say what new information the appeal brings: reopening without it is "
                             "discouraged."), field="new_evidence")
    with _changing(store, case_id, Action.APPEAL, actor=actor, now=now,
                   expected_version=expected_version) as change:
        appeal_by = [d for d in change.case.deadlines  # open, or settled missed when its date passed
                     if d.kind == DeadlineKind.APPEAL_BY and d.status in (DeadlineStatus.OPEN, DeadlineStatus.MISSED)]
        if appeal_by and appeal_by[0].due_at < now:
            raise DomainError(N_("The “Appeal by” date has passed: Seller Central no longer takes an appeal."))
        change.case.appeals_used += 1
        change.details.update(new_evidence=new_evidence)
    return _result(change)


def withdraw(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
             expected_version: int | None = None) -> Change:
    with _changing(store, case_id, Action.WITHDRAW, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return _result(change)


def refund(store: Store, case_id: int, *, actor: str, now: datetime, note: str = "",
           expected_version: int | None = None) -> Change:
    """The team refunded the buyer: the chargeback is closed."""
    with _changing(store, case_id, Action.REFUND, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return _result(change)


def represent(store: Store, case_id: int, *, actor: str, now: datetime, shipped_on: date | None,
              shipping_method: str, tracking: str, correspondence: str = "", item_details: str = "",
              represented_at: datetime | None = None, expected_version: int | None = None) -> Change:
    """The team represented the case; the outcome can take 90 days from the representation."""
    with _changing(store, case_id, Action.REPRESENT, actor=actor, now=now,
                   expected_version=expected_version) as change:
        if change.case.complaint_type == ComplaintType.MATERIALLY_DIFFERENT and not item_details.strip():
            raise DomainError(N_("The buyer says the item is materially different: describe the item."),
                              field="item_details")
        represented_at = represented_at or now
        change.opens = rules_deadlines.outcome_window(
            represented_on=represented_at.astimezone(store.policy.calendar.zone).date(),
            zone=store.policy.calendar.zone,
        )
        representation = {
            "shipped_on": shipped_on.isoformat() if shipped_on else None, "shipping_method": shipping_method,
            "tracking": tracking, "correspondence": correspondence, "item_details": item_details,
            "represented_at": represented_at.isoformat(),
        }
        change.case.details = {**change.case.details, "representation": representation}
        change.details.update(representation)
    return _result(change)


def record_debit(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, amount_cents: int,
                 reason: str, expected_version: int | None = None) -> Change:
    """Amazon's email says the team is financially responsible: the account was debited."""
    with _changing(store, case_id, Action.RECORD_DEBIT, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.case.outcome_amount_cents = amount_cents
        change.details.update(amount_cents=amount_cents, reason=reason)
    return _result(change)


def record_win(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
               expected_version: int | None = None) -> Change:
    with _changing(store, case_id, Action.RECORD_WIN, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return _result(change)


def dispute_debit(store: Store, case_id: int, *, actor: str, now: datetime, note: str,
                  expected_version: int | None = None) -> Change:
    """The team replied to Amazon's debit email to dispute it."""
    if not note.strip():
        raise DomainError(N_("Say why the debit is wrong."), field="note")
    with _changing(store, case_id, Action.DISPUTE, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return _result(change)


def decide_dispute(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, reversed_: bool,
                   note: str = "", expected_version: int | None = None) -> Change:
    action = Action.DISPUTE_REVERSED if reversed_ else Action.DISPUTE_UPHELD
    with _changing(store, case_id, action, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        if reversed_:
            change.case.outcome_amount_cents = 0
        change.details.update(note=note)
    return _result(change)


def auto_close(store: Store, case_id: int, *, now: datetime) -> Change:
    """The 2 business days passed unanswered: Amazon closes the claim automatically."""
    with _changing(store, case_id, Action.AUTO_CLOSE, actor=SYSTEM, now=now) as change:
        change.details.update(reason="info_request_unanswered")
    return _result(change)


def presume_no_debit(store: Store, case_id: int, *, now: datetime) -> Change:
    """The 90-day window ended with no debit email: presumed in the seller's favour."""
    with _changing(store, case_id, Action.PRESUME_NO_DEBIT, actor=SYSTEM, now=now) as change:
        change.details.update(reason="outcome_window_elapsed")
    return _result(change)


def expire_deadline(store: Store, deadline_id: int, *, now: datetime) -> Change:
    """A deadline that lapses when due (an "Appeal by" date) passed: settle it as missed, with no change
    of state. Its warnings still pending are cancelled; its overdue notice stays queued, so the sweep
    still posts it once."""
    with store.transaction() as session:
        row = session.get(CaseDeadline, deadline_id)
        if row is None or row.status != DeadlineStatus.OPEN:
            raise NotFound(N_("That deadline is no longer open."))
        if row.due_at > now:
            raise DomainError(N_("Nothing is due yet: the app acts only once the deadline has passed."))
        case = row.case
        row.status, row.settled_at = DeadlineStatus.MISSED, now
        session.execute(
            update(OutboxNotice)
            .where(OutboxNotice.deadline_id == row.id, OutboxNotice.status == "pending",
                   OutboxNotice.stage != OVERDUE)
            .values(status="cancelled", settled_at=now, error="the deadline passed")
            .execution_options(synchronize_session=False)
        )
        case.updated_at = now  # bumps the version: the card no longer shows the deadline open
        event = _audit(session, case, SYSTEM, "deadline_expired", case.state, now,
                       {"deadline": row.kind, "due_at": row.due_at.isoformat()})
        return _finish(session, case, event)


def reassign(store: Store, case_id: int, *, actor: str, is_lead: bool, new_owner: str, now: datetime) -> Change:
    """Give the case to someone else (owner or lead only); the state does not change."""
    with store.transaction() as session:
        case = _get(session, case_id)
        check_permission(None, actor=actor, owner=case.owner_id, is_lead=is_lead)
        previous, case.owner_id, case.updated_at = case.owner_id, new_owner, now
        if case.channel_id is None:
            # Without a case channel, warnings go to the owner: they follow the case.
            session.execute(
                update(OutboxNotice)
                .where(OutboxNotice.case_id == case.id, OutboxNotice.status == "pending",
                       OutboxNotice.target == previous, OutboxNotice.kind == "deadline")
                .values(target=new_owner).execution_options(synchronize_session=False)
            )
        event = _audit(session, case, actor, "reassign", case.state, now, {"from": previous, "to": new_owner})
        return _finish(session, case, event)


def set_stated_due(store: Store, deadline_id: int, *, actor: str, now: datetime,
                   stated_at: datetime | None) -> Change:
    """Enter (or clear) Amazon's stated date for an open deadline; the earlier date is kept and the
    warnings are re-planned without re-posting stages already sent."""
    with store.transaction() as session:
        row = session.get(CaseDeadline, deadline_id)
        if row is None or row.status != DeadlineStatus.OPEN:
            raise NotFound(N_("That deadline is no longer open."))
        case = row.case
        updated = rules_deadlines.with_stated_date(deadline_record(row).deadline, stated_at)
        row.stated_due_at, row.due_at = updated.stated_due_at, updated.due_at
        _plan_ladder(session, store, case, row, now)
        case.updated_at = now  # bumps the version: cards drawn before this change are stale
        event = _audit(session, case, actor, "set_stated_due", case.state, now, {
            "deadline": row.kind, "stated_at": stated_at.isoformat() if stated_at else None,
            "due_at": updated.due_at.isoformat(), "set_by_amazon": updated.set_by_amazon,
        })
        return _finish(session, case, event)


def set_card(store: Store, case_id: int, *, channel_id: str, ts: str) -> None:
    """Remember the case card's message, so every change edits it in place."""
    with store.transaction() as session:
        session.execute(update(Case).where(Case.id == case_id).values(channel_id=channel_id, card_ts=ts)
                        .execution_options(synchronize_session=False))


# ---------------------------------------------------------------- helpers


def _get(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(N_("No such case."))
    return case


def _has_case(session: Session, kind: CaseKind, order_id: str) -> bool:
    return bool(session.scalar(select(exists().where(Case.kind == kind, Case.order_id == order_id))))


def _order_facts(session: Session, order_id: str) -> OrderFacts:
    roster_loaded = bool(session.scalar(select(exists().select_from(RosterOrder))))
    return OrderFacts(
        has_safet_claim=_has_case(session, CaseKind.SAFET, order_id),
        has_chargeback=_has_case(session, CaseKind.CHARGEBACK, order_id),
        roster_loaded=roster_loaded,
        on_roster=roster_loaded and session.get(RosterOrder, order_id) is not None,
    )


def _already_claimed(kind: CaseKind, order_id: str) -> AlreadyClaimed:
    if kind is CaseKind.SAFET:
        message = N_("Order {order_id} already has a SAFE-T claim: Amazon allows one claim per order.")
    else:
        message = N_("Order {order_id} already has a chargeback case.")
    return AlreadyClaimed(message, field="order_id", order_id=order_id)


def _clean_reference(reference: str | None) -> str | None:
    """Amazon does not publish the claim number's format: keep it as text, trimmed."""
    return normalize(reference) or None


def _audit(session: Session, case: Case, actor: str, action: str, from_state: str | None, now: datetime,
           details: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(case_id=case.id, at=now, actor=actor, action=str(action), from_state=from_state,
                       to_state=case.state, details={k: v for k, v in details.items() if v not in (None, "")})
    session.add(event)
    session.flush()
    return event


def _finish(session: Session, case: Case, event: AuditEvent) -> Change:
    session.flush()
    session.refresh(case, ["deadlines"])
    return Change(case_record(case), event_record(event))


def _open_deadline(session: Session, store: Store, case: Case, deadline: Deadline, now: datetime) -> None:
    row = CaseDeadline(
        case_id=case.id, kind=deadline.kind, rule=deadline.rule, basis_at=deadline.basis_at,
        computed_due_at=deadline.computed_due_at, stated_due_at=deadline.stated_due_at,
        due_at=deadline.due_at, status=DeadlineStatus.OPEN, created_at=now,
    )
    session.add(row)
    session.flush()
    _plan_ladder(session, store, case, row, now)


def _settle_deadlines(session: Session, case: Case, transition: Transition, now: datetime) -> None:
    fulfilled = FULFILS.get(transition.action, frozenset())
    for row in case.deadlines:
        kind = DeadlineKind(row.kind)
        if row.status == DeadlineStatus.OPEN and kind in transition.closes:
            row.status = rules_deadlines.status_when_settled(row.due_at, kind, now, fulfilled=kind in fulfilled)
            row.settled_at = now
            session.execute(
                update(OutboxNotice)
                .where(OutboxNotice.deadline_id == row.id, OutboxNotice.status == "pending")
                .values(status="cancelled", settled_at=now)
                .execution_options(synchronize_session=False)
            )


def _notice_target(case: Case) -> str:
    return case.channel_id or case.owner_id


def _plan_ladder(session: Session, store: Store, case: Case, row: CaseDeadline, now: datetime) -> None:
    """Plan (or re-plan) each warning stage of a deadline; a stage already posted stays posted."""
    existing = {n.stage: n for n in session.scalars(
        select(OutboxNotice).where(OutboxNotice.deadline_id == row.id))}
    for stage, post_at in stages(DeadlineKind(row.kind), row.due_at, store.policy.ladder):
        notice = existing.get(stage)
        if notice is None:
            session.add(OutboxNotice(
                key=f"deadline:{row.id}:{stage}", kind="deadline", stage=stage, case_id=case.id,
                deadline_id=row.id, target=_notice_target(case), post_at=post_at, status="pending",
                created_at=now,
            ))
        elif notice.status in ("pending", "cancelled"):
            notice.post_at, notice.status = post_at, "pending"


def _queue_outcome(session: Session, case: Case, event: AuditEvent, now: datetime, *, direct_only: bool) -> None:
    """An outcome goes to the case channel and, as a direct message, to the owner."""
    targets = [("dm", case.owner_id)]
    if not direct_only and case.channel_id:
        targets.insert(0, ("channel", case.channel_id))
    for where, target in targets:
        if target == SYSTEM:
            continue
        session.add(OutboxNotice(
            key=f"event:{event.id}:{where}", kind="outcome" if not direct_only else "approval",
            stage=where, case_id=case.id, event_id=event.id, target=target, post_at=now, status="pending",
            created_at=now,
        ))
