"""Two people pressing at once: the database, not luck, decides who wins.

``open_safet_claim`` for one order from 20 threads at once must open exactly one claim and refuse
the others with the domain's ``AlreadyClaimed`` (never a raw ``IntegrityError``); the same button
pressed by 10 threads on one card must change the case once.
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rules.errors import AlreadyClaimed, IllegalTransition, StaleCase
from rules.kinds import SafetReason, State
from store import cases, opening
from store.db import Policy, Store
from store.models import AuditEvent, Case
from tests.conftest import PG_URL, emptied

ORDER = "123-1234567-1234567"
NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
needs_postgres = pytest.mark.skipif(not PG_URL, reason="set SAFET_TEST_DATABASE_URL to a PostgreSQL database")


def race(workers: int, attempt: Callable[[int], object]) -> list[object]:
    """Run ``attempt(i)`` in ``workers`` threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(workers)
    results: list[object] = [None] * workers

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[index] = attempt(index)
        except Exception as error:  # noqa: BLE001 - the test sorts every outcome, expected or not
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def outcomes(results: list[object]) -> Counter[str]:
    return Counter("won" if isinstance(r, cases.Change) else type(r).__name__ for r in results)


def count(store: Store, query) -> int:  # type: ignore[no-untyped-def]
    with store.reading() as session:
        return session.scalar(query) or 0


def open_claim(store: Store, index: int) -> cases.Change:
    return opening.open_safet_claim(store, actor=f"U{index:03d}", order_id=ORDER, reason=SafetReason.TRIP_CREDIT,
                                  now=NOW)


def assert_one_claim_opened(store: Store, results: list[object]) -> None:
    assert outcomes(results) == Counter({"won": 1, "AlreadyClaimed": len(results) - 1})
    for refused in results:
        if isinstance(refused, AlreadyClaimed):
            assert refused.params == {"order_id": ORDER}
    [winner] = [r for r in results if isinstance(r, cases.Change)]
    assert count(store, select(func.count()).select_from(Case).where(Case.order_id == ORDER)) == 1
    assert count(store, select(func.count()).select_from(AuditEvent)) == 1
    with store.reading() as session:
        assert session.scalar(select(Case.owner_id).where(Case.order_id == ORDER)) == winner.case.owner_id


@pytest.fixture
def pg_url(pg_session_url: str) -> str:
    return emptied(pg_session_url)


@pytest.fixture
def pg_stores(pg_url: str) -> Iterator[list[Store]]:
    """Twenty stores (twenty engines, twenty connections), connected before the race starts."""
    stores = [Store.from_url(pg_url, Policy()) for _ in range(20)]
    for store in stores:
        assert store.ping()
    yield stores
    for store in stores:
        store.dispose()


@pytest.fixture
def sqlite_stores(sqlite_template: str, tmp_path: Path) -> Iterator[list[Store]]:
    path = tmp_path / "race.sqlite3"
    shutil.copy(sqlite_template, path)
    stores = [Store.from_url(f"sqlite:///{path}", Policy()) for _ in range(20)]
    for store in stores:
        assert store.ping()
    yield stores
    for store in stores:
        store.dispose()


@needs_postgres
def test_twenty_people_claiming_one_order_at_once_on_postgresql_open_exactly_one_claim(
    pg_stores: list[Store],
) -> None:
    results = race(20, lambda i: open_claim(pg_stores[i], i))

    assert_one_claim_opened(pg_stores[0], results)


@needs_postgres
def test_twenty_threads_sharing_one_postgresql_store_open_exactly_one_claim(pg_url: str) -> None:
    store = Store.from_url(pg_url, Policy())
    try:
        results = race(20, lambda i: open_claim(store, i))
        assert_one_claim_opened(store, results)
    finally:
        store.dispose()


def test_twenty_people_claiming_one_order_at_once_on_sqlite_open_exactly_one_claim(
    sqlite_stores: list[Store],
) -> None:
    results = race(20, lambda i: open_claim(sqlite_stores[i], i))

    assert_one_claim_opened(sqlite_stores[0], results)


def test_ten_people_pressing_answered_on_the_same_card_change_the_case_once(store: Store) -> None:
    opened = open_claim(store, 0).case
    cases.record_filing(store, opened.id, actor="U000", now=NOW)
    asked = cases.log_info_request(store, opened.id, actor="U000", now=NOW, arrived_at=NOW).case
    later = NOW + timedelta(hours=1)

    results = race(10, lambda i: cases.record_answer(store, asked.id, actor=f"U{i:03d}", now=later,
                                                     expected_version=asked.version))

    tally = outcomes(results)
    assert tally["won"] == 1
    assert sum(tally.values()) == 10
    assert set(tally) <= {"won", "StaleCase", "IllegalTransition"}, tally
    assert all(isinstance(r, cases.Change | StaleCase | IllegalTransition) for r in results)
    with store.reading() as session:
        case = session.get(Case, asked.id)
        assert case is not None
        assert (case.state, case.version) == (State.ANSWERED, asked.version + 1)
        answers = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.case_id == asked.id, AuditEvent.action == "answer"))
        assert answers == 1
