"""The report's figures against a small fixture worked out by hand (SQLite, and PostgreSQL when configured).

The team is in Los Angeles: PDT (UTC−7) until 02:00 on Sunday 2026-11-01, PST (UTC−8) after. So October
2026 runs from 2026-10-01 07:00 UTC to 2026-11-01 07:00 UTC, and November from there to 2026-12-01 08:00 UTC.
The report is read at Friday 2026-11-20 15:00 PST (23:00 UTC). Every expected number below is written by
hand from the story of each case, not computed by the code under test.

  A  SAFE-T Trip Credit        opened Oct 20, granted (no amount typed) 2026-11-01 06:30Z = Oct 31 23:30 PDT
  B  SAFE-T penalty fee        opened 2026-11-01 07:30Z = Nov 1 00:30 PDT; request Mon Nov 2 09:00 PST, due
                               Wed Nov 4 09:00, answered Tue Nov 3 09:00 (24 h); granted $123.45 on Nov 10
  C  SAFE-T Trip Credit        opened Nov 5; request Thu Nov 5 10:00, due Mon Nov 9 10:00; never answered:
                               closed automatically Nov 9 11:00 PST (lost $50, deadline missed)
  D  chargeback €80.00         email Oct 28; debited €80.00 Oct 30, disputed Oct 31, reversed Nov 12
  E  chargeback $200.00        email Nov 10 (basis: 00:00 PST = 08:00Z), represented Nov 12 18:00Z (58 h)
  F  chargeback £30.00         email Nov 14: reply due end of Nov 21 (2026-11-22 08:00Z) → at risk
  G  chargeback $45.00         email Nov 19: reply due end of Nov 26 → not within 48 h
  H  chargeback $70.00         email Nov 6: reply due end of Nov 13; never answered; debited $70.00 Nov 16
  I  SAFE-T Trip Credit        (other owner) request Wed Nov 18 12:00 PST, due Fri Nov 20 12:00: overdue now
  J  SAFE-T penalty fee        (other owner) opened Nov 2, denied Nov 17
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.errors import DomainError
from rules.kinds import CaseKind, ComplaintType, SafetReason
from rules.report_records import (
    AtRisk,
    PeriodKind,
    TimeLeft,
    WinRate,
    last_days,
    month_period,
    parse_label,
    parse_period,
    week_period,
)
from store import reports as store_reports
from store.db import Store
from tests.report_story import OTHER, OWNER, tell_story, utc

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


@pytest.fixture
def story(store: Store) -> Store:
    return tell_story(store)


def test_periods_cut_at_the_teams_local_midnight() -> None:
    october = month_period(2026, 10, LA)
    assert (october.start, october.end) == (utc(2026, 10, 1, 7), utc(2026, 11, 1, 7))
    november = parse_period("2026-11", today=date(2026, 11, 20), zone=LA)
    assert (november.start, november.end) == (utc(2026, 11, 1, 7), utc(2026, 12, 1, 8))
    week = week_period(date(2026, 11, 20), LA)
    assert (week.first_day, week.last_day, week.start, week.end) == (
        date(2026, 11, 16), date(2026, 11, 22), utc(2026, 11, 16, 8), utc(2026, 11, 23, 8))
    quarter = parse_period("quarter", today=date(2026, 11, 20), zone=LA)
    assert (quarter.start, quarter.end, quarter.label) == (utc(2026, 10, 1, 7), utc(2027, 1, 1, 8), "2026-Q4")
    seven = last_days(date(2026, 11, 23), LA)
    assert (seven.start, seven.end, seven.kind) == (utc(2026, 11, 16, 8), utc(2026, 11, 23, 8), PeriodKind.DAYS)
    assert parse_label(seven.label, zone=LA) == seven
    assert parse_label("2026-11", zone=LA) == november


@pytest.mark.parametrize("text", ["2026-13", "yesterday", "=1+1", "1999-01", "2026-12"])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_period(text, today=date(2026, 11, 20), zone=LA)


def test_november(story: Store) -> None:
    report = store_reports.report(story, month_period(2026, 11, LA), now=NOW)
    safet, chargebacks = report.kinds[CaseKind.SAFET], report.kinds[CaseKind.CHARGEBACK]
    # B, C, I, J opened in November (B at 00:30 PDT on Nov 1); C and I claim the flat $50.
    assert (safet.opened, safet.still_open, safet.closed, safet.won, safet.lost) == (4, 1, 3, 1, 2)
    assert safet.claimed == {"USD": 10000}
    assert safet.recovered == {"USD": 12345}
    assert safet.lost_money == {"USD": 5000}
    # E, F, G, H opened; D (opened in October) closed by its reversal in November, H by its debit.
    assert (chargebacks.opened, chargebacks.still_open, chargebacks.closed) == (4, 3, 2)
    assert (chargebacks.won, chargebacks.lost) == (1, 1)
    assert chargebacks.claimed == {"GBP": 3000, "USD": 31500}
    assert chargebacks.recovered == {"EUR": 8000}
    assert chargebacks.lost_money == {"USD": 7000}
    assert report.recovered() == {"EUR": 8000, "USD": 12345}
    assert report.lost() == {"USD": 12000}
    # Due in November: B met, E met, C missed ($50), H missed (debited after it passed, $70).
    deadlines = report.deadlines
    assert (deadlines.met, deadlines.missed, deadlines.missed_money) == (2, 2, {"USD": 12000})
    assert deadlines.responses == 2
    assert deadlines.median_response == timedelta(hours=41)  # (24 h + 58 h) / 2
    assert report.by_reason == {SafetReason.PENALTY_FEE: WinRate(1, 1), SafetReason.TRIP_CREDIT: WinRate(0, 1)}
    assert report.by_claim == {ComplaintType.NOT_RECEIVED: WinRate(1, 1)}
    assert report.by_owner == {OTHER: WinRate(0, 1), OWNER: WinRate(2, 2)}
    assert report.by_owner[OWNER].rate == 0.5
    assert report.at_risk == AtRisk(until=utc(2026, 11, 22, 23), cases=2, overdue=1,
                                    money={"GBP": 3000, "USD": 5000})


def test_october_is_restated_by_the_reversal(story: Store) -> None:
    report = store_reports.report(story, month_period(2026, 10, LA), now=NOW)
    safet, chargebacks = report.kinds[CaseKind.SAFET], report.kinds[CaseKind.CHARGEBACK]
    # A was granted at 23:30 PDT on Oct 31: October's; Trip Credit without an amount = $50 flat.
    assert (safet.opened, safet.closed, safet.won, safet.recovered) == (1, 1, 1, {"USD": 5000})
    # D's debit was October's, but it was reversed in November: no longer lost in October.
    assert (chargebacks.opened, chargebacks.still_open, chargebacks.closed) == (1, 0, 0)
    assert chargebacks.claimed == {"EUR": 8000}
    assert chargebacks.lost_money == {} and chargebacks.recovered == {}
    assert report.by_owner == {OWNER: WinRate(1, 0)}
    # D's reply deadline (due Nov 4) was cancelled by the debit before it came due: neither met nor missed.
    assert (report.deadlines.met, report.deadlines.missed, report.deadlines.median_response) == (0, 0, None)


def test_a_week_and_the_weekly_series(story: Store) -> None:
    week = store_reports.report(story, week_period(date(2026, 11, 20), LA), now=NOW)
    assert week.recovered() == {} and week.lost() == {"USD": 7000}  # H debited; J denied with no amount
    weeks = [week_period(date(2026, 11, d), LA) for d in (2, 9, 16)]
    series = store_reports.weekly_series(story, weeks)
    assert [(p.recovered, p.lost) for p in series] == [
        ({}, {}), ({"EUR": 8000, "USD": 12345}, {"USD": 5000}), ({}, {"USD": 7000})]


def test_open_cases_by_time_left_and_home_tiles(story: Store) -> None:
    # I overdue (due 20:00Z), F due in 33 h, G due in 6 days 9 hours; E waits on its outcome window only.
    assert store_reports.time_left(story, now=NOW) == {
        TimeLeft.OVERDUE: 1, TimeLeft.DAY: 0, TimeLeft.TWO_DAYS: 1, TimeLeft.WEEK: 1, TimeLeft.LATER: 0}
    tiles = store_reports.home_tiles(story, now=NOW)
    assert tiles.recovered_this_month == {"EUR": 8000, "USD": 12345}
    assert (tiles.at_risk.cases, tiles.at_risk.money) == (2, {"GBP": 3000, "USD": 5000})


def test_an_appealed_denial_counts_as_neither_closed_nor_lost(store: Store) -> None:
    from store import cases, opening
    from tests.report_story import order

    claim = opening.open_safet_claim(store, actor=OWNER, order_id=order(20), reason=SafetReason.TRIP_CREDIT,
                                   now=utc(2026, 11, 2, 18), explanation="The appointment could not be completed.")
    cases.record_filing(store, claim.case.id, actor=OWNER, now=utc(2026, 11, 2, 19))
    cases.record_denial(store, claim.case.id, actor=OWNER, is_lead=False, now=utc(2026, 11, 3, 18),
                        appeal_by=utc(2026, 11, 30, 18))
    cases.record_appeal(store, claim.case.id, actor=OWNER, now=utc(2026, 11, 4, 18), new_evidence="Photos.")
    safet = store_reports.report(store, month_period(2026, 11, LA), now=NOW).kinds[CaseKind.SAFET]
    assert (safet.opened, safet.still_open, safet.closed, safet.won, safet.lost) == (1, 1, 0, 0, 0)
    assert (safet.claimed, safet.lost_money, safet.recovered) == ({"USD": 5000}, {}, {})
