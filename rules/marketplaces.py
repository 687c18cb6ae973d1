"""Marketplaces as data: each one's zone, holiday calendar, weekend, currency and rule profile, with the
page every value was taken from.

The two source pages (``shared/seeds``) are Amazon US pages: the US profile is the default and is
exactly domain.md's. Amazon's regional pages differ (Amazon.ae: 3 business days that include
Saturdays, 5 business days to appeal). Where no regional page was read, a profile keeps the US
windows and says so in its source; a team overrides any value in its accounts file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import deadlines as rules_deadlines
from .deadlines import SAT_SUN, BusinessCalendar, Deadline, DeadlineKind
from .filing import filing_window
from .text import N_

SEED_SAFET = "seeds/000_85eaf9269352c318.txt (Amazon US, SAFE-T claims)"
SEED_CHARGEBACK = "seeds/002_3c4fa7f6d500141d.txt (Amazon US, Respond to a chargeback claim)"
DOMAIN = "shared/domain.md, Deadlines, precisely"
AE_REPLY = ("https://sellercentral.amazon.ae/gp/help/external/help.html?itemID=4JQY4B7XT3APCRM "
            "(reply within three business days, where such business days include Saturdays)")
AE_APPEAL = ("https://sellercentral.amazon.ae/gp/help/external/help.html?itemID=QG3WU8KETHHJN25 "
             "(appeals within 5 business days from the last resolution date)")
AS_US = "no regional page read: the US pages' value (seeds) assumed"
FILING_ANNOUNCEMENT = ("Amazon's announcement of 21 January 2026 (shared/domain.md, SAFE-T claims for seller-fulfilled "
                       "orders): from 16 February 2026 the filing window for US seller-fulfilled orders is 30 days "
                       "from the later of the return delivery scan and the refund date; for lost shipments, from the "
                       "last scan event (it was 60 days; claims in progress were not affected)")
COUNTRY = "the marketplace's country"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_NAMES = {**{d: i for i, d in enumerate(WEEKDAYS)}, **{d: i for i, d in enumerate(_FULL)}}


@dataclass(frozen=True)
class RuleProfile:
    """The windows a marketplace's pages give; ``appeal_business_days`` only where Amazon states one
    and the team enters no "Appeal by" (``None``: the app sets no appeal deadline of its own)."""

    safet_info_business_days: int = 2
    chargeback_reply_days: int = 7
    outcome_days: int = 90
    appeal_business_days: int | None = None
    safet_filing_days: int | None = 30
    """A seller-fulfilled order's SAFE-T filing window, in calendar days (``None``: none kept)."""
    services_filing_days: int | None = None
    """A Selling Services order's filing window: none unless a team configures one."""


PROFILE_FIELDS = tuple(f.name for f in fields(RuleProfile))
US_PROFILE = RuleProfile()
"""The US pages' windows (domain.md): what a marketplace keeps unless its own pages say otherwise."""

MARKET_FIELDS = ("timezone", "holidays", "weekend", "currency")
US_SOURCES = {
    "timezone": f"{DOMAIN} (default America/Los_Angeles)",
    "holidays": f"{DOMAIN} (default: United States federal holidays)",
    "weekend": f"{DOMAIN} (Monday to Friday)",
    "currency": f"{SEED_SAFET} (flat $50)",
    "safet_info_business_days": f"{SEED_SAFET}: 2 business days to respond",
    "chargeback_reply_days": f"{SEED_CHARGEBACK}: seven calendar days of the email date",
    "outcome_days": f"{SEED_CHARGEBACK}: up to 90 days",
    "appeal_business_days": f"{SEED_SAFET}: none stated (Amazon's Appeal by is entered)",
    "safet_filing_days": FILING_ANNOUNCEMENT,
    "services_filing_days": f"{SEED_SAFET}: none stated for Selling Services orders",
}


@dataclass(frozen=True)
class Marketplace:
    code: str
    site: str
    timezone: str
    holidays: str
    """A ``holidays`` package code, ``COUNTRY`` or ``COUNTRY-SUBDIVISION`` (``GB-ENG``); ``none`` for none."""
    currency: str
    holidays_label: str
    """How the rule line names the calendar: "{label} holidays skipped"."""
    weekend: frozenset[int] = SAT_SUN
    profile: RuleProfile = field(default_factory=RuleProfile)
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.zone, self.holidays, self.weekend)

    def source(self, name: str) -> str:
        return dict(self.sources).get(name, "")

    # The deadlines of a case in this marketplace: its calendar, its counts.
    def safet_info_reply(self, arrived_at: datetime) -> Deadline:
        return rules_deadlines.safet_info_reply(arrived_at, self.calendar, self.profile.safet_info_business_days)

    def chargeback_reply(self, *, email_on: date | None = None, email_at: datetime | None = None) -> Deadline:
        return rules_deadlines.chargeback_reply(email_on=email_on, email_at=email_at, zone=self.zone,
                                                days=self.profile.chargeback_reply_days)

    def outcome_window(self, *, represented_on: date | None = None,
                       represented_at: datetime | None = None) -> Deadline:
        return rules_deadlines.outcome_window(represented_on=represented_on, represented_at=represented_at,
                                              zone=self.zone, days=self.profile.outcome_days)

    def opened(self, kind: DeadlineKind, *, at: datetime, stated_at: datetime | None = None) -> Deadline | None:
        """The deadline an action opens in this marketplace (see ``rules.deadlines.opened``)."""
        p = self.profile
        return rules_deadlines.opened(kind, at=at, stated_at=stated_at, calendar=self.calendar,
                                      info_days=p.safet_info_business_days, outcome_days=p.outcome_days,
                                      appeal_days=p.appeal_business_days)

    def filing_days(self, program: str) -> int | None:
        """The filing window of a claim of this program here (``rules.kinds.SafetProgram``), or ``None``."""
        p = self.profile
        return p.safet_filing_days if program == "seller_fulfilled" else p.services_filing_days

    def filing_window(self, start: date, *, program: str, lost: bool) -> Deadline | None:
        """The claim's "file by" deadline: the end of the window's last day in this marketplace's zone."""
        days = self.filing_days(program)
        return None if days is None else filing_window(start, lost=lost, zone=self.zone, days=days)

    def appeal_window(self, decided_at: datetime) -> Deadline | None:
        """The app's own appeal deadline, where this marketplace's page states a window; else ``None``."""
        days = self.profile.appeal_business_days
        return None if days is None else rules_deadlines.appeal_window(decided_at, self.calendar, days)


def _market(code: str, site: str, timezone: str, holidays: str, currency: str, label: str,
            *, weekend: frozenset[int] = SAT_SUN, profile: RuleProfile | None = None,
            sources: Mapping[str, str] | None = None) -> Marketplace:
    own = {"timezone": COUNTRY, "holidays": COUNTRY, "weekend": COUNTRY, "currency": COUNTRY,
           **{name: AS_US for name in PROFILE_FIELDS}, **(sources or {})}
    return Marketplace(code, site, timezone, holidays, currency, label, frozenset(weekend),
                       profile or RuleProfile(), tuple(own.items()))


BUILT_IN: dict[str, Marketplace] = {m.code: m for m in (
    _market("US", "amazon.com", "America/Los_Angeles", "US", "USD", N_("US"), sources=US_SOURCES),
    _market("CA", "amazon.ca", "America/Toronto", "CA", "CAD", N_("Canadian")),
    _market("UK", "amazon.co.uk", "Europe/London", "GB-ENG", "GBP", N_("UK bank")),
    _market("DE", "amazon.de", "Europe/Berlin", "DE", "EUR", N_("German public")),
    _market("JP", "amazon.co.jp", "Asia/Tokyo", "JP", "JPY", N_("Japanese public")),
    # Business days include Saturdays: only Sunday is off (our reading of the page, overridable).
    _market("AE", "amazon.ae", "Asia/Dubai", "AE", "AED", N_("UAE public"), weekend=frozenset({6}),
            profile=RuleProfile(safet_info_business_days=3, appeal_business_days=5),
            sources={"weekend": AE_REPLY, "safet_info_business_days": AE_REPLY,
                     "appeal_business_days": AE_APPEAL}),
)}
DEFAULT_MARKETPLACE = "US"


def parse_weekend(value: Any) -> frozenset[int]:
    """``["sat", "sun"]`` (or full English day names) to weekday numbers; ``[]`` is a seven-day week."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError('weekend must be a list of day names, e.g. ["sat", "sun"]')
    days = set()
    for name in value:
        key = name.strip().lower()
        if key not in DAY_NAMES:
            raise ValueError(f"weekend: {name!r} is not a day name (mon … sun)")
        days.add(DAY_NAMES[key])
    if len(days) == 7:
        raise ValueError("weekend cannot be every day of the week")
    return frozenset(days)


def weekend_names(weekend: frozenset[int]) -> str:
    return ", ".join(WEEKDAYS[d] for d in sorted(weekend)) or "—"


def overridden(market: Marketplace, values: Mapping[str, Any], source: str) -> tuple[Marketplace, list[str]]:
    """The marketplace with a team's values in place (each one's source becomes ``source``), and one
    line per value that is wrong. Unknown keys are errors too: a typo must not pass silently."""
    errors: list[str] = []
    market_changes: dict[str, Any] = {}
    profile_changes: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("like", "label"):
            continue
        if name == "timezone":
            try:
                ZoneInfo(str(value))
                market_changes[name] = str(value)
            except (ZoneInfoNotFoundError, ValueError):
                errors.append(f"timezone {value!r} is not an IANA time zone (e.g. Europe/London)")
        elif name == "holidays":
            if isinstance(value, str) and value.strip():
                market_changes[name] = value.strip().upper() if value.strip().lower() != "none" else "none"
            else:
                errors.append('holidays must be a holidays-package code such as "GB-ENG", or "none"')
        elif name == "currency":
            if isinstance(value, str) and len(value) == 3 and value.isalpha():
                market_changes[name] = value.upper()
            else:
                errors.append(f"currency {value!r} is not a three-letter code (e.g. EUR)")
        elif name == "weekend":
            try:
                market_changes[name] = parse_weekend(value)
            except ValueError as error:
                errors.append(str(error))
        elif name in PROFILE_FIELDS:
            optional = name in ("appeal_business_days", "safet_filing_days", "services_filing_days")
            if optional and value in (0, False):
                profile_changes[name] = None
            elif isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 366:
                profile_changes[name] = value
            else:
                errors.append(f"{name} must be a whole number of days from 1 to 366, not {value!r}")
        else:
            known = ", ".join((*MARKET_FIELDS, *PROFILE_FIELDS, "like", "label"))
            errors.append(f"unknown setting {name!r} (known: {known})")
    label = values.get("label")
    if isinstance(label, str) and label.strip():
        market_changes["holidays_label"] = label.strip()
    elif "holidays" in market_changes and market_changes["holidays"] != market.holidays:
        market_changes["holidays_label"] = market_changes["holidays"]
    sources = dict(market.sources)
    for name in (*market_changes, *profile_changes):
        sources[name] = source
    result = replace(market, **market_changes, profile=replace(market.profile, **profile_changes),
                     sources=tuple((k, v) for k, v in sources.items() if k != "holidays_label"))
    return result, errors
