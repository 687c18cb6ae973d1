"""An email about a case nobody recorded here keeps what it says: after the person presses the reply's
button and saves the form, the case opens in the state the email shows — an investigator's request with
its reply deadline (the earlier of the marketplace's business days and Amazon's "Reply by"), a decision
with its amount, a debit, a favourable funding decision — in one transaction, through signed requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from rules.deadlines import DeadlineKind
from rules.kinds import State
from store.queries import get_case
from tests.case_steps import case_id_of
from tests.intake_steps import INTAKE, as_submitted, buttons, deliver, email_event, email_file, intake_app, replies
from tests.slack_harness import select_input, text_input, wait_until
from tests.test_intake_real_emails import REAL


@pytest.fixture
def slack(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with intake_app(store, fake_slack, now, senders=("acme-sellers.com",)) as driver:
        yield driver


def press_and_save(slack, name: str, **values: dict) -> dict:  # type: ignore[no-untyped-def]
    """Deliver the email, press the reply's one button, save the form as it opened (plus ``values``)."""
    event = email_event(email_file(slack, (REAL / name).read_bytes(), name=name))
    deliver(slack, event)
    (reply,) = wait_until(lambda: replies(slack, INTAKE, event["ts"]))
    (button,) = buttons(reply["blocks"])
    before = len(slack.fake.calls("views.open"))
    slack.click(button["action_id"], button["value"], channel=INTAKE, message=reply)
    form = slack.fake.wait_for("views.open", count=before + 1)[before].args["view"]
    reply = slack.submit(form, {**as_submitted(form), **values})
    assert reply.status == 200, reply.body
    assert "errors" not in (reply.json() if reply.body else {}), reply.body
    return json.loads(button["value"])


CLAIM = {"reason": select_input("penalty_fee"), "explanation": text_input("The penalty was charged in error.")}


def test_an_investigators_request_for_an_unrecorded_claim_opens_it_awaiting_our_reply(slack):  # type: ignore[no-untyped-def]
    value = press_and_save(slack, "safet_reply_by_en.eml", **CLAIM)
    case = wait_until(lambda: get_case(slack.store, case_id_of(slack, value["order_id"], "safet")))
    assert case.state is State.INFO_REQUESTED and case.claim_number == "2026110902"
    (due,) = [d for d in case.open_deadlines if d.kind is DeadlineKind.SAFET_INFO_REPLY]
    assert due.due_at == datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # Amazon's Reply by, 3:00 PM PST
    assert [e.action for e in case.events] == ["open", "file", "log_info_request"]


def test_a_grant_for_an_unrecorded_claim_opens_it_reimbursed_with_the_amount(slack):  # type: ignore[no-untyped-def]
    value = press_and_save(slack, "safet_grant_en.eml", **CLAIM)
    case = get_case(slack.store, case_id_of(slack, value["order_id"], "safet"))
    assert (case.state, case.outcome_amount_cents) == (State.REIMBURSED, 4500)


def test_a_favourable_decision_for_an_unrecorded_chargeback_opens_it_won(slack):  # type: ignore[no-untyped-def]
    value = press_and_save(slack, "cb_decision_won.eml", complaint_type=select_input("not_received"))
    case = get_case(slack.store, case_id_of(slack, value["order_id"], "chargeback"))
    assert case.state is State.WON and not case.open_deadlines


def test_a_debit_for_an_unrecorded_chargeback_opens_it_debited_with_amazons_amount(slack):  # type: ignore[no-untyped-def]
    value = press_and_save(slack, "cb_decision_debited.eml", complaint_type=select_input("not_received"))
    case = get_case(slack.store, case_id_of(slack, value["order_id"], "chargeback"))
    assert (case.state, case.outcome_amount_cents, case.amount_cents) == (State.DEBITED, 7215, 7215)
