"""Redraw the cards of the cases a sweep touched, after its notices went out: from the records in one
bulk read, only those whose shown content changed (a digest of the drawing against ``card_shown``),
most urgent first, paced within ``chat.update``'s tier. A card never posted is left to the app (the
first card is posted when the case is filed, through the card slot)."""

from __future__ import annotations

import logging

from store import cards, outbox
from sweep.context import Round
from views.case_card import Team, card_text, case_card
from views.i18n import translator
from webapi.posting import SLACK_ERRORS, classify, shown_digest

log = logging.getLogger("safet.sweep")


def redraw(run: Round) -> None:
    if not run.touched or run.client is None:
        return
    loaded = outbox.load_cases(run.store, run.touched)
    was = cards.shown(run.store, loaded)
    tr = translator(run.settings.channel_locale)
    team = Team(zone=run.settings.zone, holidays=run.settings.holidays)
    drawn: list[tuple[int, str]] = []
    order = sorted(loaded.values(), key=lambda c: (c.next_deadline.due_at if c.next_deadline else run.now, c.id))
    try:
        for case in order:
            if not case.channel_id or not case.card_ts:
                continue
            blocks = case_card(case, tr, team=team, now=run.now)
            text = card_text(case, tr)
            digest = shown_digest(blocks, text)
            if was.get(case.id) == digest:
                continue
            run.pacer.call("chat.update")
            try:
                run.client.chat_update(channel=case.channel_id, ts=case.card_ts, blocks=blocks, text=text)
            except SLACK_ERRORS as error:
                kind, reason = classify(error)
                log.warning("could not redraw the card of case %s: %s", case.id, reason)
                if kind != "permanent":
                    break  # Slack is out of reach: the card is redrawn at the case's next change
                continue
            drawn.append((case.id, digest))
            run.report.cards += 1
    finally:
        cards.set_shown(run.store, drawn)
