"""Delivery that holds the way Slack really fails, against the local fake (SQLite and PostgreSQL): a
reply lost after the write (HTTP 500, a dropped connection, an answer after the client's timeout), a
lease taken over mid-way, a conflict on one case, one sweeper per database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from store.db import Policy, Store
from store.models import OutboxNotice
from store.upkeep import sweep_lock
from sweep.scheduler import sweep
from tests.processes import run_together
from tests.test_sweep import (
    CHANNEL,
    H,
    chargeback_due,
    denied,
    fast,
    keys,
    outbox_rows,
    run,
    settings,  # noqa: F401 - a fixture
    slack,  # noqa: F401 - a fixture
    stage_key,
)
from webapi.client import make_client
from webapi.posting import Pacer


@pytest.fixture
def client(settings):  # type: ignore[no-untyped-def]  # noqa: F811
    """The app's client with a short timeout, so an answer after it is a lost reply."""
    return fast(make_client(settings, timeout=1))


@pytest.mark.parametrize("how", ["500", "drop", "late"])
def test_a_reply_lost_after_slack_posted_leaves_the_notice_in_the_channel_exactly_once(
        store, client, settings, slack, now, how):  # noqa: F811
    made = [chargeback_due(store, now + 2 * H, owner=f"U{n}L") for n in range(3)]
    posted = []
    slack.after_call("chat.postMessage", lambda call: posted.append(call))
    slack.lose_reply("chat.postMessage", how, delay=1.5)  # the first post lands, its answer does not

    first = run(store, client, settings, now)

    assert (first.posted, first.unknown) == (2, 1)
    assert first.errors and "looks them up" in first.errors[0]
    assert len(slack.calls("chat.postMessage")) == 3  # nothing re-sent it, neither the SDK nor the sweep
    second = run(store, client, settings, now + timedelta(minutes=1))
    third = run(store, client, settings, now + timedelta(minutes=6))

    assert (second.recovered, second.posted, second.errors, third.posted) == (1, 0, [], 0)
    assert Counter(keys(slack)) == {stage_key(c, "warn-4h"): 1 for c in made}
    assert len(slack.calls("chat.postMessage")) == 3
    assert {row.status for row in outbox_rows(store).values() if row.stage == "warn-4h"} == {"sent"}


def test_forty_notices_with_lost_replies_two_sweeps_apart_are_each_in_their_channel_once(
        db_url, store, client, settings, slack, now):  # noqa: F811
    channels = [f"CLOST{n}" for n in range(10)]
    stores = [Store.from_url(db_url, Policy(case_channel=c)) for c in channels]
    try:
        made = [chargeback_due(stores[n % 10], now + 2 * H, owner=f"U{n}F") for n in range(40)]
    finally:
        for s in stores:
            s.dispose()
    slack.lose_reply("chat.postMessage", "500", times=1)
    first = run(store, client, settings, now)
    second = run(store, client, settings, now + timedelta(minutes=5))
    third = run(store, client, settings, now + timedelta(minutes=10))

    assert Counter(keys(slack, *channels)) == {stage_key(c, "warn-4h"): 1 for c in made}
    assert first.unknown == 4 and second.recovered == 4  # a digest of four: its fate is one
    assert (third.posted, third.recovered, third.left) == (0, 0, 0)


def test_a_sweep_whose_lease_is_taken_over_mid_way_posts_nothing_more(store, client, settings, slack, now):  # noqa: F811
    made = [chargeback_due(store, now + 2 * H, owner=f"U{n}E") for n in range(3)]  # one channel: one post a round

    def take_over(call: Any) -> None:
        if len(slack.calls("chat.postMessage")) == 1:  # another sweep presumed this one dead
            with store.transaction() as session:
                session.execute(update(OutboxNotice).where(OutboxNotice.status == "claimed")
                                .values(claim_token="the-other-sweep"))

    slack.after_call("chat.postMessage", take_over)
    report = run(store, client, settings, now)
    slack.after_call("chat.postMessage", None)

    assert len(slack.calls("chat.postMessage")) == 1
    assert report.errors and "lost its lease" in report.errors[0]
    rows = outbox_rows(store)
    assert Counter(r.claim_token for r in rows.values() if r.status == "claimed") == {"the-other-sweep": 3}

    later = run(store, client, settings, now + timedelta(minutes=6))  # the other sweep died too: taken over
    assert (later.recovered, later.posted, later.errors) == (1, 2, [])
    assert Counter(keys(slack)) == {stage_key(c, "warn-4h"): 1 for c in made}


@contextmanager
def another_writer(store: Store, victims: set[int]) -> Iterator[None]:
    """Just before the sweep writes one of ``victims``, another writer changes it (its version moves on)."""
    bumping = [False]

    def bump(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if bumping[0] or not statement.startswith("UPDATE cases") or "version" not in statement:
            return
        victim = context.compiled_parameters[0].get("cases_id") if context is not None else None
        if victim not in victims:
            return
        bumping[0] = True
        try:
            conn.exec_driver_sql(f"UPDATE cases SET version = version + 1 WHERE id = {int(victim)}")
        finally:
            bumping[0] = False

    event.listen(store.engine, "before_cursor_execute", bump)
    try:
        yield
    finally:
        event.remove(store.engine, "before_cursor_execute", bump)


def test_a_conflict_on_one_case_skips_it_this_round_and_the_others_still_settle_and_post(
        store, client, settings, slack, now):  # noqa: F811
    denials = [denied(store, now, appeal_by=now + timedelta(days=3)) for _ in range(3)]
    run(store, client, settings, now)
    due = denials[0].case.next_deadline.due_at

    with another_writer(store, {denials[1].case.id}):
        report = run(store, client, settings, due + H)

    assert (report.expired, report.conflicts, report.errors) == (2, 1, [])
    assert sorted(keys(slack)[-3:]) == sorted(stage_key(d, "overdue") for d in denials)
    again = run(store, client, settings, due + 2 * H)
    assert (again.expired, again.conflicts, again.posted) == (1, 0, 0)


def test_a_full_page_of_refused_settlements_never_hides_the_ones_after_it(store, client, settings, slack, now):  # noqa: F811
    denials = [denied(store, now, appeal_by=now + timedelta(days=3)) for _ in range(3)]
    run(store, client, settings, now)
    due = denials[0].case.next_deadline.due_at

    with another_writer(store, {denials[0].case.id, denials[1].case.id}):  # the whole first page of two
        report = run(store, client, settings, due + H, batch=2)

    assert (report.expired, report.conflicts) == (1, 2)
    assert run(store, client, settings, due + 2 * H, batch=2).expired == 2


def test_one_process_sweeps_a_database_at_a_time(store, client, settings, slack, now):  # noqa: F811
    made = chargeback_due(store, now + 2 * H)
    with sweep_lock(store) as held:
        assert held
        busy = sweep(store, client, settings, now=now, pacer=Pacer(0))
        if store.dialect == "postgresql":
            assert busy.busy and busy.posted == 0 and "another sweep" in busy.summary()
    report = run(store, client, settings, now)
    assert keys(slack, CHANNEL) == [stage_key(made, "warn-4h")]
    assert report.posted == (1 if store.dialect == "postgresql" else 0)


# ---------------------------------------------------------------- the card slot


def deps_for(store: Store, settings: Any, at: list) -> Any:  # type: ignore[type-arg]  # noqa: F811
    from handlers.deps import Deps
    from webapi.people import Directory

    directory = Directory(store, default_locale="en", team_zone=settings.zone, leads=(), clock=lambda: at[0])
    return Deps(settings=settings, store=store, directory=directory, clock=lambda: at[0])


def cards_in(slack: Any, channel: str = CHANNEL) -> list[dict]:  # type: ignore[type-arg]  # noqa: F811
    return [m for m in slack.messages(channel) if (m.get("metadata") or {}).get("event_type") == "safet_card"]


def test_redraws_racing_on_a_case_without_a_card_post_exactly_one_card(db_url, store, settings, slack, now):  # noqa: F811

    from handlers.case_card import refresh_card
    from store.queries import get_case

    change = chargeback_due(store, now + 2 * H)
    assert change.case.channel_id == CHANNEL and change.case.card_ts is None
    stores = [Store.from_url(db_url, store.policy) for _ in range(4)]
    slack.latency = 0.2  # every redraw is in flight at once
    run_together(refresh_card, ((deps_for(s, settings, [now]), make_client(settings), change.case.id)
                                for s in stores))
    for s in stores:
        s.dispose()
    slack.latency = 0

    [card] = cards_in(slack)
    assert get_case(store, change.case.id).card_ts == card["ts"]


def test_a_first_card_whose_answer_was_lost_is_found_in_the_channel_not_posted_twice(store, settings, slack, now):  # noqa: F811
    from handlers.case_card import refresh_card
    from store.queries import get_case

    change = chargeback_due(store, now + 2 * H)
    at = [now]
    deps = deps_for(store, settings, at)
    slack.lose_reply("chat.postMessage", "500")
    refresh_card(deps, make_client(settings, max_retries=0), change.case.id)
    assert len(cards_in(slack)) == 1 and get_case(store, change.case.id).card_ts is None

    refresh_card(deps, make_client(settings), change.case.id)  # within the slot's hold: hands off
    at[0] = now + timedelta(minutes=3)
    refresh_card(deps, make_client(settings), change.case.id)  # the hold ran out: looked up, not re-posted

    [card] = cards_in(slack)
    assert get_case(store, change.case.id).card_ts == card["ts"]
    assert len(slack.calls("conversations.history")) == 1


# ---------------------------------------------------------------- an outcome told as its event said it


def test_a_denial_told_after_a_later_appeal_still_says_what_the_denial_said(store, client, settings, slack, now):  # noqa: F811
    from store import cases
    from tests.test_sweep import MEI, filed_claim, messages, text_of

    case_id = filed_claim(store, now - timedelta(days=2))
    appeal_by = now + timedelta(days=10)
    first = cases.record_denial(store, case_id, actor=MEI, is_lead=False, now=now, appeal_by=appeal_by)
    cases.record_appeal(store, case_id, actor=MEI, now=now + H, new_evidence="New photos")  # before any sweep
    second = cases.record_denial(store, case_id, actor=MEI, is_lead=False, now=now + 2 * H)

    run(store, client, settings, now + 3 * H)

    told = {m["metadata"]["event_payload"]["keys"][0]: text_of(m) for m in messages(slack)}
    denial = told[f"event:{first.event.id}:channel"]
    assert "appeal once by" in denial and f"<!date^{int(appeal_by.timestamp())}^" in denial
    assert "the decision is final" not in denial
    assert "the decision is final" in told[f"event:{second.event.id}:channel"]


# ---------------------------------------------------------------- each notice serialised once, as slack_sdk would


def test_notices_and_cards_serialise_exactly_as_slack_sdk_does(store, settings, now):  # noqa: F811
    from dataclasses import replace

    from store import cases
    from store.queries import get_case
    from sweep.context import Round
    from sweep.scheduler import jobs
    from tests.test_sweep import MEI, filed_claim
    from views.case_card import case_card
    from views.i18n import translator
    from views.market_view import MarketView
    from webapi.posting import RecordingPoster, plain

    made = [chargeback_due(store, now + 2 * H, notes="<!channel> & more") for _ in range(5)]
    claim = filed_claim(store, now - timedelta(days=5))
    cases.log_info_request(store, claim, actor=MEI, now=now - timedelta(days=5), arrived_at=now - timedelta(days=5))
    denial = denied(store, now, appeal_by=now + timedelta(days=3))
    poster = RecordingPoster()
    with store.rehearsal() as trial:  # the sweep's own jobs, rolled back
        jobs(Round(trial, poster, replace(settings, digest_hour=9), now=now, dry_run=True, refresh_card=None,
                   pacer=Pacer(0), batch=100, lease=timedelta(minutes=5), directory=None))
    posted = [p.message for p in poster.take()]
    assert len(posted) >= 4
    for message in posted:
        assert plain(message.blocks) == [b.to_dict() for b in message.blocks]
    tr, team = translator("en"), MarketView(zone=settings.zone, holidays="US")
    for case_id in [c.case.id for c in made] + [claim, denial.case.id]:
        card = case_card(get_case(store, case_id), tr, team=team, now=now)
        assert plain(card) == [b.to_dict() for b in card]


def test_cards_past_a_sweeps_budget_are_redrawn_by_the_next_sweeps_most_urgent_first(
        store, client, settings, slack, now):  # noqa: F811

    from store import cards as store_cards

    made = [chargeback_due(store, now + 3 * H - n * timedelta(minutes=10), owner=f"U{n}C") for n in range(5)]
    card_ts = []
    for change in made:
        card_ts.append(client.chat_postMessage(channel=CHANNEL, text="card")["ts"])
        store_cards.fill_slot(store, change.case.id, channel_id=CHANNEL, ts=card_ts[-1])

    first = sweep(store, client, settings, now=now, pacer=Pacer(0), card_budget=2)
    assert (first.posted, first.cards) == (5, 2)
    assert [c.args["ts"] for c in slack.calls("chat.update")] == [card_ts[4], card_ts[3]]  # the most urgent first
    second = sweep(store, client, settings, now=now + timedelta(minutes=1), pacer=Pacer(0), card_budget=2)
    third = sweep(store, client, settings, now=now + timedelta(minutes=2), pacer=Pacer(0), card_budget=2)
    fourth = sweep(store, client, settings, now=now + timedelta(minutes=3), pacer=Pacer(0), card_budget=2)
    assert (second.cards, third.cards, fourth.cards) == (2, 1, 0)
    assert len(slack.calls("chat.update")) == 5  # each card once: none dropped, none twice


# ---------------------------------------------------------------- kill -9 mid-sweep, on SQLite too


def test_a_sweep_killed_mid_way_on_sqlite_still_posts_each_notice_once_after_a_restart(
        sqlite_template, tmp_path, now):  # type: ignore[no-untyped-def]
    import shutil
    import time

    from tests.fake_slack import FakeSlack
    from tests.test_sweep_postgres import all_keys, cli, due_notices, statuses

    path = tmp_path / "killed.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    with FakeSlack() as fake:
        expected = due_notices(url, now, 8)
        fake.latency = 1.0  # the first post lands a second after its request arrives
        killed = cli(url, fake.base_url, now)
        fake.wait_for("chat.postMessage", timeout=30)
        killed.kill()  # kill -9 while it waits for Slack's answer; the message still lands
        killed.wait(10)
        time.sleep(1.2)
        fake.latency = 0
        assert len(all_keys(fake)) >= 1 and statuses(url, expected)["claimed"] >= 1

        restarted = cli(url, fake.base_url, now + timedelta(minutes=6))
        assert restarted.wait(60) == 0, restarted.stderr.read()
        assert "found already posted: " in restarted.stdout.read()
        assert all_keys(fake) == dict.fromkeys(expected, 1)
        assert statuses(url, expected) == {"sent": 8}


def test_a_backlog_bigger_than_a_sweeps_budget_goes_out_over_the_next_sweeps_never_dropped_never_doubled(
        db_url, client, settings, slack, now):  # noqa: F811
    channels = [f"CBACK{n}" for n in range(3)]
    stores = [Store.from_url(db_url, Policy(case_channel=c)) for c in channels]
    try:
        made = [chargeback_due(stores[n % 3], now + 2 * H + n * timedelta(minutes=1), owner=f"U{n}K")
                for n in range(9)]  # three a channel: each its own message, one a second per channel
    finally:
        for s in stores[1:]:
            s.dispose()
    store = stores[0]
    reports = []
    for minute in range(5):
        reports.append(sweep(store, client, settings, now=now + timedelta(minutes=minute),
                             pacer=Pacer(0.3), seconds=0.01))  # past its budget after the first round
    store.dispose()
    assert [(r.posted, r.left, r.errors) for r in reports[:3]] == [(3, 6, []), (3, 3, []), (3, 0, [])]
    assert sum(r.posted for r in reports) == 9
    assert Counter(keys(slack, *channels)) == {stage_key(c, "warn-4h"): 1 for c in made}
    [earliest] = [m for m in slack.messages(channels[0]) if m.get("metadata")][:1]
    assert earliest["metadata"]["event_payload"]["keys"] == [stage_key(made[0], "warn-4h")]  # most urgent first
