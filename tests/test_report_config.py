"""SAFET_REPORT_DAY and SAFET_REPORT_HOUR: when the weekly report is posted (unset hour: never)."""

from __future__ import annotations

import pytest

from slack_app.config import ConfigError
from slack_app.settings import load_settings


def settings(**env: str):  # type: ignore[no-untyped-def]
    return load_settings(env, dotenv=False, check_calendar=False)


def test_the_weekly_report_is_off_unless_an_hour_is_set() -> None:
    assert (settings().report_day, settings().report_hour) == (0, None)


@pytest.mark.parametrize(("day", "expected"), [("monday", 0), ("Fri", 4), ("7", 6), (" sunday ", 6)])
def test_the_day_is_a_weekday_name_or_number(day: str, expected: int) -> None:
    chosen = settings(SAFET_REPORT_DAY=day, SAFET_REPORT_HOUR="16")
    assert (chosen.report_day, chosen.report_hour) == (expected, 16)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("SAFET_REPORT_DAY", "someday", "SAFET_REPORT_DAY must be a weekday"),
    ("SAFET_REPORT_DAY", "0", "SAFET_REPORT_DAY must be a weekday"),
    ("SAFET_REPORT_HOUR", "24", "SAFET_REPORT_HOUR must be an hour from 0 to 23"),
    ("SAFET_REPORT_HOUR", "nine", "SAFET_REPORT_HOUR must be a whole number"),
])
def test_a_wrong_value_is_refused_in_one_line(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        settings(**{name: value})
