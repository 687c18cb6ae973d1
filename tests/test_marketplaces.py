"""Deadlines per marketplace profile, worked out by hand from a calendar (none computed by the code under test).

Calendar facts used (2026): Early May bank holiday Monday 4 May (England, not the US); Labor Day Monday
7 September (US, not England); Good Friday 3 April and Easter Monday 6 April (Germany, England; not the
US); Marine Day Monday 20 July (Japan). US clocks spring forward Sunday 8 March and fall back Sunday
1 November; European clocks on Sunday 29 March and Sunday 25 October. No UAE holiday 14–23 October.
Amazon.ae counts business days that include Saturdays (only Sunday off, as this app reads the page).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.deadlines import SAT_SUN, BusinessCalendar, DeadlineKind, DeadlineRule, safet_info_reply
from rules.marketplaces import BUILT_IN, PROFILE_FIELDS, RuleProfile, overridden, parse_weekend
from tests.test_deadlines import assert_same_local

LA, LONDON, BERLIN = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/London"), ZoneInfo("Europe/Berlin")
TOKYO, DUBAI = ZoneInfo("Asia/Tokyo"), ZoneInfo("Asia/Dubai")
US, UK, DE, JP, AE = (BUILT_IN[c] for c in ("US", "UK", "DE", "JP", "AE"))


def at(zone: ZoneInfo, *fields: int) -> datetime:
    return datetime(*fields, tzinfo=zone)


def test_the_us_profile_is_domain_md_exactly() -> None:
    assert (US.timezone, US.holidays, US.weekend, US.currency) == ("America/Los_Angeles", "US", SAT_SUN, "USD")
    assert US.profile == RuleProfile(safet_info_business_days=2, chargeback_reply_days=7, outcome_days=90,
                                     appeal_business_days=None)
    assert "seeds/000" in US.source("safet_info_business_days")
    assert "seeds/002" in US.source("chargeback_reply_days") and "seeds/002" in US.source("outcome_days")


@pytest.mark.parametrize("market", list(BUILT_IN.values()), ids=list(BUILT_IN))
def test_every_value_of_every_profile_says_where_it_came_from(market) -> None:  # type: ignore[no-untyped-def]
    for name in ("timezone", "holidays", "weekend", "currency", *PROFILE_FIELDS):
        assert market.source(name).strip(), f"{market.code}.{name} has no source"


def test_amazon_ae_reads_its_own_pages() -> None:
    assert AE.weekend == frozenset({6})
    assert (AE.profile.safet_info_business_days, AE.profile.appeal_business_days) == (3, 5)
    assert "sellercentral.amazon.ae" in AE.source("safet_info_business_days")
    assert "sellercentral.amazon.ae" in AE.source("appeal_business_days")


# ---------------------------------------------------------------------------------------------
# Weekends other than Saturday–Sunday

@pytest.mark.parametrize(("name", "arrived", "expected"), [
    # Thursday: Friday 1, Saturday 2 (a business day at Amazon.ae), Sunday off, Monday 3.
    ("thursday_is_due_monday", at(DUBAI, 2026, 10, 15, 10, 0), at(DUBAI, 2026, 10, 19, 10, 0)),
    # Saturday is a business day: the clock keeps its time; Monday 1, Tuesday 2, Wednesday 3.
    ("saturday_keeps_its_time", at(DUBAI, 2026, 10, 17, 9, 0), at(DUBAI, 2026, 10, 21, 9, 0)),
    # Sunday is the weekend: 00:00 Monday, then Tuesday 1, Wednesday 2, Thursday 3.
    ("sunday_waits_for_monday", at(DUBAI, 2026, 10, 18, 14, 0), at(DUBAI, 2026, 10, 22, 0, 0)),
])
def test_amazon_ae_three_business_days_with_saturdays(name: str, arrived: datetime, expected: datetime) -> None:
    deadline = AE.safet_info_reply(arrived)
    assert_same_local(deadline.due_at, expected)
    assert (deadline.rule, deadline.days) == (DeadlineRule.SAFET_INFO_BD, 3)


def test_a_friday_saturday_weekend_counts_sunday() -> None:
    calendar = BusinessCalendar(DUBAI, "none", parse_weekend(["fri", "sat"]))
    # Thursday: Friday and Saturday off; Sunday 1, Monday 2.
    deadline = safet_info_reply(at(DUBAI, 2026, 10, 15, 10, 0), calendar)
    assert_same_local(deadline.due_at, at(DUBAI, 2026, 10, 19, 10, 0))
    # Friday: 00:00 Sunday starts the clock; Monday 1, Tuesday 2.
    assert_same_local(safet_info_reply(at(DUBAI, 2026, 10, 16, 8, 0), calendar).due_at, at(DUBAI, 2026, 10, 20, 0, 0))


def test_the_same_thursday_is_due_monday_in_the_us_week_too_but_friday_saturday_differ() -> None:
    # US: Friday 1, Monday 2. Amazon.ae would count the Saturday.
    assert_same_local(US.safet_info_reply(at(LA, 2026, 10, 15, 10, 0)).due_at, at(LA, 2026, 10, 19, 10, 0))
    assert_same_local(US.safet_info_reply(at(LA, 2026, 10, 17, 9, 0)).due_at, at(LA, 2026, 10, 21, 0, 0))


def test_amazon_ae_appeal_window_is_five_business_days_from_the_decision() -> None:
    # Thursday 12:00: Friday 1, Saturday 2, Monday 3, Tuesday 4, Wednesday 5.
    deadline = AE.appeal_window(at(DUBAI, 2026, 10, 15, 12, 0))
    assert deadline is not None and deadline.kind is DeadlineKind.APPEAL_BY
    assert_same_local(deadline.due_at, at(DUBAI, 2026, 10, 21, 12, 0))
    assert US.appeal_window(at(LA, 2026, 10, 15, 12, 0)) is None, "the US pages state no appeal window"


# ---------------------------------------------------------------------------------------------
# A holiday on a Monday in one marketplace and not in the other

@pytest.mark.parametrize(("name", "market", "arrived", "expected"), [
    # Early May bank holiday: England skips Monday 4 May, the US does not.
    ("uk_may_day", UK, at(LONDON, 2026, 5, 1, 11, 0), at(LONDON, 2026, 5, 6, 11, 0)),
    ("us_no_may_day", US, at(LA, 2026, 5, 1, 11, 0), at(LA, 2026, 5, 5, 11, 0)),
    # Labor Day: the US skips Monday 7 September, England does not.
    ("us_labor_day", US, at(LA, 2026, 9, 4, 11, 0), at(LA, 2026, 9, 9, 11, 0)),
    ("uk_no_labor_day", UK, at(LONDON, 2026, 9, 4, 11, 0), at(LONDON, 2026, 9, 8, 11, 0)),
    # Easter: Germany skips Good Friday and Easter Monday; the US neither.
    ("de_easter", DE, at(BERLIN, 2026, 4, 2, 10, 0), at(BERLIN, 2026, 4, 8, 10, 0)),
    ("us_no_easter", US, at(LA, 2026, 4, 2, 10, 0), at(LA, 2026, 4, 6, 10, 0)),
    # Marine Day, Monday 20 July, in Japan only.
    ("jp_marine_day", JP, at(TOKYO, 2026, 7, 17, 10, 0), at(TOKYO, 2026, 7, 22, 10, 0)),
    ("us_no_marine_day", US, at(LA, 2026, 7, 17, 10, 0), at(LA, 2026, 7, 21, 10, 0)),
])
def test_holidays_follow_the_marketplace(name, market, arrived, expected) -> None:  # type: ignore[no-untyped-def]
    deadline = market.safet_info_reply(arrived)
    assert_same_local(deadline.due_at, expected)
    assert deadline.rule is DeadlineRule.SAFET_INFO_2BD and deadline.days is None


# ---------------------------------------------------------------------------------------------
# DST on different dates in Europe and the US

def test_the_same_friday_instant_between_the_two_spring_changes() -> None:
    # Friday 20 March 17:00 UTC: 17:00 GMT in London, 10:00 PDT in LA (the US changed on 8 March).
    arrived = datetime(2026, 3, 20, 17, 0, tzinfo=UTC)
    uk, us = UK.safet_info_reply(arrived).due_at, US.safet_info_reply(arrived).due_at
    assert_same_local(uk, at(LONDON, 2026, 3, 24, 17, 0))
    assert_same_local(us, at(LA, 2026, 3, 24, 10, 0))
    assert uk == us == datetime(2026, 3, 24, 17, 0, tzinfo=UTC)
    # A week later London changes too (Sunday 29 March): Tuesday 17:00 BST is 16:00 UTC, an hour earlier.
    arrived = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
    uk, us = UK.safet_info_reply(arrived).due_at, US.safet_info_reply(arrived).due_at
    assert uk == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert us == datetime(2026, 3, 31, 17, 0, tzinfo=UTC)


def test_chargeback_end_of_day_across_each_continents_change() -> None:
    # UK email Wednesday 25 March: +7 = 1 April, ends 24:00 BST = 23:00 UTC.
    uk = UK.chargeback_reply(email_on=date(2026, 3, 25))
    assert uk.due_at == datetime(2026, 4, 1, 23, 0, tzinfo=UTC)
    assert uk.basis_at == datetime(2026, 3, 25, 0, 0, tzinfo=UTC), "the basis is 00:00 GMT, before the change"
    # US email Wednesday 4 March: +7 = 11 March, ends 24:00 PDT = 07:00 UTC on the 12th.
    us = US.chargeback_reply(email_on=date(2026, 3, 4))
    assert us.due_at == datetime(2026, 3, 12, 7, 0, tzinfo=UTC)
    assert us.basis_at == datetime(2026, 3, 4, 8, 0, tzinfo=UTC), "00:00 PST"
    # Email 25 March in the US: no change on the way, 24:00 PDT on 1 April = 07:00 UTC on 2 April.
    assert US.chargeback_reply(email_on=date(2026, 3, 25)).due_at == datetime(2026, 4, 2, 7, 0, tzinfo=UTC)


def test_outcome_window_ends_after_europes_autumn_change_but_before_americas() -> None:
    # Represented 28 July: +90 days = 26 October (3 + 31 + 30 + 26).
    uk = UK.outcome_window(represented_on=date(2026, 7, 28))
    assert_same_local(uk.due_at, at(LONDON, 2026, 10, 27, 0, 0))
    assert uk.due_at == datetime(2026, 10, 27, 0, 0, tzinfo=UTC), "GMT again since 25 October"
    us = US.outcome_window(represented_on=date(2026, 7, 28))
    assert us.due_at == datetime(2026, 10, 27, 7, 0, tzinfo=UTC), "still PDT until 1 November"


def test_japan_has_no_dst_at_all() -> None:
    jp = JP.chargeback_reply(email_on=date(2026, 10, 28))
    assert jp.due_at == datetime(2026, 11, 4, 15, 0, tzinfo=UTC), "24:00 JST on 4 November"


# ---------------------------------------------------------------------------------------------
# A team overrides any value

def test_an_override_changes_the_counts_and_names_its_source() -> None:
    market, errors = overridden(UK, {"safet_info_business_days": 3, "chargeback_reply_days": 10,
                                     "outcome_days": 120, "holidays": "GB"}, "team.toml")
    assert errors == []
    # Friday 1 May: GB without a subdivision still has the May Day bank holiday; Tue 1, Wed 2, Thu 3.
    info = market.safet_info_reply(at(LONDON, 2026, 5, 1, 11, 0))
    assert_same_local(info.due_at, at(LONDON, 2026, 5, 7, 11, 0))
    assert (info.rule, info.days) == (DeadlineRule.SAFET_INFO_BD, 3)
    exact = market.chargeback_reply(email_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    assert exact.due_at == datetime(2026, 5, 11, 9, 0, tzinfo=UTC)
    assert (exact.rule, exact.days) == (DeadlineRule.CHARGEBACK_X24H, 10)
    window = market.outcome_window(represented_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    assert window.due_at == datetime(2026, 5, 1, 9, 0, tzinfo=UTC) + timedelta(days=120)
    assert market.source("outcome_days") == "team.toml" and market.holidays_label == "GB"
    assert market.source("timezone") == UK.source("timezone")


def test_overrides_report_every_bad_value() -> None:
    _, errors = overridden(US, {"timezone": "Mars/Base", "weekend": ["funday"], "outcome_days": 0,
                                "currency": "dollars", "colour": "red"}, "team.toml")
    assert len(errors) == 5
    assert any("Mars/Base" in e for e in errors) and any("colour" in e for e in errors)


def test_weekend_names() -> None:
    assert parse_weekend(["Fri", "saturday"]) == frozenset({4, 5})
    assert parse_weekend([]) == frozenset()
    with pytest.raises(ValueError):
        parse_weekend(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    with pytest.raises(ValueError):
        BusinessCalendar(LA, "none", frozenset(range(7)))


def test_a_us_calendar_with_the_default_weekend_is_the_old_one() -> None:
    assert BusinessCalendar(LA, "US") == BusinessCalendar(LA, "US", SAT_SUN) == replace(US.calendar, zone=LA)
