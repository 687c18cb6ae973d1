"""What the app answers is what manifest.yml asks Slack to send, and its bot scopes cover what the app calls.

Both directions: every command, shortcut and bot event the manifest declares reaches a listener (a signed
request gets 200, not Bolt's 404 "unhandled request"); every command, shortcut and event a handler
registers is declared. The scopes are checked against the Web API methods the fake Slack saw.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App

from slack_app.app import create_app
from slack_app.config import Settings
from tests.slack_harness import TEAM, Clock, running_app, select_input, text_input
from tools.manifest_check import declared_surface, load_manifest

MANIFEST = load_manifest(Path(__file__).resolve().parent.parent / "manifest.yml")
SURFACE = declared_surface(MANIFEST)
SHORTCUT_TYPES = {s["callback_id"]: s["type"] for s in MANIFEST["features"]["shortcuts"]}
BOT_SCOPES = set(MANIFEST["oauth_config"]["scopes"]["bot"])

# Web API method → the bot scopes of which any one suffices (empty: the method needs none).
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "auth.test": frozenset(),
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.getPermalink": frozenset(),
    "conversations.history": frozenset({"channels:history", "groups:history", "im:history", "mpim:history"}),
    "conversations.open": frozenset({"im:write", "mpim:write"}),
    "users.info": frozenset({"users:read"}),
    "usergroups.users.list": frozenset({"usergroups:read"}),
    "files.info": frozenset({"files:read"}),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}),
    "views.open": frozenset(),
    "views.push": frozenset(),
    "views.update": frozenset(),
    "views.publish": frozenset(),
}

SEEN_METHODS: set[str] = set()
"""Every Web API method the fake Slack saw during the tests of this file."""


@pytest.fixture
def slack(store, fake_slack, now) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(now)) as driver:
        yield driver
    time.sleep(0.2)  # lazy listeners finishing after the last assertion still count
    SEEN_METHODS.update(call.method for call in fake_slack.calls())


# ---------------------------------------------------------------- what the handlers register


def _constraint(kind: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        key = "type" if kind == "events" else "callback_id"
        if isinstance(value.get(key), str):
            return value[key]
    raise AssertionError(f"register {kind} with exact IDs (found {value!r}), so the manifest can be checked")


@pytest.fixture
def registered(monkeypatch, store) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """The commands, shortcut callback IDs and events the handlers register, recorded as Bolt is told them."""
    found: dict[str, set[str]] = {"commands": set(), "shortcuts": set(), "events": set()}
    for method, kind in (("command", "commands"), ("shortcut", "shortcuts"), ("global_shortcut", "shortcuts"),
                         ("message_shortcut", "shortcuts"), ("event", "events"), ("message", "events")):
        original = getattr(App, method)

        def recording(self, *args, _original=original, _method=method, _kind=kind, **kwargs):  # type: ignore[no-untyped-def]
            if _method == "message":
                found[_kind].add("message")  # app.message listens to the "message" event
            else:
                first = args[0] if args else next(iter(kwargs.values()))
                found[_kind].add(_constraint(_kind, first))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(App, method, recording)
    create_app(Settings(bot_token="xoxb-test", signing_secret="s", sweep_seconds=0), store)
    return found


def test_every_registered_command_is_declared_in_the_manifest(registered):  # type: ignore[no-untyped-def]
    assert registered["commands"], "the app registers no command at all"
    assert registered["commands"] <= SURFACE["commands"]


def test_every_registered_shortcut_is_declared_in_the_manifest(registered):  # type: ignore[no-untyped-def]
    assert registered["shortcuts"] <= SURFACE["shortcuts"]


def test_every_registered_event_is_a_declared_bot_event(registered):  # type: ignore[no-untyped-def]
    for event in registered["events"]:
        if event == "message":
            assert any(e.startswith("message.") for e in SURFACE["events"]), "message listeners need message.*"
        else:
            assert event in SURFACE["events"]


def test_the_handlers_register_everything_the_manifest_declares(registered):  # type: ignore[no-untyped-def]
    assert registered["commands"] == SURFACE["commands"]
    assert registered["shortcuts"] == SURFACE["shortcuts"]
    # A "message" listener answers the message.* subscriptions (one per kind of conversation).
    assert registered["events"] == {"message" if e.startswith("message.") else e for e in SURFACE["events"]}


# The scope each message.* subscription needs (Slack refuses the subscription without it).
EVENT_SCOPES = {"message.channels": "channels:history", "message.groups": "groups:history",
                "message.im": "im:history", "message.mpim": "mpim:history"}


def test_each_message_subscription_has_its_history_scope():
    for event in SURFACE["events"]:
        if event.startswith("message."):
            assert EVENT_SCOPES[event] in BOT_SCOPES, f"{event} needs {EVENT_SCOPES[event]}"


# ---------------------------------------------------------------- what the app answers


def send_shortcut(slack, callback_id: str, kind: str) -> Any:  # type: ignore[no-untyped-def]
    payload: dict[str, Any] = {"type": "shortcut" if kind == "global" else "message_action",
                               "callback_id": callback_id, "trigger_id": slack.trigger_id(),
                               "action_ts": f"{time.time():.6f}", "user": {"id": "U1", "team_id": TEAM}}
    if kind == "message":
        payload.update(channel={"id": "CWORK"}, message_ts="1700000000.000200",
                       message={"type": "message", "user": "U2", "text": "hello", "ts": "1700000000.000200"},
                       response_url="https://hooks.example/actions/1")
    return slack.interactive(payload)


def send_event(slack, event_type: str) -> Any:  # type: ignore[no-untyped-def]
    event = {"type": event_type, "user": "U1", "channel": "DU1", "event_ts": f"{time.time():.6f}"}
    if event_type == "app_home_opened":
        event["tab"] = "home"
    if event_type.startswith("message."):  # Slack sends these as type "message", in a channel
        event.update(type="message", channel="CWORK", ts=event["event_ts"], text="hello",
                     channel_type="channel" if event_type == "message.channels" else "group")
    return slack.event(event)


@pytest.mark.parametrize("command", sorted(SURFACE["commands"]))
def test_every_declared_command_is_answered(slack, command):  # type: ignore[no-untyped-def]
    assert command == "/safet", "the harness sends /safet; teach it the new command"
    assert "/safet list" in json.dumps(slack.answer("help"))


@pytest.mark.parametrize("callback_id", sorted(SURFACE["shortcuts"]))
def test_every_declared_shortcut_is_answered_and_opens_a_modal(slack, callback_id):  # type: ignore[no-untyped-def]
    reply = send_shortcut(slack, callback_id, SHORTCUT_TYPES[callback_id])
    assert reply.status == 200, reply.body
    assert slack.fake.wait_for("views.open")[0].args["view"]["type"] == "modal"


@pytest.mark.parametrize("event_type", sorted(SURFACE["events"]))
def test_every_declared_event_is_answered(slack, event_type):  # type: ignore[no-untyped-def]
    reply = send_event(slack, event_type)
    assert reply.status == 200, reply.body
    if event_type == "app_home_opened":
        slack.fake.wait_for("views.publish")


def test_an_undeclared_shortcut_is_unhandled_so_the_checks_above_can_tell(slack):  # type: ignore[no-untyped-def]
    assert send_shortcut(slack, "not_in_the_manifest", "global").status == 404


# ---------------------------------------------------------------- scopes


def tour(slack) -> None:  # type: ignore[no-untyped-def]
    """Everything a person does in a day: each command, each shortcut, a claim filed, App Home and its buttons."""
    for words in ("help", "list", "list due", "show 123-1234567-1234567", "nonsense", "report month"):
        assert slack.command(words).status == 200
    slack.click("report_export_csv", "2026-11")  # the report's CSV, uploaded to the person
    slack.fake.wait_for("files.completeUploadExternal")
    slack.command("file 123-1234567-1234567")
    claim = slack.opened_view()
    reply = slack.submit(claim, {
        "order_id": text_input("123-1234567-1234567"), "product_order_id": text_input(None),
        "reason": select_input("trip_credit"), "explanation": text_input("The customer was not home."),
        "claim_number": text_input(None), "filing_locale": select_input("en"),
    })
    assert reply.json()["response_action"] == "update"
    slack.fake.wait_for("chat.postMessage", count=2)  # the card and its first thread line
    slack.command("show 123-1234567-1234567")
    slack.command("chargeback")
    for callback_id, kind in SHORTCUT_TYPES.items():
        send_shortcut(slack, callback_id, kind)
    # Amazon's email in a message: intake asks files.info for its text (files:read).
    email = slack.fake.add_file(b"Order ID: 111-2223334-4445556", filetype="email", subject="Chargeback claim")
    slack.interactive({"type": "message_action", "callback_id": "safet_record_from_message",
                       "trigger_id": slack.trigger_id(), "user": {"id": "U1", "team_id": TEAM},
                       "channel": {"id": "CWORK"}, "message": {"type": "message", "ts": "1700000000.000300",
                                                               "text": "", "files": [email]}})
    slack.fake.wait_for("files.info")
    send_event(slack, "app_home_opened")
    home = slack.fake.wait_for("views.publish")[0].args["view"]
    case_button = next(b["accessory"]["value"] for b in home["blocks"]
                       if (b.get("accessory") or {}).get("action_id") == "home_open_case")
    slack.click("home_open_case", case_button, view=home)
    slack.click("home_file_claim", "file", view=home)
    slack.click("home_record_chargeback", "chargeback", view=home)
    slack.select(home, "home_locale_select", "zh_CN", block_id="home_locale")
    slack.fake.wait_for("views.publish", count=2)
    slack.fake.wait_for("views.open", count=2 + len(SHORTCUT_TYPES) + 4)


def test_manifest_bot_scopes_cover_every_web_api_method_the_app_called(slack):  # type: ignore[no-untyped-def]
    tour(slack)
    methods = SEEN_METHODS | {call.method for call in slack.fake.calls()}
    assert {"chat.postMessage", "users.info", "views.open", "views.publish", "files.info"} <= methods
    unknown = methods - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {sorted(unknown)} to METHOD_SCOPES (and to manifest.yml)"
    missing = {m: sorted(METHOD_SCOPES[m]) for m in methods if METHOD_SCOPES[m] and not METHOD_SCOPES[m] & BOT_SCOPES}
    assert not missing, f"manifest.yml lacks a scope for: {missing}"


def test_every_bot_scope_is_well_known_so_the_table_above_stays_honest():  # type: ignore[no-untyped-def]
    known = set().union(*METHOD_SCOPES.values()) | {"commands", "chat:write.public"}
    unexplained = BOT_SCOPES - known
    assert not unexplained, f"scopes nothing here explains: {sorted(unexplained)}"
    assert all(re.fullmatch(r"[a-z.:_-]+", scope) for scope in BOT_SCOPES)
