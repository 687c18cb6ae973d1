"""Amazon's emails arriving in an intake channel: claimed in the ack, read and answered after it, exactly
once — and answered even when Slack failed after the ack (Slack does not send the event again then): an
email is marked answered only once its reply landed, and the sweep tries the unanswered ones again, up to
three times in all. A reply whose fate was lost is looked for in the email's thread before it is re-posted.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from handlers.after_ack import POSTED, heard
from handlers.deps import Deps
from handlers.intake import (
    answer,
    email_file,
    found_of,
    message_letter,
    reply,
    reply_key,
    sender_of,
    with_links,
)
from intake import EmailKind, Refused, is_allowed_sender, is_verified, looks_like_amazon, read_for_account
from intake.senders import is_case_sender
from store import intake as remembered
from views.intake import clip, refusal_text, unreadable_text
from views.text import escape
from webapi.files import file_info
from webapi.posting import SLACK_ERRORS, Fate, fate_of, keys_of

log = logging.getLogger("safet")

CHANNEL = "channel"
_SKIPPED_SUBTYPES = frozenset({"message_changed", "message_deleted", "message_replied", "channel_join",
                               "channel_leave", "bot_add", "bot_remove"})
_TRANSIENT = frozenset({"unavailable"})
"""A refusal that is Slack's failure, not the email's: tried again rather than answered."""


class NotAnswered(Exception):
    """Slack failed before the reply landed (files.info, the download, the post): try again later."""


def on_message(deps: Deps, ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    """Claim a new email inside the ack; a retry of the same event finds it claimed."""
    ack()
    channel, ts, file = event.get("channel"), event.get("ts"), email_file(event)
    intake_channels = deps.settings.accounts.intake_channels | {deps.settings.intake_channel}
    if not channel or channel not in intake_channels or not ts or file is None \
            or event.get("subtype") in _SKIPPED_SUBTYPES:
        return
    thread_ts = event.get("thread_ts") or ts
    if remembered.first_read(deps.store, channel_id=channel, message_ts=ts, source=CHANNEL, now=deps.clock(),
                             file_id=str(file.get("id") or "")[:32] or None, thread_ts=thread_ts):
        context["intake"] = {"channel": channel, "ts": ts, "thread_ts": thread_ts}


def read_new_email(deps: Deps, client: WebClient, event: dict[str, Any], context: BoltContext) -> None:
    claimed = context.get("intake")
    if claimed:
        answer_once(deps, client, claimed, email_file(event) or {})


def register(app: App, deps: Deps) -> None:
    app.event("message")(ack=partial(on_message, deps), lazy=[heard(deps, read_new_email, POSTED)])


def answer_once(deps: Deps, client: WebClient, claimed: dict[str, str], file: dict[str, Any]) -> bool:
    """Answer one claimed email and remember it; on Slack's failure count a try (the sweep tries again)."""
    where = {"channel_id": claimed["channel"], "message_ts": claimed["ts"]}
    try:
        answer_email(deps, client, claimed, file)
    except (NotAnswered, *SLACK_ERRORS) as error:
        tries = remembered.mark_failed(deps.store, **where)
        log.warning("intake: the email %s was not answered (try %d of %d): %s", claimed["ts"], tries,
                    remembered.MAX_TRIES, error)
        return False
    except Exception:  # counted as a try too, then logged with its traceback by the caller
        remembered.mark_failed(deps.store, **where)
        raise
    remembered.mark_answered(deps.store, **where, now=deps.clock())
    return True


def answer_email(deps: Deps, client: WebClient, claimed: dict[str, str], file: dict[str, Any]) -> None:
    """Read the email and post its one reply (or none: a newsletter, a mailbox not allowed, a forward whose
    original is not Amazon's). The sender that counts is the mailbox that sent it, checked before the body."""
    allowed = deps.settings.intake_senders
    tr = deps.channel_tr(deps.settings.accounts.for_email((), claimed["channel"]).key)
    if not file.get("from"):  # a retry knows only the file's ID
        info = file_info(client, str(file.get("id") or ""))
        if info is None:
            raise NotAnswered("files.info failed")
        file = info
    mailbox, subject = sender_of(file), str(file.get("subject") or file.get("title") or "")
    if not is_allowed_sender(mailbox, allowed):
        log.info("intake: not reading an email from a mailbox not on the allow-list")
        if looks_like_amazon(mailbox, subject):
            _reply(client, claimed, tr._(
                "Not read on its own: this email came from {mailbox}, which is not on the intake's list of "
                "senders. Add that mailbox to SAFET_INTAKE_SENDERS, or use the message shortcut *Record from "
                "this message*.", mailbox=escape(clip(mailbox or "?", 100))))
        return
    try:
        reading, account = read_for_account(message_letter(client, {"files": [file]}), deps.settings.accounts,
                                            claimed["channel"])
    except Refused as refused:
        if refused.code in _TRANSIENT:
            raise NotAnswered(refused.reason) from None
        _reply(client, claimed, refusal_text(tr, refused.code))
        return
    tr = deps.channel_tr(account.key)
    if not is_verified(reading, allowed):  # a forward whose quoted original is not Amazon's
        log.info("intake: a forwarded email whose original is not Amazon's was not read")
        return
    if reading.kind is EmailKind.NONE:  # a newsletter, an A-to-z claim: no noise in the channel
        if is_case_sender(reading.sender, reading.subject):
            _reply(client, claimed, unreadable_text(tr, reading))  # Amazon's, but a layout we cannot place
        return
    answer(deps, client, channel=claimed["channel"], ts=claimed["ts"], thread_ts=claimed["thread_ts"],
           found=with_links(client, found_of(deps, reading, account)))


def _reply(client: WebClient, claimed: dict[str, str], text: str) -> None:
    reply(client, channel=claimed["channel"], ts=claimed["ts"], thread_ts=claimed["thread_ts"], text=text)


def already_replied(client: WebClient, claimed: dict[str, str]) -> bool:
    """Whether the email's thread holds its reply (a post whose answer was lost may have landed)."""
    thread = client.conversations_replies(channel=claimed["channel"], ts=claimed["thread_ts"],
                                          include_all_metadata=True, limit=200)
    key = reply_key(claimed["channel"], claimed["ts"])
    return any(key in keys_of(message) for message in thread.get("messages", []))


def retry_unanswered(deps: Deps, client: WebClient, now: datetime) -> int:
    """The sweep's job: answer again the emails whose answer failed; how many got their reply now."""
    answered = 0
    for email in remembered.unanswered(deps.store, now=now):
        claimed = {"channel": email.channel_id, "ts": email.message_ts, "thread_ts": email.thread_ts}
        try:
            if already_replied(client, claimed):
                remembered.mark_answered(deps.store, channel_id=email.channel_id, message_ts=email.message_ts,
                                         now=now)
                continue
        except SLACK_ERRORS as error:
            if fate_of(error) is not Fate.NOT_POSTED:
                log.info("intake: the thread of %s could not be read: %s", email.message_ts, error)
            continue  # not knowing whether it was answered, it is not answered again
        answered += answer_once(deps, client, claimed, {"id": email.file_id})
    return answered
