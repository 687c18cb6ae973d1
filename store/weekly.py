"""The weekly report's outbox row: keyed ``weekly:{channel}:{YYYY-MM-DD}`` (the local day it is due), so
it is planned once across sweeps and replicas, and claimed by one sweep at a time.

Its statuses are its own while it is in flight (``weekly-claimed``, ``weekly-retry``), so the general
delivery of notices, which reads ``pending`` and ``claimed`` rows, never takes it; it ends ``sent`` or
``failed`` like every notice (a failed one shows in App Home and the daily summary).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .db import Store
from .models import OutboxNotice
from .outbox import FAILED, SENT

WEEKLY = "weekly"
CLAIMED, RETRY = "weekly-claimed", "weekly-retry"


def weekly_key(channel: str, day: str) -> str:
    return f"weekly:{channel}:{day}"


def claim_weekly(store: Store, *, key: str, channel: str, post_at: datetime, now: datetime, token: str,
                 lease: timedelta) -> str | None:
    """Take the weekly row ``key`` for the sweep holding ``token``: plan it when nobody has, or take it
    back when it waits for a retry or its sweep died (claimed longer ago than ``lease``). Returns the
    Slack ``ts`` of its message when that part was already posted, ``""`` when not, ``None`` when the
    row is not this sweep's to post (sent, failed, or held by another sweep)."""
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    values = {"key": key, "kind": WEEKLY, "stage": WEEKLY, "target": channel, "post_at": post_at,
              "status": CLAIMED, "claim_token": token, "claimed_at": now, "attempts": 0, "created_at": now}
    with store.transaction() as session:
        # RETURNING, not rowcount: psycopg reports -1 rows for an INSERT … ON CONFLICT DO NOTHING here.
        planned = session.scalar(insert(OutboxNotice).values(**values)
                                 .on_conflict_do_nothing(index_elements=["key"]).returning(OutboxNotice.id))
        if planned is None:
            taken = session.execute(
                update(OutboxNotice)
                .where(OutboxNotice.key == key, or_(
                    OutboxNotice.status == RETRY,
                    (OutboxNotice.status == CLAIMED) & (OutboxNotice.claimed_at < now - lease)))
                .values(status=CLAIMED, claim_token=token, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            if not taken.rowcount:
                return None
        return session.scalar(select(OutboxNotice.sent_ts).where(OutboxNotice.key == key)) or ""


def _mine(key: str, token: str):  # type: ignore[no-untyped-def]
    return update(OutboxNotice).where(OutboxNotice.key == key, OutboxNotice.claim_token == token,
                                      OutboxNotice.status == CLAIMED).execution_options(synchronize_session=False)


def note_message(store: Store, *, key: str, token: str, ts: str) -> None:
    """The message is posted (its chart not yet): a retry posts only the chart."""
    with store.transaction() as session:
        session.execute(_mine(key, token).values(sent_ts=ts))


def finish_weekly(store: Store, *, key: str, token: str, now: datetime, error: str | None = None,
                  retry: bool = False) -> int:
    """Sent; or failed for good (``error``); or back for the next sweep (``retry``)."""
    if retry:
        values: dict[str, object] = {"status": RETRY, "claim_token": None, "claimed_at": None,
                                     "error": (error or "")[:500], "attempts": OutboxNotice.attempts + 1}
    elif error is not None:
        values = {"status": FAILED, "error": error[:500], "settled_at": now, "attempts": OutboxNotice.attempts + 1}
    else:
        values = {"status": SENT, "error": None, "settled_at": now, "attempts": OutboxNotice.attempts + 1}
    with store.transaction() as session:
        return session.execute(_mine(key, token).values(**values)).rowcount or 0
