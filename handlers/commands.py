"""`/safet`: file | chargeback | list | show | report | help."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from handlers.after_ack import FORM, heard
from handlers.case_card import team_of
from handlers.deps import Deps
from handlers.open_forms import open_chargeback_modal, open_claim_modal
from handlers.report import report_reply
from handlers.tell import tell
from rules.errors import DomainError
from rules.parsing import normalize, parse_order_id
from rules.records import list_filter
from store.queries import find_case, list_cases
from views import ids
from views.case_list import case_detail, case_list, help_message
from views.i18n import Translator
from views.metadata import ModalContext
from views.text import escape, slack_unescape


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


def list_account(deps: Deps, argument: str, channel: str | None) -> tuple[str, str | None]:
    """With several accounts, `/safet list` in an account's channel lists that account's cases; a last word
    naming an account (`/safet list due acme-uk`) lists that one's anywhere. Returns (the list words, account)."""
    book = deps.settings.accounts
    if not book.several:
        return argument, None
    words = argument.split()
    if words and book.known(words[-1].lower()):
        return " ".join(words[:-1]), words[-1].lower()
    account = book.for_channel(channel)
    return argument, account.key if account else None


def reply(deps: Deps, sub: str, argument: str, tr: Translator, user: str, channel: str | None = None) -> dict[str, Any]:
    """What `/safet` says back to one person: read from the store, no Slack call."""
    now = deps.clock()
    if sub == "list":
        argument, account = list_account(deps, argument, channel)
        which = list_filter(argument)
        if which is None:
            return {"text": tr._(
                "Unknown list “{name}”. Try: open, mine, due, closed, awaiting, investigation, resolved, "
                "action-required, all.", name=escape(slack_unescape(argument)[:40]))}
        cases = list_cases(deps.store, which, user_id=user, now=now, account=account)
        return case_list(cases, which, tr, zone=deps.settings.zone, now=now)
    if sub == "show":
        case = find_case(deps.store, argument) if argument.strip() else None
        if case is None:
            return {"text": tr._(
                "No case for “{query}”. Give an order ID (123-1234567-1234567) or a SAFE-T claim number.",
                query=escape(slack_unescape(argument)[:60]))}
        team = team_of(deps, case)
        return case_detail(case, tr, zone=deps.settings.zone, holidays=team.holidays, now=now,
                           weekend=team.weekend, team_zone=team.zone)
    if sub == "report":
        return report_reply(deps, tr, slack_unescape(argument), channel=channel)
    market = deps.settings.accounts.market_for_channel(channel)
    return help_message(tr, unknown=sub if sub != "help" else None,
                        reply_days=market.profile.chargeback_reply_days)


def answer(deps: Deps, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Everything `/safet` says back is decided inside the ack, from the store. Someone the app has
    never seen is answered a moment later instead, in their own language (users.info is asked in the
    lazy listener: no Web API call inside an ack)."""
    user = command["user_id"]
    sub, argument = split(command.get("text"))
    if sub in ("file", "chargeback", "cb"):
        ack()  # the modal opens in the lazy listener, with the trigger_id, right away
        return
    if not deps.directory.knows(user):
        ack()
        context["answer_later"] = True
        return
    ack(response_type="ephemeral", **reply(deps, sub, argument, deps.tr(user), user, command.get("channel_id")))


def open_modal(deps: Deps, client: WebClient, command: dict[str, Any], context: BoltContext) -> None:
    sub, argument = split(command.get("text"))
    user = command["user_id"]
    if sub not in ("file", "chargeback", "cb"):
        tr = deps.tr(user, client)  # asks Slack when the profile is missing or stale
        if context.get("answer_later"):
            tell(client, user=user, channel=command.get("channel_id"),
                 **reply(deps, sub, argument, tr, user, command.get("channel_id")))
        return
    context = ModalContext(channel_id=command.get("channel_id"))
    opener = open_claim_modal if sub == "file" else open_chargeback_modal
    opener(deps, client, user=command["user_id"], trigger_id=command["trigger_id"], context=context,
           order_id=prefilled_order(argument))


def register(app: App, deps: Deps) -> None:
    app.command(ids.COMMAND)(ack=partial(answer, deps), lazy=[heard(deps, open_modal, FORM)])
