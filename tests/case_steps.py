"""Steps as a person takes them in Slack (file, press a card button, fill its form), shared by the
case-flow tests."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from rules.records import CaseRecord
from store.models import Case
from store.queries import get_case
from tests.slack_harness import (
    SlackDriver,
    date_input,
    datetime_input,
    select_input,
    text_input,
    wait_until,
)

CASES = "CCASES"
ORDER = "123-1234567-1234567"
LA = ZoneInfo("America/Los_Angeles")
EVIL = "<!channel> <@U123>"
EVIL_ESCAPED = "&lt;!channel&gt; &lt;@U123&gt;"


# ---------------------------------------------------------------- steps, as a person takes them in Slack


def calls(slack: SlackDriver, method: str) -> int:
    return len(slack.fake.calls(method))


def next_call(slack: SlackDriver, method: str, before: int) -> Any:
    """The first call of ``method`` made after ``before`` such calls had been seen."""
    return slack.fake.wait_for(method, count=before + 1)[before]


def case_id_of(slack: SlackDriver, order_id: str, kind: str) -> int:
    with slack.store.reading() as session:
        return session.scalars(select(Case.id).where(Case.order_id == order_id, Case.kind == kind)).one()


def thread(slack: SlackDriver, case: CaseRecord) -> list[dict]:
    return [m for m in slack.fake.messages(case.channel_id or CASES)
            if m.get("thread_ts") == case.card_ts and m["ts"] != case.card_ts]


def settle(slack: SlackDriver, case_id: int) -> CaseRecord:
    """Wait until Slack shows every change of the case: its card is drawn and each event has its thread line
    (the line is posted after the card is redrawn). Polls the recorded calls, which is cheap, then the messages."""
    def lines_sent(case: CaseRecord) -> int:
        return sum(1 for c in slack.fake.calls("chat.postMessage") if c.args.get("thread_ts") == case.card_ts)

    def sent() -> CaseRecord | None:
        case = get_case(slack.store, case_id)
        return case if case and case.card_ts and lines_sent(case) == len(case.events) else None

    case = wait_until(sent)
    wait_until(lambda: len(thread(slack, case)) == len(case.events))
    return case


def card(slack: SlackDriver, case_id: int) -> dict:
    case = get_case(slack.store, case_id, history=False)
    assert case is not None and case.card_ts
    return next(m for m in slack.fake.messages(CASES) if m["ts"] == case.card_ts)


EVIDENCE_BUTTON = "case_evidence_packet"
DOCUMENTS_BUTTON = "case_add_documents"
RECORD_BUTTONS = frozenset({EVIDENCE_BUTTON, DOCUMENTS_BUTTON})
"""On every card (documents: every open one) whatever the state, so left out of ``buttons``;
tests/test_case_record.py checks where they are."""


def buttons(message: dict) -> list[str]:
    """The card's buttons that depend on the case's state, in order."""
    return [e["action_id"] for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]
            if e["action_id"] not in RECORD_BUTTONS]


def button_value(message: dict, action_id: str) -> str:
    found = [e["value"] for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]
             if e["action_id"] == action_id]
    assert found, f"no {action_id} button on the card: {buttons(message)}"
    return found[0]


def press(slack: SlackDriver, case_id: int, action_id: str, *, user: str = "U1", value: str | None = None) -> None:
    message = card(slack, case_id)
    slack.click(action_id, value or button_value(message, action_id), user=user, message={"ts": message["ts"]},
                channel=CASES)


def open_form(slack: SlackDriver, case_id: int, action_id: str, *, user: str = "U1") -> dict:
    before = calls(slack, "views.open")
    press(slack, case_id, action_id, user=user)
    return next_call(slack, "views.open", before).args["view"]


def act(slack: SlackDriver, case_id: int, action_id: str, values: dict | None = None, *,
        user: str = "U1") -> CaseRecord:
    """Press a card button, fill its form, submit, and wait for Slack to show the change."""
    events = len(settle(slack, case_id).events)
    reply = slack.submit(open_form(slack, case_id, action_id, user=user), values or {}, user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    return wait_until(lambda: len((c := settle(slack, case_id)).events) > events and c)


def refusal_after(slack: SlackDriver, before: int) -> str:
    return next_call(slack, "chat.postEphemeral", before).args["text"]


def claim_values(order: str = ORDER, **extra: Any) -> dict:
    values = {
        "order_id": text_input(order), "product_order_id": text_input(None),
        "reason": select_input("trip_credit"),
        "explanation": text_input("The customer was not home for the appointment."),
        "claim_number": text_input(None), "filing_locale": select_input("en"),
    }
    values.update(extra)
    return values


def file_claim(slack: SlackDriver, order_id: str = ORDER, *, user: str = "U1", **extra: Any) -> int:
    before = calls(slack, "views.open")
    slack.command("file", user=user)
    view = next_call(slack, "views.open", before).args["view"]
    assert slack.submit(view, claim_values(order_id, **extra), user=user).json()["response_action"] == "update"
    case_id = case_id_of(slack, order_id, "safet")
    settle(slack, case_id)
    return case_id


def chargeback_values(order: str = ORDER, **extra: Any) -> dict:
    values = {
        "order_id": text_input(order), "amount": text_input("$129.99"), "currency": select_input("USD"),
        "email_on": date_input("2026-11-18"), "email_time": {"a": {"type": "timepicker", "selected_time": None}},
        "complaint_type": select_input("not_received"), "notes": text_input(None),
    }
    values.update(extra)
    return values


def open_chargeback(slack: SlackDriver, order_id: str = ORDER, *, user: str = "U1", **extra: Any) -> int:
    before = calls(slack, "views.open")
    slack.command("chargeback", user=user)
    view = next_call(slack, "views.open", before).args["view"]
    reply = slack.submit(view, chargeback_values(order_id, **extra), user=user)
    assert reply.json() == {"response_action": "clear"}, reply.body
    case_id = case_id_of(slack, order_id, "chargeback")
    settle(slack, case_id)
    return case_id


def filed(slack: SlackDriver, order_id: str = ORDER) -> int:
    case_id = file_claim(slack, order_id)
    act(slack, case_id, "case_action:file", {"claim_number": text_input("SAFE-T 9001"),
                                             "filed_at": datetime_input(slack.clock())})
    return case_id


def slack_posts(slack: SlackDriver) -> list[str]:
    """Everything the app sent to be shown: messages, card edits, ephemerals."""
    return [str(c.args) for m in ("chat.postMessage", "chat.update", "chat.postEphemeral")
            for c in slack.fake.calls(m)]


