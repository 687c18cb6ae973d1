"""What every listener needs, built once by the app factory and passed explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient

from rules.settings import Settings
from store.db import Store
from views.i18n import Translator, translator
from webapi.card_sync import CardSync
from webapi.people import Directory


@dataclass
class Deps:
    """What every listener needs, passed explicitly (no globals, no per-request token swapping)."""

    settings: Settings
    store: Store
    directory: Directory
    clock: Callable[[], datetime]
    after_change: list[Callable[[WebClient, int], None]] = field(default_factory=list)
    """Called (in lazy listeners) after a case changed: e.g. post its outcome notices at once."""

    def tr(self, user_id: str, client: WebClient | None = None) -> Translator:
        """The person's language. Without ``client``, from what the store knows (no Slack call); with it,
        ``users.info`` is asked when the cached profile is missing or stale (once per 12 hours)."""
        if client is None:
            return translator(self.directory.cached_locale(user_id))
        return translator(self.directory.person(user_id, client).locale)

    @property
    def cards(self) -> CardSync:
        """The one way a case's card is drawn and brought up to date."""
        return CardSync(self.store, self.settings.accounts, self.clock)

    def channel_tr(self, account: str | None) -> Translator:
        """The language of an account's channel (cards, notices, intake replies), from the accounts file."""
        return translator(self.settings.accounts.account(account).locale)
