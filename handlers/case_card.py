"""Keeping a case's card and its thread in step with the store (runs in lazy listeners and sweeps)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.deps import Deps
from rules.records import CaseRecord, EventRecord
from store import cards
from store.cases import Change
from store.queries import case_version, get_case
from views.case_card import Team, card_text, case_card
from views.history import history_line
from webapi.posting import SLACK_ERRORS, Fate, SlackPoster, card_metadata, classify, fate_of, plain, shown_digest

log = logging.getLogger("safet")


def team_of(deps: Deps, case: CaseRecord | None = None) -> Team:
    """The case's marketplace's zone and calendar (the default account's without a case)."""
    book = deps.settings.accounts
    market = book.marketplace(case.marketplace) if case is not None else book.market_of(None)
    return Team.of(market)


def refresh_card(deps: Deps, client: WebClient, case_id: int) -> CaseRecord | None:
    """Redraw the card from the store (post it the first time, once: the card slot). A change that
    lands while the card is being drawn is caught by re-reading the version, so the last drawing is
    the latest state. What it shows is recorded, so the sweep redraws only cards whose content changed
    (a person's action always redraws: a stale button means the card in Slack may be behind)."""
    case = None
    for _ in range(3):
        case = get_case(deps.store, case_id, history=False)
        if case is None or case.channel_id is None:
            return case
        tr = deps.channel_tr(case.account)
        blocks = plain(case_card(case, tr, team=team_of(deps, case), now=deps.clock()))
        text = card_text(case, tr)
        digest = shown_digest(blocks, text)
        try:
            if case.card_ts:
                client.chat_update(channel=case.channel_id, ts=case.card_ts, blocks=blocks, text=text)
                cards.set_shown(deps.store, [(case.id, digest)])
            else:
                ts = _post_first_card(deps, client, case, blocks, text, digest)
                if ts is None:
                    return case  # another process holds the slot: its card is the one
                case = replace(case, card_ts=ts)
        except SLACK_ERRORS as error:
            log.warning("could not draw the card of case %s: %s", case_id, classify(error)[1])
            return case
        if case_version(deps.store, case_id) == case.version:
            return case
    return case


def _post_first_card(deps: Deps, client: WebClient, case: CaseRecord, blocks: list, text: str,
                     digest: str) -> str | None:
    """Claim the card slot, then post; a claim whose post's fate was lost is looked up first."""
    assert case.channel_id is not None
    slot = cards.claim_slot(deps.store, case.id, now=deps.clock())
    if not slot.ours:
        return None
    key = f"card:{case.id}"
    if slot.unknown_since is not None:
        found = SlackPoster(client).posted_keys(case.channel_id, slot.unknown_since - timedelta(minutes=2))
        if key in found:
            cards.fill_slot(deps.store, case.id, channel_id=case.channel_id, ts=found[key])
            return found[key]
    try:
        posted = client.chat_postMessage(channel=case.channel_id, blocks=blocks, text=text, unfurl_links=False,
                                         metadata=card_metadata(case.id))
    except SLACK_ERRORS as error:
        if fate_of(error) is Fate.NOT_POSTED:
            cards.release_slot(deps.store, case.id)
        raise  # unknown: the slot stays claimed; after its hold the next redraw looks for the card first
    cards.fill_slot(deps.store, case.id, channel_id=str(posted["channel"]), ts=str(posted["ts"]), shown=digest)
    return str(posted["ts"])


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


def after_change(deps: Deps, client: WebClient, change: Change) -> None:
    """Everything Slack should see after a case changed: the card, its thread, queued notices."""
    case = refresh_card(deps, client, change.case.id) or change.case
    post_history(deps, client, case, change.event)
    for hook in deps.after_change:
        hook(client, change.case.id)
