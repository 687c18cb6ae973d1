"""A case nobody recorded, opened from Amazon's email in the state the email shows it is in.

An investigator's request for a claim not filed here opens the claim already filed and "information
requested", with its reply deadline and the automatic close after it; a decision opens it decided, with the
amount; a chargeback debit or a favourable funding decision opens the chargeback debited or won. The person
still presses the button and saves the form: nothing is recorded from an email alone. One store use case
(``store.opening.open_in_state``) makes it one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from handlers.deps import Deps
from rules.emails import EmailKind
from rules.kinds import Action
from store.db import Store
from store.opening import open_in_state
from store.unit import Change
from views.action_modals import plain_amount
from views.intake import Prefill, parse_prefill
from views.metadata import ModalContext

Step = tuple[Action, Mapping[str, Any]]


def _instant(seconds: Any, now: datetime) -> datetime | None:
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        return None
    try:
        moment = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment if moment <= now else None


def email_steps(prefill: Prefill, now: datetime) -> list[Step]:
    """What to record after opening, for the email's kind (a forged value just opens the case as usual)."""
    sent = _instant(prefill.sent_at, now) or now
    stated = datetime.fromtimestamp(prefill.stated_at, UTC) if isinstance(prefill.stated_at, int) and not \
        isinstance(prefill.stated_at, bool) and prefill.stated_at < 10**11 else None
    amount = plain_amount(prefill.amount_cents, prefill.currency or "USD") if isinstance(
        prefill.amount_cents, int) and not isinstance(prefill.amount_cents, bool) else None
    filed: Step = (Action.FILE, {"claim_number": prefill.claim_number or "", "filed_at": sent})
    kind = prefill.kind
    if kind == EmailKind.SAFET_INFO_REQUEST:
        return [filed, (Action.LOG_INFO_REQUEST, {"arrived_at": sent, "stated_due_at": stated})]
    if kind == EmailKind.SAFET_DECISION and prefill.granted is True and amount:
        return [filed, (Action.GRANT, {"amount": amount})]
    if kind == EmailKind.SAFET_DECISION and prefill.granted is False:
        return [filed, (Action.DENY, {"appeal_by": stated if stated and stated > now else None})]
    if kind in (EmailKind.SAFET_CONFIRMATION, EmailKind.SAFET_DECISION):
        return [filed]  # a grant whose amount the email did not give: filed, the decision left to a person
    represented: Step = (Action.REPRESENT, {"item_details": "As in Amazon's email."})
    if kind == EmailKind.CHARGEBACK_DEBIT and amount:
        return [(Action.RECORD_DEBIT, {"amount": amount, "reason": "As in Amazon's email."})]
    if kind == EmailKind.CHARGEBACK_WON:
        return [represented, (Action.RECORD_WIN, {})]
    if kind == EmailKind.CHARGEBACK_INFO_REQUEST and stated is not None and stated > now:
        return [represented, (Action.LOG_INFO_REQUEST, {"arrived_at": sent, "stated_due_at": stated})]
    return []


def open_case(deps: Deps, opener: Callable[[Store], Change], modal: ModalContext, *, actor: str) -> Change:
    """Open the case a form describes; opened from an email about a case nobody recorded, in its state."""
    prefill = parse_prefill(modal.email) if modal.email else None
    now = deps.clock()
    steps = email_steps(prefill, now) if prefill is not None else []
    if not steps:
        return opener(deps.store)
    return open_in_state(deps.store, opener, steps, actor=actor, now=now)
