"""Opening the store for a command or a server worker. Imports of the ORM wait until it is opened,
so the gunicorn master stays small."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rules.settings import Settings

if TYPE_CHECKING:
    from store.db import Store


def upgrade(url: str) -> None:
    from store.db import upgrade as alembic_upgrade

    alembic_upgrade(url)


def open_store(settings: Settings, *, migrate_sqlite: bool = True) -> Store:
    """The store; an SQLite database is created or migrated on start-up (PostgreSQL: `safet db upgrade`)."""
    from store.db import Policy, Store

    if migrate_sqlite and settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
    return Store.from_url(settings.database_url, Policy.of(settings))
