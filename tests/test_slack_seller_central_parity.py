"""Issue 5's whole path through Slack alone: prepared → approved → filed → Amazon's "Reply by" entered →
answered → No-Grant → appealed → Grant, with every deadline on the card right and every step in the
thread and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rules.deadlines import DeadlineKind, DeadlineStatus
from tests.case_steps import act, buttons, card, file_claim, refusal_after, settle, thread
from tests.slack_harness import Clock, datetime_input, running_app, text_input


@pytest.fixture
def gated(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(now), require_approval=True, leads=("ULEAD",)) as driver:
        yield driver


def token_of(instant) -> str:  # type: ignore[no-untyped-def]
    return f"<!date^{int(instant.timestamp())}^"


def test_a_claim_goes_from_preparation_to_grant_after_one_appeal_through_slack_alone(gated):  # type: ignore[no-untyped-def]
    slack = gated
    case_id = file_claim(slack)
    assert "case_action:file" not in buttons(card(slack, case_id)), "approval is required before submitting"

    act(slack, case_id, "case_action:submit_for_approval", {"note": text_input("Photos attached")})
    before = len(slack.fake.calls("chat.postEphemeral"))
    slack.click("case_action:approve", card(slack, case_id)["blocks"][-1]["elements"][0]["value"], user="U1")
    assert "lead" in refusal_after(slack, before), "the preparer cannot approve their own claim"
    act(slack, case_id, "case_action:approve", {"note": text_input("Looks complete")}, user="ULEAD")
    assert settle(slack, case_id).approved_by == "ULEAD"

    act(slack, case_id, "case_action:file", {"claim_number": text_input(" 9912-AB "),
                                             "filed_at": datetime_input(slack.clock())})
    filed = settle(slack, case_id)
    assert (filed.state, filed.claim_number) == ("filed", "9912-AB")

    # Friday 15:00 PT request: 2 business days → Tuesday 15:00; Amazon says Monday 12:00 → Monday wins.
    arrived = slack.clock()
    amazon = arrived + timedelta(days=2, hours=21)
    act(slack, case_id, "case_action:log_info_request", {
        "arrived_at": datetime_input(arrived), "stated_due_at": datetime_input(amazon),
        "note": text_input("Investigator wants the signed work order")})
    requested = settle(slack, case_id)
    [reply_by] = requested.open_deadlines
    assert reply_by.due_at == amazon and reply_by.set_by_amazon
    assert reply_by.computed_due_at == arrived + timedelta(days=4)
    shown = str(card(slack, case_id)["blocks"])
    assert token_of(amazon) in shown and "Amazon's stated date" in shown

    slack.clock.advance(hours=20)
    act(slack, case_id, "case_action:answer", {"note": text_input("Sent the work order")})
    answered = settle(slack, case_id)
    assert answered.state == "answered"
    assert [d.status for d in answered.deadlines] == [DeadlineStatus.MET]

    appeal_by = slack.clock() + timedelta(days=30)
    act(slack, case_id, "case_action:deny", {"appeal_by": datetime_input(appeal_by),
                                             "note": text_input("No proof of completion")}, user="ULEAD")
    denied = settle(slack, case_id)
    assert denied.state == "denied" and denied.next_deadline.kind is DeadlineKind.APPEAL_BY
    assert token_of(appeal_by) in str(card(slack, case_id)["blocks"])

    act(slack, case_id, "case_action:appeal", {"new_evidence": text_input("Customer-signed completion photo")})
    appealed = settle(slack, case_id)
    assert appealed.state == "appealed" and appealed.appeals_used == 1 and appealed.open_deadlines == []

    act(slack, case_id, "case_action:grant", {"amount": text_input("$50.00")}, user="ULEAD")
    granted = settle(slack, case_id)
    assert (granted.state, granted.outcome_amount_cents) == ("reimbursed", 5000)
    assert "case_action:appeal" not in buttons(card(slack, case_id))

    steps = [e.action for e in granted.events]
    assert steps == ["open", "submit_for_approval", "approve", "file", "log_info_request", "answer", "deny",
                     "appeal", "grant"]
    assert [e.actor for e in granted.events if e.action in ("approve", "deny", "grant")] == ["ULEAD"] * 3
    lines = [m["text"] for m in thread(slack, granted)]
    assert len(lines) == len(steps), lines  # one line in the card's thread per step
    assert sum("<@ULEAD>" in line for line in lines) == 3


def test_a_second_appeal_is_refused_with_the_reason(gated):  # type: ignore[no-untyped-def]
    slack = gated
    case_id = file_claim(slack)
    act(slack, case_id, "case_action:submit_for_approval", {})
    act(slack, case_id, "case_action:approve", {}, user="ULEAD")
    act(slack, case_id, "case_action:file", {"filed_at": datetime_input(slack.clock())})
    act(slack, case_id, "case_action:deny", {}, user="ULEAD")
    act(slack, case_id, "case_action:appeal", {"new_evidence": text_input("New photos")})
    act(slack, case_id, "case_action:deny", {}, user="ULEAD")
    assert "case_action:appeal" not in buttons(card(slack, case_id))
    before, modals = len(slack.fake.calls("chat.postEphemeral")), len(slack.fake.calls("views.open"))
    slack.click("case_action:appeal", f"{case_id}:{settle(slack, case_id).version}")
    assert "only once" in refusal_after(slack, before)
    assert len(slack.fake.calls("views.open")) == modals, "no appeal form opens"
