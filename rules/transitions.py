"""Legal state changes: one table of (kind, state, action) → state, read by the code and the buttons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .actions import INFO_REPLIES, PERMISSIONS, SUBMIT_ACTIONS, Permission
from .deadlines import DeadlineKind
from .errors import IllegalTransition, NotPermitted, only_the_app
from .kinds import Action, CaseKind, Mood, SellerCentralTab, State
from .text import N_

ALL_DEADLINES = frozenset(DeadlineKind)


@dataclass(frozen=True)
class Transition:
    kind: CaseKind
    source: State
    action: Action
    target: State
    closes: frozenset[DeadlineKind] = frozenset()
    """Open deadlines this action settles (met when before their due instant)."""
    opens: DeadlineKind | None = None
    """The deadline this action starts, if any."""


SAFET, CB = CaseKind.SAFET, CaseKind.CHARGEBACK
S, A, D = State, Action, DeadlineKind

_SAFET_BEFORE_FILING = (S.PREPARING, S.AWAITING_APPROVAL, S.APPROVED)
_SAFET_WITH_AMAZON = (S.FILED, S.INFO_REQUESTED, S.ANSWERED, S.APPEALED)
_CB_WITH_AMAZON = (S.REPRESENTED, S.INFO_REQUESTED, S.ANSWERED)


def _rows() -> Iterable[Transition]:
    # SAFE-T claims
    yield Transition(SAFET, S.PREPARING, A.SUBMIT_FOR_APPROVAL, S.AWAITING_APPROVAL)
    yield Transition(SAFET, S.AWAITING_APPROVAL, A.APPROVE, S.APPROVED)
    yield Transition(SAFET, S.AWAITING_APPROVAL, A.SEND_BACK, S.PREPARING)
    yield Transition(SAFET, S.PREPARING, A.FILE, S.FILED, closes=frozenset({D.FILE_BY}))
    yield Transition(SAFET, S.APPROVED, A.FILE, S.FILED, closes=frozenset({D.FILE_BY}))
    for source in (S.FILED, S.ANSWERED, S.APPEALED):
        yield Transition(SAFET, source, A.LOG_INFO_REQUEST, S.INFO_REQUESTED, opens=D.SAFET_INFO_REPLY)
    yield Transition(SAFET, S.INFO_REQUESTED, A.ANSWER, S.ANSWERED, closes=INFO_REPLIES)
    yield Transition(SAFET, S.INFO_REQUESTED, A.AUTO_CLOSE, S.AUTO_CLOSED, closes=ALL_DEADLINES)
    for source in _SAFET_WITH_AMAZON:
        yield Transition(SAFET, source, A.GRANT, S.REIMBURSED, closes=ALL_DEADLINES)
        yield Transition(SAFET, source, A.DENY, S.DENIED, closes=ALL_DEADLINES, opens=D.APPEAL_BY)
    yield Transition(SAFET, S.DENIED, A.APPEAL, S.APPEALED, closes=ALL_DEADLINES)
    for source in (S.DENIED, S.AUTO_CLOSED):  # only Amazon's ledger takes these: money it paid after all
        yield Transition(SAFET, source, A.RECORD_PAYMENT, S.REIMBURSED, closes=ALL_DEADLINES)
    for source in (*_SAFET_BEFORE_FILING, S.FILED, S.INFO_REQUESTED, S.ANSWERED, S.APPEALED):
        yield Transition(SAFET, source, A.WITHDRAW, S.WITHDRAWN, closes=ALL_DEADLINES)
    for source in _SAFET_BEFORE_FILING:  # the filing window closed first: Amazon refuses the claim
        yield Transition(SAFET, source, A.MISS_FILING_WINDOW, S.NOT_FILED_IN_TIME, closes=ALL_DEADLINES)

    # Chargebacks
    yield Transition(CB, S.ACTION_REQUIRED, A.SUBMIT_FOR_APPROVAL, S.AWAITING_APPROVAL)
    yield Transition(CB, S.AWAITING_APPROVAL, A.APPROVE, S.APPROVED)
    yield Transition(CB, S.AWAITING_APPROVAL, A.SEND_BACK, S.ACTION_REQUIRED)
    for source in (S.ACTION_REQUIRED, S.APPROVED):
        yield Transition(CB, source, A.REFUND, S.REFUNDED, closes=ALL_DEADLINES)
        yield Transition(
            CB, source, A.REPRESENT, S.REPRESENTED,
            closes=frozenset({D.CHARGEBACK_REPLY}), opens=D.OUTCOME_WINDOW,
        )
    for source in (S.REPRESENTED, S.ANSWERED):
        yield Transition(CB, source, A.LOG_INFO_REQUEST, S.INFO_REQUESTED, opens=D.CHARGEBACK_INFO_REPLY)
    yield Transition(CB, S.INFO_REQUESTED, A.ANSWER, S.ANSWERED, closes=INFO_REPLIES)
    # Amazon may debit an unanswered chargeback, or one it decided against us.
    for source in (S.ACTION_REQUIRED, S.AWAITING_APPROVAL, S.APPROVED, *_CB_WITH_AMAZON, S.NO_DEBIT):
        yield Transition(CB, source, A.RECORD_DEBIT, S.DEBITED, closes=ALL_DEADLINES)
    for source in _CB_WITH_AMAZON:
        yield Transition(CB, source, A.RECORD_WIN, S.WON, closes=ALL_DEADLINES)
    for source in (S.REPRESENTED, S.ANSWERED):
        yield Transition(CB, source, A.PRESUME_NO_DEBIT, S.NO_DEBIT, closes=ALL_DEADLINES)
    yield Transition(CB, S.DEBITED, A.DISPUTE, S.DISPUTED)
    yield Transition(CB, S.DISPUTED, A.DISPUTE_REVERSED, S.DEBIT_REVERSED)
    yield Transition(CB, S.DISPUTED, A.DISPUTE_UPHELD, S.DEBIT_UPHELD)
    for source in (S.DEBITED, S.DISPUTED, S.DEBIT_UPHELD):
        yield Transition(CB, source, A.RECORD_CREDIT, S.DEBIT_REVERSED)
    for source in (S.ACTION_REQUIRED, S.AWAITING_APPROVAL, S.APPROVED):
        yield Transition(CB, source, A.WITHDRAW, S.WITHDRAWN, closes=ALL_DEADLINES)


TRANSITIONS: dict[tuple[CaseKind, State, Action], Transition] = {
    (t.kind, t.source, t.action): t for t in _rows()
}

INITIAL_STATE = {CaseKind.SAFET: State.PREPARING, CaseKind.CHARGEBACK: State.ACTION_REQUIRED}

MAX_APPEALS = 1

TERMINAL_STATES = frozenset({
    S.REIMBURSED, S.DENIED, S.AUTO_CLOSED, S.WITHDRAWN, S.REFUNDED, S.WON, S.NO_DEBIT,
    S.DEBITED, S.DEBIT_REVERSED, S.DEBIT_UPHELD, S.NOT_FILED_IN_TIME,
})
"""States in which nothing is pending: the case counts as closed in lists (it may still be
appealed or disputed, which reopens it)."""

_MOODS = {
    **dict.fromkeys((S.PREPARING, S.AWAITING_APPROVAL, S.APPROVED, S.INFO_REQUESTED, S.ACTION_REQUIRED),
                    Mood.ON_US),
    **dict.fromkeys((S.FILED, S.ANSWERED, S.APPEALED, S.REPRESENTED, S.DISPUTED), Mood.ON_AMAZON),
    **dict.fromkeys((S.REIMBURSED, S.WON, S.NO_DEBIT, S.DEBIT_REVERSED, S.REFUNDED), Mood.WON),
    **dict.fromkeys((S.DENIED, S.AUTO_CLOSED, S.DEBITED, S.DEBIT_UPHELD, S.NOT_FILED_IN_TIME), Mood.LOST),
    S.WITHDRAWN: Mood.CLOSED,
}


def mood(state: State) -> Mood:
    """Who the case waits on, or how it ended."""
    return _MOODS[state]


def is_open(state: State) -> bool:
    return state not in TERMINAL_STATES


def seller_central_tab(kind: CaseKind, state: State) -> SellerCentralTab:
    """The Seller Central tab where this case is found (Manage SAFE-T Claims / Chargeback Claims)."""
    if kind is CaseKind.CHARGEBACK:
        if state in (S.ACTION_REQUIRED, S.AWAITING_APPROVAL, S.APPROVED, S.INFO_REQUESTED):
            return SellerCentralTab.ACTION_REQUIRED
        return SellerCentralTab.ALL
    if state in _SAFET_BEFORE_FILING or state in (S.WITHDRAWN, S.NOT_FILED_IN_TIME):
        return SellerCentralTab.NOT_FILED
    if state is S.INFO_REQUESTED:
        return SellerCentralTab.AWAITING_SELLER_RESPONSE
    if state in (S.FILED, S.ANSWERED, S.APPEALED):
        return SellerCentralTab.UNDER_INVESTIGATION
    return SellerCentralTab.RESOLVED


@dataclass(frozen=True)
class Gate:
    """Facts about one case that decide more than its state does."""

    needs_approval: bool = False
    appeals_used: int = 0
    appeal_window_closed: bool = False


_NOTHING_WAITING = N_("Nothing is waiting for approval: the case is “{state}”.")
_SPECIFIC_REFUSALS: dict[Action, str] = {
    A.ANSWER: N_("There is no open information request to answer: the case is “{state}”."),
    A.APPEAL: N_("Only a denied (No-Grant) claim can be appealed; this one is “{state}”."),
    A.DISPUTE: N_("Only a recorded debit can be disputed; this case is “{state}”."),
    A.APPROVE: _NOTHING_WAITING,
    A.SEND_BACK: _NOTHING_WAITING,
}


def transition_for(kind: CaseKind, state: State, action: Action, gate: Gate = Gate()) -> Transition:
    """The transition ``action`` makes from ``state``, or an ``IllegalTransition`` saying why not."""
    found = TRANSITIONS.get((kind, state, action))
    if found is None:
        if state in TERMINAL_STATES and action is not A.APPEAL and action is not A.DISPUTE:
            raise IllegalTransition(
                N_("This case is closed (“{state}”): “{action}” is no longer possible."),
                state=state, action=action,
            )
        message = _SPECIFIC_REFUSALS.get(
            action, N_("A case that is “{state}” cannot take the action “{action}”.")
        )
        raise IllegalTransition(message, state=state, action=action)
    if action is A.APPEAL and gate.appeals_used >= MAX_APPEALS:
        raise IllegalTransition(N_("A denied claim can be appealed only once, and this one already was."))
    if action is A.APPEAL and gate.appeal_window_closed:
        raise IllegalTransition(N_("The “Appeal by” date has passed: Seller Central no longer takes an appeal."))
    if action in SUBMIT_ACTIONS and gate.needs_approval and state is not S.APPROVED:
        raise IllegalTransition(N_("A lead must approve this before it is submitted in Seller Central."))
    if action is A.SUBMIT_FOR_APPROVAL and not gate.needs_approval:
        raise IllegalTransition(N_("This team does not require a lead's approval for this case."))
    return found


def legal_actions(kind: CaseKind, state: State, gate: Gate = Gate()) -> list[Action]:
    """Actions a person may take now, in table order (system actions left out): the card's buttons."""
    actions = []
    for (row_kind, source, action), _ in TRANSITIONS.items():
        if row_kind is not kind or source is not state or PERMISSIONS.get(action) is Permission.SYSTEM:
            continue
        try:
            transition_for(kind, state, action, gate)
        except IllegalTransition:
            continue
        if action not in actions:
            actions.append(action)
    return actions


def check_permission(action: Action | None, *, actor: str, owner: str, is_lead: bool) -> None:
    """Refuse ``actor`` when ``action`` is for the owner or the leads only (``None``: reassigning)."""
    permission = PERMISSIONS.get(action, Permission.ANYONE) if action else Permission.OWNER_OR_LEAD
    if permission is Permission.SYSTEM:
        raise only_the_app()
    if permission is Permission.LEAD and not is_lead:
        raise NotPermitted(N_("Only a lead can approve or send back a case."))
    if permission is Permission.OWNER_OR_LEAD and not (is_lead or actor == owner):
        raise NotPermitted(N_("Only the case owner or a lead can do this."))


def needs_approval(*, required: bool, above_cents: int | None, amount_cents: int | None) -> bool:
    """Whether the team's approval gate applies to a case of this amount."""
    if not required:
        return False
    if above_cents is None or amount_cents is None:
        return True  # an amount nobody knows yet may be large: a lead looks
    return amount_cents > above_cents
