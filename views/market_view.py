"""How a case's marketplace is shown: its zone, how its holidays and weekend are named, its windows, and whether
its account reads Amazon's ledger. The card, the thread lines, the lists and the modals all take one."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rules.deadlines import SAT_SUN
from rules.marketplaces import US_PROFILE, Marketplace, RuleProfile


@dataclass(frozen=True)
class MarketView:
    """A case's marketplace as a reader sees it: the zone its end-of-day deadlines name, its holiday calendar and
    weekend as the rule lines word them, its windows (every count beside a deadline), its account's ledger."""

    zone: ZoneInfo
    holidays: str
    weekend: frozenset[int] = SAT_SUN
    """The case's marketplace's calendar: how its rule lines name the holidays and the weekend."""
    profile: RuleProfile = US_PROFILE
    """The case's marketplace's windows: every count a person reads beside a deadline."""
    ledger: bool = False
    """The case's account reads Amazon's ledger: a grant it has not seen paid says so."""

    @classmethod
    def of(cls, market: Marketplace, *, ledger: bool = False) -> MarketView:
        """A marketplace's zone, calendar and windows, as its cases are shown."""
        return cls(zone=market.zone, holidays=market.holidays_label, weekend=market.weekend, profile=market.profile,
                   ledger=ledger)
