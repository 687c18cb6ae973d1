"""Files held by Slack: a file's object (``files.info``) and its bytes, read with the bot token.

Only Slack's own file URLs are fetched, and never more than a limit: no link found in an email or a
message is ever followed, and the bot token goes to Slack alone.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("safet")

MAX_FILE_BYTES = 25 * 1024 * 1024
"""One file larger than this is listed in the packet, not put in it."""
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Fetched:
    file_id: str
    name: str
    content: bytes | None
    size: int | None = None
    problem: str | None = None
    """``gone`` (deleted, or never shared with the app), ``too_large``, ``unreadable`` (Slack failed)."""


def file_info(client: WebClient, file_id: str) -> dict[str, Any] | None:
    """The file's full object (an email's ``plain_text`` unabridged), or ``None`` when Slack will not say."""
    try:
        return client.files_info(file=file_id).get("file")
    except SlackApiError as error:
        log.info("files.info %s failed: %s", file_id, error.response.get("error"))
        return None


def _origin(url: str) -> tuple[str, str, int | None] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return None
    return parts.scheme, (parts.hostname or "").lower(), port


def _is_slack_url(url: str, client: WebClient) -> bool:
    """Slack's file hosts over https on 443, or the configured API URL's own scheme, host and port (a
    local fake in tests): the only places the bot token may go."""
    origin = _origin(url)
    if origin is None:
        return False
    scheme, host, port = origin
    if (scheme, port) == ("https", 443) and (host == "slack.com" or host.endswith(".slack.com")):
        return True
    return origin == _origin(client.base_url)


class _SlackOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a place the token may go; any other one ends the download (urllib would
    carry the ``Authorization`` header to wherever it points)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not _is_slack_url(newurl, self.client):
            log.warning("refused a file redirect to %s", urlsplit(newurl).hostname)
            return None  # urllib then raises the 3xx as an HTTPError
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get(client: WebClient, url: str | None, limit: int, timeout: float) -> bytes | int | None:
    """At most ``limit`` + 1 bytes (so the caller can tell it was too large), the HTTP status Slack refused
    with, or ``None`` when the URL is not Slack's or the download failed."""
    if not url or not _is_slack_url(url, client):
        return None
    parts = urlsplit(url)  # a file's name is part of its URL and may be Chinese: percent-encode it
    url = urlunsplit(parts._replace(path=quote(parts.path, safe="/%"), query=quote(parts.query, safe="=&%")))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        opener = urllib.request.build_opener(_SlackOnlyRedirects(client))
        with opener.open(request, timeout=timeout) as response:
            return response.read(limit + 1)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:  # ValueError: http.client.InvalidURL
        log.info("could not download a Slack file: %s", error)
        return None


def download(client: WebClient, url: str | None, *, limit: int) -> bytes | None:
    """A file's bytes from Slack (at most ``limit`` + 1), or ``None``."""
    got = _get(client, url, limit, timeout=10)
    return got if isinstance(got, bytes) else None


def fetch_file(client: WebClient, file_id: str, *, name: str, max_bytes: int = MAX_FILE_BYTES) -> Fetched:
    """A file's bytes as the bot may read them; a file that is gone or too large is reported, never raised."""
    try:
        info = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        code = error.response.get("error")
        log.info("file %s not readable: %s", file_id, code)
        return Fetched(file_id, name, None, problem="gone" if code in {"file_not_found", "file_deleted"}
                       else "unreadable")
    name = info.get("name") or info.get("title") or name
    size = info.get("size")
    if isinstance(size, int) and size > max_bytes:
        return Fetched(file_id, name, None, size=size, problem="too_large")
    url = info.get("url_private_download") or info.get("url_private")
    if not url:
        return Fetched(file_id, name, None, size=size, problem="gone")
    got = _get(client, url, max_bytes, timeout=TIMEOUT_SECONDS)
    if isinstance(got, int):
        return Fetched(file_id, name, None, size=size, problem="gone" if got in {403, 404, 410} else "unreadable")
    if got is None:
        return Fetched(file_id, name, None, size=size, problem="unreadable")
    if len(got) > max_bytes:
        return Fetched(file_id, name, None, size=size, problem="too_large")
    return Fetched(file_id, name, got, size=len(got))
