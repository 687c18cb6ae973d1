"""Refunds Amazon's ledger shows on seller-fulfilled orders that no SAFE-T claim covers yet, with the day each
one's filing window closes: App Home lists them ("refunds you could still claim"), the daily summary counts
those about to close."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from rules.kinds import CaseKind, SafetProgram
from rules.ledger import EntryKind
from rules.records import ClaimableRefund

from .db import Store
from .models import Case, LedgerEntryRow

LONGEST_WINDOW = timedelta(days=400)
"""No marketplace's window is longer (a team may set up to 366 days): older refunds are not read at all."""
SOON = timedelta(days=7)


def claimable_refunds(store: Store, *, now: datetime, account: str | None = None,
                      limit: int = 10) -> tuple[list[ClaimableRefund], int]:
    """The refunds whose window is still open, newest deadline first (at most ``limit``), and how many of them
    close within seven days. The window is counted from the refund: a return scanned later opens it later, so
    the day shown is the earliest it could close."""
    claimed = exists().where(Case.kind == CaseKind.SAFET, Case.order_id == LedgerEntryRow.reference)
    mine = (LedgerEntryRow.account == account,) if account is not None else ()
    with store.reading() as session:
        rows = session.execute(select(LedgerEntryRow).where(
            LedgerEntryRow.kind == EntryKind.REFUND, LedgerEntryRow.seller_fulfilled.is_(True),
            LedgerEntryRow.posted_at >= now - LONGEST_WINDOW, ~claimed, *mine)).scalars().all()
    book = store.policy.accounts
    found = []
    for row in rows:
        market = book.market_of(row.account)
        refunded_on = row.posted_at.astimezone(market.zone).date()
        window = market.filing_window(refunded_on, program=SafetProgram.SELLER_FULFILLED, lost=False)
        if window is None or window.due_at <= now:
            continue
        found.append(ClaimableRefund(row.key, row.account, row.reference, -row.amount_cents, row.currency,
                                     refunded_on, window.due_at, window.ends_on(market.zone)))
    found.sort(key=lambda r: (r.file_by, r.key), reverse=True)
    soon = sum(1 for r in found if r.file_by - now <= SOON)
    return found[:limit], soon
