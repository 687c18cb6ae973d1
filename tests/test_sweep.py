"""The sweep, by time travel against the fake Slack: warning ladders, late starts, automatic closes,
the 90-day presumption, lapsed "Appeal by" dates, outcome and approval notices (also posted at once,
per case), digests, failures, retries, crash recovery, the dry run, the daily summary, the CLI and the
in-process sweeper. The demo has tests/test_demo.py."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy import select, update

from rules.errors import DomainError
from rules.kinds import ComplaintType, SafetReason, State
from slack_app.config import Settings
from store import cases
from store.db import Policy, Store
from store.models import AuditEvent, Case, OutboxNotice
from store.queries import home_data
from sweep.scheduler import SweepReport, deliver_case_notices, start_sweeper, sweep
from tests.fake_slack import FakeSlack
from webapi.client import make_client
from webapi.posting import Pacer

CHANNEL = "CCASES"
MEI, JAMES, LEAD = "UMEI", "UJAMES", "ULEAD"
H = timedelta(hours=1)


@pytest.fixture(scope="module")
def slack_server() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def slack(slack_server: FakeSlack) -> FakeSlack:
    slack_server.reset()
    return slack_server


@pytest.fixture
def settings(slack: FakeSlack) -> Settings:
    return Settings(api_url=slack.base_url, bot_token="xoxb-test", alert_channel=CHANNEL, digest_hour=None)


def fast(client: WebClient) -> WebClient:
    """The app's client, retrying 5xx and dropped connections without the backoff waits."""
    for handler in client.retry_handlers or []:
        handler.interval_calculator = FixedValueRetryIntervalCalculator(0.0)
    return client


@pytest.fixture
def client(settings: Settings) -> WebClient:
    return fast(make_client(settings))


def run(store: Store, client: Any, settings: Settings, at: datetime, **options: Any) -> SweepReport:
    return sweep(store, client, settings, now=at, pacer=Pacer(0), **options)


_orders = itertools.count(1)


def order_id() -> str:
    n = next(_orders)
    return f"{100 + n % 900:03d}-{n:07d}-{n:07d}"


def chargeback_due(store: Store, due_at: datetime, *, owner: str = MEI, notes: str = "") -> cases.Change:
    """A chargeback whose email's exact time makes the reply due at ``due_at`` (7 × 24 h later)."""
    email_at = due_at - timedelta(days=7)
    return cases.open_chargeback(store, actor=owner, order_id=order_id(), amount_cents=12999, currency="USD",
                                 now=email_at, complaint_type=ComplaintType.NOT_RECEIVED, email_at=email_at,
                                 notes=notes)


def filed_claim(store: Store, at: datetime, *, owner: str = MEI) -> int:
    change = cases.open_safet_claim(store, actor=owner, order_id=order_id(), reason=SafetReason.TRIP_CREDIT, now=at)
    cases.record_filing(store, change.case.id, actor=owner, now=at, claim_number="SAFE-T 4471-2290")
    return change.case.id


def represented(store: Store, at: datetime, *, owner: str = MEI) -> cases.Change:
    case = chargeback_due(store, at + timedelta(days=3), owner=owner)
    return cases.represent(store, case.case.id, actor=owner, now=at, shipped_on=None, shipping_method="UPS",
                           tracking="1Z999")


def messages(slack: FakeSlack, channel: str = CHANNEL) -> list[dict]:
    """Notices in a channel (or a user's DM), oldest first."""
    return [m for m in slack.messages(channel) if (m.get("metadata") or {}).get("event_type") == "safet_notice"]


def keys(slack: FakeSlack, *channels: str) -> list[str]:
    return [k for channel in channels or (CHANNEL,) for m in messages(slack, channel)
            for k in m["metadata"]["event_payload"]["keys"]]


def text_of(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def outbox_rows(store: Store) -> dict[str, OutboxNotice]:
    with store.reading() as session:
        return {row.key: row for row in session.scalars(select(OutboxNotice))}


def stage_key(change: cases.Change, stage: str) -> str:
    deadline = change.case.next_deadline
    assert deadline is not None
    return f"deadline:{deadline.id}:{stage}"


# ---------------------------------------------------------------- the warning ladder


def test_each_ladder_stage_is_posted_at_its_instant_and_never_again(store, client, settings, slack, now):
    change = chargeback_due(store, now + timedelta(days=3))
    due = change.case.next_deadline.due_at

    for stage, before in (("warn-48h", 48 * H), ("warn-24h", 24 * H), ("warn-4h", 4 * H), ("overdue", 0 * H)):
        seen = len(keys(slack))
        assert run(store, client, settings, due - before - timedelta(minutes=1)).posted == 0
        report = run(store, client, settings, due - before)
        assert (report.posted, report.skipped, report.errors) == (1, 0, [])
        assert keys(slack)[seen:] == [stage_key(change, stage)]
        assert run(store, client, settings, due - before).posted == 0

    assert Counter(keys(slack)) == {stage_key(change, s): 1 for s in ("warn-48h", "warn-24h", "warn-4h", "overdue")}


def test_a_first_sweep_an_hour_before_due_posts_only_the_4h_warning_and_skips_the_earlier_ones(
        store, client, settings, slack, now):
    change = chargeback_due(store, now + H)

    report = run(store, client, settings, now)

    assert (report.posted, report.skipped) == (1, 2)
    assert keys(slack) == [stage_key(change, "warn-4h")]
    rows = outbox_rows(store)
    assert [rows[stage_key(change, s)].status for s in ("warn-48h", "warn-24h", "warn-4h", "overdue")] == \
        ["skipped", "skipped", "sent", "pending"]
    assert run(store, client, settings, now + 30 * timedelta(minutes=1)).posted == 0


def test_a_missed_warning_is_posted_late_once_when_no_later_stage_applies_yet(store, client, settings, slack, now):
    change = chargeback_due(store, now + 10 * H)

    report = run(store, client, settings, now)

    assert (report.posted, report.skipped) == (1, 1)
    assert keys(slack) == [stage_key(change, "warn-24h")]
    assert "in 10 hours" in text_of(messages(slack)[0])


def test_a_chargeback_left_unanswered_gets_an_overdue_notice_that_amazon_may_debit(store, client, settings, slack, now):
    change = chargeback_due(store, now - 2 * H)

    report = run(store, client, settings, now)

    assert (report.posted, report.skipped) == (1, 3)
    [message] = messages(slack)
    assert message["metadata"]["event_payload"]["keys"] == [stage_key(change, "overdue")]
    assert "Amazon may debit the account" in text_of(message)
    assert "overdue by 2 hours" in text_of(message)
    assert cases_state(store, change.case.id) is State.ACTION_REQUIRED


def cases_state(store: Store, case_id: int) -> State:
    with store.reading() as session:
        return State(session.get(Case, case_id).state)


# ---------------------------------------------------------------- deadlines that settle by themselves


def test_an_unanswered_information_request_closes_the_claim_and_tells_the_channel_and_the_owner(
        store, client, settings, slack, now):
    claim = filed_claim(store, now - timedelta(days=1))
    cases.log_info_request(store, claim, actor=MEI, now=now, arrived_at=now)  # Friday 15:00 → Tuesday 15:00
    due = now + timedelta(days=4)

    assert run(store, client, settings, due - timedelta(minutes=1)).closed == 0
    assert cases_state(store, claim) is State.INFO_REQUESTED

    report = run(store, client, settings, due)

    assert (report.closed, report.posted, report.errors) == (1, 2, [])
    assert cases_state(store, claim) is State.AUTO_CLOSED
    with store.reading() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.case_id == claim)
                                .order_by(AuditEvent.id.desc())).first()
    assert (event.actor, event.action, event.to_state) == ("system", "auto_close", "auto_closed")
    [channel_notice] = [m for m in messages(slack) if "Closed automatically" in text_of(m)]
    [direct] = messages(slack, MEI)
    for message in (channel_notice, direct):
        text = text_of(message)
        assert "closed the claim automatically" in text
        assert "Lost: the reimbursement this claim asked for ($50.00)" in text
        assert "What can still be done" in text
        assert "<@UMEI>" in text
    assert run(store, client, settings, due + H).posted == 0


def test_a_represented_chargeback_with_no_debit_in_90_days_is_presumed_in_the_sellers_favour(
        store, client, settings, slack, now):
    change = represented(store, now)
    window = change.case.next_deadline
    assert window is not None and window.kind.value == "outcome_window"

    assert run(store, client, settings, window.due_at - timedelta(seconds=1)).presumed == 0
    report = run(store, client, settings, window.due_at)

    assert (report.presumed, report.errors) == (1, [])
    assert cases_state(store, change.case.id) is State.NO_DEBIT
    for message in (messages(slack)[-1], messages(slack, MEI)[-1]):
        assert "No debit came" in text_of(message)
        assert "presumed decided in the seller's favour" in text_of(message)


# ---------------------------------------------------------------- "Appeal by" dates that pass


def denied(store: Store, at: datetime, appeal_by: datetime) -> cases.Change:
    case_id = filed_claim(store, at - timedelta(days=2))
    return cases.record_denial(store, case_id, actor=MEI, is_lead=False, now=at, appeal_by=appeal_by)


def deadline_row(store: Store, deadline_id: int) -> Any:
    from store.models import CaseDeadline

    with store.reading() as session:
        return session.get(CaseDeadline, deadline_id)


def overdue_total(store: Store, at: datetime) -> int:
    from store import outbox

    return outbox.daily_facts(store, now=at, until=at + timedelta(days=2)).overdue_total


def test_a_passed_appeal_by_date_is_told_once_then_settled_missed_with_the_denial_unchanged(
        store, client, settings, slack, now):
    change = denied(store, now, appeal_by=now + timedelta(days=3))
    deadline = change.case.next_deadline
    assert deadline is not None and deadline.kind.value == "appeal_by"
    run(store, client, settings, now)  # the denial's notices
    assert run(store, client, settings, deadline.due_at - 24 * H).posted == 1  # warn-24h (warn-48h skipped)
    after = deadline.due_at + H
    before = snapshot(store)

    preview = sweep(store, None, settings, now=after, dry_run=True)

    assert snapshot(store) == before
    assert "Appeal passed → settled as missed, the case unchanged" in "\n".join(preview.preview)
    assert (preview.expired, preview.posted) == (1, 1)

    report = run(store, client, settings, after)

    assert (report.expired, report.posted, report.skipped, report.errors) == (1, 1, 0, [])
    assert "appeal windows closed: 1" in report.summary()
    assert keys(slack)[-1] == stage_key(change, "overdue")
    assert "Seller Central may no longer accept an appeal, and the denial stands" in text_of(messages(slack)[-1])
    assert cases_state(store, change.case.id) is State.DENIED
    row = deadline_row(store, deadline.id)
    assert (row.status, row.settled_at is not None) == ("missed", True)
    with store.reading() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.case_id == change.case.id)
                                .order_by(AuditEvent.id.desc())).first()
    assert (event.actor, event.action, event.from_state, event.to_state) == \
        ("system", "deadline_expired", "denied", "denied")
    assert overdue_total(store, after) == 0
    rows = outbox_rows(store)
    assert [rows[stage_key(change, s)].status for s in ("warn-48h", "warn-24h", "overdue")] == \
        ["skipped", "sent", "sent"]
    for later in (after + H, after + timedelta(days=1)):
        assert (run(store, client, settings, later).posted, run(store, client, settings, later).expired) == (0, 0)
    assert Counter(keys(slack))[stage_key(change, "overdue")] == 1
    with pytest.raises(DomainError, match="Appeal by"):
        cases.record_appeal(store, change.case.id, actor=MEI, now=after + H, new_evidence="New photos")


def test_warnings_left_when_an_appeal_by_date_lapses_are_cancelled_and_its_overdue_notice_survives_an_outage(
        store, client, settings, slack, now):
    change = denied(store, now, appeal_by=now + timedelta(days=3))
    run(store, client, settings, now)
    due = change.case.next_deadline.due_at
    slack.fail_next("chat.postMessage", status=500)  # a lost answer: looked up, never re-sent blindly

    down = run(store, client, settings, due + H)

    assert (down.expired, down.posted, down.left) == (1, 0, 1)
    assert down.errors and "Slack could not be reached" in down.errors[0]
    rows = outbox_rows(store)
    assert [rows[stage_key(change, s)].status for s in ("warn-48h", "warn-24h", "overdue")] == \
        ["cancelled", "cancelled", "pending"]

    back = run(store, client, settings, due + 2 * H)

    assert (back.expired, back.posted, back.errors) == (0, 1, [])
    assert [k for k in keys(slack) if k.startswith("deadline:")] == [stage_key(change, "overdue")]


def test_an_appeal_by_date_whose_overdue_notice_already_went_out_is_settled_without_posting_again(
        store, client, settings, slack, now):
    change = denied(store, now, appeal_by=now + timedelta(days=3))
    due = change.case.next_deadline.due_at
    with store.transaction() as session:  # told before lapsing existed: the deadline stayed open
        session.execute(update(OutboxNotice).where(OutboxNotice.case_id == change.case.id)
                        .values(status="sent", sent_ts="1700000000.000100", settled_at=due))
    assert overdue_total(store, due + timedelta(days=5)) == 1

    report = run(store, client, settings, due + timedelta(days=5))

    assert (report.expired, report.posted) == (1, 0)
    assert overdue_total(store, due + timedelta(days=5)) == 0
    assert slack.calls("chat.postMessage") == []


def test_expire_deadline_settles_only_an_open_deadline_that_is_due(store, now):
    change = denied(store, now, appeal_by=now + timedelta(days=3))
    deadline = change.case.next_deadline

    with pytest.raises(DomainError, match="Nothing is due yet"):
        cases.expire_deadline(store, deadline.id, now=deadline.due_at - timedelta(seconds=1))
    expired = cases.expire_deadline(store, deadline.id, now=deadline.due_at)
    assert expired.case.state is State.DENIED and expired.case.open_deadlines == []
    assert expired.case.version > change.case.version
    with pytest.raises(DomainError, match="no longer open"):
        cases.expire_deadline(store, deadline.id, now=deadline.due_at + H)


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
def test_each_outcome_is_told_to_the_channel_and_to_the_owner_directly(store, client, settings, slack, now, outcome):
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


def test_approval_and_send_back_reach_the_preparer_by_direct_message_only(db_url, client, settings, slack, now):
    store = Store.from_url(db_url, Policy(case_channel=CHANNEL, require_approval=True))
    try:
        claim = cases.open_safet_claim(store, actor=JAMES, order_id=order_id(), reason=SafetReason.PENALTY_FEE,
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


def test_a_direct_message_speaks_the_owners_language(store, client, settings, slack, now):
    from store.people import save_chosen_locale

    save_chosen_locale(store, MEI, "zh_CN")
    case_id = filed_claim(store, now - H)
    cases.record_grant(store, case_id, actor=MEI, is_lead=False, now=now, amount_cents=5000)

    run(store, client, settings, now)

    assert "US$50.00" in text_of(messages(slack, MEI)[-1])  # formatted for zh_CN
    assert "$50.00" in text_of(messages(slack)[-1]) and "US$" not in text_of(messages(slack)[-1])


# ---------------------------------------------------------------- one case's notices at once


def test_an_outcome_is_posted_at_once_for_its_case_only_and_the_next_sweep_posts_nothing_more(
        store, client, settings, slack, now):
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


def test_notices_posted_at_once_while_slack_is_down_wait_for_the_sweep(store, client, settings, slack, now):
    case_id = filed_claim(store, now - timedelta(days=2))
    cases.record_grant(store, case_id, actor=MEI, is_lead=False, now=now, amount_cents=4200)
    slack.fail_next("chat.postMessage", status=500, times=2)  # two lost answers in a row: Slack is down

    report = deliver_case_notices(store, client, settings, case_id, now=now)

    assert (report.posted, report.left) == (0, 2)
    assert report.errors and "Slack could not be reached" in report.errors[0]
    assert run(store, client, settings, now + timedelta(minutes=1)).posted == 2
    assert len(keys(slack, CHANNEL, MEI)) == 2


def test_a_case_delivered_at_once_while_sweeps_run_is_posted_exactly_once(db_url, store, settings, slack, now):
    made = [filed_claim(store, now - timedelta(days=2), owner=f"U{n}Q") for n in range(6)]
    for case_id in made:
        cases.record_grant(store, case_id, actor=MEI, is_lead=True, now=now, amount_cents=4200)
    stores = [Store.from_url(db_url, store.policy) for _ in range(4)]
    reports: list[SweepReport] = []

    def one(n: int, s: Store) -> None:
        client = fast(make_client(settings))
        if n % 2:
            reports.append(sweep(s, client, settings, now=now, pacer=Pacer(0), batch=3))
        else:
            for case_id in made:
                reports.append(deliver_case_notices(s, client, settings, case_id, now=now, pacer=Pacer(0)))

    threads = [threading.Thread(target=one, args=(n, s)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for s in stores:
        s.dispose()

    assert all(r.errors == [] for r in reports)
    assert sum(r.posted for r in reports) == 12
    posted = Counter(keys(slack, CHANNEL, *(f"U{n}Q" for n in range(6))))
    assert len(posted) == 12 and set(posted.values()) == {1}


# ---------------------------------------------------------------- how notices read


def test_notices_mention_the_owner_link_the_card_carry_a_date_token_and_refresh_the_card(
        store, client, settings, slack, now):
    change = chargeback_due(store, now + 3 * H, owner=JAMES)
    cases.set_card(store, change.case.id, channel_id=CHANNEL, ts="1700000000.000100")
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


def test_user_text_such_as_a_channel_ping_in_case_notes_is_escaped(store, client, settings, slack, now):
    chargeback_due(store, now + 3 * H, notes="<!channel> call <@U999> & see <https://evil.example|this>")

    run(store, client, settings, now)

    [message] = messages(slack)
    text = text_of(message)
    assert "&lt;!channel&gt; call &lt;@U999&gt; &amp; see &lt;https://evil.example|this&gt;" in text
    assert "<!channel>" not in text and "<@U999>" not in text and "<https://evil" not in text


# ---------------------------------------------------------------- digests and pacing


def test_more_than_three_notices_for_one_channel_go_out_as_one_digest_most_urgent_first(
        store, client, settings, slack, now):
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


def test_three_notices_for_one_channel_stand_alone_paced_about_a_second_apart(store, client, settings, slack, now):
    for offset in (2 * H, 3 * H, 20 * H):
        chargeback_due(store, now + offset)
    sleeps: list[float] = []

    report = sweep(store, client, settings, now=now, pacer=Pacer(1.0, sleep=sleeps.append, clock=lambda: 100.0))

    assert (report.posted, report.messages) == (3, 3)
    assert sleeps == [1.0, 1.0]


def test_a_digest_is_split_only_where_a_message_would_exceed_50_blocks(store, client, settings, slack, now):
    for n in range(20):
        chargeback_due(store, now + 2 * H + n * timedelta(minutes=1))

    report = run(store, client, settings, now)

    assert (report.posted, report.messages) == (20, 2)
    posted = messages(slack)
    assert all(len(m["blocks"]) <= 50 for m in posted)
    assert len(posted[0]["blocks"]) > 40
    assert Counter(keys(slack)).most_common(1)[0][1] == 1 and len(keys(slack)) == 20
    assert "(part 1 of 2)" in posted[0]["blocks"][0]["text"]["text"]


# ---------------------------------------------------------------- failures


def test_a_channel_slack_refuses_for_good_fails_its_notices_and_the_others_still_post(
        db_url, store, client, settings, slack, now):
    archived = Store.from_url(db_url, Policy(case_channel="CARCHIVED"))
    try:
        lost = [chargeback_due(archived, now + 2 * H) for _ in range(2)]
        kept = [chargeback_due(store, now + 2 * H) for _ in range(2)]
        slack.set_channel_error("CARCHIVED", "is_archived")

        report = run(store, client, settings, now)

        assert (report.posted, report.failed, report.errors) == (2, 2, [])
        assert sorted(keys(slack)) == sorted(stage_key(c, "warn-4h") for c in kept)
        rows = outbox_rows(store)
        assert [(rows[stage_key(c, "warn-4h")].status, rows[stage_key(c, "warn-4h")].error) for c in lost] == \
            [("failed", "is_archived")] * 2
        assert home_data(store, user_id=MEI, now=now).failed_notices == 2
        calls = len(slack.calls("chat.postMessage"))
        assert run(store, client, settings, now + timedelta(minutes=5)).failed == 0
        assert len(slack.calls("chat.postMessage")) == calls
    finally:
        archived.dispose()


def test_rate_limits_and_server_errors_delay_notices_but_never_double_them(store, client, settings, slack, now):
    first = [chargeback_due(store, now + 2 * H, owner=f"U{n}A") for n in range(3)]
    slack.fail_next("chat.postMessage", status=429, retry_after=0)  # waited out and retried: nothing was posted
    slack.fail_next("chat.postMessage", status=500)  # never re-sent blindly: its fate is unknown

    report = run(store, client, settings, now)

    assert (report.posted, report.unknown, report.left) == (2, 1, 1)
    assert len(slack.calls("chat.postMessage")) == 4
    assert run(store, client, settings, now + timedelta(minutes=1)).posted == 1  # not in the channel: posted

    later = [chargeback_due(store, now + 4 * H, owner=f"U{n}B") for n in range(2)]
    slack.fail_next("chat.postMessage", status=500, times=2)
    outage = run(store, client, settings, now + H)
    assert outage.posted == 0 and outage.left == 2
    assert outage.errors and "Slack could not be reached" in outage.errors[0]
    # Two lost answers in a row stop the sweep; each was tried once and is looked up before a re-send.
    assert [outbox_rows(store)[stage_key(c, "warn-4h")].attempts for c in later] == [1, 1]

    assert run(store, client, settings, now + H).posted == 2
    assert Counter(keys(slack)) == {stage_key(c, "warn-4h"): 1 for c in first + later}
    assert len(slack.calls("conversations.history")) == 2  # one read per conversation per sweep


def test_a_crash_between_posting_and_marking_is_recovered_from_the_message_metadata(
        store, client, settings, slack, now):
    change = chargeback_due(store, now + 2 * H)
    key = stage_key(change, "warn-4h")
    run(store, client, settings, now)
    [posted] = messages(slack)
    with store.transaction() as session:  # as if the sweep died before marking the row sent
        session.execute(update(OutboxNotice).where(OutboxNotice.key == key)
                        .values(status="claimed", claim_token="dead-sweep", claimed_at=now, sent_ts=None))

    assert run(store, client, settings, now + timedelta(minutes=2)).posted == 0  # within the lease: hands off
    report = run(store, client, settings, now + timedelta(minutes=6))

    assert (report.recovered, report.posted) == (1, 0)
    assert keys(slack) == [key]
    row = outbox_rows(store)[key]
    assert (row.status, row.sent_ts) == ("sent", posted["ts"])


def test_a_notice_of_unknown_fate_that_never_reached_slack_is_posted_after_the_lease(
        store, client, settings, slack, now):
    change = chargeback_due(store, now + 2 * H)
    key = stage_key(change, "warn-4h")
    with store.transaction() as session:
        session.execute(update(OutboxNotice).where(OutboxNotice.key == key)
                        .values(status="claimed", claim_token="dead-sweep", claimed_at=now))

    report = run(store, client, settings, now + timedelta(minutes=6))

    assert (report.recovered, report.posted) == (0, 1)
    assert keys(slack) == [key]
    assert slack.calls("conversations.history")[0].args["include_all_metadata"] in ("1", 1, True, "true")


def test_a_history_that_cannot_be_read_does_not_hold_back_a_notice_of_unknown_fate(store, client, settings, slack, now):
    change = chargeback_due(store, now + 2 * H)
    with store.transaction() as session:
        session.execute(update(OutboxNotice).where(OutboxNotice.key == stage_key(change, "warn-4h"))
                        .values(status="claimed", claim_token="dead-sweep", claimed_at=now))
    slack.fail_next("conversations.history", error="missing_scope")

    report = run(store, client, settings, now + timedelta(minutes=6))

    assert (report.posted, report.errors) == (1, [])
    assert keys(slack) == [stage_key(change, "warn-4h")]


def test_a_refused_bot_token_stops_the_sweep_and_keeps_every_notice_queued(store, client, settings, slack, now):
    made = [chargeback_due(store, now + 2 * H, owner=f"U{n}T") for n in range(2)]
    slack.fail_next("chat.postMessage", error="invalid_auth")

    report = run(store, client, settings, now)

    assert (report.posted, report.failed, report.left) == (0, 0, 2)
    assert report.errors[0].startswith("Slack refused the bot token (invalid_auth)")
    assert {outbox_rows(store)[stage_key(c, "warn-4h")].status for c in made} == {"pending"}
    assert run(store, client, settings, now).posted == 2


def test_sweeps_running_at_once_post_every_notice_exactly_once(db_url, store, settings, slack, now):
    made = [chargeback_due(store, now + 2 * H + n * timedelta(minutes=1), owner=f"U{n % 6}X") for n in range(24)]
    stores = [Store.from_url(db_url, store.policy) for _ in range(3)]
    reports: list[SweepReport] = []

    def one(s: Store) -> None:
        reports.append(sweep(s, fast(make_client(settings)), settings, now=now, pacer=Pacer(0), batch=4))

    threads = [threading.Thread(target=one, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for s in stores:
        s.dispose()

    assert sum(r.posted for r in reports) == 24
    assert all(r.errors == [] for r in reports)
    assert Counter(keys(slack)) == {stage_key(c, "warn-4h"): 1 for c in made}


# ---------------------------------------------------------------- dry run and daily summary


def snapshot(store: Store) -> tuple[Any, ...]:
    with store.reading() as session:
        return (
            sorted((r.key, r.status, r.claim_token, r.sent_ts, r.attempts)
                   for r in session.scalars(select(OutboxNotice))),
            sorted((c.id, c.state, c.version) for c in session.scalars(select(Case))),
            len(session.scalars(select(AuditEvent)).all()),
        )


def test_a_dry_run_prints_what_it_would_post_and_close_and_changes_nothing(store, settings, slack, now):
    claim = filed_claim(store, now - timedelta(days=5))
    cases.log_info_request(store, claim, actor=MEI, now=now - timedelta(days=5), arrived_at=now - timedelta(days=5))
    change = chargeback_due(store, now + 2 * H, notes="<!channel>")
    before = snapshot(store)

    report = sweep(store, None, replace_settings(settings, digest_hour=9), now=now, dry_run=True)

    assert snapshot(store) == before
    assert slack.calls() == []
    preview = "\n".join(report.preview)
    assert "Information requested → Closed automatically" in preview
    assert stage_key(change, "warn-4h") in preview
    assert "closed the claim automatically" in preview
    assert "direct message to UMEI" in preview
    assert "Daily summary" in preview
    assert "@UMEI" in preview and "<!channel>" in preview  # terminal text reads the escaped note back
    assert (report.closed, report.posted) == (1, 4)


def replace_settings(settings: Settings, **changes: Any) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)


def test_the_daily_summary_is_posted_once_a_day_at_the_digest_hour(db_url, store, client, settings, slack):
    settings = replace_settings(settings, digest_hour=9)
    friday_0830 = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    overdue = chargeback_due(store, friday_0830 - 3 * H)
    soon = chargeback_due(store, friday_0830 + 20 * H)
    failing = Store.from_url(db_url, Policy(case_channel="CGONE"))
    chargeback_due(failing, friday_0830 - 5 * H)
    failing.dispose()
    slack.set_channel_error("CGONE", "channel_not_found")
    run(store, client, settings, friday_0830)  # before 09:00: notices, no summary
    assert not [k for k in keys(slack) if k.startswith("daily:")]

    run(store, client, settings, friday_0830 + 35 * timedelta(minutes=1))
    run(store, client, settings, friday_0830 + 3 * H)

    [daily] = [m for m in messages(slack) if m["metadata"]["event_payload"]["keys"] == ["daily:CCASES:2026-11-20"]]
    text = text_of(daily)
    assert "Action Required (需操作)" in text
    assert "The team believes 3 chargebacks are open" in text
    assert overdue.case.order_id in text and soon.case.order_id in text
    assert "could not be posted" in text and "channel_not_found" in text
    run(store, client, settings, friday_0830 + 25 * H)
    assert [k for k in keys(slack) if k.startswith("daily:")] == ["daily:CCASES:2026-11-20", "daily:CCASES:2026-11-21"]


# ---------------------------------------------------------------- the command line


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(db_url: str, api_url: str, at: datetime, tmp_path) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFET_", "SLACK_", "DATABASE_URL"))}
    env.update(DATABASE_URL=db_url, SLACK_API_URL=api_url, SLACK_BOT_TOKEN="xoxb-test", SAFET_ALERT_CHANNEL=CHANNEL,
               NO_PROXY="127.0.0.1,localhost")
    return subprocess.Popen([sys.executable, "-m", "slack_app", "sweep", "--now", at.isoformat()], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def sqlite_copy(template: str, path) -> tuple[str, Store]:  # type: ignore[no-untyped-def]
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    return url, Store.from_url(url, Policy(case_channel=CHANNEL))


def test_the_sweep_command_posts_once_then_nothing_and_fails_plainly_when_slack_is_unreachable(
        sqlite_template, slack, now, tmp_path):
    # The command is the same on both backends (test_sweep_postgres.py runs it on PostgreSQL); SQLite files
    # keep these processes quick, and the unreachable one (the client's retries back off for seconds) runs
    # beside the others on a database of its own.
    down_url, down_store = sqlite_copy(sqlite_template, tmp_path / "down.sqlite3")
    chargeback_due(down_store, now + 2 * H)
    down = cli(down_url, f"http://127.0.0.1:{closed_port()}/api/", now, tmp_path)
    url, store = sqlite_copy(sqlite_template, tmp_path / "cli.sqlite3")
    made = [chargeback_due(store, now + 2 * H) for _ in range(2)]
    try:
        code, _, err = finished(cli(url, slack.base_url, now, tmp_path))
        assert code == 0, err
        posted = Counter(keys(slack))
        assert posted == {**{stage_key(c, "warn-4h"): 1 for c in made}, "daily:CCASES:2026-11-20": 1}

        code, out, err = finished(cli(url, slack.base_url, now + timedelta(minutes=1), tmp_path))
        assert code == 0, err
        assert Counter(keys(slack)) == posted
        assert "posted 0 notices" in out

        code, _, err = finished(down)
        assert code != 0
        [line] = err.strip().splitlines()
        assert line.startswith("safet: Slack could not be reached")
        left = outbox_rows(down_store)
        assert {left[k].status for k in left if k.endswith("warn-4h") or k.startswith("daily:")} == {"pending"}
    finally:
        store.dispose()
        down_store.dispose()


# ---------------------------------------------------------------- in-process sweeping


def test_the_in_process_sweeper_sweeps_on_its_interval_until_stopped(store, client, settings, slack, now):
    chargeback_due(store, now + 2 * H)
    sweeper = start_sweeper(store, client, replace_settings(settings, sweep_seconds=1), lambda: now)
    try:
        slack.wait_for("chat.postMessage", timeout=5)
        assert sweeper.alive
    finally:
        sweeper.stop()
    assert not sweeper.alive
    assert sweeper.last_report is not None and sweeper.last_report.posted == 1

    off = start_sweeper(store, client, replace_settings(settings, sweep_seconds=0), lambda: now)
    assert not off.alive
    off.stop()
