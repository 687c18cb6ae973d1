"""Values Slack's own UI could never send (an unknown option, a malformed picker value, a garbled form
context), through signed requests: each gets a clear refusal on its field — never a 500, never a
traceback in the log — and nothing is stored."""

from __future__ import annotations

import logging

import pytest

from rules.records import ListFilter
from store.queries import get_case, list_cases
from tests.case_steps import ORDER, calls, chargeback_values, claim_values, file_claim, next_call, open_form
from tests.slack_harness import select_input, text_input
from views import ids

FORGED = "This value is not one the form offers: pick it again."


@pytest.fixture(autouse=True)
def no_tracebacks(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING)
    yield
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert failures == [], [r.getMessage() for r in failures]


def form(slack, text: str) -> dict:  # type: ignore[no-untyped-def]
    before = calls(slack, "views.open")
    assert slack.command(text).body == ""
    return next_call(slack, "views.open", before).args["view"]


def nothing_stored(slack) -> bool:  # type: ignore[no-untyped-def]
    return list_cases(slack.store, ListFilter.ALL, user_id="U1", now=slack.clock()) == [] and \
        list_cases(slack.store, ListFilter.OPEN, user_id="U1", now=slack.clock()) == []


def test_an_unknown_safet_reason_is_refused_on_the_reason_field(slack):  # type: ignore[no-untyped-def]
    reply = slack.submit(form(slack, "file"), claim_values(reason=select_input("free_money")))
    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": {"reason": FORGED}}
    assert nothing_stored(slack)


def test_an_unknown_reason_chosen_in_the_open_form_leaves_the_form_as_it_is(slack):  # type: ignore[no-untyped-def]
    view = form(slack, "file")
    updates = calls(slack, "views.update")
    reply = slack.select(view, ids.ACTION_SAFET_REASON, "free_money", values={"reason": select_input("free_money")})
    assert reply.status == 200
    # a real choice redraws: the forged one did not
    slack.select(view, ids.ACTION_SAFET_REASON, "penalty_fee", values={"reason": select_input("penalty_fee")})
    slack.fake.wait_for("views.update", count=updates + 1)
    assert calls(slack, "views.update") == updates + 1


@pytest.mark.parametrize("picked", ["2026-11-25", "25:99", "9:30", "", "12:00:00"])
def test_a_time_picker_value_that_is_not_hh_mm_is_refused_on_its_field(slack, picked):  # type: ignore[no-untyped-def]
    values = chargeback_values(email_time={"a": {"type": "timepicker", "selected_time": picked}})
    reply = slack.submit(form(slack, "chargeback"), values)
    assert reply.status == 200
    if picked == "":
        assert reply.json() == {"response_action": "clear"}  # an empty time is "not given": the field is optional
        return
    assert reply.json() == {"response_action": "errors", "errors": {"email_time": FORGED}}
    assert nothing_stored(slack)


@pytest.mark.parametrize("picked", ["31/12/2026", "2026-13-01", "2026-11-1", "tomorrow"])
def test_a_date_picker_value_that_is_not_an_iso_date_is_refused_on_its_field(slack, picked):  # type: ignore[no-untyped-def]
    values = chargeback_values(email_on={"a": {"type": "datepicker", "selected_date": picked}})
    reply = slack.submit(form(slack, "chargeback"), values)
    assert reply.status == 200
    assert reply.json()["errors"]["email_on"] == FORGED
    assert nothing_stored(slack)


def test_an_unknown_currency_and_buyer_claim_are_refused_on_their_fields(slack):  # type: ignore[no-untyped-def]
    values = chargeback_values(currency=select_input("DOGE"), complaint_type=select_input("bored"))
    reply = slack.submit(form(slack, "chargeback"), values)
    assert reply.status == 200
    errors = reply.json()["errors"]
    assert set(errors) == {"currency", "complaint_type"}
    assert nothing_stored(slack)


@pytest.mark.parametrize("moment", ["soon", "1e9", "-5", "99999999999999999999", True])
def test_a_datetime_picker_value_that_is_not_a_timestamp_is_refused_on_its_field(slack, moment):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack)
    view = open_form(slack, case_id, "case_action:file")
    reply = slack.submit(view, {"filed_at": {"a": {"type": "datetimepicker", "selected_date_time": moment}}})
    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": {"filed_at": FORGED}}
    assert get_case(slack.store, case_id).state == "preparing"


def test_a_user_picker_value_that_is_not_a_user_is_refused_on_its_field(slack):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack)
    view = open_form(slack, case_id, "case_reassign")
    reply = slack.submit(view, {"new_owner": {"a": {"type": "users_select", "selected_user": "<!channel>"}}})
    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": {"new_owner": FORGED}}
    assert get_case(slack.store, case_id).owner_id == "U1"


@pytest.mark.parametrize("metadata", ["{not json", "[1, 2]", '{"case_id": "1; DROP TABLE cases"}',
                                      '{"case_id": 1.5, "action": "grant"}', '{"action": ["grant"]}'])
def test_a_garbled_form_context_gets_a_refusal_on_the_form(slack, metadata):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack)
    view = open_form(slack, case_id, "case_action:file")
    reply = slack.submit({**view, "private_metadata": metadata}, {"claim_number": text_input("SAFE-T 1")})
    assert reply.status == 200
    assert reply.json()["response_action"] == "errors"
    assert get_case(slack.store, case_id).state == "preparing"


def test_a_malformed_file_list_is_refused_on_its_field(slack):  # type: ignore[no-untyped-def]
    values = claim_values(attachments={"a": {"type": "file_input", "files": "F1,F2"}})
    reply = slack.submit(form(slack, "file"), values)
    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": {"attachments": FORGED}}
    assert nothing_stored(slack) and ORDER
