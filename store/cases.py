"""One function per use case. Each validates through the rules and writes the case, its audit
event, its deadlines and its outbox notices in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rules import deadlines as rules_deadlines
from rules.accounts import Account
from rules.actions import ACTIONS, Permission
from rules.checklists import SAFET_CHECKLISTS
from rules.deadlines import DeadlineStatus
from rules.eligibility import OrderFacts, check_chargeback, check_safet_claim
from rules.errors import AlreadyClaimed, DomainError, NotFound, NotPermitted
from rules.kinds import Action, CaseKind, ComplaintType, SafetReason
from rules.ladder import OVERDUE
from rules.marketplaces import Marketplace
from rules.parsing import normalize, parse_optional_order_id, parse_order_id
from rules.records import SYSTEM_ACTOR
from rules.text import N_
from rules.transitions import (
    INITIAL_STATE,
    check_permission,
    needs_approval,
)

from .db import Policy, Store
from .models import Case, CaseDeadline, Evidence, OutboxNotice, RosterOrder
from .queries import get_case
from .records import deadline_record
from .unit import Change, audit, changing, finish, open_deadline, plan_ladder, result


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
    attachments: Sequence[Attachment] = (), filing_locale: str | None = None, checklist: Sequence[str] = (),
    account: str | None = None, marketplace: str | None = None,
) -> Change:
    """Check eligibility and open a SAFE-T claim in preparation (one claim per order), for ``account``
    (default: the deployment's default account) in ``marketplace`` (default: the account's own).
    ``checklist``: the documents the preparer says are ready (checklist message IDs of the reason)."""
    policy = store.policy
    owner, market = placement(policy, account, marketplace)
    order_id = parse_order_id(order_id)
    product_order_id = parse_optional_order_id(product_order_id, field="product_order_id")
    if product_order_id == order_id:
        product_order_id = None  # the same order: nothing to tell Amazon apart
    try:
        with store.transaction() as session:
            facts = _order_facts(session, order_id, owner.key)
            today = now.astimezone(market.zone).date()
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
                channel_id=owner.channel, deadlines=[], account=owner.key, marketplace=market.code,
                details={"checklist": [item for item in SAFET_CHECKLISTS[reason] if item in set(checklist)]},
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
            event = audit(session, case, actor, "open", None, now, {"reason": str(reason)})
            return finish(session, case, event, deadlines_loaded=True)  # a new claim has none yet
    except IntegrityError:
        raise _already_claimed(CaseKind.SAFET, order_id) from None


def open_chargeback(
    store: Store, *, actor: str, order_id: str, amount_cents: int, currency: str, now: datetime,
    complaint_type: ComplaintType, email_on: date | None = None, email_at: datetime | None = None,
    notes: str = "", account: str | None = None, marketplace: str | None = None,
) -> Change:
    """Record Amazon's chargeback email: the reply is due 7 calendar days from its date (or the
    marketplace's count), read in the marketplace's zone."""
    policy = store.policy
    owner, market = placement(policy, account, marketplace)
    order_id = parse_order_id(order_id)
    zone = market.zone
    if email_at is not None:
        if email_at > now:
            raise DomainError(N_("The email's time cannot be in the future."), field="email_time")
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
                notes=notes, channel_id=owner.channel, details={}, account=owner.key, marketplace=market.code,
                needs_approval=needs_approval(
                    required=policy.require_approval, above_cents=policy.approval_above_cents,
                    amount_cents=amount_cents,
                ),
            )
            session.add(case)
            session.flush()
            deadline = market.chargeback_reply(email_on=email_on, email_at=email_at)
            open_deadline(session, store, case, deadline, now)
            event = audit(session, case, actor, "open", None, now, {"complaint_type": str(complaint_type)})
            return finish(session, case, event)
    except IntegrityError:
        raise _already_claimed(CaseKind.CHARGEBACK, order_id) from None


# ---------------------------------------------------------------- state changes

UseCase = Callable[..., Change]
USE_CASES: dict[Action, UseCase] = {}
"""The use case behind each action a person takes from the card (its form's fields are its arguments)."""


def _use_case(action: Action) -> Callable[[UseCase], UseCase]:
    def register(function: UseCase) -> UseCase:
        USE_CASES[action] = function
        return function
    return register


def perform(store: Store, case_id: int, action: Action, values: Mapping[str, Any], *, actor: str, is_lead: bool,
            now: datetime, expected_version: int | None = None) -> Change:
    """One action taken through its form: the declared fields checked (``rules.actions``), then its use case."""
    spec = ACTIONS[action]
    use_case = USE_CASES.get(action)
    if use_case is None:
        raise NotPermitted(N_("The app does this by itself when a deadline passes."))
    case = get_case(store, case_id, history=False)
    if case is None:
        raise NotFound(N_("No such case."))
    # A day picked in the form (shipped on …) is read in the case's marketplace's zone.
    arguments = spec.arguments(case, values, now=now, zone=store.policy.market(case.marketplace).zone)
    if spec.permission is not Permission.ANYONE:
        arguments["is_lead"] = is_lead
    return use_case(store, case_id, actor=actor, now=now, expected_version=expected_version, **arguments)



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
            change.case.claim_number = _clean_reference(claim_number)
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
            raise DomainError(N_("Enter the deadline stated in Amazon's request."), field="stated_due_at")
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
        raise DomainError(N_("Say what new information the appeal brings: reopening without it is "
                             "discouraged."), field="new_evidence")
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
            raise DomainError(N_("The buyer says the item is materially different: describe the item."),
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
        raise DomainError(N_("Say why the debit is wrong."), field="note")
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
                .where(OutboxNotice.case_id == case.id, OutboxNotice.status == "pending",
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
            raise NotFound(N_("That deadline is no longer open."))
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


def set_card(store: Store, case_id: int, *, channel_id: str, ts: str) -> None:
    """Remember the case card's message, so every change edits it in place."""
    with store.transaction() as session:
        session.execute(update(Case).where(Case.id == case_id).values(channel_id=channel_id, card_ts=ts)
                        .execution_options(synchronize_session=False))


# ---------------------------------------------------------------- helpers


def placement(policy: Policy, account: str | None, marketplace: str | None) -> tuple[Account, Marketplace]:
    """The account and marketplace a new case belongs to; a key the deployment does not have is a field
    error (a forged form value), never a case filed somewhere else."""
    book = policy.accounts
    if account is not None and not book.known(account):
        raise DomainError(N_("Pick one of the seller accounts."), field="account")
    owner = book.account(account)
    if marketplace is not None and marketplace not in owner.marketplaces:
        raise DomainError(N_("Pick one of the account's marketplaces."), field="marketplace")
    return owner, book.marketplace(marketplace or owner.marketplace)


def _get(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(N_("No such case."))
    return case


def _has_case(session: Session, kind: CaseKind, order_id: str) -> bool:
    return bool(session.scalar(select(exists().where(Case.kind == kind, Case.order_id == order_id))))


# One statement, built once: Check Eligibility runs inside the ack of every claim submission.
# The roster is the account's own: an account without one can claim any order.
_ORDER_FACTS = select(
    exists().where(Case.kind == CaseKind.SAFET, Case.order_id == bindparam("order_id")),
    exists().where(Case.kind == CaseKind.CHARGEBACK, Case.order_id == bindparam("order_id")),
    exists().where(RosterOrder.account == bindparam("account")),
    exists().where(RosterOrder.account == bindparam("account"), RosterOrder.order_id == bindparam("order_id")),
)


def _order_facts(session: Session, order_id: str, account: str) -> OrderFacts:
    has_safet, has_chargeback, roster_loaded, on_roster = session.execute(
        _ORDER_FACTS, {"order_id": order_id, "account": account}).one()
    return OrderFacts(has_safet_claim=bool(has_safet), has_chargeback=bool(has_chargeback),
                      roster_loaded=bool(roster_loaded), on_roster=bool(on_roster))


def _already_claimed(kind: CaseKind, order_id: str) -> AlreadyClaimed:
    if kind is CaseKind.SAFET:
        message = N_("Order {order_id} already has a SAFE-T claim: Amazon allows one claim per order.")
    else:
        message = N_("Order {order_id} already has a chargeback case.")
    return AlreadyClaimed(message, field="order_id", order_id=order_id)


def _clean_reference(reference: str | None) -> str | None:
    """Amazon does not publish the claim number's format: keep it as text, trimmed."""
    return normalize(reference) or None


