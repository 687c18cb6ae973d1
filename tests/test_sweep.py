"""The sweep, by time travel against the fake Slack: warning ladders, late starts, automatic closes,
the 90-day presumption, lapsed "Appeal by" dates, outcome and approval notices (also posted at once,
per case), digests, failures, retries, crash recovery, the dry run, the daily summary, the CLI and the
in-process sweeper. The demo has tests/test_demo.py."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy import select, update

from rules.errors import DomainError
from rules.kinds import ComplaintType, SafetReason, State
from slack_app.config import Settings
from store import cases, opening
from store.db import Store
from store.models import AuditEvent, Case, OutboxNotice
from sweep.scheduler import SweepResult, sweep
from tests.fake_slack import FakeSlack
from webapi.client import make_client
from webapi.posting import Pacer

CHANNEL = "CCASES"
MEI, JAMES, LEAD = "UMEI", "UJAMES", "ULEAD"
H = timedelta(hours=1)


@pytest.fixture
def slack(fake_slack: FakeSlack) -> FakeSlack:
    """Here ``slack`` is the fake Web API itself (the sweep is driven directly, not through the app)."""
    return fake_slack


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


def run(store: Store, client: Any, settings: Settings, at: datetime, **options: Any) -> SweepResult:
    return sweep(store, client, settings, now=at, pacer=Pacer(0), **options)


_orders = itertools.count(1)


def order_id() -> str:
    n = next(_orders)
    return f"{100 + n % 900:03d}-{n:07d}-{n:07d}"


def chargeback_due(store: Store, due_at: datetime, *, owner: str = MEI, notes: str = "") -> cases.Change:
    """A chargeback whose email's exact time makes the reply due at ``due_at`` (7 × 24 h later)."""
    email_at = due_at - timedelta(days=7)
    return opening.open_chargeback(store, actor=owner, order_id=order_id(), amount_cents=12999, currency="USD",
                                 now=email_at, complaint_type=ComplaintType.NOT_RECEIVED, email_at=email_at,
                                 notes=notes)


def filed_claim(store: Store, at: datetime, *, owner: str = MEI) -> int:
    change = opening.open_safet_claim(store, actor=owner, order_id=order_id(), reason=SafetReason.TRIP_CREDIT, now=at)
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


def snapshot(store: Store) -> tuple[Any, ...]:
    with store.reading() as session:
        return (
            sorted((r.key, r.status, r.claim_token, r.sent_ts, r.attempts)
                   for r in session.scalars(select(OutboxNotice))),
            sorted((c.id, c.state, c.version) for c in session.scalars(select(Case))),
            len(session.scalars(select(AuditEvent)).all()),
        )
