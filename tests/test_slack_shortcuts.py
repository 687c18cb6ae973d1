"""Global and message shortcuts through signed requests: the right modal opens, prefilled from the message."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from handlers.shortcuts import order_in_text, plain_message_text
from tests.slack_harness import TEAM


def global_shortcut(slack, callback_id: str, user: str = "U1") -> str:  # type: ignore[no-untyped-def]
    trigger = slack.trigger_id()
    reply = slack.interactive({"type": "shortcut", "callback_id": callback_id, "trigger_id": trigger,
                               "action_ts": f"{time.time():.6f}",
                               "user": {"id": user, "username": user.lower(), "team_id": TEAM}})
    assert reply.status == 200 and reply.body == ""
    return trigger


def message_shortcut(slack, text: str, *, user: str = "U1", channel: str = "CWORK") -> str:  # type: ignore[no-untyped-def]
    trigger = slack.trigger_id()
    reply = slack.interactive({
        "type": "message_action", "callback_id": "safet_claim_from_message", "trigger_id": trigger,
        "action_ts": f"{time.time():.6f}", "message_ts": "1700000000.000200",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "channel": {"id": channel, "name": "work"},
        "message": {"type": "message", "user": "U2", "text": text, "ts": "1700000000.000200"},
        "response_url": "https://hooks.example/actions/1",
    })
    assert reply.status == 200 and reply.body == ""
    return trigger


def opened(slack, trigger: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    call = slack.fake.wait_for("views.open", predicate=lambda c: c.args.get("trigger_id") == trigger)[0]
    return call.args["view"]


def initial(view: dict[str, Any], block_id: str) -> str | None:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return block["element"].get("initial_value")


def test_the_file_claim_shortcut_opens_the_claim_modal_with_its_trigger(slack):  # type: ignore[no-untyped-def]
    view = opened(slack, global_shortcut(slack, "safet_file_claim"))
    assert view["callback_id"] == "safet_claim_modal"
    assert initial(view, "order_id") is None and initial(view, "explanation") is None


def test_the_record_chargeback_shortcut_opens_the_chargeback_modal(slack):  # type: ignore[no-untyped-def]
    view = opened(slack, global_shortcut(slack, "safet_record_chargeback"))
    assert view["callback_id"] == "chargeback_modal"
    email_on = next(b for b in view["blocks"] if b.get("block_id") == "email_on")
    assert email_on["element"]["initial_date"] == "2026-11-20"


def test_a_claim_from_a_message_prefills_the_full_width_order_and_the_text(slack):  # type: ignore[no-untyped-def]
    text = "订单 １２３-１２３４５６７-１２３４５６７ 客户不在家,技师白跑一趟。"
    view = opened(slack, message_shortcut(slack, text))
    assert view["callback_id"] == "safet_claim_modal"
    assert initial(view, "order_id") == "123-1234567-1234567"
    assert initial(view, "explanation") == text
    assert json.loads(view["private_metadata"]) == {"channel_id": "CWORK"}


def test_a_claim_from_a_message_finds_the_order_inside_a_seller_central_link(slack):  # type: ignore[no-untyped-def]
    text = "see <https://sellercentral.amazon.com/orders-v3/order/111-2223334-4445556|this order>, tech was turned away"
    view = opened(slack, message_shortcut(slack, text))
    assert initial(view, "order_id") == "111-2223334-4445556"


def test_a_claim_from_a_message_without_an_order_leaves_the_order_empty(slack):  # type: ignore[no-untyped-def]
    view = opened(slack, message_shortcut(slack, "Customer cancelled by mistake, order number to follow"))
    assert initial(view, "order_id") is None
    assert initial(view, "explanation") == "Customer cancelled by mistake, order number to follow"


def test_a_long_message_is_cut_to_the_explanation_limit(slack):  # type: ignore[no-untyped-def]
    view = opened(slack, message_shortcut(slack, "123-1234567-1234567 " + "x" * 5000))
    explanation = initial(view, "explanation")
    assert explanation is not None and len(explanation) == 3000
    block = next(b for b in view["blocks"] if b.get("block_id") == "explanation")
    assert len(explanation) <= block["element"]["max_length"]
    assert initial(view, "order_id") == "123-1234567-1234567"


def test_slack_entities_in_the_message_read_as_typed_in_the_explanation(slack):  # type: ignore[no-untyped-def]
    view = opened(slack, message_shortcut(slack, "Buyer wrote &lt;refund now&gt; &amp; left"))
    assert initial(view, "explanation") == "Buyer wrote <refund now> & left"


@pytest.mark.parametrize(("text", "order"), [
    ("123-1234567-1234567", "123-1234567-1234567"),
    ("order:１２３－１２３４５６７－１２３４５６７。", "123-1234567-1234567"),
    ("*123–1234567–1234567*", "123-1234567-1234567"),
    ("first 111-1111111-1111111 then 222-2222222-2222222", "111-1111111-1111111"),
    ("1123-1234567-1234567", None),
    ("123-1234567-12345678", None),
    ("١٢٣-١٢٣٤٥٦٧-١٢٣٤٥٦٧", None),
    ("", None),
])
def test_an_order_id_is_found_only_when_it_stands_alone(text, order):  # type: ignore[no-untyped-def]
    assert order_in_text(text) == order


def test_only_slacks_three_entities_are_decoded():  # type: ignore[no-untyped-def]
    assert plain_message_text("&amp;lt; &quot; &gt;") == "&lt; &quot; >"
