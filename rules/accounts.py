"""Seller accounts as plain records: who the team works for, on which marketplaces, in which channel.

One deployment serves one or more accounts. The settings of a single-account deployment (the
environment of today) make the account ``default``; a database migrated from then holds every case
under that key, so a file that wants to keep them names one account ``default``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .marketplaces import BUILT_IN, DEFAULT_MARKETPLACE, Marketplace

DEFAULT_ACCOUNT = "default"


@dataclass(frozen=True)
class LedgerLink:
    """How an account reads Amazon's ledger (SP-API Finances v0). The refresh token is a secret: the accounts
    file names the environment variable that holds it, never the token."""

    selling_partner_id: str
    region: str = "na"
    """SP-API's regional host: ``na``, ``eu`` or ``fe``."""
    refresh_token_env: str = "SAFET_SPAPI_REFRESH_TOKEN"
    every_minutes: int = 60
    """How often the scheduled job syncs this account."""
    unpaid_after_days: int = 7
    """A claim recorded granted and not paid this long after is warned about, once."""
    first_sync_days: int = 90
    """How far back the first sync reads."""


@dataclass(frozen=True)
class Account:
    key: str
    """Stored on each case; the table name in the accounts file (``[accounts.acme-us]``)."""
    name: str
    marketplaces: tuple[str, ...] = (DEFAULT_MARKETPLACE,)
    """The first one is the account's own: new cases take it unless the person picks another."""
    channel: str | None = None
    leads: tuple[str, ...] = ()
    locale: str = "en"
    """The language of what the app posts in the account's channel."""
    digest_hour: int | None = 9
    """The hour of the daily summary, in the zone of the account's first marketplace."""
    emails: tuple[str, ...] = ()
    """The addresses Amazon writes to for this account (lower case): an email to one of them is its."""
    intake_channel: str | None = None
    """A channel receiving this account's emails (beside SAFET_INTAKE_CHANNEL, which serves every account)."""
    ledger: LedgerLink | None = None
    """Where its Amazon ledger is read from; ``None``: not connected."""
    safet_program: str | None = None
    """The account's only SAFE-T program (``rules.kinds.SafetProgram``), when it has one: the claim form does not
    ask. ``None``: the form asks whether the order is a seller-fulfilled product order or a Selling Services one."""
    # The roster of assigned orders is optional and lives in the database, per account
    # (``safet roster import --account KEY``): an account with an empty roster can claim any order.

    @property
    def marketplace(self) -> str:
        return self.marketplaces[0]


def single_account(market: Marketplace, *, channel: str | None = None, leads: tuple[str, ...] = (),
                   locale: str = "en", digest_hour: int | None = 9, ledger: LedgerLink | None = None) -> AccountBook:
    """A deployment without an accounts file: one account, ``default``, on ``market`` (the US marketplace with
    the team's zone and holiday calendar)."""
    account = Account(DEFAULT_ACCOUNT, "Default", (market.code,), channel=channel, leads=leads, locale=locale,
                      digest_hour=digest_hour, ledger=ledger)
    return AccountBook((account,), (market,))


@dataclass(frozen=True)
class AccountBook:
    """The deployment's accounts and the marketplaces they use, with the team's overrides in place."""

    accounts: tuple[Account, ...]
    markets: tuple[Marketplace, ...] = ()
    source: str = "environment"

    def __post_init__(self) -> None:
        if not self.accounts:
            raise ValueError("a deployment has at least one account")

    @property
    def default(self) -> Account:
        """``default`` when there is one, else the first: it holds cases of an account since removed."""
        return next((a for a in self.accounts if a.key == DEFAULT_ACCOUNT), self.accounts[0])

    @property
    def several(self) -> bool:
        return len(self.accounts) > 1

    def account(self, key: str | None) -> Account:
        return next((a for a in self.accounts if a.key == key), self.default)

    def known(self, key: str | None) -> bool:
        return any(a.key == key for a in self.accounts)

    def for_channel(self, channel: str | None) -> Account | None:
        """The account whose case channel this is (modals default to it)."""
        return next((a for a in self.accounts if channel and a.channel == channel), None)

    def for_email(self, recipients: tuple[str, ...], channel: str | None) -> Account:
        """Whose email this is: the account Amazon wrote to (a forward's original ``To:``), else the account
        whose intake channel it arrived in, else the default account."""
        wanted = {address.strip().lower() for address in recipients}
        return (next((a for a in self.accounts if wanted & set(a.emails)), None)
                or next((a for a in self.accounts if channel and a.intake_channel == channel), None)
                or self.default)

    @property
    def intake_channels(self) -> frozenset[str]:
        return frozenset(a.intake_channel for a in self.accounts if a.intake_channel)

    def market_for_channel(self, channel: str | None) -> Marketplace:
        """The marketplace of the account whose channel this is; the default account's elsewhere."""
        account = self.for_channel(channel)
        return self.market_of(account.key if account is not None else None)

    def marketplace(self, code: str | None) -> Marketplace:
        for market in self.markets:
            if market.code == code:
                return market
        return BUILT_IN.get(code or "", BUILT_IN[DEFAULT_MARKETPLACE])

    def market_of(self, key: str | None) -> Marketplace:
        return self.marketplace(self.account(key).marketplace)

    def leads_of(self, key: str | None) -> tuple[str, ...]:
        return self.account(key).leads
