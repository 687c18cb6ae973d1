"""Drive the real Bolt app the way Slack does: signed HTTP requests to a running WSGI server, with the
Web API pointed at the fake Slack server. Nothing about Bolt is mocked."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_app.app import Runtime, create_runtime
from slack_app.config import Settings
from slack_app.server import EVENTS_PATH, wsgi_app
from store.db import Policy, Store
from tests.fake_slack import FakeSlack
from views.intake import LOADING_BLOCK
from webapi.client import make_client

SIGNING_SECRET = "test-signing-secret"
TEAM = "T0TEST"


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Clock:
    """A clock tests can move: the app reads it for every 'now'."""

    current: datetime

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> datetime:
        self.current += timedelta(**kwargs)
        return self.current


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class SlackDriver:
    """Sends what Slack sends, signed, and reads what the app answered."""

    url: str
    runtime: Runtime
    fake: FakeSlack
    clock: Clock
    _trigger: int = field(default=0)
    trigger_delay: float = 0.0
    """How old each trigger is when the app receives it (Slack refuses it in views.open after 3 s)."""

    @property
    def store(self) -> Store:
        return self.runtime.deps.store

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> Reply:
        request = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type, **(sign(body) if headers is None else headers)})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode())

    def trigger_id(self) -> str:
        self._trigger += 1
        trigger = f"trigger-{self._trigger}"
        self.fake.issue_trigger(trigger, age=self.trigger_delay)
        return trigger

    def command(self, text: str, *, user: str = "U1", channel: str = "CWORK", headers: dict | None = None) -> Reply:
        body = urllib.parse.urlencode({
            "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": channel,
            "channel_name": "work", "user_id": user, "user_name": user.lower(), "command": "/safet",
            "text": text, "api_app_id": "A0TEST", "response_url": "https://hooks.example/commands/1",
            "trigger_id": self.trigger_id(),
        })
        return self.post(body, "application/x-www-form-urlencoded", headers)

    def modal_of(self, text: str) -> dict[str, Any]:
        """``/safet <text>``: acknowledged with an empty body, then the modal it opened."""
        reply = self.command(text)
        assert reply.status == 200 and reply.body == "", reply.body
        return self.opened_view()

    def answer(self, text: str, *, user: str = "U1", channel: str = "CWORK") -> dict[str, Any]:
        """What `/safet <text>` says back to ``user``: the ack's body, or — for someone the app has not met
        yet, answered once Slack told their language — the ephemeral message posted a moment later."""
        seen = len(self.fake.calls("chat.postEphemeral"))
        reply = self.command(text, user=user, channel=channel)
        assert reply.status == 200, reply.body
        if reply.body:
            return reply.json()
        later = self.fake.wait_for("chat.postEphemeral", count=seen + 1)[seen].args
        assert later["user"] == user and later["channel"] == channel
        return {"response_type": "ephemeral", **{k: later[k] for k in ("text", "blocks") if k in later}}

    def interactive(self, payload: dict[str, Any], headers: dict | None = None) -> Reply:
        payload = {"team": {"id": TEAM, "domain": "acme"}, "api_app_id": "A0TEST", "token": "legacy", **payload}
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", headers)

    def event(self, event: dict[str, Any]) -> Reply:
        body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0TEST", "type": "event_callback",
                           "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()), "event": event})
        return self.post(body, "application/json")

    # ---------------------------------------------------------------- interactions as Slack sends them

    def submit(self, view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str = "U1") -> Reply:
        """Submit a modal the app opened, with ``values`` as Slack's ``view.state.values``."""
        submitted = {**view, "id": view.get("id", "V1"), "state": {"values": values}, "hash": "h"}
        return self.interactive({"type": "view_submission", "user": _user(user), "view": submitted,
                                 "trigger_id": self.trigger_id()})

    def click(self, action_id: str, value: str, *, user: str = "U1", message: dict | None = None,
              channel: str = "CCASES", view: dict | None = None, block_id: str = "b") -> Reply:
        payload: dict[str, Any] = {
            "type": "block_actions", "user": _user(user), "trigger_id": self.trigger_id(),
            "actions": [{"action_id": action_id, "block_id": block_id, "value": value, "type": "button",
                         "action_ts": str(time.time())}],
        }
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
        else:
            payload["channel"] = {"id": channel}
            payload["message"] = message or {"ts": "1700000000.000100"}
            payload["container"] = {"type": "message", "channel_id": channel,
                                    "message_ts": payload["message"]["ts"]}
        return self.interactive(payload)

    def select(self, view: dict[str, Any], action_id: str, value: str, *, user: str = "U1",
               values: dict | None = None, block_id: str = "reason") -> Reply:
        view = {**view, "id": view.get("id", "V1"), "state": {"values": values or {}}, "hash": "h"}
        return self.interactive({
            "type": "block_actions", "user": _user(user), "trigger_id": self.trigger_id(), "view": view,
            "container": {"type": "view", "view_id": view["id"]},
            "actions": [{"action_id": action_id, "block_id": block_id, "type": "static_select",
                         "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}],
        })

    def opened_view(self, method: str = "views.open", index: int = -1, timeout: float = 5.0) -> dict[str, Any]:
        """The view as the app opened it; one the app opened as "reading…" and then replaced, as replaced."""
        calls = self.fake.wait_for(method, timeout=timeout)
        view = calls[index].args["view"]
        if any(b.get("block_id") == LOADING_BLOCK for b in view.get("blocks", [])):
            return wait_until(lambda: (v := self.fake.shown_view(index)) and not any(
                b.get("block_id") == LOADING_BLOCK for b in v.get("blocks", [])) and v, timeout)
        return view

    def wait_idle(self, method: str, count: int, timeout: float = 5.0) -> list:
        return self.fake.wait_for(method, count=count, timeout=timeout)


def _user(user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "team_id": TEAM}


def text_input(value: str | None) -> dict[str, Any]:
    return {"a": {"type": "plain_text_input", "value": value}}


def select_input(value: str | None) -> dict[str, Any]:
    return {"a": {"type": "static_select", "selected_option": {"value": value} if value else None}}


def date_input(value: str | None) -> dict[str, Any]:
    return {"a": {"type": "datepicker", "selected_date": value}}


def datetime_input(moment: datetime | None) -> dict[str, Any]:
    return {"a": {"type": "datetimepicker", "selected_date_time": int(moment.timestamp()) if moment else None}}


def user_input(user: str | None) -> dict[str, Any]:
    return {"a": {"type": "users_select", "selected_user": user}}


@contextmanager
def running_app(store: Store, fake: FakeSlack, clock: Clock, **overrides: Any) -> Iterator[SlackDriver]:
    """The production WSGI app (Bolt + /healthz) on a loopback port, in this process."""
    settings = Settings(bot_token="xoxb-test", signing_secret=SIGNING_SECRET, api_url=fake.base_url,
                        alert_channel="CCASES", sweep_seconds=0, **overrides)
    # The store follows the app's settings (approval gate, warnings), keeping the test's case channel.
    store.policy = replace(Policy.of(settings), case_channel=store.policy.case_channel)
    runtime = create_runtime(settings, store, clock=clock, client=make_client(settings, max_retries=1))
    server = make_server("127.0.0.1", 0, wsgi_app(runtime), server_class=_ThreadingServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield SlackDriver(f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}", runtime, fake, clock)
    finally:
        server.shutdown()
        server.server_close()
        # This test's lazy listeners finish here, so none posts into the next test's (shared) fake Slack.
        runtime.after_response.shutdown(wait=True)


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"{what}: not met within {timeout}s")
