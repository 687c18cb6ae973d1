"""Deadlines as domain.md ("Deadlines, precisely") states them.

Every expected instant below was worked out by hand from a calendar and written as a local wall
time in the team's zone; none is computed by the code under test. Holiday dates come from the
``holidays`` package's US calendar (0.109), which lists observed days: 2026-07-03 (Friday, for
Saturday 2026-07-04), 2027-07-05 (Monday, for Sunday 2027-07-04), 2027-12-24 and 2027-12-31
(Fridays, for Christmas 2027 and New Year 2028). The day after Thanksgiving and Christmas Eve are
not federal holidays. Its "GB" calendar without a subdivision leaves out Easter Monday (England
and Wales only); "GB-ENG" has it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.deadlines import (
    BusinessCalendar,
    DeadlineKind,
    DeadlineRule,
    safet_info_reply,
)

LA_NAME = "America/Los_Angeles"
LA = ZoneInfo(LA_NAME)
SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
JERUSALEM = ZoneInfo("Asia/Jerusalem")
CAIRO = ZoneInfo("Africa/Cairo")

PST, PDT = timedelta(hours=-8), timedelta(hours=-7)


def la(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=LA)


def assert_same_local(actual: datetime, expected: datetime) -> None:
    """Same instant, stored in UTC, and the same wall time and offset in the expected zone."""
    # Converted to UTC first: an ambiguous or missing wall time never compares equal across zones (PEP 495).
    assert actual == expected.astimezone(UTC)
    assert actual.utcoffset() == timedelta(0), "deadlines are stored in UTC"
    local = actual.astimezone(expected.tzinfo)
    assert local.replace(tzinfo=None) == expected.replace(tzinfo=None)
    assert local.utcoffset() == expected.utcoffset()


# ---------------------------------------------------------------------------------------------
# SAFE-T information request: 2 business days
# ---------------------------------------------------------------------------------------------


def safet(case_id: str, arrived: datetime, expected: datetime, *, zone: str = LA_NAME, holidays: str = "US"):
    return pytest.param(zone, holidays, arrived, expected, id=case_id)


SAFET_CASES = [
    # An ordinary week (2026-11-16 is a Monday; no holiday until Thanksgiving on the 26th).
    safet("monday_0900_request_is_due_wednesday_0900", la(2026, 11, 16, 9, 0), la(2026, 11, 18, 9, 0)),
    safet("tuesday_1415_request_is_due_thursday_1415", la(2026, 11, 17, 14, 15), la(2026, 11, 19, 14, 15)),
    safet("wednesday_2359_request_is_due_friday_2359", la(2026, 11, 18, 23, 59), la(2026, 11, 20, 23, 59)),
    safet("thursday_0800_request_is_due_monday_0800", la(2026, 11, 19, 8, 0), la(2026, 11, 23, 8, 0)),
    safet("friday_1500_request_is_due_tuesday_1500", la(2026, 11, 20, 15, 0), la(2026, 11, 24, 15, 0)),
    safet(
        "monday_midnight_request_is_due_wednesday_midnight", la(2026, 11, 16, 0, 0), la(2026, 11, 18, 0, 0)
    ),
    safet(
        "seconds_and_microseconds_of_the_request_are_kept",
        la(2026, 11, 16, 9, 15, 30, 250000),
        la(2026, 11, 18, 9, 15, 30, 250000),
    ),
    # Weekends: the clock starts at 00:00 of the next business day.
    safet("saturday_1000_request_is_due_wednesday_0000", la(2026, 11, 21, 10, 0), la(2026, 11, 25, 0, 0)),
    safet("sunday_2330_request_is_due_wednesday_0000", la(2026, 11, 22, 23, 30), la(2026, 11, 25, 0, 0)),
    safet(
        "saturday_before_labor_day_starts_tuesday_and_is_due_thursday_0000",
        la(2026, 9, 5, 10, 0),
        la(2026, 9, 10, 0, 0),
    ),
    # Federal holidays: skipped when counting; an arrival on one starts at 00:00 of the next business day.
    safet("labor_day_2026_request_is_due_thursday_0000", la(2026, 9, 7, 14, 0), la(2026, 9, 10, 0, 0)),
    safet("friday_before_labor_day_is_due_wednesday_1630", la(2026, 9, 4, 16, 30), la(2026, 9, 9, 16, 30)),
    safet("mlk_day_2027_request_is_due_thursday_0000", la(2027, 1, 18, 9, 30), la(2027, 1, 21, 0, 0)),
    safet("memorial_day_2026_request_is_due_thursday_0000", la(2026, 5, 25, 12, 0), la(2026, 5, 28, 0, 0)),
    safet("friday_before_memorial_day_is_due_wednesday_1500", la(2026, 5, 22, 15, 0), la(2026, 5, 27, 15, 0)),
    safet(
        "friday_before_presidents_day_is_due_wednesday_1700", la(2026, 2, 13, 17, 0), la(2026, 2, 18, 17, 0)
    ),
    safet(
        "thursday_before_juneteenth_2026_is_due_tuesday_1600", la(2026, 6, 18, 16, 0), la(2026, 6, 23, 16, 0)
    ),
    safet(
        "tuesday_before_veterans_day_2026_is_due_friday_1000",
        la(2026, 11, 10, 10, 0),
        la(2026, 11, 13, 10, 0),
    ),
    safet(
        "friday_before_columbus_day_2026_is_due_wednesday_0900", la(2026, 10, 9, 9, 0), la(2026, 10, 14, 9, 0)
    ),
    # Thanksgiving week 2026: Thursday the 26th is a holiday, Friday the 27th is not.
    safet(
        "tuesday_of_thanksgiving_week_is_due_friday_1000", la(2026, 11, 24, 10, 0), la(2026, 11, 27, 10, 0)
    ),
    safet(
        "wednesday_before_thanksgiving_is_due_monday_1600", la(2026, 11, 25, 16, 0), la(2026, 11, 30, 16, 0)
    ),
    safet("thanksgiving_day_request_is_due_tuesday_0000", la(2026, 11, 26, 9, 0), la(2026, 12, 1, 0, 0)),
    safet(
        "friday_after_thanksgiving_is_a_business_day_so_due_tuesday_1100",
        la(2026, 11, 27, 11, 0),
        la(2026, 12, 1, 11, 0),
    ),
    # Christmas 2026 (Friday) and New Year 2027 (Friday).
    safet(
        "wednesday_before_christmas_2026_is_due_monday_1000", la(2026, 12, 23, 10, 0), la(2026, 12, 28, 10, 0)
    ),
    safet(
        "christmas_eve_2026_is_a_business_day_so_due_tuesday_1700",
        la(2026, 12, 24, 17, 0),
        la(2026, 12, 29, 17, 0),
    ),
    safet("christmas_day_2026_request_is_due_wednesday_0000", la(2026, 12, 25, 8, 0), la(2026, 12, 30, 0, 0)),
    safet("new_years_eve_2026_is_due_tuesday_2027_01_05_0900", la(2026, 12, 31, 9, 0), la(2027, 1, 5, 9, 0)),
    safet("new_years_day_2027_request_is_due_wednesday_0000", la(2027, 1, 1, 12, 0), la(2027, 1, 6, 0, 0)),
    # Observed holidays, as the holidays package lists them for US.
    safet(
        "thursday_2026_07_02_skips_observed_friday_holiday_and_is_due_tuesday",
        la(2026, 7, 2, 13, 0),
        la(2026, 7, 7, 13, 0),
    ),
    safet(
        "observed_independence_day_friday_2026_07_03_request_is_due_wednesday_0000",
        la(2026, 7, 3, 9, 0),
        la(2026, 7, 8, 0, 0),
    ),
    safet(
        "friday_2027_07_02_skips_observed_monday_holiday_and_is_due_wednesday",
        la(2027, 7, 2, 15, 0),
        la(2027, 7, 7, 15, 0),
    ),
    safet(
        "sunday_2027_07_04_request_starts_tuesday_and_is_due_thursday_0000",
        la(2027, 7, 4, 10, 0),
        la(2027, 7, 8, 0, 0),
    ),
    safet(
        "thursday_2027_12_23_skips_observed_christmas_and_is_due_tuesday",
        la(2027, 12, 23, 10, 0),
        la(2027, 12, 28, 10, 0),
    ),
    safet(
        "thursday_2027_12_30_skips_observed_new_year_and_is_due_2028_01_04",
        la(2027, 12, 30, 10, 0),
        la(2028, 1, 4, 10, 0),
    ),
    # US daylight saving time: start 2026-03-08, end 2026-11-01 (both Sundays).
    safet(
        "friday_0130_pst_before_dst_start_is_due_tuesday_0130_pdt",
        la(2026, 3, 6, 1, 30),
        la(2026, 3, 10, 1, 30),
    ),
    safet("dst_start_sunday_request_is_due_wednesday_0000_pdt", la(2026, 3, 8, 3, 0), la(2026, 3, 11, 0, 0)),
    safet(
        "friday_0130_pdt_before_dst_end_is_due_tuesday_0130_pst",
        la(2026, 10, 30, 1, 30),
        la(2026, 11, 3, 1, 30),
    ),
    safet(
        "thursday_1800_pdt_before_dst_end_is_due_monday_1800_pst",
        la(2026, 10, 29, 18, 0),
        la(2026, 11, 2, 18, 0),
    ),
    safet(
        "dst_end_sunday_repeated_hour_request_is_due_wednesday_0000_pst",
        la(2026, 11, 1, 1, 30),
        la(2026, 11, 4, 0, 0),
    ),
    # Month end, year end, leap years.
    safet("friday_2026_01_30_is_due_tuesday_2026_02_03", la(2026, 1, 30, 10, 0), la(2026, 2, 3, 10, 0)),
    safet("friday_2027_02_26_is_due_tuesday_2027_03_02", la(2027, 2, 26, 10, 0), la(2027, 3, 2, 10, 0)),
    safet(
        "leap_day_tuesday_2028_02_29_is_due_thursday_2028_03_02",
        la(2028, 2, 29, 11, 0),
        la(2028, 3, 2, 11, 0),
    ),
    safet(
        "monday_2028_02_28_counts_leap_day_and_is_due_wednesday_2028_03_01",
        la(2028, 2, 28, 11, 0),
        la(2028, 3, 1, 11, 0),
    ),
    # The arrival instant given in UTC: the team's local day is the one that counts.
    safet(
        "utc_saturday_0200_is_friday_1800_in_la_so_due_tuesday_1800",
        datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
        la(2026, 11, 24, 18, 0),
    ),
    safet(
        "utc_thanksgiving_0730_is_wednesday_2330_in_la_so_due_monday_2330",
        datetime(2026, 11, 26, 7, 30, tzinfo=UTC),
        la(2026, 11, 30, 23, 30),
    ),
    safet(
        "utc_labor_day_0630_is_sunday_night_in_la_so_due_thursday_0000",
        datetime(2026, 9, 7, 6, 30, tzinfo=UTC),
        la(2026, 9, 10, 0, 0),
    ),
    # Other team zones and holiday calendars.
    safet(
        "utc_friday_1700_is_saturday_0100_in_shanghai_so_due_wednesday_0000",
        datetime(2026, 11, 20, 17, 0, tzinfo=UTC),
        datetime(2026, 11, 25, 0, 0, tzinfo=SHANGHAI),
        zone="Asia/Shanghai",
        holidays="none",
    ),
    safet(
        "shanghai_cn_eve_of_golden_week_is_due_friday_2026_10_09",
        datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI),
        datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI),
        zone="Asia/Shanghai",
        holidays="CN",
    ),
    safet(
        # Saturday 2026-10-10 is a make-up working day in China, but domain.md counts Monday to Friday.
        "shanghai_cn_thursday_after_golden_week_skips_the_make_up_saturday",
        datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI),
        datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI),
        zone="Asia/Shanghai",
        holidays="CN",
    ),
    safet(
        "shanghai_cn_friday_before_spring_festival_is_due_wednesday_2026_02_25",
        datetime(2026, 2, 13, 15, 0, tzinfo=SHANGHAI),
        datetime(2026, 2, 25, 15, 0, tzinfo=SHANGHAI),
        zone="Asia/Shanghai",
        holidays="CN",
    ),
    safet(
        "shanghai_without_holidays_counts_national_day_as_a_business_day",
        datetime(2026, 10, 2, 10, 0, tzinfo=SHANGHAI),
        datetime(2026, 10, 6, 10, 0, tzinfo=SHANGHAI),
        zone="Asia/Shanghai",
        holidays="none",
    ),
    safet(
        "london_gb_christmas_eve_2026_skips_boxing_day_observed_and_is_due_wednesday",
        datetime(2026, 12, 24, 12, 0, tzinfo=LONDON),
        datetime(2026, 12, 30, 12, 0, tzinfo=LONDON),
        zone="Europe/London",
        holidays="GB",
    ),
    safet(
        "london_gb_thursday_before_good_friday_is_due_tuesday",
        datetime(2026, 4, 2, 9, 0, tzinfo=LONDON),
        datetime(2026, 4, 7, 9, 0, tzinfo=LONDON),
        zone="Europe/London",
        holidays="GB",
    ),
    safet(
        "london_gb_eng_thursday_before_good_friday_also_skips_easter_monday",
        datetime(2026, 4, 2, 9, 0, tzinfo=LONDON),
        datetime(2026, 4, 8, 9, 0, tzinfo=LONDON),
        zone="Europe/London",
        holidays="GB-ENG",
    ),
    safet(
        "london_friday_0130_gmt_is_due_tuesday_0130_bst",
        datetime(2026, 3, 27, 1, 30, tzinfo=LONDON),
        datetime(2026, 3, 31, 1, 30, tzinfo=LONDON),
        zone="Europe/London",
        holidays="GB",
    ),
    safet(
        "la_us_ca_day_after_thanksgiving_is_a_california_holiday",
        la(2026, 11, 25, 16, 0),
        la(2026, 12, 1, 16, 0),
        holidays="US-CA",
    ),
    # holiday_code "none" (or empty) skips weekends only.
    safet(
        "la_none_labor_day_is_a_business_day", la(2026, 9, 7, 14, 0), la(2026, 9, 9, 14, 0), holidays="none"
    ),
    safet(
        "la_none_christmas_day_2026_is_due_tuesday_0800",
        la(2026, 12, 25, 8, 0),
        la(2026, 12, 29, 8, 0),
        holidays="none",
    ),
    safet(
        "la_none_saturday_still_waits_for_monday",
        la(2026, 11, 21, 10, 0),
        la(2026, 11, 25, 0, 0),
        holidays="none",
    ),
    safet(
        "la_empty_code_counts_thanksgiving_as_a_business_day",
        la(2026, 11, 26, 9, 0),
        la(2026, 11, 30, 9, 0),
        holidays="",
    ),
    # DST switches on a weekday (Mon–Fri rule): a due wall time that is missing or repeated.
    safet(
        # Israel springs forward on Friday 2026-03-27 at 02:00: 02:30 does not exist. The two
        # candidates are 02:30+02:00 (00:30Z) and 02:30+03:00 (23:30Z the day before): the earlier,
        # which reads 01:30 IST.
        "jerusalem_missing_0230_on_friday_dst_start_is_the_earlier_instant",
        datetime(2026, 3, 25, 2, 30, tzinfo=JERUSALEM),
        datetime(2026, 3, 27, 1, 30, tzinfo=JERUSALEM),
        zone="Asia/Jerusalem",
        holidays="none",
    ),
    safet(
        # Egypt falls back at 24:00 on Thursday 2026-10-29: 23:30 happens twice; the first (+03:00).
        "cairo_repeated_2330_on_thursday_dst_end_is_the_first_one",
        datetime(2026, 10, 27, 23, 30, tzinfo=CAIRO),
        datetime(2026, 10, 29, 23, 30, tzinfo=CAIRO),
        zone="Africa/Cairo",
        holidays="none",
    ),
]


@pytest.mark.parametrize(("zone", "holiday_code", "arrived", "expected"), SAFET_CASES)
def test_safet_info_request_is_due_two_business_days_later(
    zone: str, holiday_code: str, arrived: datetime, expected: datetime
) -> None:
    deadline = safet_info_reply(arrived, BusinessCalendar.named(zone, holiday_code))

    assert_same_local(deadline.due_at, expected)
    assert deadline.kind is DeadlineKind.SAFET_INFO_REPLY
    assert deadline.rule is DeadlineRule.SAFET_INFO_2BD
    assert deadline.basis_at == arrived.astimezone(UTC) and deadline.basis_at.utcoffset() == timedelta(0)
    assert deadline.computed_due_at == deadline.due_at
    assert deadline.stated_due_at is None
    assert not deadline.set_by_amazon


def test_the_safet_table_has_at_least_45_cases() -> None:
    assert len(SAFET_CASES) >= 45


def test_friday_request_before_dst_start_keeps_the_wall_time_and_changes_the_offset() -> None:
    arrived = la(2026, 3, 6, 1, 30)
    due = safet_info_reply(arrived, BusinessCalendar.named(LA_NAME)).due_at

    assert arrived.utcoffset() == PST
    assert due == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    assert due.astimezone(LA).utcoffset() == PDT
    assert due - arrived == timedelta(days=4, hours=-1)


def test_friday_request_before_dst_end_keeps_the_wall_time_and_changes_the_offset() -> None:
    arrived = la(2026, 10, 30, 1, 30)
    due = safet_info_reply(arrived, BusinessCalendar.named(LA_NAME)).due_at

    assert arrived.utcoffset() == PDT
    assert due == datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    assert due.astimezone(LA).utcoffset() == PST
    assert due - arrived == timedelta(days=4, hours=1)


def test_a_naive_arrival_is_refused() -> None:
    with pytest.raises(ValueError):
        safet_info_reply(datetime(2026, 11, 20, 15, 0), BusinessCalendar.named(LA_NAME))


def test_business_calendar_names_the_holiday_or_none() -> None:
    us = BusinessCalendar.named(LA_NAME, "US")
    assert us.holiday_name(date(2026, 11, 26)) is not None
    assert us.holiday_name(date(2026, 11, 27)) is None
    assert not us.is_business_day(date(2026, 11, 26))
    assert us.is_business_day(date(2026, 11, 27))
    assert BusinessCalendar.named(LA_NAME, "none").holiday_name(date(2026, 11, 26)) is None
    assert BusinessCalendar.named(LA_NAME, "NONE").is_business_day(date(2026, 11, 26))
