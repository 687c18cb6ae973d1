"""`/safet`: file | chargeback | list | show | report | help."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.deps import Deps
from handlers.open_forms import open_chargeback_modal, open_claim_modal
from handlers.report import report_reply
from rules.errors import DomainError
from rules.parsing import normalize, parse_order_id
from rules.records import ListFilter
from store.queries import find_case, list_cases
from views import ids
from views.case_list import case_detail, case_list, help_message
from views.metadata import ModalContext
from views.text import escape, slack_unescape

LIST_ALIASES = {
    "": ListFilter.OPEN, "open": ListFilter.OPEN, "mine": ListFilter.MINE, "due": ListFilter.DUE,
    "closed": ListFilter.CLOSED, "all": ListFilter.ALL,
    "awaiting": ListFilter.AWAITING_SELLER_RESPONSE, "awaiting-seller-response": ListFilter.AWAITING_SELLER_RESPONSE,
    "awaiting_seller_response": ListFilter.AWAITING_SELLER_RESPONSE,
    "investigation": ListFilter.UNDER_INVESTIGATION, "under-investigation": ListFilter.UNDER_INVESTIGATION,
    "under_investigation": ListFilter.UNDER_INVESTIGATION,
    "resolved": ListFilter.RESOLVED, "action-required": ListFilter.ACTION_REQUIRED,
    "action_required": ListFilter.ACTION_REQUIRED, "action": ListFilter.ACTION_REQUIRED,
    "等待卖家回复": ListFilter.AWAITING_SELLER_RESPONSE, "正在进行调查": ListFilter.UNDER_INVESTIGATION,
    "已解决": ListFilter.RESOLVED, "需操作": ListFilter.ACTION_REQUIRED, "全部": ListFilter.ALL,
}


def split(text: str | None) -> tuple[str, str]:
    words = normalize(text).split(maxsplit=1)
    if not words:
        return "help", ""
    return words[0].lower(), (words[1] if len(words) > 1 else "")


def prefilled_order(argument: str) -> str | None:
    """The order typed after the subcommand, when it is one (a wrong one is shown for correction)."""
    if not argument:
        return None
    try:
        return parse_order_id(argument)
    except DomainError:
        return normalize(argument)[:40]


def register(app: App, deps: Deps) -> None:
    def answer(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        """Everything `/safet` says back is decided here, from the store, inside the ack."""
        user = command["user_id"]
        sub, argument = split(command.get("text"))
        if sub in ("file", "chargeback", "cb"):
            ack()  # the modal opens in the lazy listener, with the trigger_id, right away
            return
        tr = deps.tr(user, client)
        now = deps.clock()
        if sub == "list":
            which = LIST_ALIASES.get(argument.strip().lower())
            if which is None:
                ack(response_type="ephemeral", text=tr._(
                    "Unknown list “{name}”. Try: open, mine, due, closed, awaiting, investigation, resolved, "
                    "action-required, all.", name=escape(slack_unescape(argument)[:40])))
                return
            cases = list_cases(deps.store, which, user_id=user, now=now)
            ack(response_type="ephemeral", **case_list(cases, which, tr, zone=deps.settings.zone, now=now))
            return
        if sub == "show":
            case = find_case(deps.store, argument) if argument.strip() else None
            if case is None:
                ack(response_type="ephemeral", text=tr._(
                    "No case for “{query}”. Give an order ID (123-1234567-1234567) or a SAFE-T claim number.",
                    query=escape(slack_unescape(argument)[:60])))
                return
            ack(response_type="ephemeral", **case_detail(case, tr, zone=deps.settings.zone,
                                                         holidays=deps.settings.holidays, now=now))
            return
        if sub == "report":
            ack(**report_reply(deps, tr, slack_unescape(argument)))
            return
        ack(response_type="ephemeral", **help_message(tr, unknown=sub if sub != "help" else None))

    def open_modal(client: WebClient, command: dict[str, Any]) -> None:
        sub, argument = split(command.get("text"))
        if sub not in ("file", "chargeback", "cb"):
            return
        context = ModalContext(channel_id=command.get("channel_id"))
        opener = open_claim_modal if sub == "file" else open_chargeback_modal
        opener(deps, client, user=command["user_id"], trigger_id=command["trigger_id"], context=context,
               order_id=prefilled_order(argument))

    app.command(ids.COMMAND)(ack=answer, lazy=[open_modal])
