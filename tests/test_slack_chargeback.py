"""`/safet chargeback` → modal → submit, through signed requests against the fake Slack Web API: every
field error, the reply deadline on the card, and the private confirmation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from store.queries import get_case
from tests.case_steps import (
    CASES,
    ORDER,
    calls,
    card,
    case_id_of,
    chargeback_values,
    file_claim,
    next_call,
    open_chargeback,
    settle,
    thread,
)
from tests.slack_harness import date_input, select_input, text_input

LA = ZoneInfo("America/Los_Angeles")




def chargeback_form(slack, text: str = "chargeback") -> dict:  # type: ignore[no-untyped-def]
    before = calls(slack, "views.open")
    assert slack.command(text).body == ""
    return next_call(slack, "views.open", before).args["view"]


def at(hour: int, minute: int = 0) -> dict:
    return {"a": {"type": "timepicker", "selected_time": f"{hour:02d}:{minute:02d}"}}


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_the_chargeback_command_opens_the_form_with_the_order_today_and_usd_filled_in(slack):  # type: ignore[no-untyped-def]
    view = chargeback_form(slack, "cb １２３-１２３４５６７-１２３４５６７")
    assert view["callback_id"] == "chargeback_modal"
    assert view["private_metadata"] == '{"channel_id":"CWORK"}'
    assert [b.get("block_id") for b in view["blocks"] if b["type"] == "input"] == [
        "order_id", "amount", "currency", "email_on", "email_time", "complaint_type", "notes"]
    assert block(view, "order_id")["element"]["initial_value"] == ORDER
    assert block(view, "currency")["element"]["initial_option"]["value"] == "USD"
    assert block(view, "email_on")["element"]["initial_date"] == "2026-11-20"
    assert block(view, "email_time")["optional"] is True
    assert [o["text"]["text"] for o in block(view, "complaint_type")["element"]["options"]] == [
        "Item not received", "Materially different or defective", "Unauthorized (stolen card)",
        "Charge not recognised", "Other"]
    assert "the buyer never sees them" in block(view, "notes")["hint"]["text"]
    assert ("Respond within 7 calendar days of the email date, or Amazon may debit the account."
            in view["blocks"][-1]["elements"][0]["text"])


def test_a_chargeback_is_stored_and_its_card_shows_the_reply_due_at_the_end_of_the_seventh_day(slack):  # type: ignore[no-untyped-def]
    reply = slack.submit(chargeback_form(slack), chargeback_values(amount=text_input(" ＄１，２３４．５６ "),
                                                                     notes=text_input("Delivered, signed by J.")))
    assert reply.json() == {"response_action": "clear"}

    case = settle(slack, case_id_of(slack, ORDER, "chargeback"))
    assert (case.state, case.amount_cents, case.currency, case.complaint_type) == (
        "action_required", 123456, "USD", "not_received")
    assert case.notes == "Delivered, signed by J." and case.owner_id == "U1"
    due = datetime(2026, 11, 26, 0, 0, tzinfo=LA)  # email date + 8 days, 00:00 in the team's zone
    assert case.open_deadlines[0].due_at == due
    blocks = str(card(slack, case.id)["blocks"])
    # Shown as the end of the seventh day (Wed, Nov 25), the token at 11:59 PM of it, never "Nov 26, 12:00 AM".
    last_minute = int(due.timestamp()) - 60
    texts = " ".join(b["text"]["text"] for b in card(slack, case.id)["blocks"] if b["type"] == "section")
    assert f"by end of Wed, Nov 25 — <!date^{last_minute}^{{date_short_pretty}} {{time}}|11:59\u202fPM PST>" in texts
    assert f"<!date^{int(due.timestamp())}^" not in blocks
    assert "7 calendar days from the email date" in blocks
    assert "Chargeback · $1,234.56" in blocks
    assert thread(slack, case)[0]["text"].startswith("<@U1> opened the case")


def test_with_the_emails_time_the_reply_is_due_exactly_seven_times_24_hours_later(slack):  # type: ignore[no-untyped-def]
    slack.submit(chargeback_form(slack), chargeback_values(email_time=at(9, 30)))
    case = settle(slack, case_id_of(slack, ORDER, "chargeback"))
    email_at = datetime(2026, 11, 18, 9, 30, tzinfo=LA)
    assert case.email_at == email_at
    assert case.open_deadlines[0].due_at == datetime(2026, 11, 25, 9, 30, tzinfo=LA)
    assert "7 × 24 hours from the email" in str(card(slack, case.id)["blocks"])


def test_the_person_gets_a_private_confirmation_with_the_reply_deadline_where_they_typed(slack):  # type: ignore[no-untyped-def]
    ephemerals = calls(slack, "chat.postEphemeral")
    slack.submit(chargeback_form(slack), chargeback_values())
    confirmation = next_call(slack, "chat.postEphemeral", ephemerals).args
    due = datetime(2026, 11, 26, 0, 0, tzinfo=LA)
    assert (confirmation["channel"], confirmation["user"]) == ("CWORK", "U1")
    assert f"by end of Wed, Nov 25 — <!date^{int(due.timestamp()) - 60}^" in confirmation["text"]
    assert f"`{ORDER}` recorded ($129.99)" in confirmation["text"]
    assert "Performance → Chargeback Claims" in confirmation["text"]


def test_without_a_channel_or_where_ephemerals_fail_the_confirmation_comes_as_a_direct_message(slack):  # type: ignore[no-untyped-def]
    view = chargeback_form(slack)
    slack.submit({**view, "private_metadata": ""}, chargeback_values())
    dm = slack.fake.wait_for("chat.postMessage", predicate=lambda c: c.args["channel"] == "U1")[0]
    assert "recorded" in dm.args["text"] and "by end of Wed, Nov 25 — <!date^" in dm.args["text"]

    slack.fake.fail_next("chat.postEphemeral", error="channel_not_found")
    slack.submit(chargeback_form(slack), chargeback_values("111-1111111-1111111"))
    slack.fake.wait_for("chat.postMessage", count=2, predicate=lambda c: c.args["channel"] == "U1")


WRONG_FIELDS = [  # (field at fault, what was typed, the error beside it)
    ("order_id", {"order_id": text_input("123-456")}, "Use the order format 123-1234567-1234567."),
    ("order_id", {"order_id": text_input("１２３-１２３４５６７-１２３４５６")},
     "Use the order format 123-1234567-1234567."),
    ("amount", {"amount": text_input("12.345")}, "Write the amount like 1,234.56 (USD, at most 2 decimals)."),
    ("amount", {"amount": text_input("$-5")}, "Write the amount like 1,234.56 (USD, at most 2 decimals)."),
    ("amount", {"amount": text_input("0.00")}, "The amount must be more than zero."),
    ("amount", {"amount": text_input("$99,999,999,999")},
     "That amount is too large: at most 10,000,000 USD. Check the digits."),
    ("amount", {"amount": text_input("10000000.01")},
     "That amount is too large: at most 10,000,000 USD. Check the digits."),
    ("amount", {"amount": text_input("€10")}, "The amount's symbol does not match the currency USD."),
    ("amount", {"amount": text_input("12.5"), "currency": select_input("JPY")},
     "Write the amount like 1,234 (JPY, at most 0 decimals)."),
    ("complaint_type", {"complaint_type": select_input(None)}, "Choose what the buyer told the card company."),
    ("email_on", {"email_on": date_input("2026-11-21")}, "The email date cannot be in the future."),
    ("email_on", {"email_on": date_input(None)}, "Enter the date of Amazon's email."),
    ("email_time", {"email_on": date_input("2026-11-20"), "email_time": at(15, 30)},
     "The email's time cannot be in the future."),
    ("currency", {"currency": select_input("XYZ")}, "Choose a currency from the list."),
]


def test_each_wrong_field_gets_its_own_error_and_nothing_is_stored(slack, subtests):  # type: ignore[no-untyped-def]
    view = chargeback_form(slack)
    for field, values, error in WRONG_FIELDS:
        with subtests.test(field=field, typed=str(values)):
            reply = slack.submit(view, chargeback_values(**values)).json()
            assert reply == {"response_action": "errors", "errors": {field: error}}
    assert get_case(slack.store, 1) is None


def test_several_wrong_fields_are_all_reported_at_once(slack):  # type: ignore[no-untyped-def]
    reply = slack.submit(chargeback_form(slack), chargeback_values(
        order_id=text_input("nope"), amount=text_input("12.345"), complaint_type=select_input(None))).json()
    assert sorted(reply["errors"]) == ["amount", "complaint_type", "order_id"]


def test_a_second_chargeback_for_the_same_order_is_refused_on_the_order_field(slack):  # type: ignore[no-untyped-def]
    first = open_chargeback(slack)
    reply = slack.submit(chargeback_form(slack), chargeback_values(amount=text_input("5"))).json()
    assert reply == {"response_action": "errors",
                     "errors": {"order_id": f"Order {ORDER} already has a chargeback case."}}
    assert get_case(slack.store, first).amount_cents == 12999


def test_an_order_with_a_safet_claim_can_still_get_a_chargeback_case(slack):  # type: ignore[no-untyped-def]
    claim = file_claim(slack)
    chargeback = open_chargeback(slack, amount=text_input("1,234"), currency=select_input("JPY"))
    assert {get_case(slack.store, claim).kind, get_case(slack.store, chargeback).kind} == {"safet", "chargeback"}
    assert get_case(slack.store, chargeback).amount_cents == 1234
    assert "Chargeback · ¥1,234" in str(card(slack, chargeback)["blocks"])
    assert len([m for m in slack.fake.messages(CASES) if "thread_ts" not in m or m["thread_ts"] == m["ts"]]) == 2
