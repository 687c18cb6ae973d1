"""Store: The approval gate; Permissions; Stale versions and atomicity; Amazon's stated dates (split from
tests/test_store.py, whose helpers it uses)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from rules.deadlines import DeadlineRule, DeadlineStatus
from rules.errors import DomainError, IllegalTransition, NotPermitted, StaleCase
from rules.kinds import ComplaintType, SafetReason, State
from store import cases, opening
from store.db import Store
from tests.test_store import (
    LEAD,
    MONDAY_0900,
    NEWBIE,
    ORDER,
    OTHER,
    OWNER,
    TUESDAY_0900,
    WEDNESDAY_0900,
    Row,
    claim_with_info_request,
    deadline_row,
    filed_claim,
    history,
    ladder_rows,
    mark_sent,
    open_cb,
    open_trip_credit,
    outbox,
    represented_cb,
    snapshot,
    utc,
    with_policy,
)

# ---------------------------------------------------------------------------------------------
# The approval gate
# ---------------------------------------------------------------------------------------------


def test_with_approval_required_a_claim_cannot_be_filed_before_a_lead_approves_it(store: Store, now: datetime) -> None:
    gated = with_policy(store, require_approval=True)
    case = open_trip_credit(gated, now)
    assert case.needs_approval is True
    before = snapshot(gated)

    with pytest.raises(IllegalTransition) as refused:
        cases.record_filing(gated, case.id, actor=OWNER, now=now, claim_number="SAFE-T-1")
    assert "lead must approve" in str(refused.value)
    assert snapshot(gated) == before

    submitted = cases.submit_for_approval(gated, case.id, actor=OWNER, now=now, note="Photos attached")
    assert submitted.case.state is State.AWAITING_APPROVAL
    assert submitted.event.details == {"note": "Photos attached"}

    before = snapshot(gated)
    with pytest.raises(NotPermitted):
        cases.approve(gated, case.id, actor=OTHER, is_lead=False, now=now)
    with pytest.raises(NotPermitted):
        cases.approve(gated, case.id, actor=OWNER, is_lead=False, now=now)  # not even the owner
    assert snapshot(gated) == before

    approved = cases.approve(gated, case.id, actor=LEAD, is_lead=True, now=now + timedelta(minutes=5))
    assert approved.case.state is State.APPROVED
    assert approved.case.approved_by == LEAD
    assert (approved.event.actor, approved.event.action) == (LEAD, "approve")
    assert outbox(gated, case.id) == [
        Row(f"event:{approved.event.id}:dm", "approval", "dm", OWNER, now + timedelta(minutes=5), "pending", None,
            approved.event.id),
    ]

    filed = cases.record_filing(gated, case.id, actor=OWNER, now=now + timedelta(minutes=10), claim_number="SAFE-T-1")
    assert filed.case.state is State.FILED
    assert [e.action for e in history(gated, case.id).events] == ["open", "submit_for_approval", "approve", "file"]


def test_a_lead_sending_a_claim_back_returns_it_to_preparation_and_tells_the_owner(
    store: Store, now: datetime,
) -> None:
    gated = with_policy(store, require_approval=True)
    case = open_trip_credit(gated, now)
    cases.submit_for_approval(gated, case.id, actor=OWNER, now=now)

    sent_back = cases.send_back(gated, case.id, actor=LEAD, is_lead=True, now=now, note="Add the customer's messages")

    assert sent_back.case.state is State.PREPARING
    assert (sent_back.event.from_state, sent_back.event.to_state) == (State.AWAITING_APPROVAL, State.PREPARING)
    assert sent_back.event.details == {"note": "Add the customer's messages"}
    assert [(r.key, r.kind, r.stage, r.target) for r in outbox(gated, case.id)] == [
        (f"event:{sent_back.event.id}:dm", "approval", "dm", OWNER)]


def test_a_chargeback_needing_approval_cannot_be_represented_until_approved(store: Store, now: datetime) -> None:
    gated = with_policy(store, require_approval=True)
    case = open_cb(gated, now)

    with pytest.raises(IllegalTransition):
        cases.represent(gated, case.id, actor=OWNER, now=now, shipped_on=None, shipping_method="USPS", tracking="9400")
    cases.submit_for_approval(gated, case.id, actor=OWNER, now=now)
    sent_back = cases.send_back(gated, case.id, actor=LEAD, is_lead=True, now=now)

    assert sent_back.case.state is State.ACTION_REQUIRED
    # Sending back does not settle the 7-day reply deadline.
    assert [d.status for d in sent_back.case.deadlines] == [DeadlineStatus.OPEN]


def test_without_the_approval_policy_asking_for_approval_is_refused(store: Store, now: datetime) -> None:
    case = open_trip_credit(store, now)

    with pytest.raises(IllegalTransition) as refused:
        cases.submit_for_approval(store, case.id, actor=OWNER, now=now)

    assert "does not require" in str(refused.value)
    assert case.needs_approval is False


@pytest.mark.parametrize(
    ("kind", "amount_cents", "needs"),
    [
        pytest.param("trip_credit", 5000, False, id="trip_credit_50_dollars_is_under_the_threshold"),
        pytest.param("penalty_fee", None, True, id="claim_of_unknown_amount_needs_a_lead"),
        pytest.param("chargeback", 10000, False, id="chargeback_at_the_threshold_does_not"),
        pytest.param("chargeback", 10001, True, id="chargeback_one_cent_above_the_threshold_does"),
    ],
)
def test_the_approval_threshold_decides_which_cases_need_a_lead(
    store: Store, now: datetime, kind: str, amount_cents: int | None, needs: bool,
) -> None:
    gated = with_policy(store, require_approval=True, approval_above_cents=10000)

    if kind == "chargeback":
        assert amount_cents is not None
        case = open_cb(gated, now, amount_cents=amount_cents)
    else:
        case = opening.open_safet_claim(gated, actor=OWNER, order_id=ORDER, reason=SafetReason(kind), now=now).case

    assert case.needs_approval is needs
    assert case.expected_amount_cents == (amount_cents if kind != "chargeback" else None)


def test_a_trip_credit_under_the_threshold_is_filed_without_approval(store: Store, now: datetime) -> None:
    gated = with_policy(store, require_approval=True, approval_above_cents=10000)
    case = open_trip_credit(gated, now)

    assert cases.record_filing(gated, case.id, actor=OWNER, now=now).case.state is State.FILED


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------


def test_someone_who_is_neither_owner_nor_lead_cannot_record_a_grant_or_withdraw(store: Store, now: datetime) -> None:
    case = filed_claim(store, now)
    before = snapshot(store)

    with pytest.raises(NotPermitted):
        cases.record_grant(store, case.id, actor=OTHER, is_lead=False, now=now, amount_cents=5000)
    with pytest.raises(NotPermitted):
        cases.withdraw(store, case.id, actor=OTHER, is_lead=False, now=now)
    with pytest.raises(NotPermitted):
        cases.record_denial(store, case.id, actor=OTHER, is_lead=False, now=now)

    assert snapshot(store) == before


def test_the_owner_can_record_a_grant(store: Store, now: datetime) -> None:
    case = filed_claim(store, now)

    assert cases.record_grant(store, case.id, actor=OWNER, is_lead=False, now=now,
                              amount_cents=4000).case.outcome_amount_cents == 4000


def test_a_lead_can_record_a_grant_on_someone_elses_case(store: Store, now: datetime) -> None:
    case = filed_claim(store, now)

    granted = cases.record_grant(store, case.id, actor=LEAD, is_lead=True, now=now, amount_cents=5000)

    assert (granted.case.state, granted.event.actor) == (State.REIMBURSED, LEAD)


@pytest.mark.parametrize(("actor", "is_lead"), [(OWNER, False), (LEAD, True)], ids=["owner", "lead"])
def test_the_owner_or_a_lead_can_withdraw_a_claim(store: Store, now: datetime, actor: str, is_lead: bool) -> None:
    case = claim_with_info_request(store, now)

    withdrawn = cases.withdraw(store, case.id, actor=actor, is_lead=is_lead, now=now + timedelta(days=3))

    assert withdrawn.case.state is State.WITHDRAWN
    assert all(d.status is not DeadlineStatus.OPEN for d in withdrawn.case.deadlines)
    assert {r.status for r in outbox(store, case.id) if r.kind == "deadline"} == {"cancelled"}


def test_anyone_on_the_team_can_record_an_answer(store: Store, now: datetime) -> None:
    case = claim_with_info_request(store, now)

    assert cases.record_answer(store, case.id, actor=NEWBIE, now=TUESDAY_0900).event.actor == NEWBIE


# ---------------------------------------------------------------------------------------------
# Stale versions and atomicity
# ---------------------------------------------------------------------------------------------


def test_an_action_from_a_stale_card_is_refused_as_stale_and_writes_nothing(store: Store, now: datetime) -> None:
    case = open_trip_credit(store, now)
    cases.record_filing(store, case.id, actor=OWNER, now=now, expected_version=case.version)
    before = snapshot(store)

    with pytest.raises(StaleCase) as stale:
        cases.log_info_request(store, case.id, actor=OWNER, now=MONDAY_0900, arrived_at=MONDAY_0900,
                               expected_version=case.version)

    assert stale.value.params == {"state": State.FILED}
    assert snapshot(store) == before


def test_a_chargeback_information_request_without_amazons_deadline_writes_nothing(store: Store, now: datetime) -> None:
    case = represented_cb(store, now)
    before = snapshot(store)

    with pytest.raises(DomainError) as refused:
        cases.log_info_request(store, case.id, actor=OWNER, now=now, arrived_at=now)

    assert refused.value.field == "stated_due_at"
    assert snapshot(store) == before
    record = history(store, case.id)
    assert record.state is State.REPRESENTED
    assert len(record.events) == 2


def test_representing_a_materially_different_claim_without_item_details_writes_nothing(
    store: Store, now: datetime,
) -> None:
    case = open_cb(store, now, complaint=ComplaintType.MATERIALLY_DIFFERENT)
    before = snapshot(store)

    with pytest.raises(DomainError) as refused:
        cases.represent(store, case.id, actor=OWNER, now=now, shipped_on=date(2026, 11, 10),
                        shipping_method="UPS", tracking="1Z", item_details="  ")

    assert refused.value.field == "item_details"
    assert snapshot(store) == before
    # The 7-day reply deadline is still open, its warnings still pending.
    assert [d.status for d in history(store, case.id).deadlines] == [DeadlineStatus.OPEN]
    assert {r.status for r in outbox(store, case.id)} == {"pending"}

    represented = cases.represent(store, case.id, actor=OWNER, now=now, shipped_on=date(2026, 11, 10),
                                  shipping_method="UPS", tracking="1Z", item_details="Blue, size M, as listed")
    assert represented.case.state is State.REPRESENTED


def test_an_illegal_action_is_refused_with_the_state_it_is_in(store: Store, now: datetime) -> None:
    case = open_trip_credit(store, now)

    with pytest.raises(IllegalTransition) as refused:
        cases.record_answer(store, case.id, actor=OWNER, now=now)

    assert refused.value.params["state"] is State.PREPARING


# ---------------------------------------------------------------------------------------------
# Amazon's stated dates
# ---------------------------------------------------------------------------------------------


def test_amazons_earlier_date_wins_and_moves_the_pending_warnings(store: Store, now: datetime) -> None:
    case = claim_with_info_request(store, now)
    [deadline] = case.deadlines
    reply_by = utc(2026, 11, 24, 23)  # Tuesday 15:00 PST, before Wednesday 09:00
    at = MONDAY_0900 + timedelta(hours=1)

    changed = cases.set_stated_due(store, deadline.id, actor=OTHER, now=at, stated_at=reply_by)

    [after] = changed.case.deadlines
    assert (after.computed_due_at, after.stated_due_at, after.due_at) == (WEDNESDAY_0900, reply_by, reply_by)
    assert after.set_by_amazon is True
    assert after.rule is DeadlineRule.SAFET_INFO_2BD  # the app's rule is still shown beside Amazon's date
    assert deadline_row(store, deadline.id)[0] == reply_by  # the sweep's column moved too
    assert ladder_rows(store, deadline.id) == [
        ("warn-24h", reply_by - timedelta(hours=24), "pending"),
        ("warn-4h", reply_by - timedelta(hours=4), "pending"),
    ]
    assert changed.case.version == case.version + 1
    assert changed.case.state is State.INFO_REQUESTED
    assert (changed.event.actor, changed.event.action) == (OTHER, "set_stated_due")
    assert (changed.event.from_state, changed.event.to_state) == (State.INFO_REQUESTED, State.INFO_REQUESTED)
    assert changed.event.details == {
        "deadline": "safet_info_reply", "stated_at": reply_by.isoformat(), "due_at": reply_by.isoformat(),
        "set_by_amazon": True,
    }

    # Cleared again: the computed instant is back in force, the warnings with it.
    cleared = cases.set_stated_due(store, deadline.id, actor=OTHER, now=at + timedelta(minutes=1), stated_at=None)
    assert cleared.case.deadlines[0].due_at == WEDNESDAY_0900
    assert ladder_rows(store, deadline.id) == [
        ("warn-24h", TUESDAY_0900, "pending"), ("warn-4h", WEDNESDAY_0900 - timedelta(hours=4), "pending")]


def test_a_warning_already_sent_is_neither_replanned_nor_posted_twice(store: Store, now: datetime) -> None:
    case = claim_with_info_request(store, now)
    [deadline] = case.deadlines
    mark_sent(store, f"deadline:{deadline.id}:warn-24h")
    reply_by = utc(2026, 11, 24, 23)

    cases.set_stated_due(store, deadline.id, actor=OWNER, now=TUESDAY_0900 + timedelta(minutes=5), stated_at=reply_by)

    assert ladder_rows(store, deadline.id) == [
        ("warn-24h", TUESDAY_0900, "sent"),
        ("warn-4h", reply_by - timedelta(hours=4), "pending"),
    ]


def test_a_later_amazon_date_keeps_the_computed_deadline(store: Store, now: datetime) -> None:
    case = claim_with_info_request(store, now)
    [deadline] = case.deadlines
    planned = ladder_rows(store, deadline.id)
    later = utc(2026, 11, 26, 17)

    changed = cases.set_stated_due(store, deadline.id, actor=OWNER, now=MONDAY_0900 + timedelta(hours=1),
                                   stated_at=later)

    [after] = changed.case.deadlines
    assert (after.stated_due_at, after.due_at, after.set_by_amazon) == (later, WEDNESDAY_0900, False)
    assert deadline_row(store, deadline.id)[0] == WEDNESDAY_0900
    assert ladder_rows(store, deadline.id) == planned
    assert changed.event.details["set_by_amazon"] is False


def test_a_settled_deadline_cannot_take_a_stated_date(store: Store, now: datetime) -> None:
    case = claim_with_info_request(store, now)
    cases.record_answer(store, case.id, actor=OWNER, now=TUESDAY_0900)
    before = snapshot(store)

    with pytest.raises(DomainError):
        cases.set_stated_due(store, case.deadlines[0].id, actor=OWNER, now=TUESDAY_0900, stated_at=TUESDAY_0900)

    assert snapshot(store) == before
