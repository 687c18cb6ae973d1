"""What each `safet` command does. Imported only when a command runs."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from slack_app.config import Settings, load_settings, policy_from
from store.db import Store, upgrade


def now_utc() -> datetime:
    return datetime.now(UTC)


def open_store(settings: Settings, *, migrate_sqlite: bool = True) -> Store:
    """The store; an SQLite database is created or migrated on start-up (PostgreSQL: `safet db upgrade`)."""
    if migrate_sqlite and settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
    return Store.from_url(settings.database_url, policy_from(settings))


def db_command(action: str) -> int:
    from store.db import current_revision

    settings = load_settings()
    if action == "upgrade":
        upgrade(settings.database_url)
        print(f"schema at revision {current_revision(settings.database_url)} ({_safe_url(settings.database_url)})")
        return 0
    print(current_revision(settings.database_url) or "empty (run: safet db upgrade)")
    return 0


def roster_command(action: str, path: str | None) -> int:
    from slack_app.rules.errors import DomainError
    from store.roster import clear_roster, import_roster

    settings = load_settings()
    store = open_store(settings)
    try:
        if action == "clear":
            print(f"roster cleared ({clear_roster(store)} orders removed); any order can be claimed")
            return 0
        assert path is not None
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as error:
            print(f"safet: cannot read {path}: {error.strerror}", file=sys.stderr)
            return 1
        try:
            result = import_roster(store, text, now=now_utc())
        except DomainError as error:
            print(f"safet: {path}: {error}", file=sys.stderr)
            return 1
        print(f"read {result.read} orders, added {result.added}, roster now holds {result.total}")
        for line, value in result.skipped[:20]:
            print(f"  line {line}: not an order ID: {value!r}", file=sys.stderr)
        if len(result.skipped) > 20:
            print(f"  … and {len(result.skipped) - 20} more lines skipped", file=sys.stderr)
        return 0
    finally:
        store.dispose()


def serve(host: str, port: int, *, workers: int = 1, threads: int = 8) -> int:
    """HTTP mode on gunicorn (threads), with Bolt's WSGI adapter."""
    settings = load_settings()
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    from slack_app.server import run_gunicorn

    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
    run_gunicorn(settings, host=host, port=port, workers=workers, threads=threads)
    return 0


def socket() -> int:
    """Socket Mode: no public URL needed."""
    settings = load_settings()
    settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from slack_app.app import create_runtime

    runtime = create_runtime(settings, open_store(settings))
    runtime.start_background()
    try:
        SocketModeHandler(runtime.app, settings.app_token).start()
    finally:
        runtime.stop_background()
    return 0


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
