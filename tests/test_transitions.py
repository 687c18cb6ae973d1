"""The transition table: every legal row, a sample of refusals, buttons, permissions, tabs, moods."""

from __future__ import annotations

from collections import deque

import pytest

from rules.actions import PERMISSIONS, Permission
from rules.errors import IllegalTransition, NotPermitted
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
    transition_for,
)

SAFET, CB = CaseKind.SAFET, CaseKind.CHARGEBACK
S, A = State, Action


def states_of(kind: CaseKind) -> set[State]:
    """Every state a case of ``kind`` can be in, as the table names them."""
    found = {INITIAL_STATE[kind]}
    for (row_kind, source, _), row in TRANSITIONS.items():
        if row_kind is kind:
            found |= {source, row.target}
    return found


KIND_STATES = [(kind, state) for kind in CaseKind for state in sorted(states_of(kind))]


def gate_that_allows(source: State, action: Action) -> Gate:
    return Gate(needs_approval=source is S.APPROVED or action is A.SUBMIT_FOR_APPROVAL, appeals_used=0)


# ---------------------------------------------------------------------------------------------
# Every legal row
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", list(TRANSITIONS), ids=[f"{k.value}_{s.value}_{a.value}" for k, s, a in TRANSITIONS]
)
def test_every_table_row_is_returned_by_transition_for(key: tuple[CaseKind, State, Action]) -> None:
    kind, source, action = key
    row = TRANSITIONS[key]

    assert transition_for(kind, source, action, gate_that_allows(source, action)) is row
    assert (row.kind, row.source, row.action) == key


def test_the_table_has_rows_for_both_kinds() -> None:
    assert {kind for kind, _, _ in TRANSITIONS} == set(CaseKind)


# ---------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------

CLOSED = "This case is closed"
CANNOT = "cannot take the action"


@pytest.mark.parametrize(
    ("kind", "state", "action", "gate", "says", "params"),
    [
        pytest.param(
            SAFET,
            S.AUTO_CLOSED,
            A.ANSWER,
            Gate(),
            CLOSED,
            {"state": S.AUTO_CLOSED, "action": A.ANSWER},
            id="answering_an_auto_closed_claim_says_the_case_is_closed",
        ),
        pytest.param(
            CB,
            S.REPRESENTED,
            A.REFUND,
            Gate(),
            CANNOT,
            {"state": S.REPRESENTED, "action": A.REFUND},
            id="refunding_a_represented_chargeback_names_the_state_and_action",
        ),
        pytest.param(
            SAFET,
            S.FILED,
            A.APPEAL,
            Gate(),
            "Only a denied (No-Grant) claim can be appealed",
            {"state": S.FILED, "action": A.APPEAL},
            id="appealing_a_claim_that_is_not_denied_says_only_denied_claims_can_be",
        ),
        pytest.param(
            SAFET,
            S.REIMBURSED,
            A.APPEAL,
            Gate(),
            "Only a denied (No-Grant) claim can be appealed",
            {"state": S.REIMBURSED, "action": A.APPEAL},
            id="appealing_a_reimbursed_claim_says_only_denied_claims_can_be",
        ),
        pytest.param(
            CB,
            S.REPRESENTED,
            A.DISPUTE,
            Gate(),
            "Only a recorded debit can be disputed",
            {"state": S.REPRESENTED, "action": A.DISPUTE},
            id="disputing_an_undebited_chargeback_says_only_a_debit_can_be",
        ),
        pytest.param(
            CB,
            S.WON,
            A.DISPUTE,
            Gate(),
            "Only a recorded debit can be disputed",
            {"state": S.WON, "action": A.DISPUTE},
            id="disputing_a_won_chargeback_says_only_a_debit_can_be",
        ),
        pytest.param(
            SAFET,
            S.DENIED,
            A.APPEAL,
            Gate(appeals_used=1),
            "appealed only once",
            {},
            id="a_second_appeal_is_refused",
        ),
        pytest.param(
            SAFET,
            S.PREPARING,
            A.FILE,
            Gate(needs_approval=True),
            "A lead must approve",
            {},
            id="filing_an_unapproved_claim_under_the_approval_gate_needs_a_lead",
        ),
        pytest.param(
            CB,
            S.ACTION_REQUIRED,
            A.REFUND,
            Gate(needs_approval=True),
            "A lead must approve",
            {},
            id="refunding_an_unapproved_chargeback_under_the_approval_gate_needs_a_lead",
        ),
        pytest.param(
            CB,
            S.ACTION_REQUIRED,
            A.REPRESENT,
            Gate(needs_approval=True),
            "A lead must approve",
            {},
            id="representing_an_unapproved_chargeback_under_the_approval_gate_needs_a_lead",
        ),
        pytest.param(
            SAFET,
            S.PREPARING,
            A.SUBMIT_FOR_APPROVAL,
            Gate(),
            "does not require a lead's approval",
            {},
            id="asking_for_approval_when_none_is_needed_is_refused",
        ),
        pytest.param(
            CB,
            S.ACTION_REQUIRED,
            A.SUBMIT_FOR_APPROVAL,
            Gate(),
            "does not require a lead's approval",
            {},
            id="asking_for_approval_of_a_chargeback_when_none_is_needed_is_refused",
        ),
        pytest.param(
            SAFET,
            S.FILED,
            A.APPROVE,
            Gate(),
            "Nothing is waiting for approval",
            {"state": S.FILED, "action": A.APPROVE},
            id="approving_a_filed_claim_says_nothing_is_waiting",
        ),
        pytest.param(
            CB,
            S.REPRESENTED,
            A.SEND_BACK,
            Gate(),
            "Nothing is waiting for approval",
            {"state": S.REPRESENTED, "action": A.SEND_BACK},
            id="sending_back_a_represented_chargeback_says_nothing_is_waiting",
        ),
        pytest.param(
            SAFET,
            S.PREPARING,
            A.ANSWER,
            Gate(),
            "no open information request",
            {"state": S.PREPARING, "action": A.ANSWER},
            id="answering_a_claim_still_being_prepared_says_no_request_is_open",
        ),
        pytest.param(
            SAFET,
            S.WITHDRAWN,
            A.FILE,
            Gate(),
            CLOSED,
            {"state": S.WITHDRAWN, "action": A.FILE},
            id="filing_a_withdrawn_claim_says_the_case_is_closed",
        ),
        pytest.param(
            CB,
            S.REFUNDED,
            A.REPRESENT,
            Gate(),
            CLOSED,
            {"state": S.REFUNDED, "action": A.REPRESENT},
            id="representing_a_refunded_chargeback_says_the_case_is_closed",
        ),
        pytest.param(
            SAFET,
            S.FILED,
            A.REFUND,
            Gate(),
            CANNOT,
            {"state": S.FILED, "action": A.REFUND},
            id="a_chargeback_action_on_a_safet_claim_is_refused",
        ),
        pytest.param(
            CB,
            S.ACTION_REQUIRED,
            A.GRANT,
            Gate(),
            CANNOT,
            {"state": S.ACTION_REQUIRED, "action": A.GRANT},
            id="a_safet_decision_on_a_chargeback_is_refused",
        ),
        pytest.param(
            SAFET,
            S.INFO_REQUESTED,
            A.LOG_INFO_REQUEST,
            Gate(),
            CANNOT,
            {"state": S.INFO_REQUESTED, "action": A.LOG_INFO_REQUEST},
            id="logging_a_second_open_information_request_is_refused",
        ),
        pytest.param(
            CB,
            S.NO_DEBIT,
            A.PRESUME_NO_DEBIT,
            Gate(),
            CLOSED,
            {"state": S.NO_DEBIT, "action": A.PRESUME_NO_DEBIT},
            id="presuming_no_debit_twice_says_the_case_is_closed",
        ),
        pytest.param(
            CB,
            S.REPRESENTED,
            A.WITHDRAW,
            Gate(),
            CANNOT,
            {"state": S.REPRESENTED, "action": A.WITHDRAW},
            id="withdrawing_a_chargeback_already_represented_is_refused",
        ),
    ],
)
def test_illegal_transition_is_refused_with_a_message_naming_the_problem(
    kind: CaseKind, state: State, action: Action, gate: Gate, says: str, params: dict
) -> None:
    assert (kind, state, action) not in TRANSITIONS or gate != gate_that_allows(state, action)

    with pytest.raises(IllegalTransition) as caught:
        transition_for(kind, state, action, gate)

    err = caught.value
    assert says in err.message
    assert err.params == params
    if params:
        assert f"“{state.value}”" in str(err)


# ---------------------------------------------------------------------------------------------
# Buttons
# ---------------------------------------------------------------------------------------------

GATES = [Gate(), Gate(needs_approval=True), Gate(appeals_used=1), Gate(needs_approval=True, appeals_used=1)]


@pytest.mark.parametrize(
    "gate", GATES, ids=["no_gate", "approval", "appealed_once", "approval_appealed_once"]
)
@pytest.mark.parametrize(("kind", "state"), KIND_STATES, ids=[f"{k.value}_{s.value}" for k, s in KIND_STATES])
def test_legal_actions_are_legal_and_never_system_actions(kind: CaseKind, state: State, gate: Gate) -> None:
    listed = legal_actions(kind, state, gate)

    assert len(listed) == len(set(listed))
    for action in listed:
        assert PERMISSIONS.get(action) is not Permission.SYSTEM
        transition_for(kind, state, action, gate)
    for action in Action:
        if action in listed or PERMISSIONS.get(action) is Permission.SYSTEM:
            continue
        with pytest.raises(IllegalTransition):
            transition_for(kind, state, action, gate)


def test_safet_preparing_without_the_approval_gate_offers_file_and_withdraw() -> None:
    assert legal_actions(SAFET, S.PREPARING, Gate()) == [A.FILE, A.WITHDRAW]


def test_safet_preparing_with_the_approval_gate_offers_asking_for_approval_and_withdraw() -> None:
    assert legal_actions(SAFET, S.PREPARING, Gate(needs_approval=True)) == [A.SUBMIT_FOR_APPROVAL, A.WITHDRAW]


def test_safet_approved_with_the_approval_gate_offers_file() -> None:
    assert A.FILE in legal_actions(SAFET, S.APPROVED, Gate(needs_approval=True))


def test_safet_info_requested_offers_no_auto_close_button() -> None:
    assert legal_actions(SAFET, S.INFO_REQUESTED) == [A.ANSWER, A.GRANT, A.DENY, A.WITHDRAW]


def test_chargeback_represented_offers_no_presume_no_debit_button() -> None:
    actions = legal_actions(CB, S.REPRESENTED)
    assert A.PRESUME_NO_DEBIT not in actions
    assert {A.LOG_INFO_REQUEST, A.RECORD_DEBIT, A.RECORD_WIN} <= set(actions)


def test_denied_claim_offers_an_appeal_only_until_it_was_used() -> None:
    assert legal_actions(SAFET, S.DENIED, Gate(appeals_used=0)) == [A.APPEAL]
    assert legal_actions(SAFET, S.DENIED, Gate(appeals_used=1)) == []


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
