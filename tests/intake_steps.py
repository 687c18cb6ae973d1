"""Steps for the intake tests: an email arriving in the intake channel as Slack delivers it, the shortcut on a
message, and a prefilled form submitted with the values it was opened with (as a person pressing Save does)."""

from __future__ import annotations

import email
import email.policy
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parseaddr
from typing import Any

from tests.slack_harness import TEAM, SlackDriver

INTAKE = "CINTAKE"
TEAM_MAILBOXES = ("acme-sellers.com", "acme-sellers.cn")
"""The team forwards Amazon's emails from its own mailboxes, so it allows them beside Amazon's domains."""


@contextmanager
def intake_app(store: Any, fake: Any, now: Any, *, senders: tuple[str, ...] = TEAM_MAILBOXES,
               **overrides: Any) -> Iterator[SlackDriver]:
    """The app with an intake channel, reading Amazon's domains and ``senders``."""
    from rules.settings import DEFAULT_INTAKE_SENDERS
    from tests.slack_harness import Clock, running_app

    with running_app(store, fake, Clock(now), intake_channel=INTAKE,
                     intake_senders=(*DEFAULT_INTAKE_SENDERS, *senders), **overrides) as driver:
        yield driver
_ts = itertools.count(1)


def next_ts() -> str:
    return f"1763600000.{next(_ts):06d}"


def slack_email_fields(raw: bytes) -> dict[str, Any]:
    """What Slack parses out of an email it receives: who sent it (``from``) and its subject."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        name, address = parseaddr(str(message.get("from", "")))
        subject = str(message.get("subject", ""))
    except (ValueError, IndexError, TypeError, AttributeError, email.errors.MessageError):  # Slack shows what it can
        name, address, subject = "", "", ""
    return {"from": [{"address": address, "name": name, "original": address}], "subject": subject}


def email_file(slack: SlackDriver, raw: bytes, *, name: str = "email.eml", **fields: Any) -> dict:
    """An email as Slack holds one after it was sent to the channel's address (its bytes served to the bot)."""
    return slack.fake.add_file(raw, name=name, mimetype="message/rfc822", filetype="email",
                               **{**slack_email_fields(raw), **fields})


def email_event(file: dict, *, channel: str = INTAKE, ts: str | None = None) -> dict:
    """The ``message`` event Slack sends for it: a file share in the channel, carrying the email file."""
    ts = ts or next_ts()
    return {"type": "message", "subtype": "file_share", "channel": channel, "user": "U0MAILER", "ts": ts,
            "event_ts": ts, "text": "", "files": [file], "channel_type": "channel"}


def deliver(slack: SlackDriver, event: dict, *, retry: int | None = None) -> Any:
    if retry is None:
        return slack.event(event)
    import json

    from tests.slack_harness import sign

    body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0TEST", "type": "event_callback",
                       "event_id": "EvRETRIED", "event_time": int(time.time()), "event": event})
    headers = {**sign(body), "X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return slack.post(body, "application/json", headers)


def shortcut(slack: SlackDriver, message: dict, *, channel: str = "CWORK", user: str = "U1") -> Any:
    return slack.interactive({
        "type": "message_action", "callback_id": "safet_record_from_message", "trigger_id": slack.trigger_id(),
        "action_ts": f"{time.time():.6f}", "user": {"id": user, "team_id": TEAM}, "channel": {"id": channel},
        "message_ts": message["ts"], "message": message, "response_url": "https://hooks.example/actions/1"})


def replies(slack: SlackDriver, channel: str, ts: str) -> list[dict]:
    return [m for m in slack.fake.messages(channel) if m.get("thread_ts") == ts and m["ts"] != ts]


def buttons(blocks: list[dict]) -> list[dict]:
    found = []
    for block in blocks or []:
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def all_text(blocks: list[dict]) -> str:
    parts = []
    for block in blocks or []:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(parts)


def as_submitted(view: dict) -> dict[str, dict]:
    """``view.state.values`` of a form saved as it was opened: every input holds its initial value."""
    values: dict[str, dict] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date")
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time")
        elif kind == "datetimepicker":
            state["selected_date_time"] = element.get("initial_date_time")
        elif kind == "static_select":
            state["selected_option"] = element.get("initial_option")
        elif kind == "checkboxes":
            state["selected_options"] = element.get("initial_options") or []
        elif kind == "file_input":
            state["files"] = []
        values[block["block_id"]] = {element["action_id"]: state}
    return values
