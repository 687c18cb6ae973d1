"""The report's figures from Amazon's ledger: what Amazon moved in the period, by the date it posted it, and
what was recovered only on record (cases the ledger shows nothing for)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from rules.ledger import EntryKind, Step
from rules.report_records import LedgerFigures, Period, add_money

from .models import Case, LedgerEntryRow, LedgerSync

# Money Amazon gave back (reimbursements less reversals, debits credited back) and money it took (debits).
_BACK = (EntryKind.SAFET_PAYMENT, EntryKind.SAFET_REVERSAL, EntryKind.CHARGEBACK_CREDIT)


def ledger_figures(session: Session, period: Period, account: str | None,
                   recovered_unconfirmed: ColumnElement[int], decided: ColumnElement[bool],
                   of_account: tuple[ColumnElement[bool], ...]) -> LedgerFigures | None:
    """``None`` when no account (or not ``account``) reads the ledger."""
    synced = select(LedgerSync.account).where(*((LedgerSync.account == account,) if account is not None else ()))
    if session.scalar(synced.limit(1)) is None:
        return None
    mine = (LedgerEntryRow.account == account,) if account is not None else ()
    in_period = and_(LedgerEntryRow.posted_at >= period.start, LedgerEntryRow.posted_at < period.end, *mine)
    rows = session.execute(
        select(LedgerEntryRow.kind, LedgerEntryRow.currency, func.sum(LedgerEntryRow.amount_cents), func.count(),
               func.sum(case((LedgerEntryRow.step == Step.UNMATCHED, 1), else_=0)))
        .where(in_period, LedgerEntryRow.kind != EntryKind.REFUND)
        .group_by(LedgerEntryRow.kind, LedgerEntryRow.currency)).all()
    back, debited, unmatched = [], [], 0
    for kind, currency, total, _count, not_matched in rows:
        if kind in _BACK:
            back.append({currency: int(total or 0)})
        elif kind == EntryKind.CHARGEBACK_DEBIT:
            debited.append({currency: -int(total or 0)})
        unmatched += int(not_matched or 0)
    only = session.execute(
        select(Case.currency, func.sum(recovered_unconfirmed))
        .where(decided, Case.ledger_posted_at.is_(None), *of_account).group_by(Case.currency)).all()
    return LedgerFigures(recovered=add_money(*back), debited=add_money(*debited),
                         recorded_only=add_money(*({c: int(v or 0)} for c, v in only)), unmatched=unmatched)
