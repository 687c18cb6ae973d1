"""Shared fixtures: a migrated database (SQLite always, PostgreSQL when SAFET_TEST_DATABASE_URL is
set), a fixed clock, and the fake Slack Web API."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from store.db import Policy, Store, upgrade
from store.models import Base
from tests.fake_slack import FakeSlack
from tests.slack_harness import Clock, running_app

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
PG_URL = os.environ.get("SAFET_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def pg_schema_url(base_url: str, schema: str) -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return str(path)


@contextmanager
def fresh_pg_schema(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema, dropped afterwards: parallel runs never meet."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(PG_URL, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    """One fresh schema per test run, so runs never see each other's rows."""
    with fresh_pg_schema("safet_test") as url:
        upgrade(url)
        yield url


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database (no schema at all) of each backend, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with fresh_pg_schema("safet_mig") as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A migrated, empty database of each backend under test."""
    if request.param == "sqlite":
        path = tmp_path / "safet.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return emptied(request.getfixturevalue("pg_session_url"))


def emptied(url: str) -> str:
    """The session's PostgreSQL schema with every table emptied (``url`` again)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        # DELETE is several times faster than TRUNCATE on tables this small.
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    return url


@pytest.fixture
def policy() -> Policy:
    return Policy(case_channel="CCASES")


@pytest.fixture
def store(db_url: str, policy: Policy) -> Iterator[Store]:
    store = Store.from_url(db_url, policy)
    yield store
    store.dispose()


@pytest.fixture
def now() -> datetime:
    """Friday 2026-11-20 15:00 in Los Angeles."""
    return datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> FakeSlack:
    fake_slack_server.reset()
    return fake_slack_server


@pytest.fixture
def slack(store, fake_slack, now):  # type: ignore[no-untyped-def]
    """The real app on a loopback port, driven with signed requests (files with other settings override it)."""
    with running_app(store, fake_slack, Clock(now)) as driver:
        yield driver


@pytest.fixture
def amazon() -> Iterator[object]:
    """A fake of Amazon's SP-API Finances and Login with Amazon (``tests.fake_amazon``), its clock at
    ``tests.ledger_fixtures.NOW``, with two sellers."""
    pytest.importorskip("sp_api")
    from sp_api.auth import access_token_client

    from tests.fake_amazon import FakeAmazon
    from tests.ledger_fixtures import NOW, SELLER, SELLER_TWO, TOKEN, TOKEN_TWO

    access_token_client.cache.clear()  # the library keeps access tokens module-wide
    with FakeAmazon(clock=lambda: NOW) as fake:
        fake.add_seller(SELLER, TOKEN)
        fake.add_seller(SELLER_TWO, TOKEN_TWO)
        yield fake
    access_token_client.cache.clear()


@pytest.fixture
def ledger_slack(store, fake_slack, amazon):  # type: ignore[no-untyped-def]
    """The real app with two seller accounts reading Amazon's ledger from ``amazon`` (``tests.ledger_steps``)."""
    from tests.ledger_steps import ledger_app

    with ledger_app(store, fake_slack, amazon) as driver:
        yield driver
