"""The case card's slot: a case gets exactly one card. Whoever posts the first card claims the slot
in the store first (two redraws racing on a case without a card: one posts, the other leaves it);
the card's ``ts`` fills the slot. ``card_shown`` keeps a digest of what the card shows, so a redraw
that would show the same sends nothing."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update

from .db import Store
from .models import Case

CARD_BUDGET = 40
"""Card redraws one sweep sends at most (a sweep a minute stays within Tier 3, with room for the handlers)."""
HOLD = timedelta(minutes=2)
"""How long a claim on the slot holds before the post behind it is presumed lost (its fate unknown)."""


@dataclass(frozen=True)
class Slot:
    ours: bool
    """This caller may post the case's first card."""
    unknown_since: datetime | None = None
    """An earlier claim ran out: its card may be in the channel already (look before posting)."""


def claim_slot(store: Store, case_id: int, *, now: datetime, hold: timedelta = HOLD) -> Slot:
    """Claim the right to post the first card of a case that has none (one winner however many race)."""
    with store.transaction() as session:
        before = session.scalar(select(Case.card_claimed_at).where(Case.id == case_id))
        result = session.execute(
            update(Case).where(Case.id == case_id, Case.card_ts.is_(None),
                               or_(Case.card_claimed_at.is_(None), Case.card_claimed_at < now - hold))
            .values(card_claimed_at=now).execution_options(synchronize_session=False)
        )
        return Slot(ours=bool(result.rowcount), unknown_since=before if result.rowcount else None)


def release_slot(store: Store, case_id: int) -> None:
    """The first card certainly was not posted (Slack said no): the next redraw may try."""
    with store.transaction() as session:
        session.execute(update(Case).where(Case.id == case_id, Case.card_ts.is_(None))
                        .values(card_claimed_at=None).execution_options(synchronize_session=False))


def fill_slot(store: Store, case_id: int, *, channel_id: str, ts: str, shown: str | None = None) -> None:
    """The card is posted as ``ts``: every change from now on edits it in place."""
    with store.transaction() as session:
        session.execute(update(Case).where(Case.id == case_id)
                        .values(channel_id=channel_id, card_ts=ts, card_claimed_at=None, card_shown=shown)
                        .execution_options(synchronize_session=False))


def shown(store: Store, case_ids: Iterable[int]) -> dict[int, str | None]:
    """What each card shows now (its digest), for the cases that have a card."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    with store.reading() as session:
        return dict(session.execute(select(Case.id, Case.card_shown).where(Case.id.in_(ids))).all())


def set_shown(store: Store, drawn: Sequence[tuple[int, str]]) -> None:
    """Record what these cards show after a redraw (no longer stale), in one statement."""
    if not drawn:
        return
    with store.transaction() as session:
        session.connection().execute(
            update(Case.__table__).where(Case.__table__.c.id == bindparam("case_id"))
            .values(card_shown=bindparam("digest"), card_stale_at=None),
            [{"case_id": case_id, "digest": digest} for case_id, digest in drawn],
        )


def stale(store: Store, *, limit: int) -> list[int]:
    """Cards left to redraw by earlier sweeps, the longest waiting first (a partial index: few rows)."""
    with store.reading() as session:
        return list(session.scalars(select(Case.id).where(Case.card_stale_at.is_not(None))
                                    .order_by(Case.card_stale_at, Case.id).limit(limit)))


def mark_stale(store: Store, case_ids: Collection[int], *, now: datetime) -> None:
    """These cards may show less than the store: a later sweep redraws them (within its budget)."""
    if not case_ids:
        return
    with store.transaction() as session:
        session.execute(update(Case).where(Case.id.in_(list(case_ids)), Case.card_stale_at.is_(None))
                        .values(card_stale_at=now).execution_options(synchronize_session=False))
