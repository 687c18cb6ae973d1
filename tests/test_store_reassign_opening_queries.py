"""Store: Reassigning, and what the system does by itself; Opening: one claim per order, no SAFE-T on a
chargeback, the roster; Queries (split from tests/test_store.py, whose helpers it uses)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from rules.deadlines import DeadlineStatus
from rules.errors import AlreadyClaimed, DomainError, NotPermitted
from rules.kinds import SafetReason, State
from rules.records import ListFilter
from store import cases, opening
from store.db import Policy, Store
from store.models import Evidence, OutboxNotice
from store.queries import find_case, home_data, list_cases
from store.roster import import_roster
from tests.test_store import (
    CHANNEL,
    LEAD,
    NEWBIE,
    ORDER,
    ORDER_2,
    ORDER_3,
    ORDER_4,
    ORDER_5,
    ORDER_6,
    ORDER_7,
    OTHER,
    OWNER,
    TUESDAY_0900,
    WEDNESDAY_0900,
    claim_with_info_request,
    filed_claim,
    open_cb,
    open_trip_credit,
    outbox,
    represented_cb,
    snapshot,
    utc,
)

# ---------------------------------------------------------------------------------------------
# Reassigning, and what the system does by itself
# ---------------------------------------------------------------------------------------------


def test_the_owner_can_reassign_a_case_and_the_audit_says_from_whom_to_whom(store: Store, now: datetime) -> None:
    case = filed_claim(store, now)

    moved = cases.reassign(store, case.id, actor=OWNER, is_lead=False, new_owner=OTHER, now=now + timedelta(hours=1))

    assert moved.case.owner_id == OTHER
    assert moved.case.state is State.FILED
    assert (moved.event.actor, moved.event.action, moved.event.from_state, moved.event.to_state) == (
        OWNER, "reassign", State.FILED, State.FILED)
    assert moved.event.details == {"from": OWNER, "to": OTHER}


def test_a_lead_can_reassign_a_case_but_a_colleague_cannot(store: Store, now: datetime) -> None:
    case = filed_claim(store, now)
    before = snapshot(store)

    with pytest.raises(NotPermitted):
        cases.reassign(store, case.id, actor=NEWBIE, is_lead=False, new_owner=NEWBIE, now=now)
    assert snapshot(store) == before

    moved = cases.reassign(store, case.id, actor=LEAD, is_lead=True, new_owner=NEWBIE, now=now)
    assert (moved.case.owner_id, moved.event.actor) == (NEWBIE, LEAD)
    # The new owner may now record the outcome; the previous owner may not.
    with pytest.raises(NotPermitted):
        cases.record_grant(store, case.id, actor=OWNER, is_lead=False, now=now, amount_cents=5000)
    assert cases.record_grant(store, case.id, actor=NEWBIE, is_lead=False, now=now,
                              amount_cents=5000).case.state is State.REIMBURSED


def test_without_a_case_channel_pending_warnings_follow_the_case_to_its_new_owner(store: Store, now: datetime) -> None:
    direct = Store(store.engine, Policy(case_channel=None))
    case = open_cb(direct, now)
    assert {r.target for r in outbox(direct, case.id)} == {OWNER}

    cases.reassign(direct, case.id, actor=OWNER, is_lead=False, new_owner=OTHER, now=now)

    assert {r.target for r in outbox(direct, case.id) if r.status == "pending"} == {OTHER}


def test_an_unanswered_information_request_closes_the_claim_automatically_as_the_system(
    store: Store, now: datetime,
) -> None:
    case = claim_with_info_request(store, now)
    at = WEDNESDAY_0900 + timedelta(minutes=1)

    closed = cases.auto_close(store, case.id, now=at)

    assert closed.case.state is State.AUTO_CLOSED
    assert (closed.event.actor, closed.event.action) == ("system", "auto_close")
    assert closed.event.details == {"reason": "info_request_unanswered"}
    assert [d.status for d in closed.case.deadlines] == [DeadlineStatus.MISSED]
    outcome = [r for r in outbox(store, case.id) if r.kind == "outcome"]
    assert [(r.key, r.target, r.post_at) for r in outcome] == [
        (f"event:{closed.event.id}:channel", CHANNEL, at), (f"event:{closed.event.id}:dm", OWNER, at)]


def test_the_system_does_not_close_a_claim_whose_current_information_request_is_not_yet_due(
    store: Store, now: datetime,
) -> None:
    # A sweep saw Wednesday 09:00's request as due; meanwhile the team answered it and Amazon asked again.
    case = claim_with_info_request(store, now)
    cases.record_answer(store, case.id, actor=OWNER, now=TUESDAY_0900)
    second = utc(2026, 11, 25, 16)  # Wednesday 08:00 PST: due Monday 11-30 08:00 (Thanksgiving skipped)
    asked = cases.log_info_request(store, case.id, actor=OWNER, now=second, arrived_at=second)
    assert asked.case.next_deadline is not None
    assert asked.case.next_deadline.due_at == utc(2026, 11, 30, 16)
    before = snapshot(store)

    with pytest.raises(DomainError):
        cases.auto_close(store, case.id, now=WEDNESDAY_0900 + timedelta(minutes=1))

    assert snapshot(store) == before


def test_no_debit_is_not_presumed_before_the_90_day_window_ends(store: Store, now: datetime) -> None:
    case = represented_cb(store, now)
    before = snapshot(store)

    with pytest.raises(DomainError):
        cases.presume_no_debit(store, case.id, now=now + timedelta(days=30))

    assert snapshot(store) == before


# ---------------------------------------------------------------------------------------------
# Opening: one claim per order, no SAFE-T on a chargeback, the roster
# ---------------------------------------------------------------------------------------------


def test_a_second_safet_claim_on_the_same_order_is_refused_naming_the_order(store: Store, now: datetime) -> None:
    open_trip_credit(store, now)
    before = snapshot(store)

    with pytest.raises(AlreadyClaimed) as refused:
        opening.open_safet_claim(store, actor=OTHER, order_id=ORDER, reason=SafetReason.PENALTY_FEE, now=now)

    assert refused.value.params == {"order_id": ORDER}
    assert refused.value.field == "order_id"
    assert "one claim per order" in str(refused.value)
    assert snapshot(store) == before


def test_the_store_keeps_only_the_ascii_order_id_so_a_full_width_paste_cannot_open_a_second_claim(
    store: Store, now: datetime,
) -> None:
    pasted = opening.open_safet_claim(store, actor=OWNER, order_id=" １２３－１２３４５６７－１２３４５６７ ",
                                    reason=SafetReason.TRIP_CREDIT, now=now)

    assert pasted.case.order_id == ORDER
    with pytest.raises(AlreadyClaimed):
        open_trip_credit(store, now, order_id=ORDER)


def test_a_withdrawn_claim_still_counts_as_the_orders_one_claim(store: Store, now: datetime) -> None:
    case = open_trip_credit(store, now)
    cases.withdraw(store, case.id, actor=OWNER, is_lead=False, now=now)

    with pytest.raises(AlreadyClaimed):
        open_trip_credit(store, now)


def test_a_second_chargeback_case_on_the_same_order_is_refused(store: Store, now: datetime) -> None:
    open_cb(store, now)

    with pytest.raises(AlreadyClaimed) as refused:
        open_cb(store, now, actor=OTHER)

    assert refused.value.params == {"order_id": ORDER}


def test_a_safet_claim_on_an_order_with_a_chargeback_is_refused_with_the_chargeback_message(
    store: Store, now: datetime,
) -> None:
    open_cb(store, now)

    with pytest.raises(DomainError) as refused:
        open_trip_credit(store, now)

    assert not isinstance(refused.value, AlreadyClaimed)
    assert refused.value.field == "order_id"
    assert str(refused.value) == (f"Order {ORDER} has a chargeback: chargebacks are not covered by SAFE-T and go "
                                  "through the chargeback flow.")


def test_a_chargeback_can_follow_a_safet_claim_on_the_same_order(store: Store, now: datetime) -> None:
    open_trip_credit(store, now)

    assert open_cb(store, now).state is State.ACTION_REQUIRED


def test_once_a_roster_is_loaded_only_orders_on_it_can_be_claimed(store: Store, now: datetime) -> None:
    import_roster(store, f"order-id\n{ORDER}\n", now=now)

    with pytest.raises(DomainError) as refused:
        open_trip_credit(store, now, order_id=ORDER_2)
    assert "not on the team's roster" in str(refused.value)
    assert refused.value.params == {"order_id": ORDER_2}

    assert open_trip_credit(store, now, order_id=ORDER).state is State.PREPARING


def test_a_second_appointment_claim_keeps_its_completion_date_and_has_no_expected_amount(
    store: Store, now: datetime,
) -> None:
    opened = opening.open_safet_claim(store, actor=OWNER, order_id=ORDER, reason=SafetReason.SECOND_APPOINTMENT,
                                    now=now, second_appointment_completed_on=date(2026, 11, 20),
                                    product_order_id="111-1111111-1111111",
                                    attachments=[opening.Attachment("Photos", slack_file_id="F123")])

    assert opened.case.second_appointment_completed_on == date(2026, 11, 20)
    assert opened.case.product_order_id == "111-1111111-1111111"
    assert opened.case.expected_amount_cents is None
    assert opened.event.details == {"reason": "second_appointment"}
    with store.reading() as session:
        evidence = session.scalars(select(Evidence).where(Evidence.case_id == opened.case.id)).all()
        assert [(e.label, e.slack_file_id, e.added_by, e.added_at) for e in evidence] == [
            ("Photos", "F123", OWNER, now)]


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def team(store: Store, now: datetime) -> dict[str, int]:
    """Seven cases, one in each place the lists care about (owners UOWNER and UOTHER)."""
    minute = timedelta(minutes=1)
    preparing = open_trip_credit(store, now, ORDER, actor=OWNER)
    filed = open_trip_credit(store, now + minute, ORDER_2, actor=OTHER)
    cases.record_filing(store, filed.id, actor=OTHER, now=now + minute, claim_number="  SAFE-T-998877 ")
    asked = open_trip_credit(store, now, ORDER_3, actor=OWNER)
    cases.record_filing(store, asked.id, actor=OWNER, now=now)
    cases.log_info_request(store, asked.id, actor=OWNER, now=now + 2 * minute, arrived_at=now)  # due Tue 11-24 23:00Z
    reimbursed = filed_claim(store, now, ORDER_4)
    cases.record_grant(store, reimbursed.id, actor=OWNER, is_lead=False, now=now + 3 * minute, amount_cents=5000)
    action = open_cb(store, now + 4 * minute, ORDER_5, actor=OTHER)  # due Fri 11-27 08:00Z
    represented = open_cb(store, now, ORDER_6, actor=OWNER)
    cases.represent(store, represented.id, actor=OWNER, now=now + 5 * minute, shipped_on=None,
                    shipping_method="USPS", tracking="9400")  # window ends 2027-02-19 08:00Z
    refunded = open_cb(store, now, ORDER_7, actor=OWNER)
    cases.refund(store, refunded.id, actor=OWNER, now=now + 6 * minute)
    return {"preparing": preparing.id, "filed": filed.id, "asked": asked.id, "reimbursed": reimbursed.id,
            "action": action.id, "represented": represented.id, "refunded": refunded.id}


LISTS = {
    # Open cases, soonest deadline first; those without a deadline last, the latest changed first.
    ListFilter.OPEN: ["asked", "action", "represented", "filed", "preparing"],
    ListFilter.MINE: ["asked", "represented", "preparing"],
    ListFilter.DUE: [],  # nothing is due within 48 hours of Friday 15:00
    ListFilter.CLOSED: ["refunded", "reimbursed"],
    # Seller Central's tabs: Manage SAFE-T Claims, then Chargeback Claims.
    ListFilter.AWAITING_SELLER_RESPONSE: ["asked"],
    ListFilter.UNDER_INVESTIGATION: ["filed"],
    ListFilter.RESOLVED: ["reimbursed"],
    ListFilter.ACTION_REQUIRED: ["action"],
    ListFilter.ALL: ["action", "represented", "refunded"],
}


def test_every_list_filter_is_checked_below() -> None:
    assert set(LISTS) == set(ListFilter)


def test_each_list_holds_its_cases_sorted_by_the_next_deadline(
    store: Store, now: datetime, team: dict[str, int],
) -> None:
    names = {case_id: name for name, case_id in team.items()}

    listed = {which: [names[c.id] for c in list_cases(store, which, user_id=OWNER, now=now)] for which in LISTS}

    assert listed == LISTS


def test_the_due_list_holds_open_cases_due_within_48_hours_overdue_included(
    store: Store, team: dict[str, int],
) -> None:
    names = {case_id: name for name, case_id in team.items()}

    def due(at: datetime) -> list[str]:
        return [names[c.id] for c in list_cases(store, ListFilter.DUE, user_id=OWNER, now=at)]

    assert due(utc(2026, 11, 22, 23)) == ["asked"]  # Sunday: Tuesday 15:00's request is exactly 48 h away
    assert due(utc(2026, 11, 22, 22, 59)) == []
    assert due(utc(2026, 11, 25, 12)) == ["asked", "action"]  # Wednesday: the overdue one stays listed


def test_a_case_is_found_by_its_order_id_or_its_claim_number_as_pasted(store: Store, team: dict[str, int]) -> None:
    for pasted in (f"  {ORDER_3}  ", "１２３－１２３４５６７－３３３３３３３"):
        found = find_case(store, pasted)
        assert found is not None, pasted
        assert found.id == team["asked"]
        assert [e.action for e in found.events] == ["open", "file", "log_info_request"]

    by_number = find_case(store, "   SAFE-T-998877   ")
    assert by_number is not None
    assert (by_number.id, by_number.claim_number) == (team["filed"], "SAFE-T-998877")

    assert find_case(store, "999-9999999-9999999") is None
    assert find_case(store, "SAFE-T-000000") is None


def test_a_case_is_found_by_an_order_id_pasted_with_the_dashes_a_word_processor_makes(
    store: Store, now: datetime,
) -> None:
    case = open_trip_credit(store, now)

    for pasted in ("123–1234567–1234567", "123‐1234567‐1234567", "123−1234567−1234567"):
        found = find_case(store, pasted)
        assert found is not None, pasted
        assert found.id == case.id


def test_an_order_with_a_closed_claim_and_an_open_chargeback_finds_the_open_one(store: Store, now: datetime) -> None:
    claim = filed_claim(store, now)
    cases.record_grant(store, claim.id, actor=OWNER, is_lead=False, now=now + timedelta(hours=1), amount_cents=5000)
    chargeback = open_cb(store, now)

    found = find_case(store, ORDER)

    assert found is not None
    assert found.id == chargeback.id


def test_app_home_counts_open_cases_by_state_and_lists_mine_and_the_teams_due(
    store: Store, team: dict[str, int],
) -> None:
    with store.transaction() as session:
        first = session.scalar(select(func.min(OutboxNotice.id)))
        session.execute(update(OutboxNotice).where(OutboxNotice.id == first).values(status="failed"))
    at = utc(2026, 11, 25, 12)

    home = home_data(store, user_id=OWNER, now=at)

    assert home.counts == {State.PREPARING: 1, State.FILED: 1, State.INFO_REQUESTED: 1, State.ACTION_REQUIRED: 1,
                           State.REPRESENTED: 1}
    assert [c.id for c in home.mine] == [team["asked"], team["represented"], team["preparing"]]
    assert [c.id for c in home.team_due] == [team["asked"], team["action"]]
    assert home.failed_notices == 1
