"""Case card buttons and their forms, through signed requests: stale cards, permissions, the approval
gate, Amazon's dates, reassigning, field errors, and user text that must never ping anyone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from store.queries import get_case
from tests.case_steps import (
    CASES,
    EVIL,
    EVIL_ESCAPED,
    LA,
    act,
    button_value,
    buttons,
    calls,
    card,
    file_claim,
    filed,
    next_call,
    open_chargeback,
    open_form,
    press,
    refusal_after,
    settle,
    slack_posts,
    thread,
)
from tests.slack_harness import (
    Clock,
    date_input,
    datetime_input,
    running_app,
    select_input,
    text_input,
    user_input,
    wait_until,
)

# ---------------------------------------------------------------- fixtures




@pytest.fixture
def gated(store, fake_slack, now):  # type: ignore[no-untyped-def]
    """A team that needs a lead's approval before anything is submitted in Seller Central (ULEAD leads).

    The store reads the approval rule from its own policy, so it is set there as well as in the settings."""
    store.policy = replace(store.policy, require_approval=True)
    with running_app(store, fake_slack, Clock(now), require_approval=True, leads=("ULEAD",)) as driver:
        yield driver


# ---------------------------------------------------------------- stale cards and permissions


def test_a_button_on_a_stale_card_is_refused_privately_opens_nothing_and_redraws_the_card(slack):  # type: ignore[no-untyped-def]
    case_id = filed(slack)
    old_card = card(slack, case_id)
    act(slack, case_id, "case_action:log_info_request", {"arrived_at": datetime_input(slack.clock())})
    views, ephemerals, updates = (calls(slack, m) for m in ("views.open", "chat.postEphemeral", "chat.update"))

    slack.click("case_action:grant", button_value(old_card, "case_action:grant"), message={"ts": old_card["ts"]},
                channel=CASES)

    refusal = next_call(slack, "chat.postEphemeral", ephemerals)
    assert refusal.args["user"] == "U1" and refusal.args["channel"] == CASES
    assert refusal.args["text"] == ("This case changed since the card was drawn: it is now “Information requested”. "
                                    "The card has been refreshed.")
    redraw = next_call(slack, "chat.update", updates)
    assert redraw.args["ts"] == old_card["ts"]
    assert calls(slack, "views.open") == views
    assert get_case(slack.store, case_id).state == "info_requested"


def test_a_stranger_cannot_record_an_outcome_from_the_card_or_by_forging_the_form(slack):  # type: ignore[no-untyped-def]
    case_id = filed(slack)
    views, ephemerals = calls(slack, "views.open"), calls(slack, "chat.postEphemeral")

    press(slack, case_id, "case_action:grant", user="U9")

    assert refusal_after(slack, ephemerals) == (
        "Only the case owner (<@U1>) or a lead can record an outcome (“Reimbursed”).")
    assert calls(slack, "views.open") == views
    owner_form = open_form(slack, case_id, "case_action:grant")
    reply = slack.submit(owner_form, {"amount": text_input("50")}, user="U9").json()
    assert reply == {"response_action": "errors", "errors": {"amount": "Only the case owner or a lead can do this."}}
    assert get_case(slack.store, case_id).state == "filed"


def test_a_stranger_cannot_reassign_but_the_owner_can_and_the_thread_says_to_whom(slack):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack)
    ephemerals = calls(slack, "chat.postEphemeral")
    press(slack, case_id, "case_reassign", user="U9")
    assert refusal_after(slack, ephemerals) == "Only the case owner (<@U1>) or a lead can reassign this case."

    form = open_form(slack, case_id, "case_reassign")
    assert form["blocks"][-1]["element"]["initial_user"] == "U1"
    same = slack.submit(form, {"new_owner": user_input("U1")}).json()
    assert same == {"response_action": "errors", "errors": {"new_owner": "They already own this case."}}
    assert slack.submit(form, {"new_owner": user_input("U2")}).body == ""

    case = wait_until(lambda: (c := settle(slack, case_id)).owner_id == "U2" and c)
    assert thread(slack, case)[-1]["text"].startswith("<@U1> gave the case to <@U2>")
    assert "owner <@U2>" in str(card(slack, case_id)["blocks"])


def test_a_system_action_is_never_a_button_and_a_forged_one_is_refused_without_a_form(slack):  # type: ignore[no-untyped-def]
    case_id = filed(slack)
    case = act(slack, case_id, "case_action:log_info_request", {"arrived_at": datetime_input(slack.clock())})
    assert "case_action:auto_close" not in buttons(card(slack, case_id))
    views, ephemerals = calls(slack, "views.open"), calls(slack, "chat.postEphemeral")

    slack.click("case_action:auto_close", f"{case_id}:{case.version}", message={"ts": case.card_ts}, channel=CASES)

    assert refusal_after(slack, ephemerals) == "The app does this by itself when a deadline passes."
    assert calls(slack, "views.open") == views
    assert get_case(slack.store, case_id).state == "info_requested"


# ---------------------------------------------------------------- the approval gate


def test_with_approval_required_only_a_lead_approves_and_then_the_claim_can_be_submitted(gated):  # type: ignore[no-untyped-def]
    slack = gated
    case_id = file_claim(slack)
    assert buttons(card(slack, case_id)) == ["case_action:submit_for_approval", "case_action:withdraw",
                                             "case_reassign"]
    act(slack, case_id, "case_action:submit_for_approval", {"note": text_input("Photos attached")})
    assert buttons(card(slack, case_id)) == ["case_action:approve", "case_action:send_back",
                                             "case_action:withdraw", "case_reassign"]

    views, ephemerals = calls(slack, "views.open"), calls(slack, "chat.postEphemeral")
    press(slack, case_id, "case_action:approve", user="U1")
    assert refusal_after(slack, ephemerals) == "Only a lead can approve or send back a case."
    assert calls(slack, "views.open") == views
    assert get_case(slack.store, case_id).state == "awaiting_approval"

    case = act(slack, case_id, "case_action:approve", {"note": text_input("Good to go")}, user="ULEAD")
    assert case.state == "approved" and case.approved_by == "ULEAD"
    assert "Approved by <@ULEAD>" in str(card(slack, case_id)["blocks"])
    assert buttons(card(slack, case_id)) == ["case_action:file", "case_action:withdraw", "case_reassign"]

    case = act(slack, case_id, "case_action:file", {"claim_number": text_input("SAFE-T 77"),
                                                     "filed_at": datetime_input(slack.clock())})
    assert case.state == "filed" and case.claim_number == "SAFE-T 77"


def test_a_lead_sends_a_claim_back_with_a_note_that_cannot_be_blank(gated):  # type: ignore[no-untyped-def]
    slack = gated
    case_id = file_claim(slack)
    act(slack, case_id, "case_action:submit_for_approval")
    form = open_form(slack, case_id, "case_action:send_back", user="ULEAD")
    blank = slack.submit(form, {"note": text_input("   ")}, user="ULEAD").json()
    assert blank == {"response_action": "errors", "errors": {"note": "Say what the owner should change."}}
    assert slack.submit(form, {"note": text_input("Add the photos")}, user="ULEAD").body == ""
    case = wait_until(lambda: (c := settle(slack, case_id)).state == "preparing" and c)
    assert "Add the photos" in thread(slack, case)[-1]["text"]


def test_amazons_earlier_reply_by_wins_and_a_denied_claim_is_appealed_only_once(gated):  # type: ignore[no-untyped-def]
    slack = gated
    case_id = file_claim(slack)
    act(slack, case_id, "case_action:submit_for_approval")
    act(slack, case_id, "case_action:approve", user="ULEAD")
    act(slack, case_id, "case_action:file", {"filed_at": datetime_input(slack.clock())})
    arrived = slack.clock()  # Friday 15:00 PT: the app's own deadline is Tuesday 15:00 PT
    reply_by = datetime(2026, 11, 23, 12, 0, tzinfo=LA)  # Amazon says Monday noon

    form = open_form(slack, case_id, "case_action:log_info_request")
    hint = next(b for b in form["blocks"] if b.get("block_id") == "stated_due_at")["hint"]["text"]
    assert "earlier" in hint and "kept" in hint
    assert slack.submit(form, {"arrived_at": datetime_input(arrived),
                               "stated_due_at": datetime_input(reply_by)}).body == ""
    case = wait_until(lambda: (c := settle(slack, case_id)).state == "info_requested" and c)
    assert case.open_deadlines[0].due_at == reply_by
    blocks = str(card(slack, case_id)["blocks"])
    assert f"<!date^{int(reply_by.timestamp())}^" in blocks
    assert "Amazon's stated date (earlier than the app's own: Nov 24, 2026" in blocks

    act(slack, case_id, "case_action:answer")
    appeal_by = slack.clock() + timedelta(days=30)
    act(slack, case_id, "case_action:deny", {"appeal_by": datetime_input(appeal_by), "note": text_input("No proof")})
    assert "case_action:appeal" in buttons(card(slack, case_id))
    act(slack, case_id, "case_action:appeal", {"new_evidence": text_input("Signed work order")})
    case = act(slack, case_id, "case_action:deny", {"note": text_input("Still no")})
    assert case.state == "denied" and case.appeals_used == 1
    assert "case_action:appeal" not in buttons(card(slack, case_id))

    views, ephemerals = calls(slack, "views.open"), calls(slack, "chat.postEphemeral")
    slack.click("case_action:appeal", f"{case_id}:{case.version}", message={"ts": case.card_ts}, channel=CASES)
    assert refusal_after(slack, ephemerals) == ("A denied claim can be appealed only once, and this one already was. "
                                                "The card has been refreshed.")
    assert calls(slack, "views.open") == views
    assert get_case(slack.store, case_id).state == "denied"


# ---------------------------------------------------------------- Amazon's date


def test_amazons_date_button_keeps_the_earlier_date_and_says_so_on_the_card(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    computed = datetime(2026, 11, 26, 0, 0, tzinfo=LA)
    form = open_form(slack, case_id, "case_set_date")
    assert [b.get("block_id") for b in form["blocks"] if b["type"] == "input"] == ["stated_at"]
    too_early = slack.submit(form, {"stated_at": datetime_input(datetime(2026, 11, 17, tzinfo=LA))}).json()
    assert too_early["errors"] == {"stated_at": "Amazon's date must be after the moment the deadline counts from."}

    stated = datetime(2026, 11, 24, 18, 0, tzinfo=LA)
    assert slack.submit(form, {"stated_at": datetime_input(stated)}).body == ""

    case = wait_until(lambda: (c := settle(slack, case_id)).open_deadlines[0].due_at == stated and c)
    assert case.open_deadlines[0].computed_due_at == computed
    blocks = str(card(slack, case_id)["blocks"])
    assert f"<!date^{int(stated.timestamp())}^" in blocks and "Amazon's stated date (earlier than" in blocks
    assert thread(slack, case)[-1]["text"].startswith("<@U1> entered Amazon's date")


# ---------------------------------------------------------------- field errors on the forms


def test_action_forms_ask_only_what_applies_and_put_each_refusal_on_its_field(slack):  # type: ignore[no-untyped-def]
    safet = filed(slack)
    grant = open_form(slack, safet, "case_action:grant")
    amount = next(b for b in grant["blocks"] if b.get("block_id") == "amount")
    assert amount["element"]["initial_value"] == "50.00"
    assert slack.submit(grant, {"amount": text_input("12.345")}).json()["errors"] == {
        "amount": "Write the amount like 1,234.56 (USD, at most 2 decimals)."}
    info = open_form(slack, safet, "case_action:log_info_request")
    future = slack.submit(info, {"arrived_at": datetime_input(slack.clock() + timedelta(hours=2))}).json()
    assert future["errors"] == {"arrived_at": "The request cannot arrive in the future."}
    submitted = open_form(slack, safet, "case_action:deny")
    late = slack.submit(submitted, {"appeal_by": datetime_input(slack.clock() - timedelta(days=1))}).json()
    assert late["errors"] == {"appeal_by": "The “Appeal by” date has already passed."}

    plain = open_chargeback(slack)
    represent = open_form(slack, plain, "case_action:represent")
    assert [b.get("block_id") for b in represent["blocks"] if b["type"] == "input"] == [
        "shipped_on", "shipping_method", "tracking", "correspondence"]
    assert "Amazon investigators only" in str(represent["blocks"])
    tomorrow = slack.submit(represent, {"shipped_on": date_input("2026-11-21")}).json()
    assert tomorrow["errors"] == {"shipped_on": "The shipping date cannot be in the future."}

    chargeback = open_chargeback(slack, "111-1111111-1111111", complaint_type=select_input("materially_different"))
    represent = open_form(slack, chargeback, "case_action:represent")
    assert [b.get("block_id") for b in represent["blocks"] if b["type"] == "input"] == [
        "shipped_on", "shipping_method", "tracking", "item_details", "correspondence"]
    missing = slack.submit(represent, {"item_details": text_input("  ")}).json()
    assert missing["errors"] == {"item_details": "The buyer says the item is materially different: describe the item."}
    act(slack, chargeback, "case_action:represent", {"item_details": text_input("Blue, 2 kg, as listed")})
    info = open_form(slack, chargeback, "case_action:log_info_request")
    no_date = slack.submit(info, {"arrived_at": datetime_input(slack.clock())}).json()
    assert no_date["errors"] == {"stated_due_at": "Enter the deadline stated in Amazon's request."}

    assert get_case(slack.store, safet).state == "filed"
    assert get_case(slack.store, chargeback).state == "represented"


def test_a_form_submitted_after_the_case_changed_is_refused_on_its_first_field(slack):  # type: ignore[no-untyped-def]
    case_id = filed(slack)
    form = open_form(slack, case_id, "case_action:grant")
    act(slack, case_id, "case_action:log_info_request", {"arrived_at": datetime_input(slack.clock())})
    reply = slack.submit(form, {"amount": text_input("50")}).json()
    assert reply == {"response_action": "errors", "errors": {
        "amount": "This case changed since you opened it: it is now “Information requested”."}}
    assert get_case(slack.store, case_id).outcome_amount_cents is None


# ---------------------------------------------------------------- user text never pings anyone


def test_mentions_typed_into_any_form_field_are_escaped_in_every_message_card_and_thread_line(gated):  # type: ignore[no-untyped-def]
    slack = gated
    evil = text_input(EVIL)
    safet = file_claim(slack)
    act(slack, safet, "case_action:submit_for_approval", {"note": evil})
    act(slack, safet, "case_action:send_back", {"note": evil}, user="ULEAD")
    act(slack, safet, "case_action:submit_for_approval", {"note": evil})
    act(slack, safet, "case_action:approve", {"note": evil}, user="ULEAD")
    act(slack, safet, "case_action:file", {"claim_number": evil, "filed_at": datetime_input(slack.clock())})
    act(slack, safet, "case_action:log_info_request", {"arrived_at": datetime_input(slack.clock()), "note": evil})
    act(slack, safet, "case_action:answer", {"note": evil})
    act(slack, safet, "case_action:deny", {"note": evil})
    act(slack, safet, "case_action:appeal", {"new_evidence": evil})
    act(slack, safet, "case_action:grant", {"amount": text_input("50"), "note": evil})

    other = file_claim(slack, "222-2222222-2222222")
    act(slack, other, "case_action:withdraw", {"note": evil})

    chargeback = open_chargeback(slack, complaint_type=select_input("materially_different"), notes=evil)
    act(slack, chargeback, "case_action:submit_for_approval", {"note": evil})
    act(slack, chargeback, "case_action:approve", {"note": evil}, user="ULEAD")
    act(slack, chargeback, "case_action:represent", {
        "shipped_on": date_input("2026-11-02"), "shipping_method": evil, "tracking": evil, "correspondence": evil,
        "item_details": evil})
    act(slack, chargeback, "case_action:log_info_request", {
        "arrived_at": datetime_input(slack.clock()), "stated_due_at": datetime_input(slack.clock() + timedelta(days=3)),
        "note": evil})
    act(slack, chargeback, "case_action:answer", {"note": evil})
    act(slack, chargeback, "case_action:record_debit", {"amount": text_input("129.99"), "reason": evil})
    act(slack, chargeback, "case_action:dispute", {"note": evil})
    act(slack, chargeback, "case_action:dispute_upheld", {"note": evil})

    refunded = open_chargeback(slack, "333-3333333-3333333", notes=evil)
    act(slack, refunded, "case_action:submit_for_approval", {"note": evil})
    act(slack, refunded, "case_action:approve", {"note": evil}, user="ULEAD")
    act(slack, refunded, "case_action:refund", {"note": evil})

    won = open_chargeback(slack, "444-4444444-4444444")
    act(slack, won, "case_action:submit_for_approval")
    act(slack, won, "case_action:approve", user="ULEAD")
    act(slack, won, "case_action:represent")
    act(slack, won, "case_action:record_win", {"note": evil})

    posts = slack_posts(slack)
    assert not [p for p in posts if "<!channel>" in p or "<@U123>" in p]
    shown = "\n".join(posts)
    # Every note-like field is shown in a thread line, the claim number on the card, the debit reason too.
    assert shown.count(EVIL_ESCAPED) >= 20
    assert get_case(slack.store, safet).claim_number == EVIL  # kept as typed; only its display is escaped
