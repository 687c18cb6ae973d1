"""Keeping a case's card and its thread in step with the store (runs in lazy listeners and sweeps)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.deps import Deps
from rules.records import CaseRecord, EventRecord
from store.cases import Change
from views.history import history_line
from views.market_view import MarketView

log = logging.getLogger("safet")


def team_of(deps: Deps, case: CaseRecord | None = None) -> MarketView:
    """The case's marketplace's zone, calendar and windows (the default account's without a case)."""
    return deps.cards.team(case)


def refresh_card(deps: Deps, client: WebClient, case_id: int) -> CaseRecord | None:
    """Bring the case's card up to date (``webapi.card_sync``, the one place that does)."""
    return deps.cards.refresh(client, case_id)


def post_history(deps: Deps, client: WebClient, case: CaseRecord, event: EventRecord) -> None:
    """One short line per change in the card's thread."""
    if not case.channel_id or not case.card_ts:
        return
    try:
        client.chat_postMessage(channel=case.channel_id, thread_ts=case.card_ts,
                                text=history_line(event, deps.channel_tr(case.account), team=team_of(deps, case),
                                                  currency=case.currency))
    except SlackApiError as error:
        log.warning("could not add to the thread of case %s: %s", case.id, error.response.get("error"))


def announcer(deps: Deps) -> Callable[[WebClient, BoltContext], None]:
    """The lazy listener after a form's submit: Slack sees the change the ack stored in ``context["change"]``."""
    def announce(client: WebClient, context: BoltContext) -> None:
        change = context.get("change")
        if change is not None:
            after_change(deps, client, change)
    return announce


def after_change(deps: Deps, client: WebClient, change: Change) -> None:
    """Everything Slack should see after a case changed: the card, its thread, queued notices."""
    case = refresh_card(deps, client, change.case.id) or change.case
    post_history(deps, client, case, change.event)
    for hook in deps.after_change:
        hook(client, change.case.id)
