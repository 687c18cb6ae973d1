"""Files held by Slack: read one with the bot token (``files.info``, then its ``url_private_download``)."""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

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
    try:
        # A file's name is part of its URL and may be Chinese: percent-encode what is not ASCII.
        safe_url = urllib.parse.quote(url, safe=":/?&=%#~+@!$,;*()'[]")
        request = urllib.request.Request(safe_url, headers={"Authorization": f"Bearer {client.token}"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            content = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        return Fetched(file_id, name, None, size=size, problem="gone" if error.code in {403, 404, 410}
                       else "unreadable")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        log.warning("file %s download failed: %s", file_id, error)
        return Fetched(file_id, name, None, size=size, problem="unreadable")
    if len(content) > max_bytes:
        return Fetched(file_id, name, None, size=size, problem="too_large")
    return Fetched(file_id, name, content, size=len(content))
