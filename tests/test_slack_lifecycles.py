"""Whole lives of cases through the card's buttons: at each step the store, the card (edited in place),
its thread, and exactly the buttons the rules allow."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rules.records import CaseRecord
from store.queries import get_case
from tests.case_steps import (
    CASES,
    act,
    buttons,
    card,
    file_claim,
    open_chargeback,
    open_form,
    thread,
)
from tests.slack_harness import SlackDriver, date_input, datetime_input, text_input

LA = ZoneInfo("America/Los_Angeles")




def top_level(slack: SlackDriver) -> list[dict]:
    """The case channel's own messages: cards, not threads, and not notices (which carry metadata)."""
    return [m for m in slack.fake.messages(CASES) if m.get("thread_ts", m["ts"]) == m["ts"]
            and (m.get("metadata") or {}).get("event_type") != "safet_notice"]


def step(slack: SlackDriver, case_id: int, action_id: str, values: dict | None = None, *, state: str,
         line: str, shows: list[str], user: str = "U1") -> CaseRecord:
    """Take one step and check what Slack shows: the same card message edited, one new thread line."""
    before = get_case(slack.store, case_id)
    updates = len(slack.fake.calls("chat.update"))
    case = act(slack, case_id, action_id, values, user=user)
    assert case.state == state
    assert case.card_ts == before.card_ts and len(top_level(slack)) == 1
    edits = slack.fake.calls("chat.update")[updates:]
    assert edits and {e.args["ts"] for e in edits} == {case.card_ts}
    lines = thread(slack, case)
    assert len(lines) == len(before.events) + 1
    assert lines[-1]["thread_ts"] == case.card_ts and lines[-1]["text"].startswith(line)
    assert buttons(card(slack, case_id)) == shows
    return case


def test_a_trip_credit_claim_is_filed_asked_for_information_answered_and_reimbursed(slack):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack)
    case = get_case(slack.store, case_id)
    assert case.state == "preparing" and len(top_level(slack)) == 1
    assert thread(slack, case)[0]["text"].startswith("<@U1> opened the case")
    assert buttons(card(slack, case_id)) == ["case_action:file", "case_action:withdraw", "case_reassign"]

    filed_at = slack.clock() - timedelta(minutes=20)
    case = step(slack, case_id, "case_action:file", {
        "claim_number": text_input(" SAFE-T 1234 "), "filed_at": datetime_input(filed_at)},
        state="filed", line="<@U1> marked the claim as submitted in Seller Central (SAFE-T claim number SAFE-T 1234)",
        shows=["case_action:log_info_request", "case_action:grant", "case_action:deny", "case_action:withdraw",
               "case_reassign"])
    assert case.claim_number == "SAFE-T 1234" and case.details["filed_at"] == filed_at.isoformat()
    assert "SAFE-T claim number SAFE-T 1234" in str(card(slack, case_id)["blocks"])
    assert "Seller Central: Under Investigation" in str(card(slack, case_id)["blocks"])

    arrived = slack.clock()  # Friday 15:00 PT
    case = step(slack, case_id, "case_action:log_info_request", {
        "arrived_at": datetime_input(arrived), "note": text_input("Photos of the closed door")},
        state="info_requested", line="<@U1> logged Amazon's request for information",
        shows=["case_action:answer", "case_action:grant", "case_action:deny", "case_action:withdraw",
               "case_set_date", "case_reassign"])
    due = datetime(2026, 11, 24, 15, 0, tzinfo=LA)  # two business days later, time of day kept
    assert [(d.kind, d.due_at) for d in case.open_deadlines] == [("safet_info_reply", due)]
    blocks = str(card(slack, case_id)["blocks"])
    assert f"<!date^{int(due.timestamp())}^" in blocks and "Reply to the investigator by" in blocks
    assert "2 business days from the request" in blocks and "US holidays skipped" in blocks
    assert "Seller Central: Awaiting Seller Response" in blocks

    slack.clock.advance(hours=20)
    answer = open_form(slack, case_id, "case_action:answer")
    assert "Manage SAFE-T Claims" in str(answer["blocks"])
    case = step(slack, case_id, "case_action:answer", {"note": text_input("Sent the photos")},
                state="answered", line="<@U1> answered Amazon's request",
                shows=["case_action:log_info_request", "case_action:grant", "case_action:deny",
                       "case_action:withdraw", "case_reassign"])
    assert case.open_deadlines == [] and [d.status for d in case.deadlines] == ["met"]

    slack.clock.advance(days=3)
    grant = open_form(slack, case_id, "case_action:grant")
    amount = next(b for b in grant["blocks"] if b.get("block_id") == "amount")["element"]["initial_value"]
    assert amount == "50.00"
    case = step(slack, case_id, "case_action:grant", {"amount": text_input(amount)},
                state="reimbursed", line="<@U1> recorded Amazon's reimbursement (Grant): $", shows=[])
    assert case.outcome_amount_cents == 5000
    blocks = str(card(slack, case_id)["blocks"])
    assert "Outcome: $50.00" in blocks and "Seller Central: Resolved" in blocks


def test_a_chargeback_is_represented_debited_disputed_and_the_debit_reversed(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    assert buttons(card(slack, case_id)) == ["case_action:refund", "case_action:represent",
                                             "case_action:record_debit", "case_action:withdraw", "case_set_date",
                                             "case_reassign"]

    case = step(slack, case_id, "case_action:represent", {
        "shipped_on": date_input("2026-11-10"), "shipping_method": text_input("UPS Ground"),
        "tracking": text_input("1Z999"), "correspondence": text_input("Buyer confirmed delivery on 11/12")},
        state="represented", line="<@U1> represented the case: UPS Ground 1Z999, shipped Nov 10, 2026, buyer "
                                  "messages attached",
        shows=["case_action:log_info_request", "case_action:record_debit", "case_action:record_win",
               "case_reassign"])
    representation = case.details["representation"]
    assert (representation["shipped_on"], representation["shipping_method"], representation["tracking"]) == (
        "2026-11-10", "UPS Ground", "1Z999")
    window_ends = datetime(2027, 2, 19, 0, 0, tzinfo=LA)  # the representation date + 90 days, end of day
    assert [(d.kind, d.due_at) for d in case.open_deadlines] == [("outcome_window", window_ends)]
    assert [d.status for d in case.deadlines if d.kind == "chargeback_reply"] == ["met"]
    assert "Outcome window ends by" in str(card(slack, case_id)["blocks"])

    slack.clock.advance(days=40)
    debit = open_form(slack, case_id, "case_action:record_debit")
    assert next(b for b in debit["blocks"] if b.get("block_id") == "amount")["element"]["initial_value"] == "129.99"
    case = step(slack, case_id, "case_action:record_debit", {
        "amount": text_input("129.99"), "reason": text_input("Proof of delivery not accepted by the bank")},
        state="debited", line="<@U1> recorded Amazon's debit: $", shows=["case_action:dispute"])
    assert case.outcome_amount_cents == 12999 and case.open_deadlines == []
    assert "Proof of delivery not accepted by the bank" in thread(slack, case)[-1]["text"]

    case = step(slack, case_id, "case_action:dispute", {"note": text_input("Signed delivery receipt attached")},
                state="disputed", line="<@U1> disputed the debit",
                shows=["case_action:dispute_reversed", "case_action:dispute_upheld", "case_reassign"])

    case = step(slack, case_id, "case_action:dispute_reversed", {"note": text_input("Amazon credited it back")},
                state="debit_reversed", line="<@U1> recorded that the dispute was won: the debit was reversed",
                shows=[])
    assert case.outcome_amount_cents == 0
    assert [e.action for e in case.events] == ["open", "represent", "record_debit", "dispute", "dispute_reversed"]


def test_a_represented_chargeback_answers_amazons_request_by_its_stated_deadline_and_is_won(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    step(slack, case_id, "case_action:represent", {"shipping_method": text_input("USPS")}, state="represented",
         line="<@U1> represented the case: ",
         shows=["case_action:log_info_request", "case_action:record_debit", "case_action:record_win",
                "case_reassign"])
    stated = datetime(2026, 11, 23, 17, 0, tzinfo=LA)
    case = step(slack, case_id, "case_action:log_info_request", {
        "arrived_at": datetime_input(slack.clock()), "stated_due_at": datetime_input(stated)},
        state="info_requested", line="<@U1> logged Amazon's request for information",
        shows=["case_action:answer", "case_action:record_debit", "case_action:record_win", "case_set_date",
               "case_reassign"])
    assert [(d.kind, d.due_at) for d in case.open_deadlines if d.kind == "chargeback_info_reply"] == [
        ("chargeback_info_reply", stated)]
    assert "Amazon's stated date" in str(card(slack, case_id)["blocks"])
    step(slack, case_id, "case_action:answer", state="answered", line="<@U1> answered Amazon's request",
         shows=["case_action:log_info_request", "case_action:record_debit", "case_action:record_win",
                "case_reassign"])
    case = step(slack, case_id, "case_action:record_win", state="won",
                line="<@U1> recorded that the chargeback was won", shows=[])
    assert case.open_deadlines == []


def test_a_chargeback_refunded_at_once_is_closed_with_nothing_left_to_press(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    case = step(slack, case_id, "case_action:refund", {"note": text_input("Refunded in full")}, state="refunded",
                line="<@U1> refunded the buyer", shows=[])
    assert case.open_deadlines == [] and not case.is_open
    assert case.events[-1].details == {"note": "Refunded in full"}
    assert date.fromisoformat("2026-11-18") == case.email_on
