"""One function per state change of a case (opening one: ``store.opening``). Each validates through the
rules and writes the case, its audit event, its deadlines and its outbox notices in one transaction, or
nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from rules import deadlines as rules_deadlines
from rules.actions import ACTIONS, DESCRIBE_ITEM, NEW_EVIDENCE, STATED_DEADLINE, WHY_WRONG, Permission
from rules.deadlines import DeadlineStatus
from rules.errors import DomainError, deadline_closed, no_such_case, not_due_yet, only_the_app
from rules.kinds import Action, CaseKind, ComplaintType
from rules.ladder import OVERDUE
from rules.records import SYSTEM_ACTOR, CaseRecord
from rules.text import N_
from rules.transitions import (
    check_permission,
)

from .db import Store
from .models import Case, CaseDeadline, NoticeStatus, OutboxNotice
from .opening import clean_reference
from .records import deadline_record
from .unit import Change, audit, cancel_pending_notices, changing, finish, plan_ladder, result

# ---------------------------------------------------------------- state changes

UseCase = Callable[..., Change]
USE_CASES: dict[Action, UseCase] = {}
"""The use case behind each action a person takes from the card (its form's fields are its arguments)."""


def _use_case(action: Action) -> Callable[[UseCase], UseCase]:
    def register(function: UseCase) -> UseCase:
        USE_CASES[action] = function
        return function
    return register


def perform(store: Store, case: CaseRecord, action: Action, values: Mapping[str, Any], *, actor: str,
            is_lead: bool, now: datetime, expected_version: int | None = None) -> Change:
    """One action taken through its form on ``case`` (as the form's submitter read it; the use case re-checks
    its version): the declared fields checked (``rules.actions``), then its use case."""
    spec = ACTIONS[action]
    use_case = USE_CASES.get(action)
    if use_case is None:
        raise only_the_app()
    # A day picked in the form (shipped on …) is read in the case's marketplace's zone.
    arguments = spec.arguments(case, values, now=now, zone=store.policy.market(case.marketplace).zone)
    if spec.permission is not Permission.ANYONE:
        arguments["is_lead"] = is_lead
    return use_case(store, case.id, actor=actor, now=now, expected_version=expected_version, **arguments)



@_use_case(Action.SUBMIT_FOR_APPROVAL)
def submit_for_approval(store: Store, case_id: int, *, actor: str, now: datetime, note: str = "",
                        expected_version: int | None = None) -> Change:
    """Ask a lead to approve a prepared claim or response before it is submitted in Seller Central."""
    with changing(store, case_id, Action.SUBMIT_FOR_APPROVAL, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return result(change)


@_use_case(Action.APPROVE)
def approve(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
            expected_version: int | None = None) -> Change:
    """A lead approves: the case may now be submitted in Seller Central."""
    with changing(store, case_id, Action.APPROVE, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.case.approved_by = actor
        change.details.update(note=note)
    return result(change)


@_use_case(Action.SEND_BACK)
def send_back(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
              expected_version: int | None = None) -> Change:
    """A lead sends the case back to its preparer with a note."""
    with changing(store, case_id, Action.SEND_BACK, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return result(change)


@_use_case(Action.FILE)
def record_filing(store: Store, case_id: int, *, actor: str, now: datetime, claim_number: str | None = None,
                  filed_at: datetime | None = None, expected_version: int | None = None) -> Change:
    """The claim was submitted in Seller Central; keep Amazon's SAFE-T claim number as text."""
    with changing(store, case_id, Action.FILE, actor=actor, now=now,
                   expected_version=expected_version) as change:
        if claim_number:  # empty: keep the number recorded before
            change.case.claim_number = clean_reference(claim_number)
        change.case.details = {**change.case.details, "filed_at": (filed_at or now).isoformat()}
        change.details.update(claim_number=change.case.claim_number)
    return result(change)


@_use_case(Action.LOG_INFO_REQUEST)
def log_info_request(store: Store, case_id: int, *, actor: str, now: datetime, arrived_at: datetime,
                     stated_due_at: datetime | None = None, note: str = "",
                     expected_version: int | None = None) -> Change:
    """An investigator asked for more information. SAFE-T: 2 business days (or Amazon's earlier
    "Reply by"); chargeback: the time frame stated in the request."""
    if arrived_at > now:
        raise DomainError(N_("The request cannot arrive in the future."), field="arrived_at")
    with changing(store, case_id, Action.LOG_INFO_REQUEST, actor=actor, now=now,
                   expected_version=expected_version) as change:
        if change.case.kind == CaseKind.CHARGEBACK and stated_due_at is None:
            raise DomainError(STATED_DEADLINE, field="stated_due_at")
        change.opens_from(arrived_at, stated_due_at)
        if stated_due_at is not None and stated_due_at <= arrived_at:
            raise DomainError(N_("Amazon's date must be after the request arrived."), field="stated_due_at")
        change.details.update(arrived_at=arrived_at.isoformat(), note=note)
    return result(change)


@_use_case(Action.ANSWER)
def record_answer(store: Store, case_id: int, *, actor: str, now: datetime, note: str = "",
                  expected_version: int | None = None) -> Change:
    """The team answered the investigator in Seller Central."""
    with changing(store, case_id, Action.ANSWER, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return result(change)


@_use_case(Action.GRANT)
def record_grant(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime,
                 amount_cents: int | None, note: str = "", expected_version: int | None = None) -> Change:
    """Amazon granted the claim (the amount is Amazon's call; it may differ from the expected one)."""
    with changing(store, case_id, Action.GRANT, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.case.outcome_amount_cents = amount_cents
        change.details.update(amount_cents=amount_cents, note=note)
    return result(change)


@_use_case(Action.DENY)
def record_denial(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime,
                  appeal_by: datetime | None = None, note: str = "",
                  expected_version: int | None = None) -> Change:
    """Amazon denied the claim (No-Grant); its "Appeal by" date, when given, becomes a deadline."""
    with changing(store, case_id, Action.DENY, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        # Where the marketplace's page states an appeal window (Amazon.ae: 5 business days), the app keeps
        # its own date too, and the earlier of it and Amazon's "Appeal by" is in force.
        if appeal_by is not None and change.case.appeals_used == 0:
            if appeal_by <= now:
                raise DomainError(N_("The “Appeal by” date has already passed."), field="appeal_by")
            change.opens_from(now, appeal_by)
        elif change.case.appeals_used == 0:
            change.opens_from(now)  # the marketplace's own appeal window, where its page states one
        change.case.outcome_amount_cents = 0
        change.details.update(note=note, appeal_by=appeal_by.isoformat() if appeal_by else None)
    return result(change)


@_use_case(Action.APPEAL)
def record_appeal(store: Store, case_id: int, *, actor: str, now: datetime, new_evidence: str,
                  expected_version: int | None = None) -> Change:
    """Appeal a denied claim — once — with new information."""
    if not new_evidence.strip():
        raise DomainError(NEW_EVIDENCE, field="new_evidence")
    with changing(store, case_id, Action.APPEAL, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.case.appeals_used += 1
        change.details.update(new_evidence=new_evidence)
    return result(change)


@_use_case(Action.WITHDRAW)
def withdraw(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
             expected_version: int | None = None) -> Change:
    with changing(store, case_id, Action.WITHDRAW, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return result(change)


@_use_case(Action.REFUND)
def refund(store: Store, case_id: int, *, actor: str, now: datetime, note: str = "",
           expected_version: int | None = None) -> Change:
    """The team refunded the buyer: the chargeback is closed."""
    with changing(store, case_id, Action.REFUND, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return result(change)


@_use_case(Action.REPRESENT)
def represent(store: Store, case_id: int, *, actor: str, now: datetime, shipped_on: date | None,
              shipping_method: str, tracking: str, correspondence: str = "", item_details: str = "",
              represented_at: datetime | None = None, expected_version: int | None = None) -> Change:
    """The team represented the case; the outcome can take 90 days from the representation."""
    with changing(store, case_id, Action.REPRESENT, actor=actor, now=now,
                   expected_version=expected_version) as change:
        if change.case.complaint_type == ComplaintType.MATERIALLY_DIFFERENT and not item_details.strip():
            raise DomainError(DESCRIBE_ITEM,
                              field="item_details")
        represented_at = represented_at or now
        change.opens_from(represented_at)
        representation = {
            "shipped_on": shipped_on.isoformat() if shipped_on else None, "shipping_method": shipping_method,
            "tracking": tracking, "correspondence": correspondence, "item_details": item_details,
            "represented_at": represented_at.isoformat(),
        }
        change.case.details = {**change.case.details, "representation": representation}
        change.details.update(representation)
    return result(change)


@_use_case(Action.RECORD_DEBIT)
def record_debit(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, amount_cents: int,
                 reason: str, expected_version: int | None = None) -> Change:
    """Amazon's email says the team is financially responsible: the account was debited."""
    with changing(store, case_id, Action.RECORD_DEBIT, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.case.outcome_amount_cents = amount_cents
        change.details.update(amount_cents=amount_cents, reason=reason)
    return result(change)


@_use_case(Action.RECORD_WIN)
def record_win(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, note: str = "",
               expected_version: int | None = None) -> Change:
    with changing(store, case_id, Action.RECORD_WIN, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return result(change)


@_use_case(Action.DISPUTE)
def dispute_debit(store: Store, case_id: int, *, actor: str, now: datetime, note: str,
                  expected_version: int | None = None) -> Change:
    """The team replied to Amazon's debit email to dispute it."""
    if not note.strip():
        raise DomainError(WHY_WRONG, field="note")
    with changing(store, case_id, Action.DISPUTE, actor=actor, now=now,
                   expected_version=expected_version) as change:
        change.details.update(note=note)
    return result(change)


def decide_dispute(store: Store, case_id: int, *, actor: str, is_lead: bool, now: datetime, reversed_: bool,
                   note: str = "", expected_version: int | None = None) -> Change:
    action = Action.DISPUTE_REVERSED if reversed_ else Action.DISPUTE_UPHELD
    with changing(store, case_id, action, actor=actor, is_lead=is_lead, now=now,
                   expected_version=expected_version) as change:
        if reversed_:
            change.case.outcome_amount_cents = 0
        change.details.update(note=note)
    return result(change)


USE_CASES[Action.DISPUTE_REVERSED] = partial(decide_dispute, reversed_=True)
USE_CASES[Action.DISPUTE_UPHELD] = partial(decide_dispute, reversed_=False)


def auto_close(store: Store, case_id: int, *, now: datetime) -> Change:
    """The 2 business days passed unanswered: Amazon closes the claim automatically."""
    with changing(store, case_id, Action.AUTO_CLOSE, actor=SYSTEM_ACTOR, now=now) as change:
        change.details.update(reason="info_request_unanswered")
    return result(change)


def miss_filing_window(store: Store, case_id: int, *, now: datetime, recorded_by: str | None = None) -> Change:
    """The filing window closed before the claim was filed: Amazon refuses it, the money is lost."""
    with changing(store, case_id, Action.MISS_FILING_WINDOW, actor=SYSTEM_ACTOR, now=now) as change:
        change.details.update(reason="filing_window_closed", recorded_by=recorded_by)
    return result(change)


def presume_no_debit(store: Store, case_id: int, *, now: datetime) -> Change:
    """The 90-day window ended with no debit email: presumed in the seller's favour."""
    with changing(store, case_id, Action.PRESUME_NO_DEBIT, actor=SYSTEM_ACTOR, now=now) as change:
        change.details.update(reason="outcome_window_elapsed")
    return result(change)


def expire_deadline(store: Store, deadline_id: int, *, now: datetime) -> Change:
    """A deadline that lapses when due (an "Appeal by" date) passed: settle it as missed, with no change
    of state. Its warnings still pending are cancelled; its overdue notice stays queued, so the sweep
    still posts it once."""
    with store.transaction() as session:
        row = session.get(CaseDeadline, deadline_id)
        if row is None or row.status != DeadlineStatus.OPEN:
            raise deadline_closed()
        if row.due_at > now:
            raise not_due_yet()
        case = row.case
        row.status, row.settled_at = DeadlineStatus.MISSED, now
        cancel_pending_notices(session, OutboxNotice.deadline_id == row.id, OutboxNotice.stage != OVERDUE, now=now,
                               error="the deadline passed")
        case.updated_at = now  # bumps the version: the card no longer shows the deadline open
        event = audit(session, case, SYSTEM_ACTOR, "deadline_expired", case.state, now,
                       {"deadline": row.kind, "due_at": row.due_at.isoformat()})
        return finish(session, case, event)


def reassign(store: Store, case_id: int, *, actor: str, is_lead: bool, new_owner: str, now: datetime) -> Change:
    """Give the case to someone else (owner or lead only); the state does not change."""
    with store.transaction() as session:
        case = _get(session, case_id)
        check_permission(None, actor=actor, owner=case.owner_id, is_lead=is_lead)
        if not new_owner:
            raise DomainError(N_("Choose the new owner."), field="new_owner")
        if new_owner == case.owner_id:
            raise DomainError(N_("They already own this case."), field="new_owner")
        previous, case.owner_id, case.updated_at = case.owner_id, new_owner, now
        if case.channel_id is None:
            # Without a case channel, warnings go to the owner: they follow the case.
            session.execute(
                update(OutboxNotice)
                .where(OutboxNotice.case_id == case.id, OutboxNotice.status == NoticeStatus.PENDING,
                       OutboxNotice.target == previous, OutboxNotice.kind == "deadline")
                .values(target=new_owner).execution_options(synchronize_session=False)
            )
        event = audit(session, case, actor, "reassign", case.state, now, {"from": previous, "to": new_owner})
        return finish(session, case, event)


def set_stated_due(store: Store, deadline_id: int, *, actor: str, now: datetime,
                   stated_at: datetime | None) -> Change:
    """Enter (or clear) Amazon's stated date for an open deadline; the earlier date is kept and the
    warnings are re-planned without re-posting stages already sent."""
    with store.transaction() as session:
        row = session.get(CaseDeadline, deadline_id)
        if row is None or row.status != DeadlineStatus.OPEN:
            raise deadline_closed()
        case = row.case
        current = deadline_record(row)
        if stated_at is not None and stated_at <= current.basis_at:
            raise DomainError(N_("Amazon's date must be after the moment the deadline counts from."),
                              field="stated_at")
        updated = rules_deadlines.with_stated_date(current.deadline, stated_at)
        row.stated_due_at, row.due_at = updated.stated_due_at, updated.due_at
        plan_ladder(session, store, case, row, now)
        case.updated_at = now  # bumps the version: cards drawn before this change are stale
        event = audit(session, case, actor, "set_stated_due", case.state, now, {
            "deadline": row.kind, "stated_at": stated_at.isoformat() if stated_at else None,
            "due_at": updated.due_at.isoformat(), "set_by_amazon": updated.set_by_amazon,
        })
        return finish(session, case, event)


# ---------------------------------------------------------------- helpers


def _get(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise no_such_case()
    return case
