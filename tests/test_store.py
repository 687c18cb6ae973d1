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
from sqlalchemy import select, update

from rules.deadlines import DeadlineKind, DeadlineRule, DeadlineStatus
from rules.errors import DomainError
from rules.kinds import ComplaintType, SafetReason, State
from rules.records import CaseRecord
from store import cases, opening
from store.db import Policy, Store
from store.models import Base, CaseDeadline, OutboxNotice
from store.queries import get_case

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
