"""The SAFE-T filing window of a seller-fulfilled order (domain.md: 30 calendar days from the later of the return
delivery scan and the refund; a lost return from its last scan; end of day in the marketplace's zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.checklists import SAFET_CHECKLISTS
from rules.deadlines import DeadlineKind, DeadlineRule
from rules.errors import DomainError
from rules.filing import ReturnFacts, filing_start, filing_window
from rules.kinds import CaseKind, SafetProgram, SafetReason, State, reasons_of
from rules.marketplaces import BUILT_IN, overridden
from store import cases, opening
from tests.test_views_render import CJK, make_case
from views.i18n import Translator
from views.paste_text import claim_text

LA, TOKYO = ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Tokyo")


def due(start: date, zone: ZoneInfo = LA, *, lost: bool = False, days: int = 30) -> datetime:
    return filing_window(start, lost=lost, zone=zone, days=days).due_at


@pytest.mark.parametrize(("refund", "scan", "last", "lost", "start"), [
    (date(2026, 11, 3), None, None, False, date(2026, 11, 3)),               # refunded, never returned
    (date(2026, 11, 3), date(2026, 11, 9), None, False, date(2026, 11, 9)),  # the return scanned after the refund
    (date(2026, 11, 9), date(2026, 11, 3), None, False, date(2026, 11, 9)),  # refunded after the return came back
    (date(2026, 11, 3), None, date(2026, 10, 28), True, date(2026, 10, 28)),  # lost: its last scan
])
def test_the_window_counts_from_the_right_event(refund, scan, last, lost, start):  # type: ignore[no-untyped-def]
    assert filing_start(refund_on=refund, return_scan_on=scan, last_scan_on=last, lost=lost) == start


def test_the_window_ends_at_the_end_of_the_30th_day_in_the_marketplaces_zone() -> None:
    window = filing_window(date(2026, 11, 3), lost=False, zone=LA)
    assert window.kind is DeadlineKind.FILE_BY and window.rule is DeadlineRule.FILING_30D
    assert window.due_at == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # 24:00 of Thu Dec 3 in Los Angeles
    assert window.ends_on(LA) == date(2026, 12, 3)
    assert due(date(2026, 11, 3), TOKYO) == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("start", "last_day"), [
    (date(2026, 1, 31), date(2026, 3, 2)),    # across February
    (date(2026, 12, 15), date(2027, 1, 14)),  # across the year's end
    (date(2028, 2, 1), date(2028, 3, 2)),     # a leap February
])
def test_month_and_year_ends(start: date, last_day: date) -> None:
    assert filing_window(start, lost=False, zone=LA).ends_on(LA) == last_day


def test_across_the_change_from_summer_time() -> None:
    # Refunded Oct 10; the clocks go back on Nov 1: the window still ends at local midnight (PST, UTC-8).
    assert due(date(2026, 10, 10)) == datetime(2026, 11, 10, 8, 0, tzinfo=UTC)
    # And across the spring change (Mar 8, 2026): PDT, UTC-7.
    assert due(date(2026, 2, 20)) == datetime(2026, 3, 23, 7, 0, tzinfo=UTC)


def test_the_us_value_and_its_source_and_others_assumed() -> None:
    assert BUILT_IN["US"].profile.safet_filing_days == 30
    assert "21 January 2026" in BUILT_IN["US"].source("safet_filing_days")
    assert "assumed" in BUILT_IN["UK"].source("safet_filing_days")
    assert BUILT_IN["US"].profile.services_filing_days is None
    uk, problems = overridden(BUILT_IN["UK"], {"safet_filing_days": 45}, "our reading, 2026-12")
    assert not problems and uk.profile.safet_filing_days == 45
    assert uk.source("safet_filing_days") == "our reading, 2026-12"
    counted = uk.filing_window(date(2026, 11, 1), program="seller_fulfilled", lost=False)
    assert counted is not None and counted.rule is DeadlineRule.FILING_D and counted.days == 45


def open_claim(store, now, *, refund: date, scan: date | None = None, record_missed: bool = False,  # type: ignore[no-untyped-def]
               reason: SafetReason = SafetReason.RETURNED_DAMAGED, order: str = "113-0000001-0000001"):
    return opening.open_safet_claim(
        store, actor="U1", order_id=order, reason=reason, now=now, explanation="Came back broken.",
        returns=ReturnFacts(refund_on=refund, return_scan_on=scan, refunded_cents=8999), record_missed=record_missed)


def test_a_claim_refunded_25_days_ago_is_due_at_the_end_of_day_30(store) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Dec 3, 10:00 in Los Angeles
    case = open_claim(store, now, refund=date(2026, 11, 8)).case
    (window,) = case.open_deadlines
    assert window.kind is DeadlineKind.FILE_BY and window.ends_on(LA) == date(2026, 12, 8)
    assert case.expected_amount_cents == 8999 and case.details["refund_on"] == "2026-11-08"


def test_one_minute_after_the_window_closes_the_claim_is_refused_with_the_day_it_closed(store) -> None:  # type: ignore[no-untyped-def]
    closes = due(date(2026, 11, 2))
    open_claim(store, closes - timedelta(minutes=1), refund=date(2026, 11, 2), order="113-0000002-0000002")
    with pytest.raises(DomainError) as refused:
        open_claim(store, closes + timedelta(minutes=1), refund=date(2026, 11, 2))
    assert refused.value.field == "refund_on" and refused.value.params["day"] == "2026-12-02"


def test_a_closed_window_can_be_recorded_as_not_filed_in_time_and_is_counted_lost(store) -> None:  # type: ignore[no-untyped-def]
    from rules.report_records import days_period
    from store.reports import report

    now = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    case = open_claim(store, now, refund=date(2026, 11, 1), record_missed=True).case
    assert case.state is State.NOT_FILED_IN_TIME and case.expected_amount_cents == 8999
    figures = report(store, days_period(date(2026, 12, 1), date(2026, 12, 3), LA), now=now)
    assert figures.kinds[case.kind].missed_window == {"USD": 8999}
    assert figures.lost() == {"USD": 8999}
    with pytest.raises(DomainError) as still_open:
        open_claim(store, now, refund=date(2026, 11, 20), record_missed=True, order="113-0000003-0000003")
    assert still_open.value.field == "record_missed"


def test_filing_the_claim_meets_its_window(store) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    case = open_claim(store, now, refund=date(2026, 11, 20)).case
    filed = cases.record_filing(store, case.id, actor="U1", now=now + timedelta(hours=1), claim_number="C-1").case
    assert filed.open_deadlines == [] and filed.deadlines[0].status.value == "met"


@pytest.mark.parametrize(("reason", "facts", "field"), [
    (SafetReason.RETURNED_DAMAGED, ReturnFacts(refunded_cents=100), "refund_on"),
    (SafetReason.RETURN_LOST, ReturnFacts(refund_on=date(2026, 11, 20), refunded_cents=100), "last_scan_on"),
    (SafetReason.REFUNDED_NOT_RETURNED, ReturnFacts(refund_on=date(2026, 11, 20), return_scan_on=date(2026, 11, 21),
                                                    refunded_cents=100), "return_scan_on"),
    (SafetReason.RETURNED_DAMAGED, ReturnFacts(refund_on=date(2026, 12, 9), refunded_cents=100), "refund_on"),
    (SafetReason.RETURNED_DAMAGED, ReturnFacts(refund_on=date(2026, 11, 20)), "refunded_amount"),
])
def test_missing_or_impossible_dates_are_refused_on_their_field(store, reason, facts, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        opening.open_safet_claim(store, actor="U1", order_id="113-0000004-0000004", reason=reason,
                                 now=datetime(2026, 12, 3, 18, 0, tzinfo=UTC), explanation="x", returns=facts)
    assert refused.value.field == field


def test_a_selling_services_claim_has_no_window_unless_configured(store) -> None:  # type: ignore[no-untyped-def]
    case = opening.open_safet_claim(store, actor="U1", order_id="113-0000005-0000005",
                                    reason=SafetReason.TRIP_CREDIT, now=datetime(2026, 12, 3, 18, 0, tzinfo=UTC),
                                    explanation="Not home.").case
    assert case.open_deadlines == []


@pytest.mark.parametrize("reason", reasons_of(SafetProgram.SELLER_FULFILLED))
def test_a_seller_fulfilled_claims_paste_text_says_the_order_the_refund_and_the_return(reason):
    case = make_case(CaseKind.SAFET, State.PREPARING, 12, reason=reason, expected_amount_cents=8999,
                     details={"refund_on": "2026-11-10", "return_scan_on": "2026-11-12"})
    en, zh = claim_text(case, Translator("en")), claim_text(case, Translator("zh_CN"))
    assert en.startswith("Order ID: 012-4567890-1234567\n") and "Service order" not in en
    assert "Refunded on Nov 10, 2026: $89.99." in en and "(delivery scan) on Nov 12, 2026." in en
    assert zh.startswith("订单编号:012-4567890-1234567\n") and not CJK.search(en)
    for item in SAFET_CHECKLISTS[reason]:
        assert Translator("en")._(item) in en
