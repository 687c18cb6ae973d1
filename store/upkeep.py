"""Upkeep around a sweep: one sweeper per database at a time, and SQLite's planner statistics."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from .db import Store


@contextmanager
def sweep_lock(store: Store) -> Iterator[bool]:
    """Hold the database's sweep lock while the block runs; yields False when another process holds it.

    PostgreSQL: a session advisory lock keyed by database and schema (so test runs in other schemas
    never wait on each other), freed by the server if the process dies. SQLite is one host's file and
    its single writer already serialises the claims: yields True.
    """
    if store.dialect != "postgresql":
        yield True
        return
    with store.engine.connect() as connection:
        key = connection.scalar(text(
            "SELECT hashtext('safet.sweep:' || current_database() || ':' || current_schema())"))
        held = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()


def keep_statistics(store: Store) -> None:
    """SQLite plans queries from ``sqlite_stat1`` only once ``ANALYZE`` ran: without it a count written
    the other way round can read a whole table (seen: 1.4 s at 1 M cases). After each sweep, a bounded
    ``ANALYZE`` the first time, then ``PRAGMA optimize`` (re-analyses only what changed a lot)."""
    if store.dialect != "sqlite":
        return  # PostgreSQL's autovacuum keeps its statistics
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA analysis_limit=400")
        analysed = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").first()
        connection.exec_driver_sql("PRAGMA optimize" if analysed else "ANALYZE")
        connection.commit()
