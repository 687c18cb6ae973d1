"""Opening the two case forms, from a command, a shortcut or App Home: one way, in the person's language."""

from __future__ import annotations

from slack_sdk import WebClient

from handlers.accounts import default_place, place_value, places
from handlers.deps import Deps
from views.chargeback_modal import chargeback_modal
from views.claim_modal import claim_modal
from views.i18n import translator
from views.metadata import ModalContext


def open_claim_modal(deps: Deps, client: WebClient, *, user: str, trigger_id: str, context: ModalContext,
                     order_id: str | None = None, explanation: str | None = None) -> None:
    person = deps.directory.person(user, client)
    account, market = default_place(deps, context.channel_id)
    client.views_open(trigger_id=trigger_id, view=claim_modal(
        translator(person.locale), context=context, order_id=order_id, explanation=explanation,
        places=places(deps), place=place_value(account.key, market.code)))


def open_chargeback_modal(deps: Deps, client: WebClient, *, user: str, trigger_id: str, context: ModalContext,
                          order_id: str | None = None) -> None:
    person = deps.directory.person(user, client)
    # The email date is read in the marketplace's zone (the deadline rule's), so "today" is its today:
    # someone ahead of it would otherwise be offered a date the store refuses as in the future.
    account, market = default_place(deps, context.channel_id)
    zone = market.zone
    client.views_open(trigger_id=trigger_id, view=chargeback_modal(
        translator(person.locale), context=context, order_id=order_id, today=deps.clock().astimezone(zone).date(),
        currency=market.currency, zone=zone, places=places(deps), place=place_value(account.key, market.code),
        reply_days=market.profile.chargeback_reply_days))
