"""Per-user preferences: a chosen language, and the Slack profile (locale, zone) cached with its age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from .db import Store
from .models import UserPreference


@dataclass(frozen=True)
class Preference:
    user_id: str
    chosen_locale: str | None
    slack_locale: str | None
    tz: str | None
    fetched_at: datetime | None


def _record(row: UserPreference) -> Preference:
    return Preference(row.user_id, row.chosen_locale, row.slack_locale, row.tz, row.fetched_at)


def load_preference(store: Store, user_id: str) -> Preference | None:
    with store.reading() as session:
        row = session.get(UserPreference, user_id)
        return _record(row) if row else None


def _upsert(store: Store, user_id: str, **values: object) -> Preference:
    try:
        return _write(store, user_id, values)
    except IntegrityError:
        return _write(store, user_id, values)  # another request created the row first: update it


def _write(store: Store, user_id: str, values: dict[str, object]) -> Preference:
    with store.transaction() as session:
        row = session.get(UserPreference, user_id, with_for_update=True)
        if row is None:
            row = UserPreference(user_id=user_id)
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        session.flush()
        return _record(row)


def save_slack_profile(store: Store, user_id: str, *, locale: str | None, tz: str | None, now: datetime) -> Preference:
    return _upsert(store, user_id, slack_locale=locale, tz=tz, fetched_at=now)


def save_chosen_locale(store: Store, user_id: str, locale: str | None) -> Preference:
    return _upsert(store, user_id, chosen_locale=locale)
