"""`/safet file` → modal → submit, through signed requests against the fake Slack Web API."""

from __future__ import annotations

from store.queries import find_case
from tests.slack_harness import date_input, select_input, text_input


def claim_values(order_id: str = "123-1234567-1234567", reason: str = "trip_credit", **extra):  # type: ignore[no-untyped-def]
    values = {
        "order_id": text_input(order_id), "product_order_id": text_input(None), "reason": select_input(reason),
        "explanation": text_input("The customer was not home for the appointment."),
        "claim_number": text_input(None), "filing_locale": select_input("en"),
    }
    values.update(extra)
    return values


def test_file_command_acks_empty_and_opens_the_claim_modal_with_the_order_prefilled(slack):  # type: ignore[no-untyped-def]
    view = slack.modal_of("file  １２３-１２３４５６７-１２３４５６７ ")
    assert view["callback_id"] == "safet_claim_modal"
    order_block = next(b for b in view["blocks"] if b.get("block_id") == "order_id")
    assert order_block["element"]["initial_value"] == "123-1234567-1234567"


def test_submitting_a_trip_credit_claim_stores_it_shows_paste_text_and_posts_the_card(slack):  # type: ignore[no-untyped-def]
    slack.command("file")
    view = slack.opened_view()
    reply = slack.submit(view, claim_values(explanation=text_input("<!channel> customer absent & angry")))
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "update"
    rendered = str(answer["view"])
    assert "123-1234567-1234567" in rendered
    assert "&lt;!channel&gt;" in rendered and "<!channel>" not in rendered
    case = find_case(slack.store, "123-1234567-1234567")
    assert case is not None and case.state == "preparing" and case.expected_amount_cents == 5000
    card = slack.fake.wait_for("chat.postMessage", predicate=lambda c: c.args.get("channel") == "CCASES")[0]
    assert "Trip Credit" in str(card.args["blocks"])


def test_a_second_claim_for_the_same_order_is_refused_on_the_order_field(slack):  # type: ignore[no-untyped-def]
    slack.command("file")
    view = slack.opened_view()
    assert slack.submit(view, claim_values()).json()["response_action"] == "update"
    reply = slack.submit(view, claim_values(reason="penalty_fee")).json()
    assert reply["response_action"] == "errors"
    assert "one claim per order" in reply["errors"]["order_id"]


def test_bad_order_id_gets_a_field_error_and_nothing_is_stored(slack):  # type: ignore[no-untyped-def]
    slack.command("file")
    reply = slack.submit(slack.opened_view(), claim_values(order_id="123-456")).json()
    assert reply == {"response_action": "errors",
                     "errors": {"order_id": "Use the order format 123-1234567-1234567."}}
    assert find_case(slack.store, "123-456") is None


def test_second_appointment_without_completion_date_is_refused_on_that_field(slack):  # type: ignore[no-untyped-def]
    slack.command("file")
    reply = slack.submit(slack.opened_view(), claim_values(
        reason="second_appointment", second_appointment_completed_on=date_input(None))).json()
    assert list(reply["errors"]) == ["second_appointment_completed_on"]


def test_forged_signature_is_refused_and_nothing_is_stored(slack):  # type: ignore[no-untyped-def]
    reply = slack.command("list", headers={"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=bad"})
    assert reply.status == 401
