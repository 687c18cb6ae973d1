"""Check Eligibility, as Seller Central does before a SAFE-T claim is filed — and a little more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import DomainError, chargeback_exists, safet_claim_exists
from .kinds import SafetReason
from .text import N_

TRIP_CREDIT_CENTS = 5000
"""Eligible Trip Credits are reimbursed at a flat $50 (seed 000)."""

EXPLANATION_LIMIT = 3000


@dataclass(frozen=True)
class OrderFacts:
    """What the store knows about an order when a claim is opened."""

    has_safet_claim: bool = False
    has_chargeback: bool = False
    roster_loaded: bool = False
    on_roster: bool = False


@dataclass(frozen=True)
class Eligibility:
    expected_amount_cents: int | None
    currency: str = "USD"


def check_safet_claim(
    *, order_id: str, reason: SafetReason, facts: OrderFacts, today: date,
    second_appointment_completed_on: date | None = None, explanation: str = "",
) -> Eligibility:
    """Whether a SAFE-T claim may be opened for this order, and what it is expected to pay.

    Raises a ``DomainError`` naming the field at fault.
    """
    if facts.has_chargeback:
        raise DomainError(
            N_("Order {order_id} has a chargeback: chargebacks are not covered by SAFE-T and go "
               "through the chargeback flow."),
            field="order_id", order_id=order_id,
        )
    if facts.has_safet_claim:
        raise safet_claim_exists(order_id)
    if facts.roster_loaded and not facts.on_roster:
        raise DomainError(
            N_("Order {order_id} is not on the team's roster of assigned orders: you may only claim "
               "orders assigned to you."),
            field="order_id", order_id=order_id,
        )
    if reason is SafetReason.SECOND_APPOINTMENT:
        if second_appointment_completed_on is None:
            raise DomainError(
                N_("File a second-appointment claim only after the second appointment is completed: "
                   "enter the date it was completed."),
                field="second_appointment_completed_on",
            )
        if second_appointment_completed_on > today:
            raise DomainError(N_("The completion date cannot be in the future."),
                              field="second_appointment_completed_on")
    if len(explanation) > EXPLANATION_LIMIT:
        raise DomainError(N_("Keep the explanation under {limit} characters."), field="explanation",
                          limit=EXPLANATION_LIMIT)
    expected = TRIP_CREDIT_CENTS if reason is SafetReason.TRIP_CREDIT else None
    return Eligibility(expected_amount_cents=expected)


def check_chargeback(*, order_id: str, has_chargeback: bool) -> None:
    """One chargeback case per order."""
    if has_chargeback:
        raise chargeback_exists(order_id)
