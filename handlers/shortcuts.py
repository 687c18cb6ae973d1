"""Global shortcuts (file a claim, record a chargeback) and the message shortcut (a claim from a message).

Each is acknowledged at once; the modal opens in a lazy listener with the request's ``trigger_id``
(which Slack honours for 3 seconds). App Home's buttons open the same modals through the helpers here.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers.after_ack import FORM, heard
from handlers.deps import Deps
from handlers.open_forms import open_chargeback_modal, open_claim_modal
from handlers.payload import ack_only
from rules.eligibility import EXPLANATION_LIMIT
from rules.parsing import find_order_ids
from views import ids
from views.metadata import ModalContext
from views.text import slack_unescape


def order_in_text(text: str | None) -> str | None:
    """The first Amazon order ID in a message (ASCII or full-width digits), in its ASCII form."""
    found = find_order_ids(text)
    return found[0] if found else None


def plain_message_text(text: str | None) -> str:
    """A message's text as a person would type it back into a plain-text field: Slack's entities decoded."""
    return slack_unescape(text)


def file_claim(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    open_claim_modal(deps, client, user=body["user"]["id"], trigger_id=body["trigger_id"], context=ModalContext())


def record_chargeback(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    open_chargeback_modal(deps, client, user=body["user"]["id"], trigger_id=body["trigger_id"],
                          context=ModalContext())


def claim_from_message(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    """The message's text becomes the explanation; an order ID found in it is filled in."""
    text = (body.get("message") or {}).get("text") or ""
    channel = (body.get("channel") or {}).get("id")
    explanation = plain_message_text(text).strip()[:EXPLANATION_LIMIT] or None
    open_claim_modal(deps, client, user=body["user"]["id"], trigger_id=body["trigger_id"],
                     context=ModalContext(channel_id=channel), order_id=order_in_text(text),
                     explanation=explanation)


def register(app: App, deps: Deps) -> None:
    app.global_shortcut(ids.SHORTCUT_FILE_CLAIM)(ack=ack_only, lazy=[heard(deps, file_claim, FORM)])
    app.global_shortcut(ids.SHORTCUT_RECORD_CHARGEBACK)(ack=ack_only, lazy=[heard(deps, record_chargeback, FORM)])
    app.message_shortcut(ids.SHORTCUT_CLAIM_FROM_MESSAGE)(ack=ack_only, lazy=[heard(deps, claim_from_message, FORM)])
