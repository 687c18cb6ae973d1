"""Talking to Slack for the sweep: where notices go (``Poster``: Slack's Web API, or a recording for
the demo and tests), the message metadata that names the outbox keys a message carries, pacing per
channel, and what a failed Slack call means (refused for good, try later, or the token is refused).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from http.client import HTTPException
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from rules.parsing import USER_ID
from views.notices import Message
from views.plain_text import message_text

log = logging.getLogger("safet.sweep")

NOTICE_EVENT = "safet_notice"
"""Message metadata ``event_type`` of every notice; its payload lists the outbox keys it carries."""
HISTORY_PAGES = 10
"""How many pages of a channel's history a crash recovery reads at most."""

_TRANSIENT = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
_AUTH = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                   "missing_scope", "not_allowed_token_type", "team_access_not_granted"})


class Poster(Protocol):
    """Where notices go: Slack's Web API, or a recording (the demo, tests)."""

    client: WebClient | None

    def post(self, target: str, message: Message, keys: Sequence[str]) -> str: ...

    def permalink(self, channel: str, ts: str) -> str | None: ...

    def posted_keys(self, target: str, oldest: datetime) -> dict[str, str]: ...


def notice_metadata(keys: Sequence[str]) -> dict[str, Any]:
    return {"event_type": NOTICE_EVENT, "event_payload": {"keys": list(keys)}}


def keys_of(message: dict[str, Any]) -> list[str]:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != NOTICE_EVENT:
        return []
    keys = (metadata.get("event_payload") or {}).get("keys") or []
    return [k for k in keys if isinstance(k, str)]


def is_user(target: str) -> bool:
    return bool(USER_ID.fullmatch(target))


class SlackPoster:
    """Posts through a ``WebClient`` (whose retry handlers wait out 429s and 5xx)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._im: dict[str, str] = {}

    def post(self, target: str, message: Message, keys: Sequence[str]) -> str:
        response = self.client.chat_postMessage(
            channel=target, text=message.text, blocks=[b.to_dict() for b in message.blocks],
            metadata=notice_metadata(keys), unfurl_links=False, unfurl_media=False,
        )
        return str(response["ts"])

    def permalink(self, channel: str, ts: str) -> str | None:
        try:
            return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except SlackApiError as error:
            if classify(error)[0] != "permanent":
                raise
            log.info("no permalink for %s/%s: %s", channel, ts, error.response.get("error"))
            return None

    def posted_keys(self, target: str, oldest: datetime) -> dict[str, str]:
        """Notice keys found in the channel's messages since ``oldest``, with their ``ts``."""
        channel = target
        if is_user(target):
            channel = self._im.get(target) or str(self.client.conversations_open(users=target)["channel"]["id"])
            self._im[target] = channel
        found: dict[str, str] = {}
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = self.client.conversations_history(
                channel=channel, oldest=f"{oldest.timestamp():.6f}", include_all_metadata=True, limit=200,
                cursor=cursor,
            )
            for message in page.get("messages", []):
                for key in keys_of(message):
                    found.setdefault(key, str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
        return found


@dataclass(frozen=True)
class PostedMessage:
    target: str
    message: Message
    keys: tuple[str, ...]
    ts: str

    @property
    def text(self) -> str:
        return message_text(self.message)


class RecordingPoster:
    """Keeps what would have been posted (``safet demo``, tests): no Slack anywhere."""

    client: WebClient | None = None

    def __init__(self) -> None:
        self.posted: list[PostedMessage] = []
        self._counter = 0

    def post(self, target: str, message: Message, keys: Sequence[str]) -> str:
        self._counter += 1
        ts = f"{self._counter}.000000"
        self.posted.append(PostedMessage(target, message, tuple(keys), ts))
        return ts

    def permalink(self, channel: str, ts: str) -> str | None:
        return None

    def posted_keys(self, target: str, oldest: datetime) -> dict[str, str]:
        return {key: m.ts for m in self.posted if m.target == target for key in m.keys}

    def take(self) -> list[PostedMessage]:
        """What was posted since the last call."""
        taken, self.posted = self.posted, []
        return taken


def as_poster(client: WebClient | Poster | None) -> Poster:
    if client is None:
        raise ValueError("a sweep that posts needs a Slack client")
    if isinstance(client, WebClient):
        return SlackPoster(client)
    return client


class Pacer:
    """About one message per second per channel (Slack's posting limit); ``sleep`` is injectable."""

    def __init__(self, interval: float = 1.0, *, sleep: Callable[[float], Any] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}

    def wait(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None and self.interval > 0:
            remaining = self.interval - (self._clock() - last)
            if remaining > 0:
                self._sleep(remaining)
        self._last[channel] = self._clock()


def classify(error: BaseException) -> tuple[str, str]:
    """("permanent" | "transient" | "auth", reason) for a failed Slack call."""
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error") or "")
        status = getattr(error.response, "status_code", 200) or 200
        if status == 429 or status >= 500 or code in _TRANSIENT:
            return "transient", code or f"HTTP {status}"
        if code in _AUTH:
            return "auth", code
        return "permanent", code or "unknown_error"
    if isinstance(error, OSError | HTTPException):
        return "transient", str(error) or type(error).__name__
    return "permanent", str(error) or type(error).__name__


SLACK_ERRORS = (SlackClientError, OSError, HTTPException)


class SlackOutage(Exception):
    """Slack is out of reach or refuses the token: stop posting, leave the rest queued."""

    @classmethod
    def of(cls, kind: str, reason: str) -> SlackOutage:
        """Why posting stops, in one line: nothing more can go out until Slack answers."""
        if kind == "auth":
            return cls(f"Slack refused the bot token ({reason}): check SLACK_BOT_TOKEN and the app's scopes; "
                       "what is left stays queued")
        return cls(f"Slack could not be reached ({reason}); what is left stays queued for the next sweep")
