"""Redraw the cards of the cases a sweep touched, after its notices went out: only those whose shown
content changed (a digest of the drawing against ``card_shown``), most urgent first, at most
``CARD_BUDGET`` a sweep (``store.cards``) (``chat.update`` is Tier 3, ~50 a minute, and the handlers redraw too) and
paced within that tier. Cards past the budget are marked stale and redrawn by the next sweeps, the
longest waiting first. A card never posted is left to the app (the first card is posted when the case
is filed, through the card slot)."""

from __future__ import annotations

from store import cards, outbox
from sweep.context import Round
from webapi.card_sync import CardSync


def redraw(run: Round) -> None:
    if run.client is None:
        return
    budget = run.card_budget
    waiting = [i for i in cards.stale(run.store, limit=budget) if i not in run.touched]
    fresh = sorted(run.touched, key=lambda i: (run.touched[i], i))  # most urgent notice first
    chosen = (waiting + fresh)[:budget]
    cards.mark_stale(run.store, [i for i in fresh if i not in set(chosen)], now=run.now)
    if not chosen:
        return
    loaded = outbox.load_cases(run.store, chosen)
    sync = CardSync(run.store, run.settings.accounts, lambda: run.now)
    drawn: list[tuple[int, str]] = []
    try:
        edited, out_of_reach = sync.redraw_many(
            run.client, [loaded[i] for i in chosen if i in loaded], cards.shown(run.store, loaded), now=run.now,
            pace=run.pacer.call, drawn=drawn)
        run.report.cards += edited
        if out_of_reach:  # Slack is out of reach: the next sweep redraws what is left
            cards.mark_stale(run.store, [c for c in chosen if c not in {d for d, _ in drawn}], now=run.now)
    finally:
        cards.set_shown(run.store, drawn)
