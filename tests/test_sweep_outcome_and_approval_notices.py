"""Sweep: outcome and approval notices; one case's notices at once; how notices read; digests and pacing (split
from tests/test_sweep.py, whose helpers it uses)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from rules.kinds import SafetReason, State
from store import cards as store_cards
from store import cases, opening
from store.db import Policy, Store
from sweep.scheduler import SweepResult, deliver_case_notices, sweep
from tests.processes import run_together
from tests.test_sweep import (  # noqa: F401 (fixtures)
    CHANNEL,
    JAMES,
    LEAD,
    MEI,
    H,
    cases_state,
    chargeback_due,
    client,
    fast,
    filed_claim,
    keys,
    messages,
    order_id,
    represented,
    run,
    settings,
    slack,
    stage_key,
    text_of,
)
from webapi.client import make_client
from webapi.posting import Pacer

# ---------------------------------------------------------------- outcome and approval notices


OUTCOMES = {
    "reimbursed": ("Amazon granted the claim and reimbursed $42.00",
                   lambda s, c, at: cases.record_grant(s, c, actor=MEI, is_lead=False, now=at, amount_cents=4200)),
    "denied": ("appeal once by",
               lambda s, c, at: cases.record_denial(s, c, actor=MEI, is_lead=False, now=at,
                                                    appeal_by=at + timedelta(days=10))),
}
CHARGEBACK_OUTCOMES = {
    "debited": ("Amazon debited $99.00", lambda s, c, at: cases.record_debit(
        s, c, actor=MEI, is_lead=False, now=at, amount_cents=9900, reason="No reply in time")),
    "won": ("decided in the seller's favour",
            lambda s, c, at: cases.record_win(s, c, actor=MEI, is_lead=False, now=at)),
    "debit_reversed": ("the debit was reversed", lambda s, c, at: decided(s, c, at, reversed_=True)),
    "debit_upheld": ("the debit stands", lambda s, c, at: decided(s, c, at, reversed_=False)),
}


def decided(store: Store, case_id: int, at: datetime, *, reversed_: bool) -> None:
    cases.record_debit(store, case_id, actor=MEI, is_lead=False, now=at - H, amount_cents=9900, reason="bank")
    cases.dispute_debit(store, case_id, actor=MEI, now=at - H, note="Proof of delivery")
    cases.decide_dispute(store, case_id, actor=MEI, is_lead=False, now=at, reversed_=reversed_)


@pytest.mark.parametrize("outcome", [*OUTCOMES, *CHARGEBACK_OUTCOMES])
def test_each_outcome_is_told_to_the_channel_and_to_the_owner_directly(store, client, settings, slack, now, outcome):  # noqa: F811
    if outcome in OUTCOMES:
        case_id = filed_claim(store, now - timedelta(days=2))
        says, record = OUTCOMES[outcome]
    else:
        case_id = represented(store, now - timedelta(days=2)).case.id
        says, record = CHARGEBACK_OUTCOMES[outcome]
    record(store, case_id, now)

    report = run(store, client, settings, now)

    assert report.errors == []
    assert cases_state(store, case_id) is State(outcome)
    channel_notices = [m for m in messages(slack) if "event:" in m["metadata"]["event_payload"]["keys"][0]]
    direct = messages(slack, MEI)
    assert says in text_of(channel_notices[-1])
    assert says in text_of(direct[-1])
    assert "<@UMEI>" in text_of(channel_notices[-1])
    assert run(store, client, settings, now + H).posted == 0


def test_approval_and_send_back_reach_the_preparer_by_direct_message_only(db_url, client, settings, slack, now):  # noqa: F811
    store = Store.from_url(db_url, Policy(case_channel=CHANNEL, require_approval=True))
    try:
        claim = opening.open_safet_claim(store, actor=JAMES, order_id=order_id(), reason=SafetReason.PENALTY_FEE,
                                       now=now - 3 * H).case.id
        cases.submit_for_approval(store, claim, actor=JAMES, now=now - 2 * H)
        cases.send_back(store, claim, actor=LEAD, is_lead=True, now=now - H,
                        note="Attach the penalty notice <!here>")
        cases.submit_for_approval(store, claim, actor=JAMES, now=now - 30 * timedelta(minutes=1))
        cases.approve(store, claim, actor=LEAD, is_lead=True, now=now)

        report = run(store, client, settings, now)

        assert (report.posted, report.errors) == (2, [])
        assert messages(slack) == []
        sent_back, approved = messages(slack, JAMES)
        assert "<@ULEAD> sent back your" in text_of(sent_back)
        assert "Attach the penalty notice &lt;!here&gt;" in text_of(sent_back)
        assert "<!here>" not in text_of(sent_back)
        assert "<@ULEAD> approved your" in text_of(approved)
        assert "Mark as submitted" in text_of(approved)
    finally:
        store.dispose()


def test_a_direct_message_speaks_the_owners_language(store, client, settings, slack, now):  # noqa: F811
    from store.people import save_chosen_locale

    save_chosen_locale(store, MEI, "zh_CN")
    case_id = filed_claim(store, now - H)
    cases.record_grant(store, case_id, actor=MEI, is_lead=False, now=now, amount_cents=5000)

    run(store, client, settings, now)

    assert "US$50.00" in text_of(messages(slack, MEI)[-1])  # formatted for zh_CN
    assert "$50.00" in text_of(messages(slack)[-1]) and "US$" not in text_of(messages(slack)[-1])


# ---------------------------------------------------------------- one case's notices at once


def test_an_outcome_is_posted_at_once_for_its_case_only_and_the_next_sweep_posts_nothing_more(
        store, client, settings, slack, now):  # noqa: F811
    case_id = filed_claim(store, now - timedelta(days=2))
    other = chargeback_due(store, now + 2 * H)  # another case's warning, due: left for the sweep
    granted = cases.record_grant(store, case_id, actor=MEI, is_lead=False, now=now, amount_cents=4200)
    event = granted.event.id

    report = deliver_case_notices(store, client, settings, case_id, now=now)

    assert (report.posted, report.messages, report.left, report.errors) == (2, 2, 0, [])
    assert keys(slack) == [f"event:{event}:channel"]
    assert keys(slack, MEI) == [f"event:{event}:dm"]
    for message in (messages(slack)[0], messages(slack, MEI)[0]):
        assert "Amazon granted the claim and reimbursed $42.00" in text_of(message)
    assert deliver_case_notices(store, client, settings, case_id, now=now + H).posted == 0

    sweep_report = run(store, client, settings, now + timedelta(minutes=1))

    assert (sweep_report.posted, sweep_report.errors) == (1, [])
    assert Counter(keys(slack, CHANNEL, MEI)) == {f"event:{event}:channel": 1, f"event:{event}:dm": 1,
                                                  stage_key(other, "warn-4h"): 1}


def test_notices_posted_at_once_while_slack_is_down_wait_for_the_sweep(store, client, settings, slack, now):  # noqa: F811
    case_id = filed_claim(store, now - timedelta(days=2))
    cases.record_grant(store, case_id, actor=MEI, is_lead=False, now=now, amount_cents=4200)
    slack.fail_next("chat.postMessage", status=500, times=2)  # two lost answers in a row: Slack is down

    report = deliver_case_notices(store, client, settings, case_id, now=now)

    assert (report.posted, report.left) == (0, 2)
    assert report.errors and "Slack could not be reached" in report.errors[0]
    assert run(store, client, settings, now + timedelta(minutes=1)).posted == 2
    assert len(keys(slack, CHANNEL, MEI)) == 2


def test_a_case_delivered_at_once_while_sweeps_run_is_posted_exactly_once(db_url, store, settings, slack, now):  # noqa: F811
    made = [filed_claim(store, now - timedelta(days=2), owner=f"U{n}Q") for n in range(6)]
    for case_id in made:
        cases.record_grant(store, case_id, actor=MEI, is_lead=True, now=now, amount_cents=4200)
    stores = [Store.from_url(db_url, store.policy) for _ in range(4)]
    reports: list[SweepResult] = []

    def one(n: int, s: Store) -> None:
        client = fast(make_client(settings))  # noqa: F811
        if n % 2:
            reports.append(sweep(s, client, settings, now=now, pacer=Pacer(0), batch=3))
        else:
            for case_id in made:
                reports.append(deliver_case_notices(s, client, settings, case_id, now=now, pacer=Pacer(0)))

    run_together(one, ((n, s) for n, s in enumerate(stores)), timeout=30)
    for s in stores:
        s.dispose()

    assert all(r.errors == [] for r in reports)
    assert sum(r.posted for r in reports) == 12
    posted = Counter(keys(slack, CHANNEL, *(f"U{n}Q" for n in range(6))))
    assert len(posted) == 12 and set(posted.values()) == {1}


# ---------------------------------------------------------------- how notices read


def test_notices_mention_the_owner_link_the_card_carry_a_date_token_and_refresh_the_card(
        store, client, settings, slack, now):  # noqa: F811
    change = chargeback_due(store, now + 3 * H, owner=JAMES)
    store_cards.fill_slot(store, change.case.id, channel_id=CHANNEL, ts="1700000000.000100")
    refreshed: list[int] = []

    run(store, client, settings, now, refresh_card=refreshed.append)

    [message] = messages(slack)
    text = text_of(message)
    due = change.case.next_deadline.due_at
    assert "<@UJAMES>" in text
    assert f"<!date^{int(due.timestamp())}^{{date_short_pretty}} {{time}}|" in text
    assert "(in 3 hours)" in text
    assert "https://fake.slack.test/archives/CCASES/p1700000000000100" in text
    assert "Next: in Seller Central" in text
    assert "<!channel>" not in text and "<!here>" not in text
    assert refreshed == [change.case.id]


def test_user_text_such_as_a_channel_ping_in_case_notes_is_escaped(store, client, settings, slack, now):  # noqa: F811
    chargeback_due(store, now + 3 * H, notes="<!channel> call <@U999> & see <https://evil.example|this>")

    run(store, client, settings, now)

    [message] = messages(slack)
    text = text_of(message)
    assert "&lt;!channel&gt; call &lt;@U999&gt; &amp; see &lt;https://evil.example|this&gt;" in text
    assert "<!channel>" not in text and "<@U999>" not in text and "<https://evil" not in text


# ---------------------------------------------------------------- digests and pacing


def test_more_than_three_notices_for_one_channel_go_out_as_one_digest_most_urgent_first(
        store, client, settings, slack, now):  # noqa: F811
    made = {name: chargeback_due(store, now + offset) for name, offset in
            (("warn-48h", 40 * H), ("overdue", -H), ("warn-24h", 20 * H), ("warn-4h-later", 3 * H),
             ("warn-4h", 2 * H))}

    report = run(store, client, settings, now)

    assert (report.posted, report.messages) == (5, 1)
    [message] = messages(slack)
    expected = [stage_key(made["overdue"], "overdue"), stage_key(made["warn-4h"], "warn-4h"),
                stage_key(made["warn-4h-later"], "warn-4h"), stage_key(made["warn-24h"], "warn-24h"),
                stage_key(made["warn-48h"], "warn-48h")]
    assert message["metadata"]["event_payload"]["keys"] == expected
    assert message["blocks"][0]["text"]["text"] == "5 notices, most urgent first"


def test_three_notices_for_one_channel_stand_alone_paced_about_a_second_apart(store, client, settings, slack, now):  # noqa: F811
    for offset in (2 * H, 3 * H, 20 * H):
        chargeback_due(store, now + offset)
    sleeps: list[float] = []

    report = sweep(store, client, settings, now=now, pacer=Pacer(1.0, sleep=sleeps.append, clock=lambda: 100.0))

    assert (report.posted, report.messages) == (3, 3)
    assert sleeps == [1.0, 1.0]


def test_a_digest_is_split_only_where_a_message_would_exceed_50_blocks(store, client, settings, slack, now):  # noqa: F811
    for n in range(20):
        chargeback_due(store, now + 2 * H + n * timedelta(minutes=1))

    report = run(store, client, settings, now)

    assert (report.posted, report.messages) == (20, 2)
    posted = messages(slack)
    assert all(len(m["blocks"]) <= 50 for m in posted)
    assert len(posted[0]["blocks"]) > 40
    assert Counter(keys(slack)).most_common(1)[0][1] == 1 and len(keys(slack)) == 20
    assert "(part 1 of 2)" in posted[0]["blocks"][0]["text"]["text"]
