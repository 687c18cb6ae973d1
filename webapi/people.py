"""Who someone is to the app: their language, their time zone, whether they lead the team.

``users.info`` answers are cached in the store for a bounded time, so a busy channel does not
ask Slack about the same person on every click; a language chosen in App Home always wins.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from store.db import Store
from store.people import load_preference, save_chosen_locale, save_slack_profile
from views.i18n import negotiate

PROFILE_TTL = timedelta(hours=12)
USERGROUP_TTL_SECONDS = 300
LOCALE_TTL_SECONDS = 60


@dataclass(frozen=True)
class Person:
    user_id: str
    locale: str
    zone: ZoneInfo


class Directory:
    def __init__(self, store: Store, *, default_locale: str, team_zone: ZoneInfo, leads: tuple[str, ...],
                 clock: Callable[[], datetime], leads_of: Callable[[str], tuple[str, ...]] | None = None) -> None:
        self.store = store
        self.default_locale = negotiate(default_locale)
        self.team_zone = team_zone
        self.leads = leads
        """Who leads (any account, with ``leads_of``; the only one without)."""
        self.leads_of = leads_of
        """An account's own leads: a lead of one account is not a lead on another's cases."""
        self.clock = clock
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}
        self._locales: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def person(self, user_id: str, client: WebClient | None) -> Person:
        """Language and zone of a user, asking Slack only when the cached profile is stale."""
        now = self.clock()
        pref = load_preference(self.store, user_id)
        if client is not None and (pref is None or pref.fetched_at is None or now - pref.fetched_at > PROFILE_TTL):
            try:
                user = client.users_info(user=user_id, include_locale=True)["user"]
                pref = save_slack_profile(self.store, user_id, locale=user.get("locale"), tz=user.get("tz"), now=now)
                self._remember(user_id, pref.chosen_locale or pref.slack_locale)
            except SlackApiError:
                pass  # keep what we had: a profile is a nicety, never a reason to fail
        chosen = pref.chosen_locale if pref else None
        slack_locale = pref.slack_locale if pref else None
        return Person(user_id, negotiate(chosen or slack_locale, self.default_locale),
                      self._zone(pref.tz if pref else None))

    def knows(self, user_id: str) -> bool:
        """Whether the store has this person's language (chosen, or from Slack) without asking Slack."""
        with self._lock:
            if user_id in self._locales:
                return True
        pref = load_preference(self.store, user_id)
        return pref is not None and bool(pref.chosen_locale or pref.slack_locale)

    def cached_locale(self, user_id: str) -> str:
        """The language we know without asking Slack (for the ack path, which must not wait).

        Kept a minute per process, so an ack reads no row for it; a choice made on another replica
        shows there within that minute.
        """
        with self._lock:
            cached = self._locales.get(user_id)
        if cached and time.monotonic() - cached[0] < LOCALE_TTL_SECONDS:
            return cached[1]
        pref = load_preference(self.store, user_id)
        return self._remember(user_id, (pref.chosen_locale or pref.slack_locale) if pref else None)

    def _remember(self, user_id: str, locale: str | None) -> str:
        negotiated = negotiate(locale, self.default_locale)
        with self._lock:
            self._locales[user_id] = (time.monotonic(), negotiated)
        return negotiated

    def choose_locale(self, user_id: str, locale: str | None) -> None:
        pref = save_chosen_locale(self.store, user_id, negotiate(locale) if locale else None)
        self._remember(user_id, pref.chosen_locale or pref.slack_locale)

    def _zone(self, name: str | None) -> ZoneInfo:
        try:
            return ZoneInfo(name) if name else self.team_zone
        except (ZoneInfoNotFoundError, ValueError):
            return self.team_zone

    def is_lead(self, user_id: str, client: WebClient | None, *, account: str | None = None) -> bool:
        """Leads are user IDs and user group IDs (S…); a group's members are cached briefly. With
        ``account``, only that account's leads count."""
        leads = self.leads if account is None or self.leads_of is None else self.leads_of(account)
        if user_id in leads:
            return True
        groups = (g for g in leads if g.startswith("S"))
        return any(user_id in self._members(group, client) for group in groups)

    def _members(self, group: str, client: WebClient | None) -> frozenset[str]:
        with self._lock:
            cached = self._groups.get(group)
        if cached and time.monotonic() - cached[0] < USERGROUP_TTL_SECONDS:
            return cached[1]
        if client is None:
            return cached[1] if cached else frozenset()
        try:
            members = frozenset(client.usergroups_users_list(usergroup=group)["users"])
        except SlackApiError:
            return cached[1] if cached else frozenset()
        with self._lock:
            self._groups[group] = (time.monotonic(), members)
        return members
