"""The deployment's settings as plain values: what the app, the store and the sweep are told.

Read from the environment by ``slack_app.config``; everything below takes them as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from .accounts import AccountBook, LedgerLink, single_account
from .deadlines import BusinessCalendar
from .ladder import Ladder, parse_ladder
from .marketplaces import BUILT_IN, DEFAULT_MARKETPLACE

DEFAULT_DATABASE_URL = "sqlite:///safet.sqlite3"
SLACK_API_URL = "https://slack.com/api/"

# Where to get each required value, for the one line a failed start-up prints.
WHERE = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions of your Slack app",
    "SLACK_SIGNING_SECRET": "the Signing Secret under Basic Information of your Slack app",
    "SLACK_APP_TOKEN": "an App-Level Token (xapp-…) with connections:write, under Basic Information",
}


# Amazon's sender domains (and their subdomains) whose emails intake reads on its own (SAFET_INTAKE_SENDERS).
DEFAULT_INTAKE_SENDERS = (
    "amazon.com", "amazon.cn", "amazon.ca", "amazon.com.mx", "amazon.com.br", "amazon.co.uk", "amazon.de",
    "amazon.fr", "amazon.it", "amazon.es", "amazon.nl", "amazon.se", "amazon.pl", "amazon.com.tr", "amazon.ae",
    "amazon.sa", "amazon.eg", "amazon.in", "amazon.co.jp", "amazon.com.au", "amazon.sg",
)


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "America/Los_Angeles"
    holidays: str = "US"
    alert_channel: str | None = None
    team_id: str | None = None
    leads: tuple[str, ...] = ()
    sweep_seconds: int = 60
    warnings: Ladder = field(default_factory=lambda: parse_ladder(None))
    digest_hour: int | None = 9
    default_locale: str = "en"
    channel_locale: str = "en"
    require_approval: bool = False
    approval_above_cents: int | None = None
    intake_channel: str | None = None
    """The channel that receives Amazon's emails (its email address); each new one is read."""
    intake_senders: tuple[str, ...] = DEFAULT_INTAKE_SENDERS
    report_day: int = 0
    """The weekly report's local weekday (0 = Monday)."""
    report_hour: int | None = None
    """The weekly report's local hour; ``None``: no weekly report."""
    spapi_region: str | None = None
    """Without an accounts file: the region of the one account's ledger, when SAFET_SPAPI_REFRESH_TOKEN is set."""
    spapi_endpoint: str | None = None
    """SAFET_SPAPI_ENDPOINT: Amazon's sandbox or a local fake instead of the region's SP-API host."""
    lwa_token_url: str | None = None
    """SAFET_LWA_TOKEN_URL: the Login with Amazon token URL to use instead of Amazon's."""
    accounts_file: str | None = None
    book: AccountBook | None = None
    """The accounts file's accounts; ``None`` for the one account the settings above describe."""

    @property
    def accounts(self) -> AccountBook:
        return self.book or self.single_account()

    def single_account(self) -> AccountBook:
        """Today's single-account settings as the ``default`` account: a US marketplace with the
        team's zone and holiday calendar (SAFET_TIMEZONE, SAFET_HOLIDAYS), channel, leads and hours."""
        us = BUILT_IN[DEFAULT_MARKETPLACE]
        market = us
        if (self.timezone, self.holidays) != (us.timezone, us.holidays):
            sources = dict(market.sources)
            sources.update({"timezone": "SAFET_TIMEZONE", "holidays": "SAFET_HOLIDAYS"})
            market = replace(us, timezone=self.timezone, holidays=self.holidays,
                             holidays_label=us.holidays_label if self.holidays == us.holidays else self.holidays,
                             sources=tuple(sources.items()))
        return single_account(market, channel=self.alert_channel, leads=self.leads, locale=self.channel_locale,
                              digest_hour=self.digest_hour,
                              ledger=LedgerLink("", self.spapi_region) if self.spapi_region else None)

    @property
    def all_leads(self) -> tuple[str, ...]:
        """Everyone who leads an account (SAFET_LEADS without an accounts file)."""
        return tuple(dict.fromkeys(lead for account in self.accounts.accounts for lead in account.leads))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.zone, self.holidays)

    def require(self, *names: str) -> None:
        """Stop with one clear line when a setting this command needs is missing."""
        values = {"SLACK_BOT_TOKEN": self.bot_token, "SLACK_SIGNING_SECRET": self.signing_secret,
                  "SLACK_APP_TOKEN": self.app_token}
        for name in names:
            if not values[name]:
                raise ConfigError(f"{name} is not set: set it to {WHERE[name]}.")


def check_holidays(code: str) -> None:
    """Refuse a holiday calendar the ``holidays`` package does not know (it loads every country's tables)."""
    from datetime import date

    try:
        BusinessCalendar(ZoneInfo("UTC"), code).holiday_name(date(2026, 1, 1))
    except (NotImplementedError, KeyError) as error:
        raise ConfigError(f"SAFET_HOLIDAYS {code!r} is not a known holiday calendar ({error}).") from None
