"""Transitions: Permissions; Approval threshold; Seller Central tab and mood; The graph (split from
tests/test_transitions.py, whose helpers it uses)."""

from __future__ import annotations

from collections import deque

import pytest

from rules.actions import PERMISSIONS, Permission
from rules.errors import NotPermitted
from rules.kinds import Action, CaseKind, Mood, SellerCentralTab, State
from rules.transitions import (
    INITIAL_STATE,
    TERMINAL_STATES,
    TRANSITIONS,
    Gate,
    check_permission,
    legal_actions,
    mood,
    needs_approval,
    seller_central_tab,
)
from tests.test_transitions import (
    CB,
    KIND_STATES,
    SAFET,
    A,
    S,
    states_of,
)

# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------

OWNER = {"actor": "U_OWNER", "owner": "U_OWNER", "is_lead": False}
LEAD = {"actor": "U_LEAD", "owner": "U_OWNER", "is_lead": True}
STRANGER = {"actor": "U_OTHER", "owner": "U_OWNER", "is_lead": False}
WHO = {"owner": OWNER, "lead": LEAD, "stranger": STRANGER}


@pytest.mark.parametrize(
    ("action", "who", "allowed", "says"),
    [
        pytest.param(A.GRANT, "owner", True, None, id="owner_may_record_a_grant"),
        pytest.param(A.GRANT, "lead", True, None, id="lead_may_record_a_grant_on_someone_elses_case"),
        pytest.param(A.GRANT, "stranger", False, "owner or a lead", id="stranger_may_not_record_a_grant"),
        pytest.param(A.WITHDRAW, "stranger", False, "owner or a lead", id="stranger_may_not_withdraw"),
        pytest.param(A.APPROVE, "lead", True, None, id="lead_may_approve"),
        pytest.param(A.APPROVE, "owner", False, "Only a lead", id="owner_who_is_not_a_lead_may_not_approve"),
        pytest.param(A.SEND_BACK, "stranger", False, "Only a lead", id="stranger_may_not_send_back"),
        pytest.param(A.AUTO_CLOSE, "lead", False, "by itself", id="not_even_a_lead_may_auto_close"),
        pytest.param(A.AUTO_CLOSE, "owner", False, "by itself", id="owner_may_not_auto_close"),
        pytest.param(A.PRESUME_NO_DEBIT, "lead", False, "by itself", id="no_one_may_presume_no_debit"),
        pytest.param(A.FILE, "stranger", True, None, id="anyone_may_mark_a_claim_filed"),
        pytest.param(A.ANSWER, "stranger", True, None, id="anyone_may_log_an_answer"),
        pytest.param(A.LOG_INFO_REQUEST, "stranger", True, None, id="anyone_may_log_an_information_request"),
        pytest.param(None, "owner", True, None, id="owner_may_reassign"),
        pytest.param(None, "lead", True, None, id="lead_may_reassign"),
        pytest.param(None, "stranger", False, "owner or a lead", id="stranger_may_not_reassign"),
    ],
)
def test_check_permission(action: Action | None, who: str, allowed: bool, says: str | None) -> None:
    if allowed:
        check_permission(action, **WHO[who])
        return
    with pytest.raises(NotPermitted) as caught:
        check_permission(action, **WHO[who])
    assert says in caught.value.message


@pytest.mark.parametrize("action", list(Action), ids=[a.value for a in Action])
def test_every_action_follows_its_permission_level(action: Action) -> None:
    level = PERMISSIONS.get(action, Permission.ANYONE)
    expected = {
        Permission.ANYONE: {"owner": True, "lead": True, "stranger": True},
        Permission.OWNER_OR_LEAD: {"owner": True, "lead": True, "stranger": False},
        Permission.LEAD: {"owner": False, "lead": True, "stranger": False},
        Permission.SYSTEM: {"owner": False, "lead": False, "stranger": False},
    }[level]
    for who, allowed in expected.items():
        try:
            check_permission(action, **WHO[who])
        except NotPermitted:
            assert not allowed, f"{who} should be allowed to {action}"
        else:
            assert allowed, f"{who} should not be allowed to {action}"


# ---------------------------------------------------------------------------------------------
# Approval threshold
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("required", "above_cents", "amount_cents", "expected"),
    [
        pytest.param(False, None, 1_000_000, False, id="no_gate_when_the_team_does_not_require_approval"),
        pytest.param(False, 0, 1_000_000, False, id="no_gate_when_not_required_even_with_a_threshold"),
        pytest.param(True, None, 100, True, id="gate_for_every_amount_without_a_threshold"),
        pytest.param(True, None, None, True, id="gate_without_a_threshold_or_an_amount"),
        pytest.param(True, 10_000, 10_000, False, id="amount_equal_to_the_threshold_is_not_above_it"),
        pytest.param(True, 10_000, 10_001, True, id="amount_one_cent_above_the_threshold_needs_approval"),
        pytest.param(True, 10_000, 9_999, False, id="amount_below_the_threshold_does_not"),
        pytest.param(
            True, 10_000, None, True, id="unknown_amount_with_a_threshold_needs_approval_to_be_safe"
        ),
        pytest.param(True, 0, 1, True, id="any_amount_above_a_zero_threshold_needs_approval"),
    ],
)
def test_needs_approval(
    required: bool, above_cents: int | None, amount_cents: int | None, expected: bool
) -> None:
    assert needs_approval(required=required, above_cents=above_cents, amount_cents=amount_cents) is expected


# ---------------------------------------------------------------------------------------------
# Seller Central tab and mood
# ---------------------------------------------------------------------------------------------

SAFET_TABS = {
    SellerCentralTab.NOT_FILED,
    SellerCentralTab.AWAITING_SELLER_RESPONSE,
    SellerCentralTab.UNDER_INVESTIGATION,
    SellerCentralTab.RESOLVED,
}
CB_TABS = {SellerCentralTab.ACTION_REQUIRED, SellerCentralTab.ALL}

EXPECTED_TABS = {
    (SAFET, S.PREPARING): SellerCentralTab.NOT_FILED,
    (SAFET, S.AWAITING_APPROVAL): SellerCentralTab.NOT_FILED,
    (SAFET, S.APPROVED): SellerCentralTab.NOT_FILED,
    (SAFET, S.FILED): SellerCentralTab.UNDER_INVESTIGATION,
    (SAFET, S.INFO_REQUESTED): SellerCentralTab.AWAITING_SELLER_RESPONSE,
    (SAFET, S.ANSWERED): SellerCentralTab.UNDER_INVESTIGATION,
    (SAFET, S.APPEALED): SellerCentralTab.UNDER_INVESTIGATION,
    (SAFET, S.REIMBURSED): SellerCentralTab.RESOLVED,
    (SAFET, S.DENIED): SellerCentralTab.RESOLVED,
    (SAFET, S.AUTO_CLOSED): SellerCentralTab.RESOLVED,
    (CB, S.ACTION_REQUIRED): SellerCentralTab.ACTION_REQUIRED,
    (CB, S.AWAITING_APPROVAL): SellerCentralTab.ACTION_REQUIRED,
    (CB, S.APPROVED): SellerCentralTab.ACTION_REQUIRED,
    (CB, S.REPRESENTED): SellerCentralTab.ALL,
    (CB, S.ANSWERED): SellerCentralTab.ALL,
    (CB, S.REFUNDED): SellerCentralTab.ALL,
    (CB, S.DEBITED): SellerCentralTab.ALL,
    (CB, S.NO_DEBIT): SellerCentralTab.ALL,
    (CB, S.WON): SellerCentralTab.ALL,
    (CB, S.DISPUTED): SellerCentralTab.ALL,
    (CB, S.DEBIT_REVERSED): SellerCentralTab.ALL,
    (CB, S.DEBIT_UPHELD): SellerCentralTab.ALL,
}


@pytest.mark.parametrize(("kind", "state"), KIND_STATES, ids=[f"{k.value}_{s.value}" for k, s in KIND_STATES])
def test_every_state_has_a_seller_central_tab_of_its_kind(kind: CaseKind, state: State) -> None:
    tab = seller_central_tab(kind, state)

    assert tab in (SAFET_TABS if kind is SAFET else CB_TABS)
    if (kind, state) in EXPECTED_TABS:
        assert tab is EXPECTED_TABS[(kind, state)]


def test_a_withdrawn_claim_is_either_not_filed_or_resolved() -> None:
    assert seller_central_tab(SAFET, S.WITHDRAWN) in {SellerCentralTab.NOT_FILED, SellerCentralTab.RESOLVED}


def test_a_chargeback_information_request_is_in_a_chargeback_tab() -> None:
    assert seller_central_tab(CB, S.INFO_REQUESTED) in CB_TABS


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_mood_is_defined_for_every_state(state: State) -> None:
    assert mood(state) in set(Mood)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        pytest.param(S.INFO_REQUESTED, Mood.ON_US, id="an_information_request_waits_on_us"),
        pytest.param(S.ACTION_REQUIRED, Mood.ON_US, id="an_unanswered_chargeback_waits_on_us"),
        pytest.param(S.FILED, Mood.ON_AMAZON, id="a_filed_claim_waits_on_amazon"),
        pytest.param(S.REPRESENTED, Mood.ON_AMAZON, id="a_represented_chargeback_waits_on_amazon"),
        pytest.param(S.REIMBURSED, Mood.WON, id="a_reimbursed_claim_is_won"),
        pytest.param(S.NO_DEBIT, Mood.WON, id="no_debit_is_won"),
        pytest.param(S.AUTO_CLOSED, Mood.LOST, id="an_auto_closed_claim_is_lost"),
        pytest.param(S.DEBITED, Mood.LOST, id="a_debit_is_lost"),
        pytest.param(S.WITHDRAWN, Mood.CLOSED, id="a_withdrawn_case_is_just_closed"),
    ],
)
def test_mood_says_who_the_case_waits_on_or_how_it_ended(state: State, expected: Mood) -> None:
    assert mood(state) is expected


def test_open_states_wait_on_someone_and_terminal_states_have_ended() -> None:
    for state in State:
        waiting = mood(state) in {Mood.ON_US, Mood.ON_AMAZON}
        assert waiting is (state not in TERMINAL_STATES), state


# ---------------------------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------------------------


def reachable_from_initial(kind: CaseKind) -> set[State]:
    seen = {INITIAL_STATE[kind]}
    queue = deque(seen)
    while queue:
        state = queue.popleft()
        for (row_kind, source, _), row in TRANSITIONS.items():
            if row_kind is kind and source is state and row.target not in seen:
                seen.add(row.target)
                queue.append(row.target)
    return seen


@pytest.mark.parametrize("kind", list(CaseKind), ids=[k.value for k in CaseKind])
def test_every_state_of_a_kind_is_reachable_from_its_initial_state(kind: CaseKind) -> None:
    assert reachable_from_initial(kind) == states_of(kind)


def test_every_state_is_reachable_from_some_initial_state() -> None:
    assert set().union(*(reachable_from_initial(kind) for kind in CaseKind)) == set(State)


OPEN_KIND_STATES = [(kind, state) for kind, state in KIND_STATES if state not in TERMINAL_STATES]


@pytest.mark.parametrize(
    ("kind", "state"), OPEN_KIND_STATES, ids=[f"{k.value}_{s.value}" for k, s in OPEN_KIND_STATES]
)
def test_every_open_state_has_a_way_out_and_a_button(kind: CaseKind, state: State) -> None:
    assert any(row_kind is kind and source is state for row_kind, source, _ in TRANSITIONS)
    assert legal_actions(kind, state, Gate()) or legal_actions(kind, state, Gate(needs_approval=True))


def test_initial_states_are_open() -> None:
    assert all(state not in TERMINAL_STATES for state in INITIAL_STATE.values())
