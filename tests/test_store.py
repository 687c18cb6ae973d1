"""The use cases of ``store.cases`` against a real database (SQLite, and PostgreSQL when configured).

Each use case is one transaction: the case's state, its audit event, its deadlines and its outbox
notices are written together, or nothing is. Every expected instant is worked out by hand from
the calendar (the fixture ``now`` is Friday 2026-11-20 15:00 in Los Angeles, UTC−8) and written in
UTC; none is computed by the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from rules.deadlines import DeadlineKind, DeadlineRule, DeadlineStatus
from rules.errors import AlreadyClaimed, DomainError, IllegalTransition, NotPermitted, StaleCase
from rules.kinds import ComplaintType, SafetReason, State
from rules.records import CaseRecord, ListFilter
from store import cases, opening
from store.db import Policy, Store
from store.models import Base, CaseDeadline, Evidence, OutboxNotice
from store.queries import find_case, get_case, home_data, list_cases
from store.roster import import_roster

OWNER, OTHER, LEAD, NEWBIE = "UOWNER", "UOTHER", "ULEAD", "UNEWBIE"
CHANNEL = "CCASES"
ORDER = "123-1234567-1234567"
ORDER_2 = "123-1234567-2222222"
ORDER_3 = "123-1234567-3333333"
ORDER_4 = "123-1234567-4444444"
ORDER_5 = "123-1234567-5555555"
ORDER_6 = "123-1234567-6666666"
ORDER_7 = "123-1234567-7777777"


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


# Hand-worked instants (Los Angeles is UTC−8 all of November 2026 to February 2027).
MONDAY_0900 = utc(2026, 11, 23, 17)  # Monday 2026-11-23 09:00 PST
WEDNESDAY_0900 = utc(2026, 11, 25, 17)  # 2 business days later
TUESDAY_0900 = utc(2026, 11, 24, 17)


# ---------------------------------------------------------------------------------------------
# Helpers: read rows back, and take a picture of every table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    kind: str
    stage: str | None
    target: str
    post_at: datetime
    status: str
    deadline_id: int | None
    event_id: int | None


def outbox(store: Store, case_id: int) -> list[Row]:
    with store.reading() as session:
        rows = session.scalars(select(OutboxNotice).where(OutboxNotice.case_id == case_id)
                               .order_by(OutboxNotice.id)).all()
        return [Row(r.key, r.kind, r.stage, r.target, r.post_at, r.status, r.deadline_id, r.event_id) for r in rows]


def ladder_rows(store: Store, deadline_id: int) -> list[tuple[str | None, datetime, str]]:
    return [(r.stage, r.post_at, r.status) for r in outbox_all(store) if r.deadline_id == deadline_id]


def outbox_all(store: Store) -> list[Row]:
    with store.reading() as session:
        rows = session.scalars(select(OutboxNotice).order_by(OutboxNotice.id)).all()
        return [Row(r.key, r.kind, r.stage, r.target, r.post_at, r.status, r.deadline_id, r.event_id) for r in rows]


def deadline_row(store: Store, deadline_id: int) -> tuple[datetime, datetime | None, datetime | None, str]:
    with store.reading() as session:
        row = session.get(CaseDeadline, deadline_id)
        assert row is not None
        return row.due_at, row.computed_due_at, row.stated_due_at, row.status


def history(store: Store, case_id: int) -> CaseRecord:
    record = get_case(store, case_id)
    assert record is not None
    return record


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused use case wrote nothing."""
    with store.reading() as session:
        return {
            table.name: [tuple(row) for row in session.execute(
                select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


def with_policy(store: Store, **settings: object) -> Store:
    """The same database under another team policy."""
    return Store(store.engine, Policy(case_channel=CHANNEL, **settings))  # type: ignore[arg-type]


def mark_sent(store: Store, key: str) -> None:
    with store.transaction() as session:
        session.execute(update(OutboxNotice).where(OutboxNotice.key == key)
                        .values(status="sent", sent_ts="1700000000.000100"))


def open_trip_credit(store: Store, now: datetime, order_id: str = ORDER, actor: str = OWNER) -> CaseRecord:
    return opening.open_safet_claim(store, actor=actor, order_id=order_id, reason=SafetReason.TRIP_CREDIT,
                                  now=now, explanation="The technician came; the customer was not home.").case


def filed_claim(store: Store, now: datetime, order_id: str = ORDER, claim_number: str = "SAFE-T-0001") -> CaseRecord:
    case = open_trip_credit(store, now, order_id)
    return cases.record_filing(store, case.id, actor=OWNER, now=now, claim_number=claim_number).case


def claim_with_info_request(store: Store, now: datetime, order_id: str = ORDER) -> CaseRecord:
    """Filed, then asked for more information on Monday 09:00 (due Wednesday 09:00)."""
    case = filed_claim(store, now, order_id)
    return cases.log_info_request(store, case.id, actor=OWNER, now=MONDAY_0900 + timedelta(minutes=30),
                                  arrived_at=MONDAY_0900).case


def open_cb(store: Store, now: datetime, order_id: str = ORDER, *, amount_cents: int = 12999,
            complaint: ComplaintType = ComplaintType.NOT_RECEIVED, actor: str = OWNER) -> CaseRecord:
    return opening.open_chargeback(store, actor=actor, order_id=order_id, amount_cents=amount_cents, currency="USD",
                                 now=now, complaint_type=complaint, email_on=date(2026, 11, 19)).case


def represented_cb(store: Store, now: datetime, order_id: str = ORDER) -> CaseRecord:
    case = open_cb(store, now, order_id)
    return cases.represent(store, case.id, actor=OWNER, now=now, shipped_on=date(2026, 11, 10),
                           shipping_method="UPS Ground", tracking="1Z999AA10123456784").case


# ---------------------------------------------------------------------------------------------
# A SAFE-T claim's whole life
# ---------------------------------------------------------------------------------------------


def test_a_safet_claim_goes_from_preparation_to_filing_to_information_request_to_answer_to_grant(
    store: Store, now: datetime,
) -> None:
    # Open: being prepared, a flat $50 expected, no deadline, nothing to post.
    opened = opening.open_safet_claim(store, actor=OWNER, order_id=ORDER, reason=SafetReason.TRIP_CREDIT, now=now,
                                    explanation="The technician came; the customer was not home.")
    case_id = opened.case.id
    assert opened.case.state is State.PREPARING
    assert (opened.case.owner_id, opened.case.created_by, opened.case.version) == (OWNER, OWNER, 1)
    assert (opened.case.expected_amount_cents, opened.case.currency) == (5000, "USD")
    assert opened.case.channel_id == CHANNEL
    assert opened.case.deadlines == ()
    assert (opened.event.actor, opened.event.action, opened.event.from_state, opened.event.to_state) == (
        OWNER, "open", None, State.PREPARING)
    assert opened.event.details == {"reason": "trip_credit"}
    assert outbox(store, case_id) == []

    # Filed in Seller Central: Amazon's claim number is kept as text, trimmed.
    filed_at = now + timedelta(hours=1)
    filed = cases.record_filing(store, case_id, actor=OWNER, now=filed_at, claim_number="  SAFE-T 98-AB/7  ",
                                expected_version=1)
    assert filed.case.state is State.FILED
    assert filed.case.claim_number == "SAFE-T 98-AB/7"
    assert filed.case.details["filed_at"] == filed_at.isoformat()
    assert filed.case.version == 2
    assert (filed.event.action, filed.event.from_state, filed.event.to_state) == ("file", State.PREPARING, State.FILED)
    assert filed.event.details == {"claim_number": "SAFE-T 98-AB/7"}
    assert outbox(store, case_id) == []

    # An investigator asks on Monday 09:00: due Wednesday 09:00, warnings 24 h and 4 h before.
    asked = cases.log_info_request(store, case_id, actor=OTHER, now=MONDAY_0900 + timedelta(minutes=30),
                                   arrived_at=MONDAY_0900, note="Send the photos", expected_version=2)
    assert asked.case.state is State.INFO_REQUESTED
    [deadline] = asked.case.deadlines
    assert (deadline.kind, deadline.rule, deadline.status) == (
        DeadlineKind.SAFET_INFO_REPLY, DeadlineRule.SAFET_INFO_2BD, DeadlineStatus.OPEN)
    assert deadline.basis_at == MONDAY_0900
    assert deadline.due_at == WEDNESDAY_0900
    assert deadline.set_by_amazon is False
    assert (asked.event.actor, asked.event.action) == (OTHER, "log_info_request")
    assert (asked.event.from_state, asked.event.to_state) == (State.FILED, State.INFO_REQUESTED)
    assert asked.event.details == {"arrived_at": MONDAY_0900.isoformat(), "note": "Send the photos"}
    # No overdue stage: when the 2 business days pass, the claim closes by itself.
    assert outbox(store, case_id) == [
        Row(f"deadline:{deadline.id}:warn-24h", "deadline", "warn-24h", CHANNEL, TUESDAY_0900, "pending",
            deadline.id, None),
        Row(f"deadline:{deadline.id}:warn-4h", "deadline", "warn-4h", CHANNEL, WEDNESDAY_0900 - timedelta(hours=4),
            "pending", deadline.id, None),
    ]

    # Answered on Tuesday 02:00: the deadline is met and its warnings are cancelled.
    answered_at = utc(2026, 11, 24, 10)
    answered = cases.record_answer(store, case_id, actor=OWNER, now=answered_at, expected_version=3)
    assert answered.case.state is State.ANSWERED
    assert [d.status for d in answered.case.deadlines] == [DeadlineStatus.MET]
    assert answered.event.details == {}
    assert [r.status for r in outbox(store, case_id)] == ["cancelled", "cancelled"]
    assert deadline_row(store, deadline.id)[3] == "met"

    # Granted: the channel gets a notice and the owner a direct message.
    granted_at = utc(2026, 12, 2, 18)
    granted = cases.record_grant(store, case_id, actor=OWNER, is_lead=False, now=granted_at, amount_cents=5000,
                                 expected_version=4)
    assert granted.case.state is State.REIMBURSED
    assert granted.case.outcome_amount_cents == 5000
    assert granted.case.version == 5
    assert granted.event.details == {"amount_cents": 5000}
    event_id = granted.event.id
    assert outbox(store, case_id)[2:] == [
        Row(f"event:{event_id}:channel", "outcome", "channel", CHANNEL, granted_at, "pending", None, event_id),
        Row(f"event:{event_id}:dm", "outcome", "dm", OWNER, granted_at, "pending", None, event_id),
    ]

    # The audit log tells the whole story, in order.
    events = history(store, case_id).events
    assert [(e.actor, e.action, e.from_state, e.to_state) for e in events] == [
        (OWNER, "open", None, State.PREPARING),
        (OWNER, "file", State.PREPARING, State.FILED),
        (OTHER, "log_info_request", State.FILED, State.INFO_REQUESTED),
        (OWNER, "answer", State.INFO_REQUESTED, State.ANSWERED),
        (OWNER, "grant", State.ANSWERED, State.REIMBURSED),
    ]
    assert [e.at for e in events] == [now, filed_at, MONDAY_0900 + timedelta(minutes=30), answered_at, granted_at]


def test_an_answer_after_the_due_instant_marks_the_information_deadline_missed(store: Store, now: datetime) -> None:
    case = claim_with_info_request(store, now)

    late = cases.record_answer(store, case.id, actor=OWNER, now=WEDNESDAY_0900 + timedelta(minutes=1))

    assert [d.status for d in late.case.deadlines] == [DeadlineStatus.MISSED]


def test_amazons_earlier_reply_by_date_entered_with_the_request_sets_the_deadline(store: Store, now: datetime) -> None:
    case = filed_claim(store, now)
    reply_by = utc(2026, 11, 24, 23)  # Tuesday 15:00, earlier than Wednesday 09:00

    asked = cases.log_info_request(store, case.id, actor=OWNER, now=MONDAY_0900, arrived_at=MONDAY_0900,
                                   stated_due_at=reply_by)

    [deadline] = asked.case.deadlines
    assert (deadline.computed_due_at, deadline.stated_due_at, deadline.due_at) == (
        WEDNESDAY_0900, reply_by, reply_by)
    assert deadline.set_by_amazon is True
    assert [(r.stage, r.post_at) for r in outbox(store, case.id)] == [
        ("warn-24h", reply_by - timedelta(hours=24)), ("warn-4h", reply_by - timedelta(hours=4))]


def test_an_information_request_cannot_arrive_in_the_future_or_be_due_before_it_arrived(
    store: Store, now: datetime,
) -> None:
    case = filed_claim(store, now)
    before = snapshot(store)

    with pytest.raises(DomainError) as future:
        cases.log_info_request(store, case.id, actor=OWNER, now=now, arrived_at=now + timedelta(minutes=1))
    with pytest.raises(DomainError) as backwards:
        cases.log_info_request(store, case.id, actor=OWNER, now=now, arrived_at=now,
                               stated_due_at=now - timedelta(hours=1))

    assert future.value.field == "arrived_at"
    assert backwards.value.field == "stated_due_at"
    assert snapshot(store) == before


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
