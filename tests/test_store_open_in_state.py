"""store.opening.open_in_state: a case opened already in a later state, in one transaction — the case, each
step's audit event and deadlines written together, or nothing at all when one step is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from rules.deadlines import DeadlineKind
from rules.errors import DomainError
from rules.kinds import Action, SafetReason, State
from rules.records import ListFilter
from store import opening
from store.queries import get_case, list_cases

NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # Friday 15:00 in Los Angeles
ORDER = "123-1234567-1234567"


def opener():  # type: ignore[no-untyped-def]
    return partial(opening.open_safet_claim, actor="U1", order_id=ORDER, reason=SafetReason.PENALTY_FEE, now=NOW,
                   explanation="The penalty was charged in error.")


def test_a_request_for_an_unrecorded_claim_opens_it_awaiting_our_reply_with_its_deadline(store):  # type: ignore[no-untyped-def]
    reply_by = NOW + timedelta(days=1)
    change = opening.open_in_state(store, opener(), [
        (Action.FILE, {"claim_number": "2026110902", "filed_at": NOW}),
        (Action.LOG_INFO_REQUEST, {"arrived_at": NOW, "stated_due_at": reply_by}),
    ], actor="U1", now=NOW)
    case = get_case(store, change.case.id)
    assert case.state is State.INFO_REQUESTED and case.claim_number == "2026110902"
    (due,) = [d for d in case.open_deadlines if d.kind is DeadlineKind.SAFET_INFO_REPLY]
    assert due.due_at == reply_by  # earlier than two business days: Amazon's date wins
    assert [e.action for e in case.events] == ["open", "file", "log_info_request"]


def test_a_refused_step_leaves_nothing_written(store):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError):
        opening.open_in_state(store, opener(), [
            (Action.FILE, {"claim_number": "1", "filed_at": NOW}),
            (Action.GRANT, {"amount": ""}),  # a grant needs its amount: refused
        ], actor="U1", now=NOW)
    assert list_cases(store, ListFilter.ALL, user_id="U1", now=NOW) == []
    # and the order can still be claimed: the first write was rolled back too
    assert opener()(store).case.state is State.PREPARING
