"""Amazon's emails into cases: the intake channel's new emails, and the "Record from this message" shortcut.

One reader (``intake``) behind both. The ack only decides whether to read and claims the message (so a
retried event or a second look answers once); reading, ``files.info`` and the reply run in lazy listeners.
Nothing is recorded from an email alone: the reply's buttons open the right form, prefilled.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.after_ack import FORM, POSTED, heard
from handlers.deps import Deps
from handlers.open_forms import open_chargeback_modal, open_claim_modal
from handlers.payload import ack_only, channel_of
from intake import (
    MAX_BYTES,
    Letter,
    Refused,
    implied_deadline,
    is_verified,
    read_for_account,
)
from intake.letter import address_of, read_bytes, read_text
from rules.accounts import Account
from rules.emails import Reading, case_kind_of
from rules.kinds import Action, ComplaintType
from store.intake import cases_for, first_read, mark_answered
from views import ids
from views.action_modals import plain_amount
from views.i18n import translator
from views.intake import (
    Found,
    Prefill,
    case_line,
    case_line_blocks,
    note_modal,
    parse_prefill,
    reading_modal,
    refusal_text,
    reply_blocks,
    reply_text,
    summary_modal,
    unreadable_text,
)
from views.market_view import MarketView
from views.metadata import CaseRef, ModalContext
from views.text import slack_unescape
from webapi.files import download, file_info
from webapi.posting import notice_metadata

log = logging.getLogger("safet")

CHANNEL, SHORTCUT = "channel", "shortcut"
_SKIPPED_SUBTYPES = frozenset({"message_changed", "message_deleted", "message_replied", "channel_join",
                               "channel_leave", "bot_add", "bot_remove"})


def email_file(message: dict[str, Any]) -> dict[str, Any] | None:
    """The email Slack attached to a message (an email sent to the channel's address)."""
    return next((f for f in message.get("files") or [] if isinstance(f, dict) and f.get("filetype") == "email"), None)


def sender_of(info: dict[str, Any]) -> str:
    senders = info.get("from") or []
    first = senders[0] if senders and isinstance(senders[0], dict) else {}
    return address_of(str(first.get("address") or first.get("original") or ""))


def slack_letter(client: WebClient, file: dict[str, Any]) -> Letter:
    """An email file as Slack holds it: its subject, sender, ``Date`` header and plain text (``files.info``
    when the event's copy is cut short), else its bytes read as a real message."""
    if int(file.get("size") or 0) > MAX_BYTES:
        raise Refused("too large", "too_large")
    info = file
    if not info.get("plain_text") or info.get("has_more") or not info.get("headers"):
        info = file_info(client, str(file.get("id") or "")) or file
    headers = info.get("headers") if isinstance(info.get("headers"), dict) else {}
    fields = {"subject": str(info.get("subject") or info.get("title") or ""), "sender": sender_of(info),
              "date": str(headers.get("date") or "") or None}
    text = info.get("plain_text")
    if isinstance(text, str) and text.strip() and not info.get("has_more"):
        return read_text(text, **fields)
    # Slack serves the email's HTML rendering (an uploaded .eml is served as itself): both are read.
    raw = download(client, info.get("url_private_download") or info.get("url_private"), limit=MAX_BYTES)
    if raw is None:
        raise Refused("unavailable", "unavailable")
    return read_bytes(raw, **fields)


def message_letter(client: WebClient, message: dict[str, Any]) -> Letter:
    """A message's email file, or its text as pasted (Slack's entities decoded)."""
    file = email_file(message)
    if file is not None:
        return slack_letter(client, file)
    return read_text(slack_unescape(message.get("text")))


def found_of(deps: Deps, reading: Reading, account: Account) -> Found:
    kind = case_kind_of(reading.kind)
    cases = cases_for(deps.store, kind, reading.order_ids, reading.claim_number) if kind else {}
    market = deps.settings.accounts.market_of(account.key)
    return Found(reading, cases, implied_deadline(reading, market),
                 verified=is_verified(reading, deps.settings.intake_senders), account=account.key)


def _permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError:
        return None


def with_links(client: WebClient, found: Found) -> Found:
    links = {case.id: link for case in found.cases.values()
             if (link := _permalink(client, case.channel_id, case.card_ts))}
    return replace(found, case_links=links)


def answer(deps: Deps, client: WebClient, *, channel: str, ts: str, thread_ts: str, found: Found) -> None:
    """The one reply in the email's thread, and a line in each existing case's thread."""
    tr, now = deps.channel_tr(found.account), deps.clock()
    team = MarketView.of(deps.settings.accounts.market_of(found.account))
    if found.actionable:
        reply(client, channel=channel, ts=ts, thread_ts=thread_ts, text=reply_text(tr, found),
              blocks=reply_blocks(tr, found, team=team, now=now))
    else:
        reply(client, channel=channel, ts=ts, thread_ts=thread_ts, text=unreadable_text(tr, found.reading))
    if not found.cases:
        return
    email_link = _permalink(client, channel, ts)
    for order_id, case in found.cases.items():
        if not case.channel_id or not case.card_ts:
            continue
        try:
            client.chat_postMessage(channel=case.channel_id, thread_ts=case.card_ts,
                                    text=case_line(tr, found, email_link=email_link, team=team, now=now),
                                    blocks=case_line_blocks(tr, found, order_id, email_link=email_link, team=team,
                                                            now=now), unfurl_links=False)
        except SlackApiError as error:
            log.warning("could not add the email to case %s: %s", case.id, error.response.get("error"))


def reply_key(channel: str, ts: str) -> str:
    return f"intake:{channel}:{ts}"


def reply(client: WebClient, *, channel: str, ts: str, thread_ts: str, text: str, blocks: list | None = None) -> None:
    """The one reply in an email's thread, carrying its key (so a reply whose fate was lost is found in the
    thread before it is ever posted again). Raises what Slack raised."""
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks, unfurl_links=False,
                            unfurl_media=False, metadata=notice_metadata([reply_key(channel, ts)]))


def form_values(prefill: Prefill) -> dict[str, Any]:
    """A case action's form fields, as the email gives them (``rules.actions`` names them)."""
    sent = datetime.fromtimestamp(prefill.sent_at, UTC) if isinstance(prefill.sent_at, int) else None
    stated = datetime.fromtimestamp(prefill.stated_at, UTC) if isinstance(prefill.stated_at, int) else None
    amount = plain_amount(prefill.amount_cents, prefill.currency or "USD") if isinstance(
        prefill.amount_cents, int) else None
    values = {
        Action.LOG_INFO_REQUEST.value: {"arrived_at": sent, "stated_due_at": stated},
        Action.GRANT.value: {"amount": amount},
        Action.DENY.value: {"appeal_by": stated},
        Action.RECORD_DEBIT.value: {"amount": amount},
        Action.FILE.value: {"claim_number": prefill.claim_number, "filed_at": sent},
    }.get(prefill.action or "", {})
    return {name: value for name, value in values.items() if value is not None}


def intake_case_button(pressed: dict[str, Any]) -> tuple[str, CaseRef, dict[str, Any]] | None:
    """The case form an intake reply's button asks for: (action, case and version, prefilled fields)."""
    prefill = parse_prefill(pressed.get("value"))
    if prefill is None or not isinstance(prefill.case_id, int) or not isinstance(prefill.version, int):
        return None
    if not isinstance(prefill.action, str) or prefill.action not in set(Action):
        return None
    return prefill.action, CaseRef(prefill.case_id, prefill.version), form_values(prefill)


def record_from_message(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    """Show the person what the message says (a modal, at once: the trigger lives 3 s), then reply once in
    the message's thread when there is something to record and nobody was answered there yet."""
    user, message = body["user"]["id"], body.get("message") or {}
    channel, ts = (body.get("channel") or {}).get("id"), message.get("ts")
    # The modal opens at once (in the language the store knows); fetching and reading the email, and
    # asking Slack the person's language, come after: a slow download never spends the trigger.
    opened = client.views_open(trigger_id=body["trigger_id"], view=reading_modal(deps.tr(user)))
    view_id = opened["view"]["id"]
    tr = translator(deps.directory.person(user, client).locale)
    try:
        letter = message_letter(client, message)
        found = found_of(deps, *read_for_account(letter, deps.settings.accounts, channel))
    except Refused as refused:
        client.views_update(view_id=view_id, view=note_modal(tr, refusal_text(tr, refused.code)))
        return
    team, now = MarketView.of(deps.settings.accounts.market_of(found.account)), deps.clock()
    if found.actionable:
        view = summary_modal(tr, reply_blocks(tr, found, team=team, now=now),
                             private_metadata=ModalContext(channel_id=channel).dumps())
    else:
        view = note_modal(tr, unreadable_text(tr, found.reading))
    client.views_update(view_id=view_id, view=view)
    if found.actionable and channel and ts and first_read(deps.store, channel_id=channel, message_ts=ts,
                                                         source=SHORTCUT, now=now, read_by=user):
        answer(deps, client, channel=channel, ts=ts, thread_ts=message.get("thread_ts") or ts,
               found=with_links(client, found))  # the links after the modal: the trigger_id lives 3 s
        mark_answered(deps.store, channel_id=channel, message_ts=ts, now=deps.clock())


def open_new_case_form(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    """A reply's "Record this chargeback" / "Record this SAFE-T claim": the form, prefilled from the email."""
    pressed = body["actions"][0]
    prefill = parse_prefill(pressed.get("value"))
    if prefill is None:
        log.warning("ignored an intake button with value %r", pressed.get("value"))
        return
    user = body["user"]["id"]
    channel = channel_of(body)
    push = (body.get("container") or {}).get("type") == "view"  # from the shortcut's summary modal
    sent_at = prefill.sent_at if isinstance(prefill.sent_at, int) else None
    if pressed.get("action_id") == ids.ACTION_INTAKE_RECORD_CHARGEBACK:
        currency = prefill.currency if isinstance(prefill.currency, str) else "USD"
        open_chargeback_modal(
            deps, client, user=user, trigger_id=body["trigger_id"], push=push,
            context=ModalContext(channel_id=channel, email_at=sent_at, email=_carried(pressed)),
            order_id=prefill.order_id[:40],
            currency=currency, email_at=datetime.fromtimestamp(sent_at, UTC) if sent_at else None,
            amount=plain_amount(prefill.amount_cents, currency) if isinstance(prefill.amount_cents, int) else None,
            complaint=ComplaintType(prefill.complaint)
            if isinstance(prefill.complaint, str) and prefill.complaint in set(ComplaintType) else None,
            account_key=prefill.account)
    else:
        claim_number = prefill.claim_number if isinstance(prefill.claim_number, str) else None
        open_claim_modal(deps, client, user=user, trigger_id=body["trigger_id"], push=push,
                         context=ModalContext(channel_id=channel, email=_carried(pressed)),
                         order_id=prefill.order_id[:40],
                         claim_number=claim_number[:64] if claim_number else None, account_key=prefill.account)


def register(app: App, deps: Deps) -> None:
    app.message_shortcut(ids.SHORTCUT_RECORD_FROM_MESSAGE)(
        ack=ack_only, lazy=[heard(deps, record_from_message, POSTED)])
    app.block_action(ids.ACTION_INTAKE_RECORD_CHARGEBACK)(ack=ack_only, lazy=[heard(deps, open_new_case_form, FORM)])
    app.block_action(ids.ACTION_INTAKE_RECORD_CLAIM)(ack=ack_only, lazy=[heard(deps, open_new_case_form, FORM)])


def _carried(pressed: dict[str, Any]) -> str | None:
    """The button's value, carried into the form (a modal's metadata holds 3000 characters, a button's 2000)."""
    value = pressed.get("value")
    return value if isinstance(value, str) and len(value) <= 2000 else None
