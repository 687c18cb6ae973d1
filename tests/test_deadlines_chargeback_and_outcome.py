"""Deadlines: Chargeback reply: 7 calendar days from the email date, end of day; Outcome window: 90 days from the
representation; local_instant and end_of_day (split from tests/test_deadlines.py, whose helpers it uses)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from rules.deadlines import (
    DeadlineKind,
    DeadlineRule,
    chargeback_reply,
    end_of_day,
    local_instant,
    outcome_window,
)
from tests.test_deadlines import (
    CAIRO,
    LA,
    LONDON,
    PDT,
    PST,
    SHANGHAI,
    assert_same_local,
    la,
)

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
