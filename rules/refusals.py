"""Whether a person — or the app — may take an action on a case now: the one question the store's unit of work
and the card's buttons both ask, answered by the rules alone (the transition table, the permissions, the
deadlines the app's own actions wait for)."""

from __future__ import annotations

from datetime import datetime

from .actions import SETTLED_BY_SYSTEM
from .errors import DomainError, not_due_yet
from .kinds import Action
from .records import APP_ACTORS, CaseRecord
from .transitions import check_permission, transition_for


def refusal(case: CaseRecord, action: Action, *, actor: str, is_lead: bool, now: datetime) -> DomainError | None:
    """Why ``actor`` may not take ``action`` on ``case`` at ``now``, or ``None``: an illegal step first (the card
    is behind), then who may (``NotPermitted``), then an app's action whose deadline has not passed."""
    try:
        transition_for(case.kind, case.state, action, case.gate_at(now))
        if actor not in APP_ACTORS:
            check_permission(action, actor=actor, owner=case.owner_id, is_lead=is_lead)
    except DomainError as refused:
        return refused
    waits_for = SETTLED_BY_SYSTEM.get(action)
    if waits_for is not None and not any(d.kind is waits_for and d.due_at <= now for d in case.open_deadlines):
        return not_due_yet()
    return None
