"""Slack files as intake needs them: an email file's fields (``files.info``) and its bytes.

Only Slack's own file URLs are fetched, with the bot token, and never more than ``limit`` bytes: no link
found in an email is ever followed.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("safet")


def file_info(client: WebClient, file_id: str) -> dict[str, Any] | None:
    """The file's full object (an email's ``plain_text`` unabridged), or ``None`` when Slack will not say."""
    try:
        return client.files_info(file=file_id).get("file")
    except SlackApiError as error:
        log.info("files.info %s failed: %s", file_id, error.response.get("error"))
        return None


def _is_slack_url(url: str, client: WebClient) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    api_host = (urlsplit(client.base_url).hostname or "").lower()
    return urlsplit(url).scheme in ("https", "http") and (host == api_host or host == "files.slack.com"
                                                          or host.endswith(".slack.com"))


def download(client: WebClient, url: str | None, *, limit: int) -> bytes | None:
    """A file's bytes from Slack (at most ``limit`` + 1, so the caller can tell it was too large)."""
    if not url or not _is_slack_url(url, client):
        return None
    parts = urlsplit(url)
    url = urlunsplit(parts._replace(path=quote(parts.path, safe="/%"), query=quote(parts.query, safe="=&%")))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read(limit + 1)  # Slack's own URL (checked above), never a link from an email
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:  # ValueError: http.client.InvalidURL
        log.info("could not download a Slack file: %s", error)
        return None
