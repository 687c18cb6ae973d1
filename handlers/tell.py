"""Telling one person something: ephemeral where they are, or a direct message."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("safet")


def tell(client: WebClient, *, user: str, channel: str | None, text: str, blocks: list | None = None) -> None:
    """A message for one person: ephemeral where they are, or a direct message when that is not possible."""
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
            return
        except SlackApiError as error:
            log.info("ephemeral in %s failed (%s); sending a direct message", channel, error.response.get("error"))
    try:
        client.chat_postMessage(channel=user, text=text, blocks=blocks, unfurl_links=False)
    except SlackApiError as error:
        log.warning("could not tell %s: %s", user, error.response.get("error"))
