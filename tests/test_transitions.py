"""The transition table: every legal row, a sample of refusals, buttons, permissions, tabs, moods."""

from __future__ import annotations

import pytest

from rules.actions import PERMISSIONS, Permission
from rules.errors import IllegalTransition
from rules.kinds import Action, CaseKind, State
from rules.transitions import (
    INITIAL_STATE,
    TRANSITIONS,
    Gate,
    legal_actions,
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
