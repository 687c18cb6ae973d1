"""Opening a case: the eligibility checks and the first write of a SAFE-T claim or a chargeback, in one
transaction each (the case, its audit event, its first deadline and notices)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rules.accounts import Account
from rules.checklists import SAFET_CHECKLISTS
from rules.deadlines import Deadline
from rules.eligibility import OrderFacts, check_chargeback, check_safet_claim
from rules.errors import AlreadyClaimed, DomainError, chargeback_exists, not_an_account, safet_claim_exists
from rules.filing import ReturnFacts, closed_refusal, is_closed, window_start
from rules.kinds import Action, CaseKind, ComplaintType, SafetProgram, SafetReason
from rules.marketplaces import Marketplace
from rules.parsing import normalize, parse_optional_order_id, parse_order_id
from rules.records import OPENED
from rules.text import N_
from rules.transitions import INITIAL_STATE, needs_approval

from .db import Policy, Store
from .models import Case, Evidence, RosterOrder
from .unit import Change, audit, finish, open_deadline


@dataclass(frozen=True)
class Attachment:
    label: str
    slack_file_id: str | None = None
    url: str | None = None


def open_safet_claim(
    store: Store, *, actor: str, order_id: str, reason: SafetReason, now: datetime,
    product_order_id: str | None = None, explanation: str = "",
    second_appointment_completed_on: date | None = None, claim_number: str | None = None,
    attachments: Sequence[Attachment] = (), filing_locale: str | None = None, checklist: Sequence[str] = (),
    account: str | None = None, marketplace: str | None = None, returns: ReturnFacts | None = None,
    record_missed: bool = False,
) -> Change:
    """Check eligibility and open a SAFE-T claim in preparation (one claim per order), for ``account``
    (default: the deployment's default account) in ``marketplace`` (default: the account's own).
    ``checklist``: the documents the preparer says are ready (checklist message IDs of the reason).

    A seller-fulfilled order's claim (``returns``: its refund and return dates, its refunded amount) gets its
    "file by" deadline; one whose window has closed is refused on the date that started it — or, with
    ``record_missed``, recorded as not filed in time, so the money is counted lost."""
    policy = store.policy
    owner, market = placement(policy, account, marketplace)
    order_id = parse_order_id(order_id)
    returns = returns or ReturnFacts()
    window = _filing_window(market, reason, returns, now)
    if window is not None and is_closed(window, now) and not record_missed:
        raise closed_refusal(reason, window, market.zone)
    if record_missed and (window is None or not is_closed(window, now)):
        raise DomainError(N_("The filing window is still open: file the claim rather than record it as not "
                             "filed in time."), field="record_missed")
    product_order_id = parse_optional_order_id(product_order_id, field="product_order_id")
    if product_order_id == order_id:
        product_order_id = None  # the same order: nothing to tell Amazon apart
    details: dict[str, object] = {"checklist": [item for item in SAFET_CHECKLISTS[reason] if item in set(checklist)],
                                  **returns.as_details()}
    # Recording a missed window takes two steps, one transaction; a claim being filed takes the one it always did.
    with store.all_or_nothing() if record_missed else nullcontext(store) as together:
        try:
            with together.transaction() as session:
                facts = _order_facts(session, order_id, owner.key)
                today = now.astimezone(market.zone).date()
                eligibility = check_safet_claim(
                    order_id=order_id, reason=reason, facts=facts, today=today, explanation=explanation,
                    second_appointment_completed_on=second_appointment_completed_on,
                )
                expected = returns.refunded_cents if returns.refunded_cents is not None \
                    else eligibility.expected_amount_cents
                case = Case(
                    kind=CaseKind.SAFET, order_id=order_id, state=INITIAL_STATE[CaseKind.SAFET],
                    owner_id=actor, created_by=actor, created_at=now, updated_at=now, reason=reason,
                    product_order_id=product_order_id, explanation=explanation,
                    second_appointment_completed_on=second_appointment_completed_on,
                    expected_amount_cents=expected,
                    currency=market.currency if reason.program is SafetProgram.SELLER_FULFILLED
                    else eligibility.currency,
                    claim_number=clean_reference(claim_number), filing_locale=filing_locale,
                    channel_id=owner.channel, deadlines=[], account=owner.key, marketplace=market.code,
                    details=details,
                    needs_approval=needs_approval(
                        required=policy.require_approval, above_cents=policy.approval_above_cents,
                        amount_cents=expected,
                    ),
                )
                session.add(case)
                session.flush()
                for item in attachments:
                    session.add(Evidence(case_id=case.id, label=item.label, slack_file_id=item.slack_file_id,
                                         url=item.url, added_by=actor, added_at=now))
                if window is not None:
                    open_deadline(session, together, case, window, now)
                event = audit(session, case, actor, OPENED, None, now, {"reason": str(reason)})
                change = finish(session, case, event, deadlines_loaded=window is None)  # a new claim has none yet
        except IntegrityError:
            raise _already_claimed(CaseKind.SAFET, order_id) from None
        if record_missed:
            from .cases import miss_filing_window

            change = miss_filing_window(together, change.case.id, now=now, recorded_by=actor)
    return change


def _filing_window(market: Marketplace, reason: SafetReason, returns: ReturnFacts, now: datetime) -> Deadline | None:
    """A seller-fulfilled claim's "file by" deadline, from its refund and return dates; a Selling Services claim
    has one only where the team configured a window, counted from the day it is opened."""
    if reason.program is SafetProgram.SELLER_FULFILLED:
        start = window_start(reason, returns, today=now.astimezone(market.zone).date())
    elif market.filing_days(reason.program) is not None:
        start = now.astimezone(market.zone).date()
    else:
        return None
    return market.filing_window(start, program=reason.program, lost=reason is SafetReason.RETURN_LOST)


def open_chargeback(
    store: Store, *, actor: str, order_id: str, amount_cents: int, currency: str, now: datetime,
    complaint_type: ComplaintType, email_on: date | None = None, email_at: datetime | None = None,
    notes: str = "", account: str | None = None, marketplace: str | None = None, owner_id: str | None = None,
    source: str | None = None,
) -> Change:
    """Record Amazon's chargeback email: the reply is due 7 calendar days from its date (or the
    marketplace's count), read in the marketplace's zone. ``owner_id``: who owns it when the opener is not a
    person (Amazon's ledger); ``source``: where the case came from, kept on its first audit event."""
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
                owner_id=owner_id or actor, created_by=actor, created_at=now, updated_at=now, amount_cents=amount_cents,
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
            event = audit(session, case, actor, OPENED, None, now,
                          {"complaint_type": str(complaint_type), "source": source})
            return finish(session, case, event)
    except IntegrityError:
        raise _already_claimed(CaseKind.CHARGEBACK, order_id) from None


# ---------------------------------------------------------------- helpers


def placement(policy: Policy, account: str | None, marketplace: str | None) -> tuple[Account, Marketplace]:
    """The account and marketplace a new case belongs to; a key the deployment does not have is a field
    error (a forged form value), never a case filed somewhere else."""
    book = policy.accounts
    if account is not None and not book.known(account):
        raise not_an_account()
    owner = book.account(account)
    if marketplace is not None and marketplace not in owner.marketplaces:
        raise DomainError(N_("Pick one of the account's marketplaces."), field="marketplace")
    return owner, book.marketplace(marketplace or owner.marketplace)





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
    return safet_claim_exists(order_id) if kind is CaseKind.SAFET else chargeback_exists(order_id)


def clean_reference(reference: str | None) -> str | None:
    """Amazon does not publish the claim number's format: keep it as text, trimmed."""
    return normalize(reference) or None


def open_in_state(store: Store, open_case: Callable[[Store], Change],
                  steps: Sequence[tuple[Action, Mapping[str, Any]]], *, actor: str, now: datetime) -> Change:
    """Open a case already in a later state — what Amazon's email shows it is in (an investigator's request,
    a decision, a debit) for a case nobody recorded here — in one transaction: the case opened, then each
    step taken through its declared form and use case (its deadlines, audit events and notices as if a
    person had pressed each button). Intake and Amazon's ledger open cases this way."""
    from .cases import perform
    from .queries import get_case

    with store.all_or_nothing() as together:
        change = open_case(together)
        for action, values in steps:
            case = get_case(together, change.case.id, history=False)
            assert case is not None
            change = perform(together, case, action, values, actor=actor, is_lead=False, now=now)
    return change
