"""Deadlines: Amazon's stated date; How a deadline ends when the case moves on (split from
tests/test_deadlines.py, whose helpers it uses)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules.deadlines import (
    BusinessCalendar,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    DeadlineStatus,
    amazon_stated,
    safet_info_reply,
    status_when_settled,
    with_stated_date,
)
from tests.test_deadlines import (
    LA_NAME,
    SHANGHAI,
    la,
)

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
