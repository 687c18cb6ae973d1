"""What every listener reads of a Slack payload the same way: who acted, where, and the acknowledgement that says
nothing (the work follows in lazy listeners)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack


def ack_only(ack: Ack) -> None:
    """Acknowledge at once; the lazy listeners do the rest."""
    ack()


def user_of(body: dict[str, Any]) -> str | None:
    """The person who acted (an email arriving in a channel has none)."""
    user = body.get("user")
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    opened_home = event.get("type") == "app_home_opened"
    return (user.get("id") if isinstance(user, dict) else user) or body.get("user_id") or (
        event.get("user") if opened_home else None)


def channel_of(body: dict[str, Any]) -> str | None:
    """The conversation the payload came from: an event's, a message button's container, a command's."""
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    if isinstance(event.get("channel"), str):
        return event["channel"]
    for holder, key in ((body.get("container"), "channel_id"), (body.get("channel"), "id")):
        if isinstance(holder, dict) and holder.get(key):
            return holder[key]
    return body.get("channel_id")
