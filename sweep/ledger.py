"""The scheduled job's part in Amazon's ledger: it only triggers syncs — each connected account on its own
period, within a time budget — then posts the first card of each case the ledger opened, marks the cards of the
cases it changed for the sweep's redraw, and plans the "granted but not paid" warnings (posted, once, by the
sweep's outbox like every other notice)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from slack_sdk import WebClient

from ledger.client import Connection, FinancesReader
from ledger.connections import Off
from ledger.sync import SyncResult, sync_all
from rules.settings import Settings
from store import ledger_syncs
from store.db import Store
from webapi.card_sync import CardSync

log = logging.getLogger("safet.sweep")

SYNC_SECONDS = 20.0
"""A sweep's time for reading the ledger: a long first sync goes on, a window at a time, in the next sweeps."""


def ledger_job(store: Store, settings: Settings, env: Mapping[str, str], *, clock: Callable[[], datetime],
               reader: Callable[[Connection], FinancesReader] = FinancesReader,
               seconds: float = SYNC_SECONDS) -> Callable[[WebClient, datetime], list[SyncResult | Off]]:
    def job(client: WebClient, now: datetime) -> list[SyncResult | Off]:
        if not any(account.ledger for account in settings.accounts.accounts):
            return []  # no account reads the ledger: nothing to sync, no case it opened to look for
        results = sync_all(store, settings, env, now=now, due_only=True, reader=reader, seconds=seconds)
        for result in results:
            holder = settings.accounts.account(result.account)
            if isinstance(result, SyncResult) and holder.ledger is not None:
                ledger_syncs.plan_unpaid(store, holder.key, now=now,
                                         after=timedelta(days=holder.ledger.unpaid_after_days))
        post_first_cards(store, client, settings, clock)
        return results

    return job


def post_first_cards(store: Store, client: WebClient, settings: Settings, clock: Callable[[], datetime]) -> int:
    """The first card of each case the ledger opened (by this sweep or by ``safet ledger sync``)."""
    sync = CardSync(store, settings.accounts, clock)
    posted = 0
    for case_id in ledger_syncs.first_cards_due(store):
        if sync.refresh(client, case_id) is not None:
            posted += 1
    return posted
