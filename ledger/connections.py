"""Which accounts read Amazon's ledger, and with which credentials: the accounts file's ``ledger`` table (or
SAFET_SPAPI_REFRESH_TOKEN for the one account), the LWA app's id and secret from SAFET_LWA_CLIENT_ID and
SAFET_LWA_CLIENT_SECRET. An account without all of it is off, and says why — never which secret it holds."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass

from rules.accounts import Account
from rules.settings import Settings

from .client import Connection


@dataclass(frozen=True)
class Off:
    """The ledger is off for this account; ``why`` says what to set (names of variables, never values)."""

    account: str
    why: str


def library_installed() -> bool:
    try:
        return importlib.util.find_spec("sp_api") is not None
    except (ImportError, ValueError):
        return False


def connection_for(account: Account, settings: Settings, env: Mapping[str, str]) -> Connection | Off:
    link = account.ledger
    if link is None:
        return Off(account.key, "not connected: add [accounts.KEY.ledger] to the accounts file (docs/ledger.md)"
                   if settings.accounts_file else "not connected: set SAFET_SPAPI_REFRESH_TOKEN (docs/ledger.md)")
    if not library_installed():
        return Off(account.key, "the SP-API client is not installed: pip install 'safet[ledger]'")
    missing = [name for name in ("SAFET_LWA_CLIENT_ID", "SAFET_LWA_CLIENT_SECRET", link.refresh_token_env)
               if not env.get(name, "").strip()]
    if missing:
        return Off(account.key, f"not connected: {', '.join(missing)} not set")
    return Connection(account=account.key, selling_partner_id=link.selling_partner_id, region=link.region,
                      client_id=env["SAFET_LWA_CLIENT_ID"].strip(),
                      client_secret=env["SAFET_LWA_CLIENT_SECRET"].strip(),
                      refresh_token=env[link.refresh_token_env].strip(), endpoint=settings.spapi_endpoint,
                      token_url=settings.lwa_token_url)


def connections(settings: Settings, env: Mapping[str, str]) -> list[Connection | Off]:
    return [connection_for(account, settings, env) for account in settings.accounts.accounts]
