"""Store: A chargeback's whole life; Denial and the single appeal (split from tests/test_store.py, whose helpers
it uses)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from rules.deadlines import DeadlineKind, DeadlineRule, DeadlineStatus
from rules.errors import DomainError, IllegalTransition
from rules.kinds import ComplaintType, State
from store import cases, opening
from store.db import Store
from tests.test_store import (
    CHANNEL,
    LEAD,
    ORDER,
    OTHER,
    OWNER,
    filed_claim,
    history,
    ladder_rows,
    open_cb,
    outbox,
    represented_cb,
    snapshot,
    utc,
)

# ---------------------------------------------------------------------------------------------
# A chargeback's whole life
# ---------------------------------------------------------------------------------------------


def test_a_chargeback_goes_from_action_required_to_represented_to_debit_to_dispute_to_reversal(
    store: Store, now: datetime,
) -> None:
    # Amazon's email dated Thursday 2026-11-19: reply by the end of Thursday 2026-11-26 (LA), 7 calendar days.
    opened = opening.open_chargeback(store, actor=OWNER, order_id=ORDER, amount_cents=12999, currency="USD", now=now,
                                   complaint_type=ComplaintType.NOT_RECEIVED, email_on=date(2026, 11, 19))
    case_id = opened.case.id
    assert opened.case.state is State.ACTION_REQUIRED
    assert (opened.case.amount_cents, opened.case.email_on) == (12999, date(2026, 11, 19))
    assert opened.event.details == {"complaint_type": "not_received"}
    [reply] = opened.case.deadlines
    assert (reply.kind, reply.rule) == (DeadlineKind.CHARGEBACK_REPLY, DeadlineRule.CHARGEBACK_7CD)
    assert reply.basis_at == utc(2026, 11, 19, 8)  # 00:00 PST on the email date
    due = utc(2026, 11, 27, 8)  # 24:00 PST on Thursday 2026-11-26
    assert reply.due_at == due
    assert [(r.key, r.stage, r.post_at, r.status, r.target) for r in outbox(store, case_id)] == [
        (f"deadline:{reply.id}:warn-48h", "warn-48h", due - timedelta(hours=48), "pending", CHANNEL),
        (f"deadline:{reply.id}:warn-24h", "warn-24h", due - timedelta(hours=24), "pending", CHANNEL),
        (f"deadline:{reply.id}:warn-4h", "warn-4h", due - timedelta(hours=4), "pending", CHANNEL),
        (f"deadline:{reply.id}:overdue", "overdue", due, "pending", CHANNEL),
    ]

    # Represented on Friday 2026-11-20: the reply is met; the outcome can take 90 days (to 2027-02-18, end of day).
    represented = cases.represent(store, case_id, actor=OWNER, now=now, shipped_on=date(2026, 11, 10),
                                  shipping_method="UPS Ground", tracking="1Z999AA10123456784",
                                  correspondence="Buyer confirmed the address on 11-09.")
    assert represented.case.state is State.REPRESENTED
    reply_after, window = represented.case.deadlines
    assert reply_after.status is DeadlineStatus.MET
    assert (window.kind, window.rule, window.status) == (
        DeadlineKind.OUTCOME_WINDOW, DeadlineRule.OUTCOME_90D, DeadlineStatus.OPEN)
    assert window.due_at == utc(2027, 2, 19, 8)
    representation = represented.case.details["representation"]
    assert (representation["shipped_on"], representation["shipping_method"], representation["tracking"]) == (
        "2026-11-10", "UPS Ground", "1Z999AA10123456784")
    assert represented.event.details["tracking"] == "1Z999AA10123456784"
    assert "item_details" not in represented.event.details  # empty values are not logged
    # The reply's warnings are cancelled; a waiting period has no warnings of its own.
    assert [r.status for r in outbox(store, case_id)] == ["cancelled"] * 4
    assert ladder_rows(store, window.id) == []

    # Amazon's email says we are financially responsible.
    debited_at = utc(2027, 1, 12, 18)
    debited = cases.record_debit(store, case_id, actor=OWNER, is_lead=False, now=debited_at, amount_cents=12999,
                                 reason="Insufficient proof of delivery")
    assert debited.case.state is State.DEBITED
    assert debited.case.outcome_amount_cents == 12999
    assert debited.event.details == {"amount_cents": 12999, "reason": "Insufficient proof of delivery"}
    assert [d.status for d in debited.case.deadlines] == [DeadlineStatus.MET, DeadlineStatus.CANCELLED]
    assert [(r.key, r.kind, r.target, r.post_at) for r in outbox(store, case_id)[4:]] == [
        (f"event:{debited.event.id}:channel", "outcome", CHANNEL, debited_at),
        (f"event:{debited.event.id}:dm", "outcome", OWNER, debited_at),
    ]

    # Disputed by replying to the email, then the dispute is won.
    disputed = cases.dispute_debit(store, case_id, actor=OWNER, now=debited_at + timedelta(days=1),
                                   note="The carrier scan shows delivery at the door.")
    assert (disputed.event.from_state, disputed.event.to_state) == (State.DEBITED, State.DISPUTED)
    assert len(outbox(store, case_id)) == 6  # a dispute is not an outcome
    decided_at = debited_at + timedelta(days=20)
    decided = cases.decide_dispute(store, case_id, actor=LEAD, is_lead=True, now=decided_at, reversed_=True)
    assert decided.case.state is State.DEBIT_REVERSED
    assert decided.case.outcome_amount_cents == 0
    assert (decided.event.actor, decided.event.action) == (LEAD, "dispute_reversed")
    assert [(r.key, r.target) for r in outbox(store, case_id)[6:]] == [
        (f"event:{decided.event.id}:channel", CHANNEL), (f"event:{decided.event.id}:dm", OWNER)]

    assert [(e.action, e.from_state, e.to_state) for e in history(store, case_id).events] == [
        ("open", None, State.ACTION_REQUIRED),
        ("represent", State.ACTION_REQUIRED, State.REPRESENTED),
        ("record_debit", State.REPRESENTED, State.DEBITED),
        ("dispute", State.DEBITED, State.DISPUTED),
        ("dispute_reversed", State.DISPUTED, State.DEBIT_REVERSED),
    ]


def test_a_chargeback_with_the_emails_exact_time_is_due_seven_times_24_hours_later(store: Store, now: datetime) -> None:
    email_at = utc(2026, 11, 19, 18, 30)  # Thursday 10:30 PST

    opened = opening.open_chargeback(store, actor=OWNER, order_id=ORDER, amount_cents=5000, currency="USD", now=now,
                                   complaint_type=ComplaintType.UNAUTHORIZED, email_at=email_at)

    [reply] = opened.case.deadlines
    assert reply.rule is DeadlineRule.CHARGEBACK_7X24H
    assert reply.due_at == utc(2026, 11, 26, 18, 30)
    assert opened.case.email_on == date(2026, 11, 19)


def test_a_chargeback_email_dated_tomorrow_or_undated_is_refused_and_nothing_is_written(
    store: Store, now: datetime,
) -> None:
    before = snapshot(store)

    with pytest.raises(DomainError) as future:
        opening.open_chargeback(store, actor=OWNER, order_id=ORDER, amount_cents=5000, currency="USD", now=now,
                              complaint_type=ComplaintType.OTHER, email_on=date(2026, 11, 21))
    with pytest.raises(DomainError) as undated:
        opening.open_chargeback(store, actor=OWNER, order_id=ORDER, amount_cents=5000, currency="USD", now=now,
                              complaint_type=ComplaintType.OTHER)

    assert future.value.field == "email_on"
    assert undated.value.field == "email_on"
    assert snapshot(store) == before


def test_a_chargeback_information_request_is_due_when_amazon_says_with_an_overdue_notice(
    store: Store, now: datetime,
) -> None:
    case = represented_cb(store, now)
    arrived, stated = utc(2026, 12, 1, 17), utc(2026, 12, 4, 17)

    asked = cases.log_info_request(store, case.id, actor=OWNER, now=arrived, arrived_at=arrived, stated_due_at=stated)

    assert asked.case.state is State.INFO_REQUESTED
    request = next(d for d in asked.case.deadlines if d.kind is DeadlineKind.CHARGEBACK_INFO_REPLY)
    assert (request.rule, request.computed_due_at, request.due_at) == (DeadlineRule.AMAZON_STATED, None, stated)
    assert ladder_rows(store, request.id) == [
        ("warn-24h", stated - timedelta(hours=24), "pending"),
        ("warn-4h", stated - timedelta(hours=4), "pending"),
        ("overdue", stated, "pending"),
    ]
    answered = cases.record_answer(store, case.id, actor=OWNER, now=arrived + timedelta(days=1))
    assert answered.case.state is State.ANSWERED
    assert [s for _, _, s in ladder_rows(store, request.id)] == ["cancelled"] * 3
    window = next(d for d in answered.case.deadlines if d.kind is DeadlineKind.OUTCOME_WINDOW)
    assert window.status is DeadlineStatus.OPEN  # answering does not end the 90-day wait


def test_no_debit_by_the_end_of_the_90_day_window_is_presumed_by_the_system(store: Store, now: datetime) -> None:
    case = represented_cb(store, now)
    end = utc(2027, 2, 19, 8)

    presumed = cases.presume_no_debit(store, case.id, now=end + timedelta(minutes=1))

    assert presumed.case.state is State.NO_DEBIT
    assert (presumed.event.actor, presumed.event.action) == ("system", "presume_no_debit")
    assert presumed.event.details == {"reason": "outcome_window_elapsed"}
    window = next(d for d in presumed.case.deadlines if d.kind is DeadlineKind.OUTCOME_WINDOW)
    assert window.status is DeadlineStatus.ELAPSED
    assert [(r.stage, r.target) for r in outbox(store, case.id) if r.kind == "outcome"] == [
        ("channel", CHANNEL), ("dm", OWNER)]


def test_a_refund_closes_the_chargeback_and_meets_its_reply_deadline(store: Store, now: datetime) -> None:
    case = open_cb(store, now)

    refunded = cases.refund(store, case.id, actor=OTHER, now=now)

    assert refunded.case.state is State.REFUNDED
    assert [d.status for d in refunded.case.deadlines] == [DeadlineStatus.MET]
    assert {r.status for r in outbox(store, case.id)} == {"cancelled"}


# ---------------------------------------------------------------------------------------------
# Denial and the single appeal
# ---------------------------------------------------------------------------------------------


def test_a_denied_claim_with_an_appeal_by_date_can_be_appealed_once_and_never_twice(
    store: Store, now: datetime,
) -> None:
    case = filed_claim(store, now)
    appeal_by = utc(2026, 12, 10, 8)

    denied = cases.record_denial(store, case.id, actor=OWNER, is_lead=False, now=now, appeal_by=appeal_by,
                                 note="No-Grant")
    assert denied.case.state is State.DENIED
    assert denied.case.outcome_amount_cents == 0
    [deadline] = denied.case.deadlines
    assert (deadline.kind, deadline.rule, deadline.due_at) == (
        DeadlineKind.APPEAL_BY, DeadlineRule.AMAZON_STATED, appeal_by)
    assert denied.event.details == {"note": "No-Grant", "appeal_by": appeal_by.isoformat()}
    assert ladder_rows(store, deadline.id) == [
        ("warn-48h", appeal_by - timedelta(hours=48), "pending"),
        ("warn-24h", appeal_by - timedelta(hours=24), "pending"),
        ("overdue", appeal_by, "pending"),
    ]
    assert [(r.stage, r.target) for r in outbox(store, case.id) if r.kind == "outcome"] == [
        ("channel", CHANNEL), ("dm", OWNER)]

    appealed = cases.record_appeal(store, case.id, actor=OWNER, now=now + timedelta(days=2),
                                   new_evidence="Photos of the finished installation")
    assert appealed.case.state is State.APPEALED
    assert appealed.case.appeals_used == 1
    assert [d.status for d in appealed.case.deadlines] == [DeadlineStatus.MET]
    assert [s for _, _, s in ladder_rows(store, deadline.id)] == ["cancelled"] * 3

    # Denied again: the appeal was used, so no new "Appeal by" deadline is opened.
    again = cases.record_denial(store, case.id, actor=OWNER, is_lead=False, now=now + timedelta(days=9),
                                appeal_by=now + timedelta(days=30))
    assert again.case.state is State.DENIED
    assert len(again.case.deadlines) == 1
    before = snapshot(store)

    with pytest.raises(IllegalTransition) as refused:
        cases.record_appeal(store, case.id, actor=OWNER, now=now + timedelta(days=10), new_evidence="More photos")

    assert "once" in str(refused.value)
    assert snapshot(store) == before


def test_an_appeal_without_new_information_is_refused(store: Store, now: datetime) -> None:
    case = filed_claim(store, now)
    cases.record_denial(store, case.id, actor=OWNER, is_lead=False, now=now)

    with pytest.raises(DomainError) as refused:
        cases.record_appeal(store, case.id, actor=OWNER, now=now, new_evidence="   ")

    assert refused.value.field == "new_evidence"
    assert history(store, case.id).state is State.DENIED


def test_a_denial_whose_appeal_by_date_has_passed_is_refused_and_nothing_is_written(
    store: Store, now: datetime,
) -> None:
    case = filed_claim(store, now)
    before = snapshot(store)

    with pytest.raises(DomainError) as refused:
        cases.record_denial(store, case.id, actor=OWNER, is_lead=False, now=now, appeal_by=now - timedelta(hours=1))

    assert refused.value.field == "appeal_by"
    assert snapshot(store) == before
