"""Exactly once across processes, on PostgreSQL: sweepers started together never post a notice twice
(``FOR UPDATE SKIP LOCKED``), and a sweep killed between posting and marking is recovered from the
message metadata after its lease runs out."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, select, text

from slack_app.config import Settings
from store.db import Policy, Store
from store.models import Base, OutboxNotice
from sweep.scheduler import sweep
from tests.conftest import PG_URL
from tests.fake_slack import FakeSlack
from tests.test_sweep import chargeback_due, keys, stage_key
from webapi.client import make_client
from webapi.posting import Pacer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server: set SAFET_TEST_DATABASE_URL"),
]

H = timedelta(hours=1)
CHANNELS = [f"CSHARD{n}" for n in range(6)]


@pytest.fixture
def pg_url(pg_session_url: str) -> str:
    engine = create_engine(pg_session_url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return pg_session_url


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def due_notices(url: str, now: datetime, count: int) -> list[str]:
    """``count`` chargebacks due in 2 h, spread over six channels: one due 4 h warning each."""
    stores = [Store.from_url(url, Policy(case_channel=channel)) for channel in CHANNELS]
    try:
        return [stage_key(chargeback_due(stores[n % len(stores)], now + 2 * H, owner=f"U{n}Z"), "warn-4h")
                for n in range(count)]
    finally:
        for store in stores:
            store.dispose()


def statuses(url: str, keys: list[str]) -> Counter[str]:
    store = Store.from_url(url)
    try:
        with store.reading() as session:
            return Counter(session.scalars(select(OutboxNotice.status).where(OutboxNotice.key.in_(keys))))
    finally:
        store.dispose()


def all_keys(slack: FakeSlack) -> Counter[str]:
    return Counter(keys(slack, *CHANNELS))


def _sweep_in_a_process(url: str, api_url: str, now: str, go, results) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(api_url=api_url, bot_token="xoxb-test", database_url=url, digest_hour=None)
    store = Store.from_url(url, Policy.of(settings))
    go.wait(30)
    try:
        report = sweep(store, make_client(settings), settings, now=datetime.fromisoformat(now), pacer=Pacer(0),
                       batch=5)
        results.put((os.getpid(), report.posted, report.errors))
    finally:
        store.dispose()


def test_three_sweeper_processes_started_together_post_every_notice_exactly_once(pg_url, slack, now):
    expected = due_notices(pg_url, now, 60)
    slack.latency = 0.005  # overlapping requests, so the sweeps really interleave
    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    processes = [context.Process(target=_sweep_in_a_process, args=(pg_url, slack.base_url, now.isoformat(), go,
                                                                    results)) for _ in range(3)]
    for process in processes:
        process.start()
    go.set()
    for process in processes:
        process.join(60)
    reports = [results.get(timeout=5) for _ in processes]

    assert all(process.exitcode == 0 for process in processes)
    assert all(errors == [] for _, _, errors in reports)
    assert sum(posted for _, posted, _ in reports) == 60
    assert all_keys(slack) == dict.fromkeys(expected, 1)
    assert statuses(pg_url, expected) == {"sent": 60}


def cli(url: str, api_url: str, at: datetime) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFET_", "SLACK_", "DATABASE_URL"))}
    env.update(DATABASE_URL=url, SLACK_API_URL=api_url, SLACK_BOT_TOKEN="xoxb-test", SAFET_DIGEST_HOUR="23",
               NO_PROXY="127.0.0.1,localhost")
    return subprocess.Popen([sys.executable, "-m", "slack_app", "sweep", "--now", at.isoformat()], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_sweep_killed_between_posting_and_marking_still_posts_each_notice_once_after_a_restart(
        pg_url, slack, now):
    expected = due_notices(pg_url, now, 8)
    slack.latency = 1.0  # the first post lands at the fake a second after its request arrives
    killed = cli(pg_url, slack.base_url, now)
    slack.wait_for("chat.postMessage", timeout=30)
    killed.kill()  # dies waiting for Slack's answer; the message still lands
    killed.wait(10)
    time.sleep(1.2)
    slack.latency = 0
    assert len(all_keys(slack)) >= 1
    assert statuses(pg_url, expected)["claimed"] >= 1

    within_lease = cli(pg_url, slack.base_url, now + timedelta(minutes=2))
    assert within_lease.wait(30) == 0
    assert "posted 0 notices" in within_lease.stdout.read()

    restarted = cli(pg_url, slack.base_url, now + timedelta(minutes=6))
    assert restarted.wait(30) == 0, restarted.stderr.read()

    assert "found already posted: " in restarted.stdout.read()
    assert all_keys(slack) == dict.fromkeys(expected, 1)
    assert statuses(pg_url, expected) == {"sent": 8}
