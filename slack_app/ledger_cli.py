"""``safet ledger sync`` and ``safet ledger status``: Amazon's ledger from the command line."""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, time

from ledger.client import FinancesReader
from ledger.connections import Off, connections
from ledger.sync import SyncResult, sync_all
from slack_app.clock import now_utc
from slack_app.config import ConfigError
from slack_app.database import open_store
from slack_app.settings import load_settings
from store import ledger_syncs


def ledger_command(action: str, *, account: str | None = None, since: date | None = None,
                   reader: type[FinancesReader] = FinancesReader) -> int:
    settings = load_settings()
    book = settings.accounts
    if account is not None and not book.known(account):
        raise ConfigError(f"no account {account!r}: `safet accounts` lists them")
    store = open_store(settings)
    try:
        if action == "status":
            return _status(store, settings)
        start = datetime.combine(since, time(), tzinfo=UTC) if since else None
        results = sync_all(store, settings, os.environ, now=now_utc(), account=account, since=start, reader=reader)
        failed = 0
        for result in results:
            if isinstance(result, Off):
                print(f"{result.account}: ledger off — {result.why}")
                continue
            done = result.recorded
            steps = ", ".join(f"{step} {count}" for step, count in sorted(done.steps.items())) or "nothing new"
            print(f"{result.account}: {result.pages} page(s) in {result.windows} window(s), {result.calls} "
                  f"call(s); {done.new} new entr{'y' if done.new == 1 else 'ies'} ({steps}), {done.seen} already kept")
            if result.unreadable:
                print(f"{result.account}: {result.unreadable} event(s) could not be read", file=sys.stderr)
            if result.error:
                failed += 1
                print(f"safet: {result.account}: {result.error}", file=sys.stderr)
        if not any(isinstance(r, SyncResult) for r in results):
            print("no account reads Amazon's ledger: see docs/ledger.md", file=sys.stderr)
        return 1 if failed else 0
    finally:
        store.dispose()


def _status(store, settings) -> int:  # type: ignore[no-untyped-def]
    states = ledger_syncs.sync_states(store)
    for connection in connections(settings, os.environ):
        state = states.get(connection.account)
        if isinstance(connection, Off):
            print(f"{connection.account}: off — {connection.why}")
            continue
        print(f"{connection.account}: connected (region {connection.region})")
        if state is None:
            print("  never synced")
            continue
        print(f"  last sync: {_at(state.finished_at)}; {state.entries} new entr{'y' if state.entries == 1 else 'ies'}")
        print(f"  read up to: {_at(state.watermark)} (from {_at(state.read_from)})")
        if state.error:
            print(f"  last error {_at(state.error_at)}: {state.error}")
    return 0


def _at(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "—"
