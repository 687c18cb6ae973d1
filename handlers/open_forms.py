"""Opening the two case forms, from a command, a shortcut or App Home: one way, in the person's language."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from handlers.accounts import default_place, place_value, places
from handlers.deps import Deps
from rules.accounts import Account
from rules.kinds import ComplaintType, SafetProgram
from rules.marketplaces import Marketplace
from views.chargeback_modal import chargeback_modal
from views.claim_modal import claim_modal
from views.i18n import translator
from views.metadata import ModalContext


def _place(deps: Deps, channel: str | None, account_key: str | None) -> tuple[Account, Marketplace]:
    """The account a form starts on: the one an email was for, else the channel's (a key the deployment
    does not have, forged or since removed, falls back to the channel's)."""
    known = {a.key for a in deps.settings.accounts.accounts}
    if isinstance(account_key, str) and account_key in known:
        account = deps.settings.accounts.account(account_key)
        return account, deps.settings.accounts.marketplace(account.marketplace)
    return default_place(deps, channel)


def open_claim_modal(deps: Deps, client: WebClient, *, user: str, trigger_id: str, context: ModalContext,
                     order_id: str | None = None, explanation: str | None = None, claim_number: str | None = None,
                     push: bool = False, account_key: str | None = None, prefill: dict[str, str] | None = None) -> None:
    """``prefill``: a refund's amount and date (App Home's "Start a claim" on a refund from Amazon's ledger)."""
    person = deps.directory.person(user, client)
    account, market = _place(deps, context.channel_id, account_key)
    program = SafetProgram(account.safet_program) if account.safet_program else None
    if prefill:
        program = SafetProgram.SELLER_FULFILLED
    view = claim_modal(translator(person.locale), context=context, order_id=order_id, explanation=explanation,
                       claim_number=claim_number, places=places(deps), place=place_value(account.key, market.code),
                       program=program, ask_program=asks_program(deps), prefill=prefill)
    (client.views_push if push else client.views_open)(trigger_id=trigger_id, view=view)


def asks_program(deps: Deps) -> bool:
    """The claim form asks for the kind of order unless every account names its only program."""
    return any(a.safet_program is None for a in deps.settings.accounts.accounts)


def open_chargeback_modal(deps: Deps, client: WebClient, *, user: str, trigger_id: str, context: ModalContext,
                          order_id: str | None = None, currency: str | None = None, amount: str | None = None,
                          email_at: datetime | None = None, complaint: ComplaintType | None = None,
                          push: bool = False, account_key: str | None = None) -> None:
    """The chargeback form; ``email_at`` (the email's instant, from intake) fills its date and time in the
    marketplace's zone, and travels exactly in the form's metadata; ``currency`` defaults to the marketplace's."""
    person = deps.directory.person(user, client)
    # The email date is read in the marketplace's zone (the deadline rule's), so "today" is its today:
    # someone ahead of it would otherwise be offered a date the store refuses as in the future.
    account, market = _place(deps, context.channel_id, account_key)
    zone = market.zone
    local = email_at.astimezone(zone) if email_at else None
    view = chargeback_modal(
        translator(person.locale), context=context, order_id=order_id, today=deps.clock().astimezone(zone).date(),
        currency=currency or market.currency, zone=zone, amount=amount, email_on=local.date() if local else None,
        email_time=local.time().replace(second=0, microsecond=0) if local else None, complaint=complaint,
        places=places(deps), place=place_value(account.key, market.code),
        reply_days=market.profile.chargeback_reply_days)
    (client.views_push if push else client.views_open)(trigger_id=trigger_id, view=view)
