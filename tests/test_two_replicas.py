"""Two `safet serve` replicas on one PostgreSQL schema, and two `safet sweep` runs at once.

Real processes (gunicorn, 1 worker each), signed requests, the Web API on a fake Slack in this
process. Needs PostgreSQL: SAFET_TEST_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.fake_slack import FakeSlack
from tests.processes import free_port, request, safet_command, stop, wait_healthy
from tests.slack_harness import TEAM, sign
from tests.slack_harness import wait_until as harness_wait_until

PG_URL = os.environ.get("SAFET_TEST_DATABASE_URL", "").strip()
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="two replicas need PostgreSQL: set SAFET_TEST_DATABASE_URL")]

SECRET = "two-replicas-secret"
CHANNEL = "CCASES"
ORDERS = [f"11{n}-{4000000 + n:07d}-{7000000 + n:07d}" for n in range(10)]





def schema_url(schema: str) -> str:
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"


@dataclass
class Replicas:
    url: str
    fake: FakeSlack
    ports: list[int]
    env: dict[str, str]
    tmp: Path


def _post(port: int, body: str) -> tuple[int, str]:
    status, _, text = request(port, "POST", "/slack/events", body,
                              {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret=SECRET)})
    return status, text


def wait_until(predicate: Any, timeout: float = 15.0, what: str = "condition") -> Any:
    return harness_wait_until(predicate, timeout, what)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    """A fresh schema migrated by `safet db upgrade`, then two replicas of `safet serve` on it."""
    tmp = tmp_path_factory.mktemp("replicas")
    schema = f"safet_replicas_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(schema)
    processes: list[subprocess.Popen] = []
    fake = FakeSlack().start()
    try:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLACK_", "SAFET_")) and k != "DATABASE_URL"}
        env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.base_url,
                   DATABASE_URL=url, SAFET_SWEEP_SECONDS="0", SAFET_ALERT_CHANNEL=CHANNEL,
                   NO_PROXY="127.0.0.1,localhost", PYTHONUNBUFFERED="1")
        upgraded = subprocess.run([*safet_command(), "db", "upgrade"], env=env, cwd=tmp, capture_output=True,
                                  text=True, timeout=60)
        assert upgraded.returncode == 0, upgraded.stderr
        ports = [free_port(), free_port()]
        for index, port in enumerate(ports):
            log = open(tmp / f"replica-{index}.log", "wb")  # noqa: SIM115 - the child writes it
            processes.append(subprocess.Popen(
                [*safet_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True))
            log.close()
        for index, (process, port) in enumerate(zip(processes, ports, strict=True)):
            wait_healthy(process, port, tmp / f"replica-{index}.log")
        yield Replicas(url, fake, ports, env, tmp)
    finally:
        for process in processes:
            stop(process)
        fake.stop()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ---------------------------------------------------------------- helpers


def command_body(text: str, trigger: str) -> str:
    return urllib.parse.urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": "CWORK", "channel_name": "work",
        "user_id": "U1", "user_name": "u1", "command": "/safet", "text": text, "api_app_id": "A0TEST",
        "response_url": "https://hooks.example/commands/1", "trigger_id": trigger,
    })


def submission_body(view: dict[str, Any], order_id: str, user: str, trigger: str) -> str:
    values = {
        "order_id": {"a": {"type": "plain_text_input", "value": order_id}},
        "product_order_id": {"a": {"type": "plain_text_input", "value": None}},
        "reason": {"a": {"type": "static_select", "selected_option": {"value": "trip_credit"}}},
        "explanation": {"a": {"type": "plain_text_input", "value": "The customer was not home."}},
        "claim_number": {"a": {"type": "plain_text_input", "value": None}},
        "filing_locale": {"a": {"type": "static_select", "selected_option": {"value": "en"}}},
    }
    payload = {"team": {"id": TEAM, "domain": "acme"}, "api_app_id": "A0TEST", "token": "legacy",
               "type": "view_submission", "user": {"id": user, "username": user.lower(), "team_id": TEAM},
               "view": {**view, "state": {"values": values}, "hash": "h"}, "trigger_id": trigger}
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def top_level_cards(fake: FakeSlack) -> list[dict[str, Any]]:
    """Top-level messages of the case channel that are not notices (a card's replies make it a thread
    parent, whose ``thread_ts`` is its own ``ts``)."""
    return [m for m in fake.messages(CHANNEL)
            if m.get("thread_ts", m["ts"]) == m["ts"]
            and (m.get("metadata") or {}).get("event_type") != "safet_notice"]


def assert_cards_show_the_store(url: str, fake: FakeSlack) -> int:
    """Every case with a case channel has exactly one card, whose current content is the store's current
    state (the fake applies each chat.update to the message); returns how many cards were checked."""
    from store.db import Store
    from store.models import Case
    from store.queries import get_case
    from views.case_card import card_text
    from views.i18n import translator

    tr = translator("en")
    store = Store.from_url(url)
    try:
        with store.reading() as session:
            ids = list(session.scalars(select(Case.id).order_by(Case.id)))
        cards = top_level_cards(fake)
        checked = 0
        for case_id in ids:
            case = get_case(store, case_id, history=False)
            assert case is not None
            mine = [m for m in cards if f'"case:{case_id}"' in json.dumps(m.get("blocks", []))]
            if case.channel_id is None:  # no case channel: no card anywhere
                assert case.card_ts is None and mine == [], case_id
                continue
            assert case.card_ts, f"case {case_id} has no card"
            assert [m["ts"] for m in mine] == [case.card_ts], f"case {case_id}: cards {[m['ts'] for m in mine]}"
            card = mine[0]
            assert card["text"] == card_text(case, tr), (case_id, card["text"], case.state)
            assert f'"{case.id}:{case.version}"' in json.dumps(card["blocks"]), \
                f"case {case_id}: the card's buttons do not carry version {case.version}"
            checked += 1
        return checked
    finally:
        store.dispose()


# ---------------------------------------------------------------- the tests


def test_the_same_orders_claimed_on_both_replicas_at_once_make_one_case_each(replicas: Replicas) -> None:
    fake, (first, second) = replicas.fake, replicas.ports
    status, _ = _post(first, command_body("file", "trigger-open"))
    assert status == 200
    view = dict(fake.wait_for("views.open", timeout=10)[-1].args["view"], id="V1")

    jobs = [(order, port, f"U{n % 4 + 1}") for order in ORDERS for n, port in enumerate((first, second))]
    start = threading.Barrier(len(jobs))

    def submit(job: tuple[str, int, str]) -> tuple[str, int, int, dict[str, Any]]:
        order, port, user = job
        body = submission_body(view, order, user, f"trigger-{order}-{port}")
        start.wait(timeout=10)
        status, text_ = _post(port, body)
        return order, port, status, json.loads(text_) if text_ else {}

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(submit, jobs))

    for order in ORDERS:
        answers = [(port, status, reply) for o, port, status, reply in results if o == order]
        assert [status for _, status, _ in answers] == [200, 200], answers
        actions = sorted(reply.get("response_action") for _, _, reply in answers)
        assert actions == ["errors", "update"], (order, answers)
        refused = next(reply for _, _, reply in answers if reply["response_action"] == "errors")
        assert "already has a SAFE-T claim" in refused["errors"]["order_id"]
    # Both replicas took part in winning (with 10 orders, one replica winning all is a sign of no race).
    winners = Counter(port for _, port, _, reply in results if reply.get("response_action") == "update")
    assert sum(winners.values()) == len(ORDERS)

    engine = create_engine(replicas.url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT order_id, count(*) FROM cases GROUP BY order_id")).all()
    engine.dispose()
    assert sorted(rows) == sorted((order, 1) for order in ORDERS)

    # Each case's card and its first thread line are posted by the replica that stored it.
    wait_until(lambda: len(top_level_cards(fake)) >= len(ORDERS), what="ten cards posted")
    wait_until(lambda: len(fake.calls("chat.postMessage")) >= 2 * len(ORDERS), what="cards and thread lines")
    wait_until(lambda: _cards_recorded(replicas.url) == len(ORDERS), what="card ts stored")
    assert assert_cards_show_the_store(replicas.url, fake) == len(ORDERS)


def _cards_recorded(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM cases WHERE card_ts IS NOT NULL")).scalar())
    finally:
        engine.dispose()


def test_two_sweeps_at_once_post_each_due_notice_once(replicas: Replicas) -> None:
    from handlers.case_card import refresh_card
    from handlers.deps import Deps
    from rules.kinds import ComplaintType
    from slack_app.config import Settings
    from store import opening
    from store.db import Policy, Store
    from store.models import OutboxNotice
    from store.outbox import BATCH
    from webapi.client import make_client
    from webapi.people import Directory

    fake = replicas.fake
    opened_at = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
    settings = Settings(bot_token="xoxb-test", api_url=fake.base_url, database_url=replicas.url,
                        alert_channel=CHANNEL, sweep_seconds=0)
    in_channel = Store.from_url(replicas.url, Policy(case_channel=CHANNEL))
    direct = Store.from_url(replicas.url, Policy(case_channel=None))
    opened = []
    try:
        # More due notices than one sweep claims at a time (store.outbox.BATCH), so both sweeps have work:
        # 24 chargebacks with a card in the case channel, and 2 each for 60 owners without a case
        # channel, whose notices go to the owners' direct messages (paced per target, so in parallel).
        for n in range(24 + 120):
            store = in_channel if n < 24 else direct
            owner = f"U{n % 3 + 5}" if n < 24 else f"U{100 + n // 2}"
            change = opening.open_chargeback(
                store, actor=owner, order_id=f"22{n % 10}-{5000000 + n:07d}-{8000000 + n:07d}",
                amount_cents=1000 + n, currency="USD", now=opened_at, complaint_type=ComplaintType.NOT_RECEIVED,
                email_on=date(2026, 11, 1) + timedelta(days=n % 3))
            opened.append(change.case)
        client = make_client(settings)
        deps = Deps(settings=settings, store=in_channel, clock=lambda: opened_at, directory=Directory(
            in_channel, default_locale="en", team_zone=settings.zone, leads=(), clock=lambda: opened_at))
        for case in opened:
            refresh_card(deps, client, case.id)  # the cards the app posted when they were opened
        now = max(d.due_at for case in opened for d in case.deadlines) + timedelta(minutes=1)
        with in_channel.reading() as session:
            expected_due = session.scalar(select(func.count()).select_from(OutboxNotice).where(
                OutboxNotice.status == "pending", OutboxNotice.post_at <= now))
        assert expected_due and expected_due > BATCH
        posts_before = len(fake.calls("chat.postMessage"))

        sweeps = [subprocess.Popen([*safet_command(), "sweep", "--now", now.isoformat()], env=replicas.env,
                                   cwd=replicas.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True) for _ in range(2)]
        try:
            outputs = [process.communicate(timeout=45) for process in sweeps]
        finally:
            for process in sweeps:
                stop(process)
        for process, (out, err) in zip(sweeps, outputs, strict=True):
            assert process.returncode == 0, (out, err)

        posted_keys = Counter(
            key for call in fake.calls("chat.postMessage")[posts_before:]
            for key in ((call.args.get("metadata") or {}).get("event_payload") or {}).get("keys", []))
        assert posted_keys, "no notice was posted"
        assert [k for k, n in posted_keys.items() if n > 1] == [], "a notice was posted twice"
        with in_channel.reading() as session:
            sent = set(session.scalars(select(OutboxNotice.key).where(OutboxNotice.status == "sent")))
            waiting = session.scalar(select(func.count()).select_from(OutboxNotice).where(
                OutboxNotice.status.in_(["pending", "claimed"]), OutboxNotice.post_at <= now))
        assert set(posted_keys) == sent
        assert waiting == 0
        reported = sum(int(out.split("posted ")[1].split()[0]) for out, _ in outputs if "posted " in out)
        assert reported == len(posted_keys), outputs
        carded = sum(1 for case in opened if case.channel_id)
        assert assert_cards_show_the_store(replicas.url, fake) == len(ORDERS) + carded
    finally:
        in_channel.dispose()
        direct.dispose()


def test_two_sweeps_at_once_post_the_weekly_report_once(replicas: Replicas) -> None:
    """Two `safet sweep` processes at the weekly report's hour (Monday 09:30 in Los Angeles): one message,
    one chart."""
    fake = replicas.fake
    now = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)
    env = {**replicas.env, "SAFET_REPORT_DAY": "monday", "SAFET_REPORT_HOUR": "9"}
    sweeps = [subprocess.Popen([*safet_command(), "sweep", "--now", now.isoformat()], env=env, cwd=replicas.tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
              for _ in range(2)]
    try:
        outputs = [process.communicate(timeout=60) for process in sweeps]
    finally:
        for process in sweeps:
            stop(process)
    for process, (out, err) in zip(sweeps, outputs, strict=True):
        assert process.returncode == 0, (out, err)
    posts = [m for m in fake.messages(CHANNEL) if m.get("text", "").startswith("Weekly report: Nov 30, 2026")]
    charts = [u for u in fake.uploads(CHANNEL) if u.filename == "report-2026-12-07.png"]
    assert (len(posts), len(charts)) == (1, 1)
