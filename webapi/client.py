"""The Web API client: honours SLACK_API_URL; retries 429 (Retry-After) for every method, but 5xx and
dropped connections only for calls that change nothing in Slack.

A ``chat.postMessage`` whose reply was lost may well have been posted: re-sending it blindly is how a
notice lands twice. Its fate is left to the caller (``webapi.posting.fate_of``), which looks the
message up by its metadata before it is ever sent again.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest

from rules.settings import Settings

WRITES = frozenset({
    "chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete", "chat.scheduleMessage",
    "files.upload", "files.uploadV2", "files.completeUploadExternal", "files.getUploadURLExternal",
    "views.open", "views.push", "views.update", "views.publish", "reactions.add",
})
"""Methods whose retry on a lost reply could act twice (a second message, a second modal)."""

TIMEOUT = 10


def method_of(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


class _ReadsOnly:
    """Mixin: retry only methods that change nothing (reads are safe to repeat)."""

    def _can_retry(self, *, state: Any, request: HttpRequest, response: Any = None, error: Any = None) -> bool:
        if method_of(request) in WRITES:
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)  # type: ignore[misc]


class ReadConnectionErrorRetryHandler(_ReadsOnly, ConnectionErrorRetryHandler):
    """Dropped connections, retried for reads only."""


class ReadServerErrorRetryHandler(_ReadsOnly, ServerErrorRetryHandler):
    """HTTP 500/503, retried for reads only."""


def make_client(settings: Settings, *, max_retries: int = 3, timeout: int = TIMEOUT) -> WebClient:
    return WebClient(
        token=settings.bot_token or None,
        base_url=settings.api_url,
        timeout=timeout,
        retry_handlers=[
            ReadConnectionErrorRetryHandler(max_retry_count=max_retries),
            RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ReadServerErrorRetryHandler(max_retry_count=max_retries),
        ],
    )


_TEAM_URLS: weakref.WeakKeyDictionary[WebClient, str] = weakref.WeakKeyDictionary()
_TEAM_IDS: weakref.WeakKeyDictionary[WebClient, str] = weakref.WeakKeyDictionary()
_TEAM_LOCK = threading.Lock()


def remember_identity(client: WebClient, auth: Any) -> None:
    """Keep what ``auth.test`` said (the workspace URL and ID) so permalinks and the team check need
    no call of their own."""
    url = str(auth.get("url") or "")
    team = str(auth.get("team_id") or "")
    with _TEAM_LOCK:
        if url:
            _TEAM_URLS[client] = url if url.endswith("/") else url + "/"
        if team:
            _TEAM_IDS[client] = team


def installed_team(client: WebClient) -> str | None:
    """The workspace the bot token belongs to, from ``auth.test`` once per client (``None``: it said none)."""
    with _TEAM_LOCK:
        team = _TEAM_IDS.get(client)
    if team is None:
        remember_identity(client, client.auth_test())
        with _TEAM_LOCK:
            team = _TEAM_IDS.get(client)
    return team


def team_url(client: WebClient) -> str:
    """The workspace URL, from ``auth.test`` once per client."""
    with _TEAM_LOCK:
        url = _TEAM_URLS.get(client)
    if url is None:
        remember_identity(client, client.auth_test())
        with _TEAM_LOCK:
            url = _TEAM_URLS.get(client, "")
    return url


def permalink(base: str, channel: str, ts: str) -> str:
    """Slack's permalink of a message: ``{workspace}archives/{channel}/p{ts without the dot}``."""
    return f"{base}archives/{channel}/p{ts.replace('.', '')}"
