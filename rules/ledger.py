"""Amazon's ledger (SP-API Finances): what an entry Amazon posted means for the case it belongs to.

Amazon publishes the money it moved — a SAFE-T reimbursement by claim id, a chargeback debit or credit by
order — while the team records what a person typed or an email said. These rules decide, for one entry and
the case it matches (or none), what the app records; the store writes it, the sweep tells it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .kinds import CaseKind, State
from .parsing import normalize
from .records import LEDGER_ACTOR, CaseRecord

SETTLING_DELAY = timedelta(minutes=2)
"""Finances v0: ``PostedBefore`` must be at least two minutes before now."""
MAX_WINDOW = timedelta(days=180)
"""Finances v0: ``PostedAfter`` and ``PostedBefore`` at most 180 days apart."""
CATCH_UP_STEP = timedelta(days=7)
"""A first sync reads in windows of a week, so a long history advances the watermark as it goes."""
OVERLAP = timedelta(hours=48)
"""Each window starts this long before the watermark: Amazon may post an event late (its finances lag up to
48 hours), and an event read twice is recorded once."""
DEFAULT_FIRST_SYNC = timedelta(days=90)


class EntryKind(StrEnum):
    SAFET_PAYMENT = "safet_payment"
    """A SAFE-T reimbursement (``SAFETReimbursementEventList``, positive)."""
    SAFET_REVERSAL = "safet_reversal"
    """A SAFE-T reimbursement taken back (a negative ``ReimbursedAmount``)."""
    CHARGEBACK_DEBIT = "chargeback_debit"
    """``ChargebackEventList``: the charges of the event add up to less than zero."""
    CHARGEBACK_CREDIT = "chargeback_credit"
    """``ChargebackEventList``: a credit back (the debit reversed)."""
    REFUND = "refund"
    """``RefundEventList``: kept for the claims that could still be filed."""


@dataclass(frozen=True)
class LedgerEntry:
    """One event Amazon posted, as the app keeps it. ``amount_cents`` is signed as Amazon posted it (money to
    the seller is positive; a debit is negative), in ``currency``'s minor units."""

    key: str
    """Stable across reads (a digest of the event as Amazon published it): read twice, kept once."""
    kind: EntryKind
    reference: str
    """The SAFE-T claim id, or the Amazon order id, as Amazon wrote it."""
    amount_cents: int
    currency: str
    posted_at: datetime
    seller_fulfilled: bool | None = None
    """For a refund: no Amazon fulfilment fee on the order (a seller-fulfilled order)."""
    reason: str = ""

    @property
    def match_key(self) -> str:
        return match_key(self.reference)


def match_key(reference: str | None) -> str:
    """Claim ids and order ids are compared trimmed and case-folded."""
    return normalize(reference).casefold()


class Step(StrEnum):
    """What one entry makes the app do."""

    GRANT = "grant"
    """A claim not decided yet: record it granted with the ledger's amount."""
    CONFIRM = "confirm"
    """The record already says this: keep the entry beside the case."""
    DIFFERS = "differs"
    """Recorded at another amount: say both figures, offer "Take Amazon's figure"."""
    PAID_AFTER_DECISION = "paid_after_decision"
    """A payment on a claim recorded denied or closed automatically: record it reimbursed."""
    REVERSAL = "reversal"
    """A reimbursement taken back: recorded on the claim and announced."""
    DEBIT = "debit"
    """A debit on a chargeback not recorded debited: record it, with Amazon's amount."""
    OPEN_DEBITED = "open_debited"
    """A debit for an order with no case: open the chargeback, debited."""
    WIN = "win"
    """A credit on a chargeback with Amazon still deciding: record it won."""
    REVERSED = "reversed"
    """A credit on a debited chargeback: record the debit reversed."""
    UNMATCHED = "unmatched"
    """A reimbursement whose claim id is on no case: post it once for a person to match."""
    DISAGREES = "disagrees"
    """The entry does not fit the case's recorded state (a payment on a withdrawn claim): tell a person."""
    KEEP = "keep"
    """Kept, nothing to change (a refund; a credit with no case)."""


_UNDECIDED_CLAIM = frozenset({State.PREPARING, State.AWAITING_APPROVAL, State.APPROVED, State.FILED,
                              State.INFO_REQUESTED, State.ANSWERED, State.APPEALED})
_CLAIM_LOST = frozenset({State.DENIED, State.AUTO_CLOSED})
_CHARGEBACK_DEBITABLE = frozenset({State.ACTION_REQUIRED, State.AWAITING_APPROVAL, State.APPROVED, State.REPRESENTED,
                                   State.INFO_REQUESTED, State.ANSWERED, State.NO_DEBIT})
_CHARGEBACK_DEBITED = frozenset({State.DEBITED, State.DISPUTED, State.DEBIT_UPHELD})
_CHARGEBACK_UNDECIDED = frozenset({State.REPRESENTED, State.INFO_REQUESTED, State.ANSWERED})


def decide(entry: LedgerEntry, case: CaseRecord | None, *, paid_cents: int = 0) -> Step:
    """What ``entry`` means for ``case`` (the case its reference matches, or ``None``). ``paid_cents``: what the
    ledger paid on this claim before ``entry`` (a claim paid in several parts is compared by the sum)."""
    kind = entry.kind
    if kind is EntryKind.REFUND:
        return Step.KEEP
    if kind in (EntryKind.SAFET_PAYMENT, EntryKind.SAFET_REVERSAL):
        if case is None:
            return Step.UNMATCHED
        if kind is EntryKind.SAFET_REVERSAL:
            return Step.REVERSAL
        if case.state in _UNDECIDED_CLAIM:
            return Step.GRANT
        if case.state in _CLAIM_LOST:
            return Step.PAID_AFTER_DECISION
        if case.state is State.REIMBURSED:
            total = paid_cents + entry.amount_cents
            return Step.CONFIRM if case.outcome_amount_cents in (None, total) else Step.DIFFERS
        return Step.DISAGREES
    if case is None:
        return Step.OPEN_DEBITED if kind is EntryKind.CHARGEBACK_DEBIT else Step.KEEP
    if kind is EntryKind.CHARGEBACK_DEBIT:
        if case.state in _CHARGEBACK_DEBITABLE:
            return Step.DEBIT
        if case.state in _CHARGEBACK_DEBITED:
            return Step.CONFIRM if case.outcome_amount_cents == -entry.amount_cents else Step.DIFFERS
        return Step.DISAGREES
    if case.state in _CHARGEBACK_DEBITED:
        return Step.REVERSED
    if case.state in _CHARGEBACK_UNDECIDED:
        return Step.WIN
    if case.state in (State.WON, State.DEBIT_REVERSED, State.NO_DEBIT):
        return Step.CONFIRM
    return Step.DISAGREES


def matched_kind(entry: LedgerEntry) -> CaseKind | None:
    """The kind of case an entry's reference names (a refund names an order, not a case)."""
    if entry.kind in (EntryKind.SAFET_PAYMENT, EntryKind.SAFET_REVERSAL):
        return CaseKind.SAFET
    if entry.kind in (EntryKind.CHARGEBACK_DEBIT, EntryKind.CHARGEBACK_CREDIT):
        return CaseKind.CHARGEBACK
    return None


def windows(since: datetime, now: datetime, *, step: timedelta = MAX_WINDOW) -> Iterator[tuple[datetime, datetime]]:
    """The windows ``[PostedAfter, PostedBefore)`` that read ``since`` up to what Amazon lets be read now (two
    minutes ago), each at most ``step`` (≤ 180 days) long. Nothing when there is nothing new to read."""
    end = now - SETTLING_DELAY
    step = min(step, MAX_WINDOW)
    start = since
    while start < end:
        stop = min(start + step, end)
        yield start, stop
        start = stop


def sync_start(watermark: datetime | None, now: datetime, *, since: datetime | None = None,
               first: timedelta = DEFAULT_FIRST_SYNC) -> datetime:
    """Where a sync starts reading: ``since`` when a person asks for it, else the watermark less the overlap,
    else (the first sync) ``first`` before now."""
    if since is not None:
        return since
    if watermark is not None:
        return watermark - OVERLAP
    return now - first


def is_due(last_started: datetime | None, now: datetime, every: timedelta) -> bool:
    return last_started is None or now - last_started >= every


__all__ = ["LEDGER_ACTOR", "EntryKind", "LedgerEntry", "Step", "decide", "is_due", "matched_kind", "sync_start",
           "windows"]
