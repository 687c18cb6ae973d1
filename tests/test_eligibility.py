"""Check Eligibility before a SAFE-T claim is opened: every refusal, its message and the field at fault."""

from __future__ import annotations

from datetime import date

import pytest

from rules.eligibility import (
    EXPLANATION_LIMIT,
    TRIP_CREDIT_CENTS,
    OrderFacts,
    check_chargeback,
    check_safet_claim,
)
from rules.errors import AlreadyClaimed, DomainError
from rules.kinds import SafetReason

ORDER = "123-1234567-1234567"
TODAY = date(2026, 11, 20)
ON_ROSTER = OrderFacts(roster_loaded=True, on_roster=True)


def check(reason: SafetReason = SafetReason.TRIP_CREDIT, facts: OrderFacts = ON_ROSTER, **extra):  # type: ignore[no-untyped-def]
    return check_safet_claim(order_id=ORDER, reason=reason, facts=facts, today=TODAY, **extra)


def test_a_trip_credit_is_expected_to_pay_a_flat_50_dollars() -> None:
    eligibility = check(SafetReason.TRIP_CREDIT)

    assert TRIP_CREDIT_CENTS == 5000
    assert (eligibility.expected_amount_cents, eligibility.currency) == (5000, "USD")


@pytest.mark.parametrize("reason", [SafetReason.PENALTY_FEE, SafetReason.CANCELLED_INCORRECTLY])
def test_other_reasons_have_no_expected_amount_since_amazon_decides_it(reason: SafetReason) -> None:
    assert check(reason).expected_amount_cents is None


def test_a_second_appointment_completed_today_is_eligible() -> None:
    assert check(SafetReason.SECOND_APPOINTMENT, second_appointment_completed_on=TODAY).expected_amount_cents is None


def test_without_a_roster_any_order_may_be_claimed() -> None:
    assert check(facts=OrderFacts()).expected_amount_cents == 5000


def test_an_order_with_a_chargeback_is_refused_because_chargebacks_are_not_covered() -> None:
    with pytest.raises(DomainError) as refused:
        check(facts=OrderFacts(has_chargeback=True))

    assert not isinstance(refused.value, AlreadyClaimed)
    assert refused.value.field == "order_id"
    assert refused.value.params == {"order_id": ORDER}
    assert str(refused.value) == (f"Order {ORDER} has a chargeback: chargebacks are not covered by SAFE-T and go "
                                  "through the chargeback flow.")


def test_the_chargeback_refusal_comes_first_when_the_order_also_has_a_claim() -> None:
    with pytest.raises(DomainError) as refused:
        check(facts=OrderFacts(has_chargeback=True, has_safet_claim=True))

    assert "has a chargeback" in str(refused.value)


def test_an_order_already_claimed_is_refused_since_amazon_allows_one_claim_per_order() -> None:
    with pytest.raises(AlreadyClaimed) as refused:
        check(facts=OrderFacts(has_safet_claim=True))

    assert refused.value.field == "order_id"
    assert refused.value.params == {"order_id": ORDER}
    assert str(refused.value) == f"Order {ORDER} already has a SAFE-T claim: Amazon allows one claim per order."


def test_an_order_not_on_the_loaded_roster_is_refused_as_not_assigned_to_the_team() -> None:
    with pytest.raises(DomainError) as refused:
        check(facts=OrderFacts(roster_loaded=True, on_roster=False))

    assert refused.value.field == "order_id"
    assert str(refused.value) == (f"Order {ORDER} is not on the team's roster of assigned orders: you may only "
                                  "claim orders assigned to you.")


def test_a_second_appointment_claim_without_its_completion_date_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        check(SafetReason.SECOND_APPOINTMENT)

    assert refused.value.field == "second_appointment_completed_on"
    assert "only after the second appointment is completed" in str(refused.value)


def test_a_second_appointment_completed_tomorrow_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        check(SafetReason.SECOND_APPOINTMENT, second_appointment_completed_on=date(2026, 11, 21))

    assert refused.value.field == "second_appointment_completed_on"
    assert str(refused.value) == "The completion date cannot be in the future."


def test_an_explanation_of_3000_characters_is_accepted_and_3001_refused() -> None:
    assert EXPLANATION_LIMIT == 3000
    assert check(explanation="x" * 3000).expected_amount_cents == 5000

    with pytest.raises(DomainError) as refused:
        check(explanation="说" * 3001)

    assert refused.value.field == "explanation"
    assert refused.value.params == {"limit": 3000}
    assert "3000" in str(refused.value)


def test_a_second_chargeback_case_on_an_order_is_refused() -> None:
    check_chargeback(order_id=ORDER, has_chargeback=False)

    with pytest.raises(AlreadyClaimed) as refused:
        check_chargeback(order_id=ORDER, has_chargeback=True)

    assert refused.value.field == "order_id"
    assert str(refused.value) == f"Order {ORDER} already has a chargeback case."
