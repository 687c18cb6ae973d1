"""One account's sync: read each window of Amazon's ledger page by page, record every entry (``store.ledger``),
and advance the watermark only once a window was read and recorded whole. Windows overlap and entries are kept
by key, so a window read twice — or a sync killed between two pages and run again — records nothing twice."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rules.accounts import Account
from rules.ledger import CATCH_UP_STEP, MAX_WINDOW, sync_start, windows
from rules.settings import Settings
from store import cards, ledger_syncs
from store.db import Store
from store.ledger import Recorded, record_entries

from .client import Connection, FinancesReader, LedgerError, LedgerRefused
from .connections import Off, connection_for
from .events import read_page

log = logging.getLogger("safet.ledger")


@dataclass
class SyncResult:
    account: str
    windows: int = 0
    pages: int = 0
    calls: int = 0
    unreadable: int = 0
    recorded: Recorded = field(default_factory=Recorded)
    error: str | None = None


def sync_account(store: Store, connection: Connection, account: Account, *, now: datetime,
                 since: datetime | None = None, every: timedelta | None = None,
                 reader: Callable[[Connection], FinancesReader] = FinancesReader,
                 seconds: float | None = None) -> SyncResult:
    """Sync one account at ``now`` (whole seconds: Amazon's dates have no fractions). ``every``: sync only if
    its period passed (the scheduled job); ``seconds``: stop after the window in hand once this is spent."""
    assert account.ledger is not None
    now = now.replace(microsecond=0)
    result = SyncResult(account.key)
    state = ledger_syncs.begin_sync(store, account.key, now=now, every=every)
    if state is None:
        return result  # not due, or another process is syncing it
    started = time.monotonic()
    owner = next((lead for lead in account.leads if lead[:1] in "UW"), None)
    first = state.watermark is None and since is None
    start = sync_start(state.watermark, now, since=since, first=timedelta(days=account.ledger.first_sync_days))
    client = reader(connection)
    try:
        for after, before in windows(start, now, step=CATCH_UP_STEP if first else MAX_WINDOW):
            for payload in client.pages(after, before):
                page = read_page(payload)
                result.pages += 1
                result.unreadable += page.unreadable
                _merge(result.recorded, record_entries(store, account.key, page.entries, now=now, owner=owner))
            ledger_syncs.advance(store, account.key, read_from=after, to=before)
            result.windows += 1
            if seconds is not None and time.monotonic() - started > seconds:
                break
    except LedgerError as error:
        result.error = str(error)
        tell = tuple(lead for lead in account.leads if lead[:1] in "UW") or ((account.channel,) if account.channel
                                                                              else ())
        told = ledger_syncs.fail_sync(store, account.key, now=now, code=error.code, message=str(error),
                                      tell=tell if isinstance(error, LedgerRefused) else ())
        log.warning("ledger sync of %s stopped: %s%s", account.key, error, " (told to its leads)" if told else "")
        return result
    finally:
        result.calls = client.calls
        client.close()
    ledger_syncs.finish_sync(store, account.key, now=now, entries=result.recorded.new)
    if result.unreadable:
        log.warning("ledger sync of %s: %d event(s) could not be read", account.key, result.unreadable)
    return result


def _merge(into: Recorded, more: Recorded) -> None:
    into.new += more.new
    into.seen += more.seen
    into.touched |= more.touched
    into.opened |= more.opened
    for step, count in more.steps.items():
        into.steps[step] = into.steps.get(step, 0) + count


def sync_all(store: Store, settings: Settings, env: Mapping[str, str], *, now: datetime, account: str | None = None,
             since: datetime | None = None, due_only: bool = False,
             reader: Callable[[Connection], FinancesReader] = FinancesReader,
             seconds: float | None = None) -> list[SyncResult | Off]:
    """Every connected account's sync (or ``account``'s): what ``safet ledger sync`` and the scheduled job run.
    ``due_only``: only the accounts whose period passed (the scheduled job). The cards of the cases it changed
    are marked for the sweep's redraw; the first cards of the cases it opened are posted by the sweep."""
    results: list[SyncResult | Off] = []
    for holder in settings.accounts.accounts:
        if account is not None and holder.key != account:
            continue
        connection = connection_for(holder, settings, env)
        if isinstance(connection, Off) or holder.ledger is None:
            if isinstance(connection, Off):
                results.append(connection)
            continue
        every = timedelta(minutes=holder.ledger.every_minutes) if due_only else None
        result = sync_account(store, connection, holder, now=now, since=since, every=every, reader=reader,
                              seconds=seconds)
        cards.mark_stale(store, sorted(result.recorded.touched), now=now)
        results.append(result)
    return results
