"""Deadlines, exactly as domain.md states them; every instant is an aware UTC datetime.

- SAFE-T information request: 2 business days (Mon–Fri, holidays of a configurable calendar
  skipped) in the team's zone, time of day kept; an arrival on a weekend or holiday starts the
  clock at 00:00 of the next business day.
- Chargeback reply: the email date + 7 calendar days, at the end of that day in the team's
  zone; or, when the exact time of the email is known, that instant + 7 × 24 h.
- Outcome window: the representation date + 90 days, the same way.
- Appeal window, where a marketplace's page states one and Amazon's "Appeal by" is not entered:
  business days from the decision, counted like the information request.

The counts and the weekend are those of the US pages unless a marketplace profile
(``rules.marketplaces``) says otherwise; the US results never change.
- Amazon's stated date ("Reply by", "Appeal by", a chargeback request's deadline): kept when it
  is earlier than the app's own.

When a local time is ambiguous or missing (DST), the earlier instant wins: a warning that
comes early costs little, a claim closed automatically costs the money.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:
    import holidays

from .text import N_, n_


class DeadlineKind(StrEnum):
    SAFET_INFO_REPLY = "safet_info_reply"
    CHARGEBACK_REPLY = "chargeback_reply"
    CHARGEBACK_INFO_REPLY = "chargeback_info_reply"
    OUTCOME_WINDOW = "outcome_window"
    APPEAL_BY = "appeal_by"
    FILE_BY = "file_by"
    """A seller-fulfilled claim's filing window: filed in Seller Central by then, or refused."""

    @property
    def is_window(self) -> bool:
        """A waiting period that ends by itself (no warnings), not a task for the team."""
        return self is DeadlineKind.OUTCOME_WINDOW


class DeadlineRule(StrEnum):
    SAFET_INFO_2BD = "safet-info-2bd"
    CHARGEBACK_7CD = "chargeback-7cd"
    CHARGEBACK_7X24H = "chargeback-7x24h"
    OUTCOME_90D = "outcome-90d"
    OUTCOME_90X24H = "outcome-90x24h"
    AMAZON_STATED = "amazon-stated"
    # The same rules with another marketplace's count (kept on the deadline as ``days``).
    SAFET_INFO_BD = "safet-info-bd"
    CHARGEBACK_CD = "chargeback-cd"
    CHARGEBACK_X24H = "chargeback-x24h"
    OUTCOME_D = "outcome-d"
    OUTCOME_X24H = "outcome-x24h"
    APPEAL_BD = "appeal-bd"
    # The SAFE-T filing window: calendar days from the later of the return scan and the refund, or from a lost
    # return's last scan; end of day (the US count, then another marketplace's).
    FILING_30D = "filing-30d"
    FILING_LOST_30D = "filing-lost-30d"
    FILING_D = "filing-d"
    FILING_LOST_D = "filing-lost-d"

    @property
    def ends_at_day_end(self) -> bool:
        """Whether the rule's instant is the end of a day (24:00, stored as 00:00 of the next day)
        in the team's zone, rather than an exact time."""
        return self in END_OF_DAY_RULES


END_OF_DAY_RULES = frozenset({DeadlineRule.CHARGEBACK_7CD, DeadlineRule.OUTCOME_90D, DeadlineRule.CHARGEBACK_CD,
                              DeadlineRule.OUTCOME_D, DeadlineRule.FILING_30D, DeadlineRule.FILING_LOST_30D,
                              DeadlineRule.FILING_D, DeadlineRule.FILING_LOST_D})


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    ELAPSED = "elapsed"
    CANCELLED = "cancelled"


DEADLINE_LABELS = {
    DeadlineKind.SAFET_INFO_REPLY: N_("Reply to the investigator"),
    DeadlineKind.CHARGEBACK_REPLY: N_("Respond to the chargeback"),
    DeadlineKind.CHARGEBACK_INFO_REPLY: N_("Send the requested information"),
    DeadlineKind.OUTCOME_WINDOW: N_("Outcome window ends"),
    DeadlineKind.APPEAL_BY: N_("Appeal"),
    DeadlineKind.FILE_BY: N_("File the claim in Seller Central"),
}
"""What each deadline asks for; read before "by {date}" too (the appeal as "Appeal the denial")."""

RULE_LABELS = {
    DeadlineRule.SAFET_INFO_2BD: N_("2 business days from the request ({basis}); {holidays} holidays skipped"),
    DeadlineRule.CHARGEBACK_7CD: N_("7 calendar days from the email date ({basis}), end of day"),
    DeadlineRule.CHARGEBACK_7X24H: N_("7 × 24 hours from the email ({basis})"),
    DeadlineRule.OUTCOME_90D: N_("90 days from the representation date ({basis}), end of day"),
    DeadlineRule.OUTCOME_90X24H: N_("90 × 24 hours from the representation ({basis})"),
    DeadlineRule.AMAZON_STATED: N_("Amazon's stated date"),
    DeadlineRule.FILING_30D: N_("30 calendar days from the return delivery scan or the refund, whichever is later "
                                "({basis}), end of day"),
    DeadlineRule.FILING_LOST_30D: N_("30 calendar days from the lost return's last scan ({basis}), end of day"),
}

# Rules whose count is the marketplace's: a singular/plural pair, ``{count}`` the number of days.
COUNTED_RULE_LABELS = {
    DeadlineRule.SAFET_INFO_BD: n_(
        "{count} business day from the request ({basis}); {holidays} holidays skipped",
        "{count} business days from the request ({basis}); {holidays} holidays skipped"),
    DeadlineRule.CHARGEBACK_CD: n_(
        "{count} calendar day from the email date ({basis}), end of day",
        "{count} calendar days from the email date ({basis}), end of day"),
    DeadlineRule.CHARGEBACK_X24H: n_(
        "{count} × 24 hours from the email ({basis})", "{count} × 24 hours from the email ({basis})"),
    DeadlineRule.OUTCOME_D: n_(
        "{count} day from the representation date ({basis}), end of day",
        "{count} days from the representation date ({basis}), end of day"),
    DeadlineRule.OUTCOME_X24H: n_(
        "{count} × 24 hours from the representation ({basis})",
        "{count} × 24 hours from the representation ({basis})"),
    DeadlineRule.APPEAL_BD: n_(
        "{count} business day from the decision ({basis}); {holidays} holidays skipped",
        "{count} business days from the decision ({basis}); {holidays} holidays skipped"),
    DeadlineRule.FILING_D: n_(
        "{count} calendar day from the return delivery scan or the refund, whichever is later ({basis}), end of day",
        "{count} calendar days from the return delivery scan or the refund, whichever is later ({basis}), end of "
        "day"),
    DeadlineRule.FILING_LOST_D: n_(
        "{count} calendar day from the lost return's last scan ({basis}), end of day",
        "{count} calendar days from the lost return's last scan ({basis}), end of day"),
}
BUSINESS_DAY_RULES = frozenset({DeadlineRule.SAFET_INFO_2BD, DeadlineRule.SAFET_INFO_BD, DeadlineRule.APPEAL_BD})
SAT_SUN = frozenset({5, 6})


@dataclass(frozen=True)
class Deadline:
    """A due instant and the rule that produced it.

    ``computed_due_at`` is the app's own instant (``None`` when only Amazon's date sets it);
    ``stated_due_at`` is Amazon's, when the team entered one. The deadline is the earlier.
    """

    kind: DeadlineKind
    rule: DeadlineRule
    basis_at: datetime
    """The instant the rule counted from (request arrival, email, representation)."""
    computed_due_at: datetime | None
    stated_due_at: datetime | None = None
    days: int | None = None
    """The count of a counted rule (``COUNTED_RULE_LABELS``); ``None`` for the US rules, whose count is fixed."""

    def __post_init__(self) -> None:
        if self.computed_due_at is None and self.stated_due_at is None:
            raise ValueError("a deadline needs a computed or a stated instant")
        for value in (self.basis_at, self.computed_due_at, self.stated_due_at):
            if value is not None and value.utcoffset() != timedelta(0):
                raise ValueError("deadline instants are stored in UTC")

    @property
    def due_at(self) -> datetime:
        return min(v for v in (self.computed_due_at, self.stated_due_at) if v is not None)

    @property
    def set_by_amazon(self) -> bool:
        """Whether Amazon's stated date is the one in force."""
        return self.stated_due_at is not None and self.stated_due_at == self.due_at and (
            self.computed_due_at is None or self.stated_due_at < self.computed_due_at
        )

    def ends_on(self, zone: ZoneInfo) -> date | None:
        """The day this deadline is the end of, in ``zone`` (its instant is 24:00 of that day, stored
        as 00:00 of the next), so it can be shown as "end of Sat, Dec 19" rather than "Dec 20, 12:00 AM";
        ``None`` when the instant in force is an exact time (Amazon's date, a 7 × 24 h rule) or does not
        fall at a day's end in ``zone``."""
        if self.set_by_amazon or not self.rule.ends_at_day_end:
            return None
        day = self.due_at.astimezone(zone).date() - timedelta(days=1)
        return day if end_of_day(day, zone) == self.due_at else None


def to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware instant")
    return moment.astimezone(UTC)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in ``zone``; the earlier one when DST makes it ambiguous
    (a repeated hour) or missing (a skipped hour)."""
    candidates = []
    for fold in (0, 1):
        wall = datetime.combine(day, at, tzinfo=zone).replace(fold=fold)
        candidates.append(wall.astimezone(UTC))
    return min(candidates)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """24:00 of ``day`` in ``zone``: the instant the next day begins.

    There is no doubt here even where DST moves midnight: a skipped midnight (Cairo, Santiago)
    means the day ends when the clocks jump, a repeated one that it ends at the first.
    """
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone).replace(fold=0).astimezone(UTC)


@lru_cache(maxsize=16)
def _holiday_calendar(country: str, subdivision: str | None) -> holidays.HolidayBase:
    import holidays  # imported when first needed: it loads every country's tables (+17 MB)

    return holidays.country_holidays(country, subdiv=subdivision)


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days in the team's zone: not a weekend day, not one of a country's public holidays.

    ``holiday_code`` is a country code as the ``holidays`` package knows it (``US``), optionally
    with a subdivision (``US-CA``); ``""`` or ``none`` skips weekends only. ``weekend`` holds the
    weekday numbers (Monday 0 … Sunday 6) that are never business days: Saturday and Sunday unless a
    marketplace counts otherwise (Amazon.ae counts Saturdays as business days).
    """

    zone: ZoneInfo
    holiday_code: str = "US"
    weekend: frozenset[int] = SAT_SUN

    def __post_init__(self) -> None:
        if not self.weekend <= set(range(7)) or len(self.weekend) == 7:
            raise ValueError("a weekend is some of the weekdays 0 (Monday) to 6 (Sunday), not all of them")

    @classmethod
    def named(cls, zone_name: str, holiday_code: str = "US", weekend: frozenset[int] = SAT_SUN) -> BusinessCalendar:
        return cls(ZoneInfo(zone_name), holiday_code, frozenset(weekend))

    def holiday_name(self, day: date) -> str | None:
        if not self.holiday_code or self.holiday_code.lower() == "none":
            return None
        country, _, subdivision = self.holiday_code.partition("-")
        return _holiday_calendar(country.upper(), subdivision.upper() or None).get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and self.holiday_name(day) is None

    def next_business_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, start: datetime, count: int) -> datetime:
        """``count`` business days after ``start``, keeping the local time of day.

        A start on a weekend or holiday counts from 00:00 of the next business day.
        """
        local = to_utc(start).astimezone(self.zone)
        day, at = local.date(), local.time().replace(tzinfo=None)
        if not self.is_business_day(day):
            day, at = self.next_business_day(day), time(0, 0)
        for _ in range(count):
            day = self.next_business_day(day)
        return local_instant(day, at, self.zone)


def positive_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"a window is a whole number of days from 1, not {days!r}")
    return days


def safet_info_reply(arrived_at: datetime, calendar: BusinessCalendar, days: int = 2) -> Deadline:
    """An investigator's information request: answer within 2 business days (seed 000; another
    marketplace's count where its page says so), or the claim closes."""
    arrived = to_utc(arrived_at)
    due = calendar.add_business_days(arrived, positive_days(days))
    if days == 2:
        return Deadline(DeadlineKind.SAFET_INFO_REPLY, DeadlineRule.SAFET_INFO_2BD, arrived, due)
    return Deadline(DeadlineKind.SAFET_INFO_REPLY, DeadlineRule.SAFET_INFO_BD, arrived, due, days=days)


def appeal_window(decided_at: datetime, calendar: BusinessCalendar, days: int) -> Deadline:
    """Appeal a resolved claim within ``days`` business days of the decision, where a marketplace's
    page states it (Amazon.ae: 5) and the team entered no "Appeal by"."""
    decided = to_utc(decided_at)
    return Deadline(DeadlineKind.APPEAL_BY, DeadlineRule.APPEAL_BD, decided,
                    calendar.add_business_days(decided, positive_days(days)), days=days)


def _days_after(
    kind: DeadlineKind, days: int, rules: tuple[DeadlineRule, DeadlineRule, DeadlineRule, DeadlineRule],
    classic: int, *, on: date | None, at: datetime | None, zone: ZoneInfo,
) -> Deadline:
    """``rules``: by date and by instant with the classic count, then the same with another count."""
    counted = positive_days(days) != classic
    day_rule, instant_rule = rules[2:] if counted else rules[:2]
    extra = days if counted else None
    if at is not None:
        basis = to_utc(at)
        return Deadline(kind, instant_rule, basis, basis + timedelta(days=days), days=extra)
    if on is None:
        raise ValueError("a date or an exact instant is needed")
    basis = local_instant(on, time(0, 0), zone)
    return Deadline(kind, day_rule, basis, end_of_day(on + relativedelta(days=days), zone), days=extra)


def chargeback_reply(*, email_on: date | None = None, email_at: datetime | None = None,
                     zone: ZoneInfo, days: int = 7) -> Deadline:
    """Respond within 7 calendar days of the email date (seed 002), or the marketplace's count."""
    return _days_after(
        DeadlineKind.CHARGEBACK_REPLY, days,
        (DeadlineRule.CHARGEBACK_7CD, DeadlineRule.CHARGEBACK_7X24H,
         DeadlineRule.CHARGEBACK_CD, DeadlineRule.CHARGEBACK_X24H), 7,
        on=email_on, at=email_at, zone=zone,
    )


def outcome_window(*, represented_on: date | None = None, represented_at: datetime | None = None,
                   zone: ZoneInfo, days: int = 90) -> Deadline:
    """The bank's outcome can take up to 90 days from the representation (seed 002)."""
    return _days_after(
        DeadlineKind.OUTCOME_WINDOW, days,
        (DeadlineRule.OUTCOME_90D, DeadlineRule.OUTCOME_90X24H, DeadlineRule.OUTCOME_D, DeadlineRule.OUTCOME_X24H),
        90, on=represented_on, at=represented_at, zone=zone,
    )


def amazon_stated(kind: DeadlineKind, stated_at: datetime, basis_at: datetime) -> Deadline:
    """A deadline that only Amazon's own date sets (a chargeback request, an "Appeal by")."""
    return Deadline(kind, DeadlineRule.AMAZON_STATED, to_utc(basis_at), None, to_utc(stated_at))


def with_stated_date(deadline: Deadline, stated_at: datetime | None) -> Deadline:
    """The same deadline with Amazon's stated date entered (or cleared, with ``None``).

    The earlier of the two is in force. A deadline that only Amazon's date sets keeps its old
    date when the new one is cleared.
    """
    if deadline.computed_due_at is None and stated_at is None:
        return deadline
    return replace(deadline, stated_due_at=to_utc(stated_at) if stated_at else None)


def opened(kind: DeadlineKind, *, at: datetime, stated_at: datetime | None, calendar: BusinessCalendar,
           info_days: int = 2, outcome_days: int = 90, appeal_days: int | None = None) -> Deadline | None:
    """The deadline an action opens (the transition table says which kind), from the moment it counts
    from and Amazon's stated date; ``None`` when only Amazon's date could set it and none was given.

    The counts are the US pages' unless a marketplace's differ; ``appeal_days`` is a marketplace's own
    appeal window (business days), kept beside Amazon's "Appeal by" (the earlier is in force)."""
    if kind is DeadlineKind.SAFET_INFO_REPLY:
        return with_stated_date(safet_info_reply(at, calendar, info_days), stated_at)
    if kind is DeadlineKind.OUTCOME_WINDOW:
        return outcome_window(represented_on=at.astimezone(calendar.zone).date(), zone=calendar.zone,
                              days=outcome_days)
    if kind is DeadlineKind.APPEAL_BY and appeal_days is not None:
        return with_stated_date(appeal_window(at, calendar, appeal_days), stated_at)
    if kind in (DeadlineKind.CHARGEBACK_INFO_REPLY, DeadlineKind.APPEAL_BY):
        return amazon_stated(kind, stated_at, at) if stated_at is not None else None
    raise ValueError(f"{kind} is not opened by an action")


def status_when_settled(deadline_due_at: datetime, kind: DeadlineKind, now: datetime,
                        *, fulfilled: bool = True) -> DeadlineStatus:
    """How a deadline ends when the case moves on at ``now``: met or missed when the action is what
    the deadline asked for, cancelled when the case moved on another way (withdrawn, decided)."""
    if kind.is_window:
        return DeadlineStatus.ELAPSED if now >= deadline_due_at else DeadlineStatus.CANCELLED
    if not fulfilled:
        return DeadlineStatus.CANCELLED
    return DeadlineStatus.MET if now <= deadline_due_at else DeadlineStatus.MISSED
