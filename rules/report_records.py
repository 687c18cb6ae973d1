"""What the reports say, as plain records, and the periods they cover.

A period runs from one local midnight of the team's zone to another (``[start, end)`` in UTC).
Money is a mapping currency → integer cents: two currencies are never added together.

How an outcome counts (domain.md):
- recovered: a SAFE-T claim reimbursed (the amount Amazon paid; a Trip Credit without a recorded
  amount is the flat $50), a chargeback won, presumed won (no debit by the end of the window), or a
  debit reversed on dispute (the chargeback's amount);
- lost: a SAFE-T claim denied or closed automatically (the amount claimed), a chargeback debited, its
  debit upheld, or under dispute (the debit's amount, until the dispute is won).
Each case counts once, by its outcome now, in the period of the change that gave it that outcome: a
debit disputed and reversed later is recovered in the period of the reversal, no longer lost in the
period of the debit. Refunds and withdrawals close a case without winning or losing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .deadlines import end_of_day
from .errors import DomainError, invalid_period
from .kinds import Action, CaseKind, ComplaintType, SafetReason, State
from .text import N_

Money = dict[str, int]
"""Currency code → integer cents (minor units)."""

WON_STATES = frozenset({State.REIMBURSED, State.WON, State.NO_DEBIT, State.DEBIT_REVERSED})
LOST_STATES = frozenset({State.DENIED, State.AUTO_CLOSED, State.DEBITED, State.DEBIT_UPHELD, State.DISPUTED,
                         State.NOT_FILED_IN_TIME})
AT_RISK_HOURS = 48
DECIDING_ACTIONS = frozenset({
    Action.GRANT, Action.DENY, Action.AUTO_CLOSE, Action.WITHDRAW, Action.REFUND, Action.RECORD_DEBIT,
    Action.RECORD_WIN, Action.PRESUME_NO_DEBIT, Action.DISPUTE, Action.DISPUTE_REVERSED, Action.DISPUTE_UPHELD,
    Action.RECORD_PAYMENT, Action.RECORD_CREDIT, Action.MISS_FILING_WINDOW,
})
"""Actions that give a case its outcome (a dispute puts its debit in question): the store keeps the instant of
the latest one on the case (``decided_at``), and the report counts the case in that period."""


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    DAYS = "days"
    """The last full local days (the weekly post: the seven days before the day it is posted)."""


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first_day: date
    last_day: date
    """Inclusive: the period ends at the midnight after it."""
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """A name that parses back (``2026-11``, ``2026-Q4``, ``2026-11-16..2026-11-22``)."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.first_day:%Y-%m}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """00:00 of ``day`` in ``zone``, in UTC (the instant the previous day ends)."""
    return end_of_day(day - timedelta(days=1), zone)


def days_period(first: date, last: date, zone: ZoneInfo, kind: PeriodKind = PeriodKind.DAYS) -> Period:
    if last < first:
        raise DomainError(N_("The period ends before it begins."))
    return Period(kind, first, last, midnight(first, zone), midnight(last + timedelta(days=1), zone))


def month_period(year: int, month: int, zone: ZoneInfo) -> Period:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return days_period(first, following - timedelta(days=1), zone, PeriodKind.MONTH)


def quarter_period(year: int, quarter: int, zone: ZoneInfo) -> Period:
    first_month = 3 * (quarter - 1) + 1
    first = date(year, first_month, 1)
    last = month_period(year, first_month + 2, zone).last_day
    return days_period(first, last, zone, PeriodKind.QUARTER)


def week_period(day: date, zone: ZoneInfo) -> Period:
    """The Monday-to-Sunday week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return days_period(monday, monday + timedelta(days=6), zone, PeriodKind.WEEK)


def last_days(today: date, zone: ZoneInfo, days: int = 7) -> Period:
    """The ``days`` full local days before ``today``."""
    return days_period(today - timedelta(days=days), today - timedelta(days=1), zone)


MAX_YEAR = 2999
"""Periods past this year are refused as unknown (past 9999 the calendar itself ends)."""
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$", re.IGNORECASE)
WORDS = {"week": PeriodKind.WEEK, "month": PeriodKind.MONTH, "quarter": PeriodKind.QUARTER,
         "本周": PeriodKind.WEEK, "本月": PeriodKind.MONTH, "本季度": PeriodKind.QUARTER}


def parse_period(text: str, *, today: date, zone: ZoneInfo) -> Period:
    """``week`` | ``month`` | ``quarter`` (the current one, so far) | ``YYYY-MM`` | ``YYYY-Qn``; empty is the week."""
    word = text.strip().lower()
    kind = WORDS.get(word or "week")
    if kind is PeriodKind.WEEK:
        return week_period(today, zone)
    if kind is PeriodKind.MONTH:
        return month_period(today.year, today.month, zone)
    if kind is PeriodKind.QUARTER:
        return quarter_period(today.year, (today.month - 1) // 3 + 1, zone)
    found = _MONTH.match(word)
    if found and 1 <= int(found.group(2)) <= 12 and 2000 <= int(found.group(1)) <= MAX_YEAR:
        period = month_period(int(found.group(1)), int(found.group(2)), zone)
    elif (found := _QUARTER.match(word)) and 2000 <= int(found.group(1)) <= MAX_YEAR:
        period = quarter_period(int(found.group(1)), int(found.group(2)), zone)
    else:
        raise DomainError(N_("Unknown period “{period}”. Try: week, month, quarter, or a month like 2026-11."),
                          period=text.strip()[:20])
    if period.first_day > today:
        raise DomainError(N_("{period} has not begun yet."), period=period.label)
    return period


def parse_label(label: str, *, zone: ZoneInfo) -> Period:
    """A period back from its ``label`` (the Export CSV button carries it); anything else is refused."""
    try:
        if ".." in label:
            first, _, last = label.partition("..")
            return days_period(date.fromisoformat(first), date.fromisoformat(last), zone)
        if label.strip().lower() in WORDS:  # a label is always a month, a quarter or days, never a word
            raise ValueError(label)
        return parse_period(label, today=date(MAX_YEAR, 12, 31), zone=zone)
    except (ValueError, OverflowError):
        raise invalid_period() from None


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class KindFigures:
    """One kind of case in one period."""

    opened: int = 0
    claimed: Money = field(default_factory=dict)
    """What the cases opened in the period claim (expected or disputed amounts)."""
    still_open: int = 0
    """Of the cases opened in the period, how many are open now."""
    closed: int = 0
    won: int = 0
    lost: int = 0
    recovered: Money = field(default_factory=dict)
    lost_money: Money = field(default_factory=dict)
    missed_window: Money = field(default_factory=dict)
    """Of ``lost_money``: claims not filed before their filing window closed (Amazon refuses them)."""


@dataclass(frozen=True)
class WinRate:
    won: int = 0
    lost: int = 0

    @property
    def rate(self) -> float | None:
        """won ÷ (won + lost), or ``None`` when nothing was decided."""
        decided = self.won + self.lost
        return self.won / decided if decided else None


@dataclass(frozen=True)
class AtRisk:
    """Cases with a deadline for the team before ``until`` (overdue ones not yet settled included)."""

    until: datetime
    cases: int = 0
    overdue: int = 0
    money: Money = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineFigures:
    """The team's deadlines that fell due in the period (outcome windows left out: nothing to do)."""

    met: int = 0
    missed: int = 0
    missed_money: Money = field(default_factory=dict)
    responses: int = 0
    median_response: timedelta | None = None
    """From Amazon's email or request to the team's answer."""


@dataclass(frozen=True)
class LedgerFigures:
    """What Amazon's ledger moved in the period (by the date Amazon posted it), beside what was only recorded."""

    recovered: Money = field(default_factory=dict)
    """SAFE-T reimbursements less reversals, and chargeback debits credited back."""
    debited: Money = field(default_factory=dict)
    """Chargeback debits."""
    recorded_only: Money = field(default_factory=dict)
    """Recovered in the period as recorded, on cases the ledger shows nothing for (not confirmed)."""
    unmatched: int = 0
    """Reimbursements in the period that no case matched yet."""


@dataclass(frozen=True)
class Report:
    period: Period
    generated_at: datetime
    kinds: dict[CaseKind, KindFigures]
    at_risk: AtRisk
    deadlines: DeadlineFigures
    by_reason: dict[SafetReason, WinRate]
    by_claim: dict[ComplaintType, WinRate]
    by_owner: dict[str, WinRate]
    ledger: LedgerFigures | None = None
    """``None``: no account reads Amazon's ledger."""

    def recovered(self) -> Money:
        return add_money(*(k.recovered for k in self.kinds.values()))

    def lost(self) -> Money:
        return add_money(*(k.lost_money for k in self.kinds.values()))


@dataclass(frozen=True)
class WeekPoint:
    period: Period
    recovered: Money
    lost: Money


class TimeLeft(StrEnum):
    OVERDUE = "overdue"
    DAY = "day"
    TWO_DAYS = "two_days"
    WEEK = "week"
    LATER = "later"


TIME_LEFT_BOUNDS = ((TimeLeft.OVERDUE, timedelta(0)), (TimeLeft.DAY, timedelta(hours=24)),
                    (TimeLeft.TWO_DAYS, timedelta(hours=48)), (TimeLeft.WEEK, timedelta(days=7)))
"""Upper bounds of the buckets of open cases by the time left to their next deadline; the rest is LATER."""


@dataclass(frozen=True)
class ChartData:
    """What the weekly chart draws: recovered vs lost per week, open cases by time left."""

    weeks: list[WeekPoint]
    time_left: dict[TimeLeft, int]
    currency: str
    """The one currency the weekly bars show (the most used); others are in the alt text."""


@dataclass(frozen=True)
class HomeTiles:
    at_risk: AtRisk
    recovered_this_month: Money


def add_money(*parts: Money) -> Money:
    total: Money = {}
    for part in parts:
        for currency, cents in part.items():
            total[currency] = total.get(currency, 0) + cents
    return {c: v for c, v in sorted(total.items()) if v}

