"""The one place a case's card is brought up to date in Slack.

A card is drawn one way — in its account's language, on its marketplace's calendar — and pushed one way:
the first card posted once (the card slot, its fate looked up by metadata when a post's answer was lost),
every later drawing edited in place, and what it shows recorded, so a redraw that would show the same thing
costs no call. The handlers (after a person's change), the sweep (after its notices, in bulk and paced),
intake and the ledger all come here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from slack_sdk import WebClient

from rules.accounts import AccountBook
from rules.records import CaseRecord
from store import cards
from store.db import Store
from store.queries import case_version, get_case
from views.case_card import card_text, case_card
from views.i18n import Translator, translator
from views.market_view import MarketView
from webapi.posting import SLACK_ERRORS, Fate, SlackPoster, card_metadata, classify, fate_of, plain, shown_digest

log = logging.getLogger("safet")


@dataclass(frozen=True)
class Drawing:
    blocks: list
    text: str
    digest: str
    """What the card shows, as recorded in ``card_shown``: the same digest, no call."""


@dataclass(frozen=True)
class CardSync:
    store: Store
    accounts: AccountBook
    clock: Callable[[], datetime]

    def tr(self, case: CaseRecord) -> Translator:
        """The language of the case's account's channel."""
        return translator(self.accounts.account(case.account).locale)

    def team(self, case: CaseRecord | None = None) -> MarketView:
        """The case's marketplace's zone, calendar and windows (the default account's without a case)."""
        market = self.accounts.marketplace(case.marketplace) if case is not None else self.accounts.market_of(None)
        account = self.accounts.account(case.account if case is not None else None)
        return MarketView.of(market, ledger=account.ledger is not None)

    def drawing(self, case: CaseRecord, now: datetime) -> Drawing:
        tr = self.tr(case)
        blocks = plain(case_card(case, tr, team=self.team(case), now=now))  # serialised once
        text = card_text(case, tr)
        return Drawing(blocks, text, shown_digest(blocks, text))

    def refresh(self, client: WebClient, case_id: int) -> CaseRecord | None:
        """Redraw the card from the store (post it the first time, once: the card slot). A change that
        lands while the card is being drawn is caught by re-reading the version, so the last drawing is
        the latest state. A person's action always redraws: a stale button means the card may be behind."""
        case = None
        for _ in range(3):
            case = get_case(self.store, case_id, history=False)
            if case is None or case.channel_id is None:
                return case
            drawn = self.drawing(case, self.clock())
            try:
                if case.card_ts:
                    client.chat_update(channel=case.channel_id, ts=case.card_ts, blocks=drawn.blocks, text=drawn.text)
                    cards.set_shown(self.store, [(case.id, drawn.digest)])
                else:
                    ts = self._post_first(client, case, drawn)
                    if ts is None:
                        return case  # another process holds the slot: its card is the one
                    case = replace(case, card_ts=ts)
            except SLACK_ERRORS as error:
                log.warning("could not draw the card of case %s: %s", case_id, classify(error)[1])
                return case
            if case_version(self.store, case_id) == case.version:
                return case
        return case

    def redraw_many(self, client: WebClient, cases: list[CaseRecord], shown: dict[int, str], *, now: datetime,
                    pace: Callable[[str], object], drawn: list[tuple[int, str]]) -> tuple[int, bool]:
        """Bring these cards up to date in bulk (the sweep's way): a card that already shows its drawing costs no
        call, the rest are edited in place, each call paced by ``pace``. What each card now shows is appended to
        ``drawn`` as it goes (kept even when this stops half-way). Returns how many cards were edited and whether
        Slack went out of reach (the rest is for a later sweep)."""
        edited = 0
        for case in cases:
            if not case.channel_id or not case.card_ts:
                continue  # a card never posted is posted through the card slot, not here
            drawing = self.drawing(case, now)
            if shown.get(case.id) == drawing.digest:
                drawn.append((case.id, drawing.digest))  # shows this already: no call
                continue
            pace("chat.update")
            try:
                client.chat_update(channel=case.channel_id, ts=case.card_ts, blocks=drawing.blocks, text=drawing.text)
            except SLACK_ERRORS as error:
                kind, reason = classify(error)
                log.warning("could not redraw the card of case %s: %s", case.id, reason)
                if kind != "permanent":
                    return edited, True
                continue
            drawn.append((case.id, drawing.digest))
            edited += 1
        return edited, False

    def _post_first(self, client: WebClient, case: CaseRecord, drawn: Drawing) -> str | None:
        """Claim the card slot, then post; a claim whose post's fate was lost is looked up first."""
        assert case.channel_id is not None
        slot = cards.claim_slot(self.store, case.id, now=self.clock())
        if not slot.ours:
            return None
        key = f"card:{case.id}"
        if slot.unknown_since is not None:
            found = SlackPoster(client).posted_keys(case.channel_id, slot.unknown_since - timedelta(minutes=2))
            if key in found:
                cards.fill_slot(self.store, case.id, channel_id=case.channel_id, ts=found[key])
                return found[key]
        try:
            posted = client.chat_postMessage(channel=case.channel_id, blocks=drawn.blocks, text=drawn.text,
                                             unfurl_links=False, metadata=card_metadata(case.id))
        except SLACK_ERRORS as error:
            if fate_of(error) is Fate.NOT_POSTED:
                cards.release_slot(self.store, case.id)
            raise  # unknown: the slot stays claimed; after its hold the next redraw looks for the card first
        cards.fill_slot(self.store, case.id, channel_id=str(posted["channel"]), ts=str(posted["ts"]),
                        shown=drawn.digest)
        return str(posted["ts"])
