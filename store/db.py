"""The database: engine, transactions and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from rules.accounts import AccountBook, single_account
from rules.deadlines import BusinessCalendar
from rules.ladder import DEFAULT_LADDER, Ladder
from rules.marketplaces import BUILT_IN, DEFAULT_MARKETPLACE, Marketplace
from rules.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class Policy:
    """The team's settings that the rules need: zone, holidays, warnings, approval."""

    calendar: BusinessCalendar = field(default_factory=lambda: BusinessCalendar.named("America/Los_Angeles"))
    ladder: Ladder = field(default_factory=lambda: dict(DEFAULT_LADDER))
    require_approval: bool = False
    approval_above_cents: int | None = None
    case_channel: str | None = None
    book: AccountBook | None = None
    """The deployment's accounts; ``None``: one account, ``default``, on ``calendar`` and ``case_channel``."""

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(calendar=settings.calendar, ladder=settings.warnings, require_approval=settings.require_approval,
                   approval_above_cents=settings.approval_above_cents, case_channel=settings.alert_channel,
                   book=settings.accounts)

    @cached_property
    def accounts(self) -> AccountBook:
        if self.book is not None:
            return self.book
        us = BUILT_IN[DEFAULT_MARKETPLACE]
        code = self.calendar.holiday_code
        market = us if self.calendar == us.calendar else replace(
            us, timezone=self.calendar.zone.key, holidays=code, weekend=self.calendar.weekend,
            holidays_label=us.holidays_label if code == us.holidays else code)
        return single_account(market, channel=self.case_channel)

    def market(self, code: str | None) -> Marketplace:
        """The marketplace whose calendar and counts set a case's deadlines."""
        return self.accounts.marketplace(code)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _sqlite_single_writer(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_single_writer(engine: Engine) -> None:
    """Take SQLite's write lock when a transaction starts, not on its first write.

    pysqlite's deferred BEGIN lets two transactions both read and then fail to upgrade to a
    write; ``BEGIN IMMEDIATE`` makes the second wait (busy timeout) instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Reads (Store.reading) begin deferred: in WAL mode they never wait for a writer.
        read_only = connection.get_execution_options().get("safet_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Store:
    """One database and the team's policy; ``transaction()`` is the unit of work."""

    def __init__(self, engine: Engine, policy: Policy | None = None) -> None:
        self.engine = engine
        self.policy = policy or Policy()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine.execution_options(safet_read_only=True), expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, policy: Policy | None = None) -> Store:
        return cls(make_engine(url), policy)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Everything inside commits together, or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (on SQLite it does not take the write lock)."""
        with self._read_sessions() as session:
            yield session

    @contextmanager
    def rehearsal(self) -> Iterator[Store]:
        """A store whose every transaction runs inside one outer transaction that is rolled back at the
        end (the sweep's dry run runs its real code on it): nothing it writes is ever kept."""
        with self._inside_one_transaction(keep=False) as trial:
            yield trial

    @contextmanager
    def all_or_nothing(self) -> Iterator[Store]:
        """A store whose use cases, however many, commit together at the end, or not at all: several
        steps of one person's gesture (a case opened already in a later state) are one transaction."""
        with self._inside_one_transaction(keep=True) as together:
            yield together

    @contextmanager
    def _inside_one_transaction(self, *, keep: bool) -> Iterator[Store]:
        with self.engine.connect() as connection:
            outer = connection.begin()
            kept = False
            try:
                inner = Store.__new__(Store)
                inner.engine, inner.policy = self.engine, self.policy
                inner._sessions = inner._read_sessions = sessionmaker(
                    bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint")
                yield inner
                if keep:
                    outer.commit()
                    kept = True
            finally:
                if not kept:
                    outer.rollback()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - a health check reports any failure as unhealthy
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The newest migration (Alembic's one head: the history is one line)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
