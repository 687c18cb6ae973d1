"""Amazon's ledger notices: "Take Amazon's figure" (the recorded amount becomes the ledger's) and "Match to a
case" (a reimbursement no claim id matched, given to the claim a person names). Each write happens in the ack;
the card and the notices follow in lazy listeners. A second press changes nothing."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.after_ack import FORM, SAVED, heard
from handlers.case_actions import error_block
from handlers.deps import Deps
from handlers.forms import Form
from handlers.payload import ack_only, channel_of
from handlers.tell import tell
from rules.errors import DomainError, NotPermitted, out_of_date_button
from rules.text import N_
from store import ledger as store_ledger
from store.ledger import NAME_THE_CLAIM
from views import ids
from views.ledger_notices import match_modal

MAX_KEY = 64
log = logging.getLogger("safet")


def _key(body: dict[str, Any]) -> str:
    value = (body.get("actions") or [{}])[0].get("value")
    if not isinstance(value, str) or not value or len(value) > MAX_KEY or not value.isalnum():
        raise out_of_date_button()
    return value


def take_figure(deps: Deps, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Write in the ack; the refusal (not the owner or a lead, a forged key) is said to the person."""
    user = body["user"]["id"]
    entry_key = _key(body)
    entry = store_ledger.load_entries(deps.store, [entry_key]).get(entry_key)
    if entry is None or entry.case_id is None:
        raise out_of_date_button()
    account = deps.store.policy.accounts.account(entry.account).key
    is_lead = deps.directory.is_lead(user, None, account=account)
    changed = store_ledger.take_ledger_figure(deps.store, entry_key, actor=user, is_lead=is_lead, now=deps.clock())
    ack()
    context["case_id"], context["changed"] = entry.case_id, changed is not None


def after_figure(deps: Deps, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    user, channel = body["user"]["id"], channel_of(body)
    tr = deps.tr(user, client)
    case_id = context.get("case_id")
    if case_id is None:
        return
    deps.cards.refresh(client, case_id)
    if context.get("changed"):
        settled_notice(deps, client, body, user)
    text = tr._("Recorded Amazon's figure on the case.") if context.get("changed") else \
        tr._("The case already shows Amazon's figure: nothing changed.")
    tell(client, user=user, channel=channel, text=text)


def settled_notice(deps: Deps, client: WebClient, body: dict[str, Any], user: str) -> None:
    """The notice loses its button and says who took Amazon's figure (in a digest, only that notice's button)."""
    message, channel = body.get("message") or {}, channel_of(body)
    block_id = (body.get("actions") or [{}])[0].get("block_id")
    blocks = message.get("blocks")
    if not channel or not message.get("ts") or not isinstance(blocks, list):
        return
    account = deps.settings.accounts.for_channel(channel)
    tr = deps.channel_tr(account.key if account else None)
    done = {"type": "context", "elements": [{"type": "mrkdwn", "text": tr._(
        ":white_check_mark: <@{user}> recorded Amazon's figure.", user=user)}]}
    kept = [done if isinstance(b, dict) and b.get("block_id") == block_id else b for b in blocks]
    try:
        client.chat_update(channel=channel, ts=message["ts"], blocks=kept, text=message.get("text") or "")
    except SlackApiError as error:
        log.info("could not update the ledger notice in %s: %s", channel, error.response.get("error"))


def open_match(deps: Deps, body: dict[str, Any], client: WebClient) -> None:
    user = body["user"]["id"]
    tr = deps.tr(user, client)
    entry_key = _key(body)
    entry = store_ledger.load_entries(deps.store, [entry_key]).get(entry_key)
    if entry is None:
        tell(client, user=user, channel=(body.get("channel") or {}).get("id"), text=tr.error(out_of_date_button()))
        return
    view = match_modal(tr, key=entry_key, reference=entry.reference,
                       amount=tr.money(abs(entry.amount_cents), entry.currency))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_match(deps: Deps, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    user = body["user"]["id"]
    tr = deps.tr(user)
    entry_key = str(view.get("private_metadata") or "")[:MAX_KEY]
    try:
        entry = store_ledger.load_entries(deps.store, [entry_key]).get(entry_key)
        if entry is None:
            raise DomainError(N_("This form is out of date: close it."), field="claim")
        claim = Form.of(view).required_text("claim", NAME_THE_CLAIM)
        is_lead = deps.directory.is_lead(user, None, account=entry.account)
        case_id = store_ledger.match_entry(deps.store, entry_key, claim, actor=user, is_lead=is_lead,
                                           now=deps.clock())
    except NotPermitted as error:
        ack(response_action="errors", errors={"claim": tr.error(error)})
        return
    except DomainError as error:
        ack(response_action="errors", errors={error_block(error, view): tr.error(error)})
        return
    ack()
    context["case_id"] = case_id


def after_match(deps: Deps, client: WebClient, context: BoltContext) -> None:
    case_id = context.get("case_id")
    if case_id is not None:
        deps.cards.refresh(client, case_id)
        for hook in deps.after_change:
            hook(client, case_id)


def register(app: App, deps: Deps) -> None:
    app.block_action(ids.ACTION_LEDGER_TAKE_FIGURE)(ack=partial(take_figure, deps),
                                                    lazy=[heard(deps, after_figure, SAVED)])
    app.block_action(ids.ACTION_LEDGER_MATCH)(ack=ack_only, lazy=[heard(deps, open_match, FORM)])
    app.view(ids.MODAL_LEDGER_MATCH)(ack=partial(submit_match, deps), lazy=[heard(deps, after_match, SAVED)])
