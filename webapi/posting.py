"""Talking to Slack for the sweep: where notices go (``Poster``: Slack's Web API, or a recording for
the demo and tests), the message metadata that names the outbox keys a message carries, pacing per
channel, and what a failed Slack call means (refused for good, try later, or the token is refused).
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from http.client import HTTPException
from typing import Any, Protocol
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

from rules.parsing import USER_ID
from views.notices import Message
from views.plain_text import message_text
from webapi.client import permalink, team_url

log = logging.getLogger("safet.sweep")

NOTICE_EVENT = "safet_notice"
"""Message metadata ``event_type`` of every notice; its payload lists the outbox keys it carries."""
CARD_EVENT = "safet_card"
"""Message metadata ``event_type`` of a case card (its key ``card:{case_id}``)."""
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
    if metadata.get("event_type") not in (NOTICE_EVENT, CARD_EVENT):
        return []
    keys = (metadata.get("event_payload") or {}).get("keys") or []
    return [k for k in keys if isinstance(k, str)]


_BASE_TO_DICT = JsonObject.to_dict
_EMPTY_ALLOWED = {(e["type"], e["property"]) for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST}


def plain(value: Any) -> Any:
    """Block Kit objects as the JSON Slack takes, built once, without re-running slack_sdk's validators
    on every element (the views' tests validate what they draw, and ``tests/test_delivery.py`` checks
    this gives what ``to_dict()`` gives). Objects with a ``to_dict`` of their own use it."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if not isinstance(value, JsonObject):
        return value
    if type(value).to_dict is not _BASE_TO_DICT:
        return value.to_dict()
    kind = getattr(value, "type", None)
    out = {}
    for key in sorted(value.attributes):
        item = getattr(value, key, None)
        if item is None or (hasattr(item, "__len__") and not len(item) and (kind, key) not in _EMPTY_ALLOWED):
            continue
        out[key] = plain(item)
    return out


def shown_digest(blocks: Sequence[Any], text: str) -> str:
    """A digest of what a message shows: two drawings with the same digest look the same."""
    payload = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
    return hashlib.sha256(json.dumps([payload, text], sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def card_metadata(case_id: int) -> dict[str, Any]:
    """The card's metadata: found again in the channel's history if its post's answer was lost."""
    return {"event_type": CARD_EVENT, "event_payload": {"keys": [f"card:{case_id}"]}}


def is_user(target: str) -> bool:
    return bool(USER_ID.fullmatch(target))


class SlackPoster:
    """Posts through a ``WebClient`` (whose retry handlers wait out 429s and 5xx)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._im: dict[str, str] = {}

    def post(self, target: str, message: Message, keys: Sequence[str]) -> str:
        response = self.client.chat_postMessage(
            channel=target, text=message.text, blocks=plain(message.blocks),
            metadata=notice_metadata(keys), unfurl_links=False, unfurl_media=False,
        )
        return str(response["ts"])

    def permalink(self, channel: str, ts: str) -> str | None:
        """Built from the workspace URL (``auth.test`` once per client): no ``chat.getPermalink`` per card."""
        return permalink(team_url(self.client), channel, ts)

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


TIERS = {"chat.update": 50, "chat.getPermalink": 100, "conversations.history": 50, "conversations.open": 50,
         "users.info": 100, "auth.test": 100}
"""Calls per minute of each method's published tier (Tier 3 = 50, Tier 4 = 100)."""


class Pacer:
    """Slack's limits, kept on our side: ``chat.postMessage`` about once per ``interval`` second per
    channel (``wait``), and every other method within its tier (``call``: a token bucket holding a
    tenth of a minute's calls). ``Pacer(0)`` does not pace (tests); ``sleep`` and ``clock`` are injectable,
    ``compress`` runs faster against a fake Slack whose time runs faster by the same factor."""

    def __init__(self, interval: float = 1.0, *, sleep: Callable[[float], Any] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, tiers: dict[str, int] | None = None,
                 compress: float = 1.0) -> None:
        self.interval = interval / compress if interval else 0.0
        self.tiers = TIERS if tiers is None else tiers
        self.compress = compress
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self._buckets: dict[str, tuple[float, float]] = {}
        self.waited = 0.0
        """Seconds slept so far, keeping to Slack's limits (benches subtract it: time in Slack's hands)."""

    def _pause(self, seconds: float) -> None:
        self.waited += seconds
        self._sleep(seconds)

    def wait(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None and self.interval > 0:
            remaining = self.interval - (self._clock() - last)
            if remaining > 0:
                self._pause(remaining)
        self._last[channel] = self._clock()

    def call(self, method: str) -> None:
        """Before a call of ``method``: wait until its tier allows one more."""
        per_minute = self.tiers.get(method)
        if not per_minute or not self.interval:
            return
        rate, capacity = per_minute / 60 * self.compress, max(1, per_minute // 10)
        now = self._clock()
        tokens, at = self._buckets.get(method, (capacity, now))
        tokens = min(capacity, tokens + (now - at) * rate)
        if tokens < 1:
            self._pause((1 - tokens) / rate)
            now, tokens = self._clock(), 1.0
        self._buckets[method] = (tokens - 1, now)


class Fate(StrEnum):
    """What became of a call that would change something in Slack."""

    POSTED = "posted"
    """Slack answered ``ok``."""
    NOT_POSTED = "not posted"
    """Slack said no before acting (a 429, ``channel_not_found``…), or the request never left."""
    UNKNOWN = "unknown"
    """The request may have been acted on, the answer was lost (5xx, reset, timeout): look before re-sending."""


_UNKNOWN_CODES = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
_NEVER_SENT = (ConnectionRefusedError, socket.gaierror)
"""Errors raised before the request reached Slack: the call certainly did nothing."""


def _never_sent(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, URLError) else error
    if isinstance(reason, _NEVER_SENT):
        return True
    return isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)


def fate_of(error: BaseException) -> Fate:
    """The fate of a failed mutating call: ``NOT_POSTED`` or ``UNKNOWN`` (never guessed as posted)."""
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error") or "")
        status = getattr(error.response, "status_code", 200) or 200
        if status == 429 or code == "ratelimited":
            return Fate.NOT_POSTED
        return Fate.UNKNOWN if status >= 500 or code in _UNKNOWN_CODES else Fate.NOT_POSTED
    if isinstance(error, OSError | HTTPException) and not _never_sent(error):
        return Fate.UNKNOWN
    return Fate.NOT_POSTED


def classify(error: BaseException) -> tuple[str, str]:
    """("permanent" | "transient" | "auth", reason) for a failed Slack call: refused for good, try
    again later (also when the fate is unknown: after a look in the history), or the token refused."""
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
