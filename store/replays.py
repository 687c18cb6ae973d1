"""Requests already taken: a signed click or submission replayed within Slack's five minutes is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from .db import Store
from .models import SeenRequest

REPLAY_WINDOW = timedelta(minutes=5)
"""How long Slack accepts a signed request (its timestamp check); a key older than this cannot come back."""


def first_time(store: Store, key: str, *, now: datetime) -> bool:
    """Remember ``key``; ``False`` when it was already seen within the replay window. The primary key
    decides, so two replicas receiving the same replay cannot both act on it."""
    try:
        with store.transaction() as session:
            # Keys past the window can never be replayed again (Slack refuses the signature): drop them here,
            # a handful a click, so the table stays as small as five minutes of clicks.
            session.execute(delete(SeenRequest).where(SeenRequest.seen_at < now - REPLAY_WINDOW)
                            .execution_options(synchronize_session=False))
            session.add(SeenRequest(key=key, seen_at=now))
        return True
    except IntegrityError:
        return False
