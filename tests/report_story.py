"""A small story of ten cases, told through the store's use cases, for the report's tests (see
tests/test_reports.py for the figures worked out by hand from it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rules.kinds import ComplaintType, SafetReason
from store import cases, opening
from store.db import Store

OWNER, OTHER = "UOWNER", "UOTHER"


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


def order(n: int) -> str:
    return f"123-1234567-{n:07d}"


def _claim(store: Store, n: int, reason: SafetReason, opened: datetime, owner: str = OWNER) -> int:
    change = opening.open_safet_claim(store, actor=owner, order_id=order(n), reason=reason, now=opened,
                                    explanation="The appointment could not be completed.")
    cases.record_filing(store, change.case.id, actor=owner, now=opened + timedelta(hours=1))
    return change.case.id


def _chargeback(store: Store, n: int, cents: int, currency: str, email_on: date, opened: datetime,
                claim: ComplaintType = ComplaintType.NOT_RECEIVED) -> int:
    return opening.open_chargeback(store, actor=OWNER, order_id=order(n), amount_cents=cents, currency=currency,
                                 now=opened, complaint_type=claim, email_on=email_on).case.id


def tell_story(store: Store) -> Store:
    a = _claim(store, 1, SafetReason.TRIP_CREDIT, utc(2026, 10, 20, 17))
    cases.record_grant(store, a, actor=OWNER, is_lead=False, now=utc(2026, 11, 1, 6, 30), amount_cents=None)

    b = _claim(store, 2, SafetReason.PENALTY_FEE, utc(2026, 11, 1, 7, 30))
    cases.log_info_request(store, b, actor=OWNER, now=utc(2026, 11, 2, 17), arrived_at=utc(2026, 11, 2, 17))
    cases.record_answer(store, b, actor=OWNER, now=utc(2026, 11, 3, 17))
    cases.record_grant(store, b, actor=OWNER, is_lead=False, now=utc(2026, 11, 10, 20), amount_cents=12345)

    c = _claim(store, 3, SafetReason.TRIP_CREDIT, utc(2026, 11, 5, 17))
    cases.log_info_request(store, c, actor=OWNER, now=utc(2026, 11, 5, 18), arrived_at=utc(2026, 11, 5, 18))
    cases.auto_close(store, c, now=utc(2026, 11, 9, 19))

    d = _chargeback(store, 4, 8000, "EUR", date(2026, 10, 28), utc(2026, 10, 28, 17))
    cases.record_debit(store, d, actor=OWNER, is_lead=False, now=utc(2026, 10, 30, 17), amount_cents=8000,
                       reason="insufficient response")
    cases.dispute_debit(store, d, actor=OWNER, now=utc(2026, 10, 31, 17), note="Tracking shows delivery.")
    cases.decide_dispute(store, d, actor=OWNER, is_lead=False, now=utc(2026, 11, 12, 17), reversed_=True)

    e = _chargeback(store, 5, 20000, "USD", date(2026, 11, 10), utc(2026, 11, 10, 18), ComplaintType.UNAUTHORIZED)
    cases.represent(store, e, actor=OWNER, now=utc(2026, 11, 12, 18), shipped_on=date(2026, 11, 1),
                    shipping_method="UPS", tracking="1Z999")

    _chargeback(store, 6, 3000, "GBP", date(2026, 11, 14), utc(2026, 11, 14, 18))
    _chargeback(store, 7, 4500, "USD", date(2026, 11, 19), utc(2026, 11, 19, 18))

    h = _chargeback(store, 8, 7000, "USD", date(2026, 11, 6), utc(2026, 11, 6, 18))
    cases.record_debit(store, h, actor=OWNER, is_lead=False, now=utc(2026, 11, 16, 18), amount_cents=7000,
                       reason="no response")

    i = _claim(store, 9, SafetReason.TRIP_CREDIT, utc(2026, 11, 18, 18), owner=OTHER)
    cases.log_info_request(store, i, actor=OTHER, now=utc(2026, 11, 18, 20), arrived_at=utc(2026, 11, 18, 20))

    j = _claim(store, 10, SafetReason.PENALTY_FEE, utc(2026, 11, 2, 18), owner=OTHER)
    cases.record_denial(store, j, actor=OTHER, is_lead=False, now=utc(2026, 11, 17, 18))
    return store
