"""The accounts file (TOML, path in SAFET_ACCOUNTS_FILE): read once at start-up, every error on its own line.

    [accounts.acme-us]            # the key is stored on each case; "default" holds a migrated database's
    name = "Acme (US)"
    marketplaces = ["US"]         # the first is the account's own; built in: US CA UK DE JP AE
    channel = "C0123456789"       # cards, warnings and the daily summary
    leads = ["U0123456789"]
    locale = "en"                 # language of what is posted in the channel (en, zh_CN)
    digest_hour = 9               # daily summary hour in the marketplace's zone; false for none
    emails = ["us-seller@acme.com"]   # addresses Amazon writes to: their emails are read as this account's
    intake_channel = "C0INTAKEUS"  # optional: a channel of this account's emails (besides SAFET_INTAKE_CHANNEL)
    safet_program = "seller_fulfilled"  # optional: its only SAFE-T program (else the claim form asks)
    [accounts.acme-us.ledger]     # optional: read Amazon's ledger (SP-API Finances), see docs/ledger.md
    selling_partner_id = "A1B2C3D4E5F6G7"
    region = "na"                 # na, eu or fe
    refresh_token_env = "ACME_US_SPAPI_REFRESH_TOKEN"   # the NAME of the variable holding the token
    every_minutes = 60            # how often the scheduled job syncs it
    unpaid_after_days = 7         # a grant not paid after this many days is warned about, once

    [marketplaces.UK]             # override any value of a built-in profile …
    holidays = "GB-ENG"
    source = "our reading of the UK help page, 2026-11"
    [marketplaces.SA]             # … or add one from a built-in one
    like = "AE"
    timezone = "Asia/Riyadh"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

from rules.accounts import Account, AccountBook, LedgerLink
from rules.marketplaces import BUILT_IN, Marketplace, overridden
from rules.settings import ConfigError, check_holidays

KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
CHANNEL = re.compile(r"[CG][A-Z0-9]{2,31}")
USER = re.compile(r"[UWS][A-Z0-9]{2,31}")
MARKET_CODE = re.compile(r"[A-Z]{2,8}")
ACCOUNT_KEYS = ("name", "marketplaces", "channel", "leads", "locale", "digest_hour", "emails", "intake_channel",
                "ledger", "safet_program")
PROGRAMS = ("seller_fulfilled", "selling_services")
LEDGER_KEYS = ("selling_partner_id", "region", "refresh_token_env", "every_minutes", "unpaid_after_days",
               "first_sync_days")
SELLER_ID = re.compile(r"[A-Z0-9]{8,20}")
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,127}")
REGIONS = ("na", "eu", "fe")
EMAIL = re.compile(r"[^@\s]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}")
LOCALES = ("en", "zh_CN")


def load_accounts(path: str, *, check_calendar: bool = True) -> AccountBook:
    """The accounts in ``path``; ``ConfigError`` with one line per problem (all of them, not the first)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"SAFET_ACCOUNTS_FILE {path}: cannot read it ({error.strerror}).") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}).") from None
    return parse_accounts(data, path, check_calendar=check_calendar)


def parse_accounts(data: Mapping[str, Any], path: str, *, check_calendar: bool = True) -> AccountBook:
    """``check_calendar=False`` leaves the holiday codes to ``check_holidays`` (see ``load_settings``)."""
    errors: list[str] = []
    for name in data:
        if name not in ("accounts", "marketplaces"):
            errors.append(f"{path}: unknown table [{name}] (known: [accounts.KEY], [marketplaces.CODE])")
    markets = _markets(data.get("marketplaces", {}), path, errors, check_calendar)
    accounts = _accounts(data.get("accounts", {}), {m.code for m in markets} | set(BUILT_IN), path, errors)
    if not accounts and not errors:
        errors.append(f"{path}: no accounts: add at least one [accounts.KEY] table")
    if errors:
        raise ConfigError("\n".join([f"the accounts file has {len(errors)} problem(s):", *errors]))
    own = {m.code: m for m in markets}
    used = dict.fromkeys(code for account in accounts for code in account.marketplaces)
    return AccountBook(tuple(accounts), tuple(own.get(code) or BUILT_IN[code] for code in used), path)


def _markets(table: Any, path: str, errors: list[str], check_calendar: bool) -> list[Marketplace]:
    if not isinstance(table, dict):
        errors.append(f"{path}: marketplaces must be tables ([marketplaces.UK])")
        return []
    markets = []
    for code, values in table.items():
        where = f"{path}: [marketplaces.{code}]"
        if not isinstance(values, dict) or not MARKET_CODE.fullmatch(code):
            errors.append(f"{where}: a marketplace is a table named by an upper-case code such as UK")
            continue
        base_code = values.get("like", code)
        base = BUILT_IN.get(base_code) if isinstance(base_code, str) else None
        if base is None:
            known = " ".join(BUILT_IN)
            errors.append(f"{where}: {code} is not built in: add like = \"US\" (or {known}) to start from one")
            continue
        source = values.get("source")
        source = source if isinstance(source, str) and source.strip() else f"{path} [marketplaces.{code}]"
        market, problems = overridden(base, {k: v for k, v in values.items() if k != "source"}, source)
        errors.extend(f"{where}: {problem}" for problem in problems)
        if check_calendar and market.holidays != "none":
            _check_holidays(market.holidays, where, errors)
        markets.append(_renamed(market, code, base))
    return markets


def _renamed(market: Marketplace, code: str, base: Marketplace) -> Marketplace:
    from dataclasses import replace

    return market if code == base.code else replace(market, code=code, site=code.lower())


def _check_holidays(code: str, where: str, errors: list[str]) -> None:
    try:
        check_holidays(code)
    except ConfigError:
        errors.append(f"{where}: holidays {code!r} is not a calendar the holidays package knows (e.g. GB-ENG)")


def _accounts(table: Any, markets: set[str], path: str, errors: list[str]) -> list[Account]:
    if not isinstance(table, dict):
        errors.append(f"{path}: accounts must be tables ([accounts.acme-us])")
        return []
    accounts: list[Account] = []
    channels: dict[str, str] = {}
    for key, values in table.items():
        where = f"{path}: [accounts.{key}]"
        if not isinstance(values, dict):
            errors.append(f"{where}: an account is a table of settings")
            continue
        before = len(errors)
        if not KEY.fullmatch(key):
            errors.append(f"{where}: the key must be lower-case letters, digits, - or _ (at most 32)")
        for name in values:
            if name not in ACCOUNT_KEYS:
                errors.append(f"{where}: unknown setting {name!r} (known: {', '.join(ACCOUNT_KEYS)})")
        name = values.get("name", key)
        if not isinstance(name, str) or not name.strip():
            errors.append(f"{where}: name must be some text")
        codes = values.get("marketplaces", ["US"])
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            errors.append(f'{where}: marketplaces must be a list of codes, e.g. ["US", "CA"]')
            codes = []
        for code in codes:
            if code not in markets:
                errors.append(f"{where}: marketplace {code!r} is neither built in ({' '.join(BUILT_IN)}) "
                              "nor a [marketplaces] table")
        channel = values.get("channel")
        if channel is not None and not (isinstance(channel, str) and CHANNEL.fullmatch(channel)):
            errors.append(f"{where}: channel must be a channel ID like C0123456789 (channel details → About)")
        elif channel in channels:
            errors.append(f"{where}: channel {channel} is already the channel of [accounts.{channels[channel]}]")
        elif channel:
            channels[channel] = key
        leads = values.get("leads", [])
        if not isinstance(leads, list) or not all(isinstance(u, str) and USER.fullmatch(u) for u in leads):
            errors.append(f"{where}: leads must be a list of member or user group IDs like U0123456789")
            leads = []
        locale = values.get("locale", "en")
        if locale not in LOCALES:
            errors.append(f"{where}: locale must be one of {', '.join(LOCALES)}, not {locale!r}")
        hour = values.get("digest_hour", 9)
        if hour is False:
            hour = None
        elif isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
            errors.append(f"{where}: digest_hour must be an hour from 0 to 23")
        emails = values.get("emails", [])
        if not isinstance(emails, list) or not all(isinstance(e, str) and EMAIL.fullmatch(e.strip().lower())
                                                   for e in emails):
            errors.append(f'{where}: emails must be a list of addresses Amazon writes to, e.g. ["uk@acme.com"]')
            emails = []
        intake_channel = values.get("intake_channel")
        if intake_channel is not None and not (isinstance(intake_channel, str) and CHANNEL.fullmatch(intake_channel)):
            errors.append(f"{where}: intake_channel must be a channel ID like C0123456789")
            intake_channel = None
        ledger = _ledger(values.get("ledger"), where, errors)
        program = values.get("safet_program")
        if program is not None and program not in PROGRAMS:
            errors.append(f"{where}: safet_program must be one of {', '.join(PROGRAMS)} (or left out: the form asks)")
        if len(errors) == before:
            accounts.append(Account(key, name.strip(), tuple(codes), channel, tuple(leads), locale, hour,
                                    tuple(e.strip().lower() for e in emails), intake_channel, ledger, program))
    return accounts


def _ledger(table: Any, where: str, errors: list[str]) -> LedgerLink | None:
    """``[accounts.KEY.ledger]``: the seller's id and the name of the variable holding its refresh token."""
    if table is None:
        return None
    where = f"{where}.ledger"
    if not isinstance(table, dict):
        errors.append(f"{where}: the ledger is a table ([accounts.KEY.ledger])")
        return None
    before = len(errors)
    for name in table:
        if name not in LEDGER_KEYS:
            errors.append(f"{where}: unknown setting {name!r} (known: {', '.join(LEDGER_KEYS)})")
    seller = table.get("selling_partner_id")
    if not (isinstance(seller, str) and SELLER_ID.fullmatch(seller)):
        errors.append(f"{where}: selling_partner_id must be the seller's merchant token, e.g. A1B2C3D4E5F6G7 "
                      "(Seller Central → Settings → Account Info → Merchant Token)")
    region = table.get("region", "na")
    if region not in REGIONS:
        errors.append(f"{where}: region must be one of {', '.join(REGIONS)}, not {region!r}")
    env_name = table.get("refresh_token_env", "SAFET_SPAPI_REFRESH_TOKEN")
    if not (isinstance(env_name, str) and ENV_NAME.fullmatch(env_name)):
        errors.append(f"{where}: refresh_token_env must be the NAME of an environment variable (e.g. "
                      "ACME_SPAPI_REFRESH_TOKEN), never the token itself")
    numbers = {}
    for name, low, high, default in (("every_minutes", 5, 10080, 60), ("unpaid_after_days", 1, 90, 7),
                                     ("first_sync_days", 1, 730, 90)):
        value = table.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors.append(f"{where}: {name} must be a whole number from {low} to {high}")
        numbers[name] = value
    if len(errors) > before:
        return None
    return LedgerLink(seller, region, env_name, numbers["every_minutes"], numbers["unpaid_after_days"],
                      numbers["first_sync_days"])
