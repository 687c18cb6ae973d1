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

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.deadlines import (
    BusinessCalendar,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    DeadlineStatus,
    amazon_stated,
    chargeback_reply,
    end_of_day,
    local_instant,
    outcome_window,
    safet_info_reply,
    status_when_settled,
    with_stated_date,
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


# ---------------------------------------------------------------------------------------------
# Chargeback reply: 7 calendar days from the email date, end of day
# ---------------------------------------------------------------------------------------------


def by_date(case_id: str, email_on: date, expected: datetime):
    return pytest.param(email_on, expected, id=case_id)


CHARGEBACK_DATE_CASES = [
    by_date("monday_email_is_due_at_the_end_of_the_next_monday", date(2026, 11, 16), la(2026, 11, 24, 0, 0)),
    by_date("saturday_email_counts_weekend_days_too", date(2026, 11, 21), la(2026, 11, 29, 0, 0)),
    by_date("friday_email_before_thanksgiving_ignores_holidays", date(2026, 11, 20), la(2026, 11, 28, 0, 0)),
    by_date(
        "email_2026_10_28_is_due_2026_11_05_0000_pst_across_dst_end",
        date(2026, 10, 28),
        la(2026, 11, 5, 0, 0),
    ),
    by_date(
        "email_the_day_before_dst_end_is_due_2026_11_08_0000_pst", date(2026, 10, 31), la(2026, 11, 8, 0, 0)
    ),
    by_date(
        "email_2026_03_05_is_due_2026_03_13_0000_pdt_across_dst_start",
        date(2026, 3, 5),
        la(2026, 3, 13, 0, 0),
    ),
    by_date("email_on_dst_start_day_is_due_2026_03_16_0000_pdt", date(2026, 3, 8), la(2026, 3, 16, 0, 0)),
    by_date("email_2026_01_28_is_due_2026_02_05_0000", date(2026, 1, 28), la(2026, 2, 5, 0, 0)),
    by_date("email_2026_01_31_is_due_2026_02_08_0000", date(2026, 1, 31), la(2026, 2, 8, 0, 0)),
    by_date(
        "email_2026_02_25_in_a_common_year_is_due_2026_03_05_0000", date(2026, 2, 25), la(2026, 3, 5, 0, 0)
    ),
    by_date(
        "email_2028_02_25_in_a_leap_year_is_due_2028_03_04_0000", date(2028, 2, 25), la(2028, 3, 4, 0, 0)
    ),
    by_date(
        "email_2028_02_22_whose_day_7_is_leap_day_is_due_2028_03_01_0000",
        date(2028, 2, 22),
        la(2028, 3, 1, 0, 0),
    ),
    by_date("email_on_leap_day_2028_is_due_2028_03_08_0000", date(2028, 2, 29), la(2028, 3, 8, 0, 0)),
    by_date("christmas_2026_email_is_due_2027_01_02_0000", date(2026, 12, 25), la(2027, 1, 2, 0, 0)),
    by_date("email_2026_12_28_is_due_2027_01_05_0000", date(2026, 12, 28), la(2027, 1, 5, 0, 0)),
    by_date("new_years_eve_2026_email_is_due_2027_01_08_0000", date(2026, 12, 31), la(2027, 1, 8, 0, 0)),
    by_date(
        "shanghai_email_is_due_at_shanghai_midnight",
        date(2026, 11, 16),
        datetime(2026, 11, 24, 0, 0, tzinfo=SHANGHAI),
    ),
    by_date(
        "london_email_across_bst_end_is_due_at_gmt_midnight",
        date(2026, 10, 20),
        datetime(2026, 10, 28, 0, 0, tzinfo=LONDON),
    ),
    by_date(
        "london_email_across_bst_start_is_due_at_bst_midnight",
        date(2026, 3, 25),
        datetime(2026, 4, 2, 0, 0, tzinfo=LONDON),
    ),
]


@pytest.mark.parametrize(("email_on", "expected"), CHARGEBACK_DATE_CASES)
def test_chargeback_reply_is_due_at_the_end_of_the_seventh_day(email_on: date, expected: datetime) -> None:
    zone = expected.tzinfo
    deadline = chargeback_reply(email_on=email_on, zone=zone)

    assert_same_local(deadline.due_at, expected)
    assert deadline.kind is DeadlineKind.CHARGEBACK_REPLY
    assert deadline.rule is DeadlineRule.CHARGEBACK_7CD
    assert deadline.basis_at == datetime.combine(email_on, time(0, 0), tzinfo=zone)


def test_chargeback_email_2026_10_28_is_due_at_0800_utc_after_dst_end() -> None:
    due = chargeback_reply(email_on=date(2026, 10, 28), zone=LA).due_at

    assert due == datetime(2026, 11, 5, 8, 0, tzinfo=UTC)
    assert due.astimezone(LA).utcoffset() == PST


def test_chargeback_email_2026_03_05_is_due_at_0700_utc_after_dst_start() -> None:
    due = chargeback_reply(email_on=date(2026, 3, 5), zone=LA).due_at

    assert due == datetime(2026, 3, 13, 7, 0, tzinfo=UTC)
    assert due.astimezone(LA).utcoffset() == PDT


def test_chargeback_day_7_ending_at_a_skipped_midnight_is_due_when_that_day_ends() -> None:
    """Egypt springs forward at 00:00 on Friday 2026-04-24 (00:00 EET → 01:00 EEST, at 22:00Z).

    An email on 2026-04-16 has Thursday 2026-04-23 as its day 7, which ends at 24:00 EET = 22:00Z:
    that instant exists and is not in doubt.
    """
    due = chargeback_reply(email_on=date(2026, 4, 16), zone=CAIRO).due_at

    assert due == datetime(2026, 4, 23, 22, 0, tzinfo=UTC)


def at(case_id: str, email_at: datetime, expected: datetime):
    return pytest.param(email_at, expected, id=case_id)


CHARGEBACK_INSTANT_CASES = [
    at(
        "email_at_1015_pst_is_due_at_1015_pst_seven_days_later",
        la(2026, 11, 16, 10, 15),
        la(2026, 11, 23, 10, 15),
    ),
    at("email_at_0900_pdt_across_dst_end_is_due_at_0800_pst", la(2026, 10, 28, 9, 0), la(2026, 11, 4, 8, 0)),
    at("email_at_0900_pst_across_dst_start_is_due_at_1000_pdt", la(2026, 3, 5, 9, 0), la(2026, 3, 12, 10, 0)),
    at(
        "email_at_given_in_utc_is_due_168_hours_later",
        datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
        la(2026, 11, 27, 18, 0),
    ),
    at("email_at_late_on_leap_day_is_due_2028_03_07", la(2028, 2, 29, 23, 30), la(2028, 3, 7, 23, 30)),
    at("email_at_on_new_years_eve_is_due_2027_01_07", la(2026, 12, 31, 20, 0), la(2027, 1, 7, 20, 0)),
]


@pytest.mark.parametrize(("email_at", "expected"), CHARGEBACK_INSTANT_CASES)
def test_chargeback_reply_with_the_exact_email_time_is_due_7x24_hours_later(
    email_at: datetime, expected: datetime
) -> None:
    deadline = chargeback_reply(email_at=email_at, zone=LA)

    assert_same_local(deadline.due_at, expected)
    assert deadline.due_at - email_at == timedelta(hours=7 * 24)
    assert deadline.rule is DeadlineRule.CHARGEBACK_7X24H
    assert deadline.basis_at == email_at


def test_chargeback_7x24h_across_dst_end_shifts_the_local_wall_time_an_hour_earlier() -> None:
    email_at = la(2026, 10, 28, 9, 0)
    due = chargeback_reply(email_at=email_at, zone=LA).due_at.astimezone(LA)

    assert (due.hour, due.utcoffset()) == (8, PST)
    assert (email_at.hour, email_at.utcoffset()) == (9, PDT)


def test_chargeback_7x24h_across_dst_start_shifts_the_local_wall_time_an_hour_later() -> None:
    due = chargeback_reply(email_at=la(2026, 3, 5, 9, 0), zone=LA).due_at.astimezone(LA)

    assert (due.hour, due.utcoffset()) == (10, PDT)


def test_chargeback_exact_email_time_wins_over_the_email_date() -> None:
    deadline = chargeback_reply(email_on=date(2026, 11, 16), email_at=la(2026, 11, 16, 10, 15), zone=LA)

    assert deadline.rule is DeadlineRule.CHARGEBACK_7X24H
    assert deadline.due_at == la(2026, 11, 23, 10, 15)


def test_chargeback_without_a_date_or_an_instant_is_refused() -> None:
    with pytest.raises(ValueError):
        chargeback_reply(zone=LA)


def test_chargeback_with_a_naive_email_time_is_refused() -> None:
    with pytest.raises(ValueError):
        chargeback_reply(email_at=datetime(2026, 11, 16, 10, 15), zone=LA)


# ---------------------------------------------------------------------------------------------
# Outcome window: 90 days from the representation
# ---------------------------------------------------------------------------------------------

OUTCOME_DATE_CASES = [
    pytest.param(
        date(2026, 11, 16), la(2027, 2, 15, 0, 0), id="represented_2026_11_16_window_ends_2027_02_15_0000"
    ),
    pytest.param(
        date(2026, 1, 15),
        la(2026, 4, 16, 0, 0),
        id="represented_in_pst_2026_01_15_window_ends_2026_04_16_0000_pdt",
    ),
    pytest.param(
        date(2026, 8, 10),
        la(2026, 11, 9, 0, 0),
        id="represented_in_pdt_2026_08_10_window_ends_2026_11_09_0000_pst",
    ),
    pytest.param(
        date(2027, 12, 1),
        la(2028, 3, 1, 0, 0),
        id="represented_2027_12_01_window_counts_leap_day_and_ends_2028_03_01_0000",
    ),
    pytest.param(
        date(2026, 12, 31),
        la(2027, 4, 1, 0, 0),
        id="represented_new_years_eve_2026_window_ends_2027_04_01_0000_pdt",
    ),
]


@pytest.mark.parametrize(("represented_on", "expected"), OUTCOME_DATE_CASES)
def test_outcome_window_ends_at_the_end_of_the_ninetieth_day(
    represented_on: date, expected: datetime
) -> None:
    deadline = outcome_window(represented_on=represented_on, zone=LA)

    assert_same_local(deadline.due_at, expected)
    assert deadline.kind is DeadlineKind.OUTCOME_WINDOW and deadline.kind.is_window
    assert deadline.rule is DeadlineRule.OUTCOME_90D


def test_outcome_window_across_dst_start_changes_the_offset() -> None:
    deadline = outcome_window(represented_on=date(2026, 1, 15), zone=LA)

    assert deadline.basis_at.astimezone(LA).utcoffset() == PST
    assert deadline.due_at == datetime(2026, 4, 16, 7, 0, tzinfo=UTC)


OUTCOME_INSTANT_CASES = [
    pytest.param(
        la(2026, 8, 10, 14, 0),
        la(2026, 11, 8, 13, 0),
        id="represented_at_1400_pdt_window_ends_at_1300_pst_90x24h_later",
    ),
    pytest.param(
        la(2026, 1, 15, 14, 0),
        la(2026, 4, 15, 15, 0),
        id="represented_at_1400_pst_window_ends_at_1500_pdt_90x24h_later",
    ),
]


@pytest.mark.parametrize(("represented_at", "expected"), OUTCOME_INSTANT_CASES)
def test_outcome_window_with_the_exact_time_ends_90x24_hours_later(
    represented_at: datetime, expected: datetime
) -> None:
    deadline = outcome_window(represented_at=represented_at, zone=LA)

    assert_same_local(deadline.due_at, expected)
    assert deadline.due_at - represented_at == timedelta(hours=90 * 24)
    assert deadline.rule is DeadlineRule.OUTCOME_90X24H


# ---------------------------------------------------------------------------------------------
# local_instant and end_of_day
# ---------------------------------------------------------------------------------------------


def test_local_instant_of_an_ordinary_time_is_utc() -> None:
    instant = local_instant(date(2026, 11, 16), time(9, 0), LA)

    assert instant == datetime(2026, 11, 16, 17, 0, tzinfo=UTC)
    assert instant.tzinfo is UTC


def test_local_instant_of_an_ambiguous_time_is_the_earlier_pdt_instant() -> None:
    # 01:30 on 2026-11-01 happens at 08:30Z (PDT) and again at 09:30Z (PST).
    assert local_instant(date(2026, 11, 1), time(1, 30), LA) == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def test_local_instant_of_a_missing_time_is_the_earlier_candidate() -> None:
    # 02:30 on 2026-03-08 does not exist: read as PST it is 10:30Z, as PDT 09:30Z.
    assert local_instant(date(2026, 3, 8), time(2, 30), LA) == datetime(2026, 3, 8, 9, 30, tzinfo=UTC)


def test_local_instant_of_an_ambiguous_london_time_is_the_earlier_bst_instant() -> None:
    assert local_instant(date(2026, 10, 25), time(1, 30), LONDON) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_end_of_day_is_midnight_of_the_next_day() -> None:
    assert end_of_day(date(2026, 11, 30), LA) == la(2026, 12, 1, 0, 0)
    assert end_of_day(date(2026, 10, 31), LA) == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Amazon's stated date
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def computed() -> Deadline:
    """Friday 2026-11-20 15:00 PST request: the app's own deadline is Tuesday 2026-11-24 15:00 PST."""
    return safet_info_reply(la(2026, 11, 20, 15, 0), BusinessCalendar.named(LA_NAME))


def test_computed_deadline_is_the_app_rule(computed: Deadline) -> None:
    assert computed.due_at == la(2026, 11, 24, 15, 0)
    assert not computed.set_by_amazon


def test_earlier_amazon_date_is_in_force_and_said_to_be_amazons(computed: Deadline) -> None:
    stated = with_stated_date(computed, la(2026, 11, 24, 9, 0))

    assert stated.due_at == la(2026, 11, 24, 9, 0)
    assert stated.set_by_amazon
    assert stated.computed_due_at == la(2026, 11, 24, 15, 0)
    assert stated.due_at.tzinfo is UTC


def test_later_amazon_date_keeps_the_computed_deadline(computed: Deadline) -> None:
    stated = with_stated_date(computed, la(2026, 11, 25, 0, 0))

    assert stated.due_at == la(2026, 11, 24, 15, 0)
    assert not stated.set_by_amazon
    assert stated.stated_due_at == la(2026, 11, 25, 0, 0)


def test_amazon_date_equal_to_the_computed_one_sets_the_same_instant(computed: Deadline) -> None:
    stated = with_stated_date(computed, la(2026, 11, 24, 15, 0))

    assert stated.due_at == la(2026, 11, 24, 15, 0)


def test_clearing_amazons_date_brings_back_the_computed_deadline(computed: Deadline) -> None:
    cleared = with_stated_date(with_stated_date(computed, la(2026, 11, 24, 9, 0)), None)

    assert cleared.due_at == la(2026, 11, 24, 15, 0)
    assert cleared.stated_due_at is None
    assert not cleared.set_by_amazon


def test_amazon_date_given_in_another_zone_is_stored_in_utc(computed: Deadline) -> None:
    stated = with_stated_date(computed, datetime(2026, 11, 25, 1, 0, tzinfo=SHANGHAI))

    assert stated.due_at == la(2026, 11, 24, 9, 0)
    assert stated.stated_due_at.tzinfo is UTC
    assert stated.set_by_amazon


def test_naive_amazon_date_is_refused(computed: Deadline) -> None:
    with pytest.raises(ValueError):
        with_stated_date(computed, datetime(2026, 11, 24, 9, 0))


def test_deadline_set_only_by_amazon_is_amazons() -> None:
    appeal = amazon_stated(DeadlineKind.APPEAL_BY, la(2026, 12, 10, 17, 0), la(2026, 11, 30, 12, 0))

    assert appeal.due_at == la(2026, 12, 10, 17, 0)
    assert appeal.due_at.tzinfo is UTC
    assert appeal.computed_due_at is None
    assert appeal.set_by_amazon
    assert appeal.rule is DeadlineRule.AMAZON_STATED


def test_deadline_set_only_by_amazon_is_replaced_by_a_new_stated_date_even_a_later_one() -> None:
    appeal = amazon_stated(DeadlineKind.APPEAL_BY, la(2026, 12, 10, 17, 0), la(2026, 11, 30, 12, 0))

    assert with_stated_date(appeal, la(2026, 12, 8, 17, 0)).due_at == la(2026, 12, 8, 17, 0)
    assert with_stated_date(appeal, la(2026, 12, 12, 17, 0)).due_at == la(2026, 12, 12, 17, 0)


def test_deadline_set_only_by_amazon_keeps_its_date_when_cleared() -> None:
    appeal = amazon_stated(DeadlineKind.APPEAL_BY, la(2026, 12, 10, 17, 0), la(2026, 11, 30, 12, 0))

    assert with_stated_date(appeal, None).due_at == la(2026, 12, 10, 17, 0)


def test_amazon_stated_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        amazon_stated(DeadlineKind.APPEAL_BY, datetime(2026, 12, 10, 17, 0), la(2026, 11, 30, 12, 0))
    with pytest.raises(ValueError):
        amazon_stated(DeadlineKind.APPEAL_BY, la(2026, 12, 10, 17, 0), datetime(2026, 11, 30, 12, 0))


def test_deadline_refuses_non_utc_instants_and_a_missing_due_instant() -> None:
    basis = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        Deadline(DeadlineKind.SAFET_INFO_REPLY, DeadlineRule.SAFET_INFO_2BD, basis, la(2026, 11, 24, 15, 0))
    with pytest.raises(ValueError):
        Deadline(DeadlineKind.SAFET_INFO_REPLY, DeadlineRule.SAFET_INFO_2BD, basis, None, None)


# ---------------------------------------------------------------------------------------------
# How a deadline ends when the case moves on
# ---------------------------------------------------------------------------------------------

DUE = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("kind", "now", "expected"),
    [
        pytest.param(
            DeadlineKind.SAFET_INFO_REPLY,
            DUE - timedelta(hours=2),
            DeadlineStatus.MET,
            id="answer_two_hours_early_is_met",
        ),
        pytest.param(
            DeadlineKind.SAFET_INFO_REPLY, DUE, DeadlineStatus.MET, id="answer_at_the_due_instant_is_met"
        ),
        pytest.param(
            DeadlineKind.SAFET_INFO_REPLY,
            DUE + SECOND,
            DeadlineStatus.MISSED,
            id="answer_one_second_late_is_missed",
        ),
        pytest.param(
            DeadlineKind.CHARGEBACK_REPLY,
            DUE - SECOND,
            DeadlineStatus.MET,
            id="chargeback_response_just_in_time_is_met",
        ),
        pytest.param(
            DeadlineKind.CHARGEBACK_REPLY,
            DUE + timedelta(days=1),
            DeadlineStatus.MISSED,
            id="chargeback_response_a_day_late_is_missed",
        ),
        pytest.param(
            DeadlineKind.APPEAL_BY, DUE + SECOND, DeadlineStatus.MISSED, id="appeal_after_appeal_by_is_missed"
        ),
        pytest.param(
            DeadlineKind.OUTCOME_WINDOW,
            DUE - SECOND,
            DeadlineStatus.CANCELLED,
            id="decision_inside_the_outcome_window_cancels_it",
        ),
        pytest.param(
            DeadlineKind.OUTCOME_WINDOW,
            DUE,
            DeadlineStatus.ELAPSED,
            id="outcome_window_at_its_end_has_elapsed",
        ),
        pytest.param(
            DeadlineKind.OUTCOME_WINDOW,
            DUE + timedelta(days=3),
            DeadlineStatus.ELAPSED,
            id="outcome_window_after_its_end_has_elapsed",
        ),
    ],
)
def test_status_when_settled(kind: DeadlineKind, now: datetime, expected: DeadlineStatus) -> None:
    assert status_when_settled(DUE, kind, now) is expected


def test_only_the_outcome_window_is_a_window() -> None:
    assert [kind for kind in DeadlineKind if kind.is_window] == [DeadlineKind.OUTCOME_WINDOW]
