"""Redraw the cards of the cases a sweep touched, after its notices went out: only those whose shown
content changed (a digest of the drawing against ``card_shown``), most urgent first, at most
``CARD_BUDGET`` a sweep (``store.cards``) (``chat.update`` is Tier 3, ~50 a minute, and the handlers redraw too) and
paced within that tier. Cards past the budget are marked stale and redrawn by the next sweeps, the
longest waiting first. A card never posted is left to the app (the first card is posted when the case
is filed, through the card slot)."""

from __future__ import annotations

import logging

from store import cards, outbox
from sweep.context import Round
from webapi.card_sync import CardSync
from webapi.posting import SLACK_ERRORS, classify

log = logging.getLogger("safet.sweep")



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
    was = cards.shown(run.store, loaded)
    sync = CardSync(run.store, run.settings.accounts, lambda: run.now)
    drawn: list[tuple[int, str]] = []
    try:
        for case_id in chosen:
            case = loaded.get(case_id)
            if case is None or not case.channel_id or not case.card_ts:
                continue
            drawing = sync.drawing(case, run.now)  # its account's language, its marketplace's calendar
            blocks, text, digest = drawing.blocks, drawing.text, drawing.digest
            if was.get(case.id) == digest:
                drawn.append((case.id, digest))  # shows this already: no call, no longer stale
                continue
            run.pacer.call("chat.update")
            try:
                run.client.chat_update(channel=case.channel_id, ts=case.card_ts, blocks=blocks, text=text)
            except SLACK_ERRORS as error:
                kind, reason = classify(error)
                log.warning("could not redraw the card of case %s: %s", case.id, reason)
                if kind != "permanent":
                    cards.mark_stale(run.store, [c for c in chosen if c not in {d for d, _ in drawn}], now=run.now)
                    break  # Slack is out of reach: the next sweep redraws what is left
                continue
            drawn.append((case.id, digest))
            run.report.cards += 1
    finally:
        cards.set_shown(run.store, drawn)
