"""The filing window through the real app: the claim form for both kinds of order (signed requests), the three
warnings of the ladder once each, the claim the sweep records as not filed in time, and App Home's refunds that
could still be claimed (from the fake Amazon ledger)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rules.filing import ReturnFacts
from rules.kinds import SafetReason, State
from store import opening
from store.queries import get_case
from sweep.scheduler import sweep
from tests.case_steps import CASES, calls, case_id_of, claim_values, next_call
from tests.slack_harness import Clock, date_input, running_app, select_input, text_input

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Thu Dec 3, 10:00 in Los Angeles


@pytest.fixture
def slack(store, fake_slack):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(NOW)) as driver:
        yield driver


def warnings(slack) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m.get("text")) for m in slack.fake.messages(CASES) if "File the claim in Seller Central" in
            str(m.get("text"))]


def sweep_at(slack, at: datetime) -> None:  # type: ignore[no-untyped-def]
    sweep(slack.store, slack.runtime.client, slack.runtime.deps.settings, now=at)


def test_the_ladder_warns_at_7_days_2_days_and_on_the_last_day_once_each_then_records_the_loss(slack):  # type: ignore[no-untyped-def]
    case = opening.open_safet_claim(
        slack.store, actor="U1", order_id="113-0000010-0000001", reason=SafetReason.RETURNED_DAMAGED, now=NOW,
        explanation="Came back broken.", returns=ReturnFacts(refund_on=date(2026, 11, 8), refunded_cents=8999)).case
    closes = case.open_deadlines[0].due_at  # 24:00 of Tue Dec 8 in Los Angeles
    assert closes == datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    seen = []
    for at in (NOW, NOW + timedelta(hours=1), closes - timedelta(days=2) + timedelta(minutes=1),
               closes - timedelta(days=2) + timedelta(hours=2), closes - timedelta(hours=23),
               closes - timedelta(hours=1)):
        sweep_at(slack, at)
        seen.append(len(warnings(slack)))
    assert seen == [1, 1, 2, 2, 3, 3]
    assert get_case(slack.store, case.id).state is State.PREPARING
    sweep_at(slack, closes + timedelta(minutes=5))
    sweep_at(slack, closes + timedelta(hours=3))
    closed = get_case(slack.store, case.id)
    assert closed.state is State.NOT_FILED_IN_TIME
    told = [m for m in slack.fake.messages(CASES) if "filing window closed" in str(m.get("blocks"))]
    assert len(told) == 1 and "$89.99" in str(told[0]["blocks"])


def open_form(slack):  # type: ignore[no-untyped-def]
    before = calls(slack, "views.open")
    slack.command("file", user="U1")
    return next_call(slack, "views.open", before).args["view"]


def choose(slack, view, block: str, action_id: str, value: str, values: dict | None = None):  # type: ignore[no-untyped-def]
    """Pick an option of a select that redraws the form; Slack's state then holds it, beside what was chosen
    before (``values``)."""
    before = calls(slack, "views.update")
    state = {**(values or {}), block: {action_id: {"type": "static_select", "selected_option": {"value": value}}}}
    slack.select(view, action_id, value, block_id=block, values=state)
    return next_call(slack, "views.update", before).args["view"], state


def returned_values(order: str, refund_on: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    values = claim_values(order, reason=select_input("returned_damaged"), program=select_input("seller_fulfilled"),
                          refunded_amount=text_input("89.99"), refund_on=date_input(refund_on))
    values.pop("product_order_id")
    values.update(extra)
    return values


def test_the_form_asks_the_kind_of_order_then_shows_its_reasons_and_fields(slack):  # type: ignore[no-untyped-def]
    view = open_form(slack)
    blocks = [b.get("block_id") for b in view["blocks"]]
    assert blocks.index("program") < blocks.index("reason") and "refund_on" not in blocks
    view, state = choose(slack, view, "program", "safet_program_select", "seller_fulfilled")
    reason = next(b for b in view["blocks"] if b.get("block_id") == "reason")
    offered = [o["value"] for o in reason["element"]["options"]]
    assert offered == ["returned_damaged", "returned_different", "returned_incomplete", "refunded_not_returned",
                       "return_lost", "other_product"]
    assert {"refunded_amount", "refund_on", "return_scan_on", "record_missed"} <= {b.get("block_id")
                                                                                  for b in view["blocks"]}
    view, state = choose(slack, view, "reason", "safet_reason_select", "return_lost", state)
    assert "last_scan_on" in [b.get("block_id") for b in view["blocks"]]
    services, _ = choose(slack, view, "program", "safet_program_select", "selling_services", state)
    offered = [o["value"] for b in services["blocks"] if b.get("block_id") == "reason"
               for o in b["element"]["options"]]
    assert offered == ["trip_credit", "penalty_fee", "cancelled_incorrectly", "second_appointment"]


def test_a_seller_fulfilled_claim_is_saved_with_its_file_by_date(slack):  # type: ignore[no-untyped-def]
    view = open_form(slack)
    reply = slack.submit(view, returned_values("113-0000011-0000001", "2026-11-08"))
    saved = reply.json()
    assert saved["response_action"] == "update"
    assert "File by" in str(saved["view"]) and "Refunded on Nov 8, 2026: $89.99." in str(saved["view"])
    case = get_case(slack.store, case_id_of(slack, "113-0000011-0000001", "safet"))
    assert case.open_deadlines[0].ends_on(slack.runtime.deps.settings.zone) == date(2026, 12, 8)


def test_a_closed_window_is_refused_on_its_date_then_recorded_as_not_filed_in_time(slack):  # type: ignore[no-untyped-def]
    view = open_form(slack)
    refused = slack.submit(view, returned_values("113-0000012-0000001", "2026-11-02"))
    errors = refused.json()["errors"]
    assert set(errors) == {"refund_on"} and "2026-12-02" in errors["refund_on"]
    recorded = slack.submit(view, returned_values("113-0000012-0000001", "2026-11-02", record_missed={
        "a": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}}))
    assert "not filed in time" in str(recorded.json()["view"])
    case = get_case(slack.store, case_id_of(slack, "113-0000012-0000001", "safet"))
    assert case.state is State.NOT_FILED_IN_TIME


def test_a_reason_of_the_other_kind_of_order_is_refused(slack):  # type: ignore[no-untyped-def]
    view = open_form(slack)
    forged = returned_values("113-0000013-0000001", "2026-11-20", reason=select_input("trip_credit"))
    assert "reason" in slack.submit(view, forged).json()["errors"]
