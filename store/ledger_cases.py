"""The two state changes only Amazon's ledger makes: money paid on a claim recorded lost, and a debited
chargeback credited back. Each through the unit of work, like every other change of a case."""

from __future__ import annotations

from datetime import datetime

from rules.kinds import Action
from rules.records import LEDGER_ACTOR

from .db import Store
from .unit import Change, changing, result


def record_payment(store: Store, case_id: int, *, now: datetime, amount_cents: int) -> Change:
    """Amazon paid a claim recorded denied or closed automatically (an appeal won, a late decision)."""
    with changing(store, case_id, Action.RECORD_PAYMENT, actor=LEDGER_ACTOR, now=now) as change:
        change.case.outcome_amount_cents = amount_cents
        change.details.update(amount_cents=amount_cents)
    return result(change)


def record_credit(store: Store, case_id: int, *, now: datetime) -> Change:
    """Amazon credited a debited chargeback back: the debit is reversed."""
    with changing(store, case_id, Action.RECORD_CREDIT, actor=LEDGER_ACTOR, now=now) as change:
        change.case.outcome_amount_cents = 0
    return result(change)
