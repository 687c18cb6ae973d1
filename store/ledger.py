"""Amazon's ledger in the store: each entry kept once by its key, matched to its case and recorded through the
case's use cases (its state, audit event and notices), in one transaction with the entry itself — so an entry
read twice, or a sync killed half-way and run again, records nothing twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rules.errors import DomainError, StaleCase, no_such_case
from rules.kinds import CaseKind, ComplaintType, State
from rules.ledger import LEDGER_ACTOR, EntryKind, LedgerEntry, Step, decide, match_key, matched_kind
from rules.records import CaseRecord
from rules.text import N_
from rules.transitions import check_permission

from .cases import record_debit, record_filing, record_grant, record_win
from .db import Store
from .ledger_cases import record_credit, record_payment
from .models import Case, LedgerEntryRow, NoticeStatus, OutboxNotice
from .opening import open_chargeback
from .queries import get_case
from .unit import audit

NOTICE = "ledger"
"""The outbox kind of what the ledger tells a person (``stage`` says what: ``rules.ledger.Step``, or ``unpaid``)."""
TAKE_FIGURE = "take_ledger_figure"
NAME_THE_CLAIM = N_("Enter the claim's order ID or SAFE-T claim number.")
BEFORE_FILING = frozenset({State.PREPARING, State.AWAITING_APPROVAL, State.APPROVED})
TOLD = frozenset({Step.DIFFERS, Step.REVERSAL, Step.UNMATCHED, Step.DISAGREES})


@dataclass
class Recorded:
    """What one batch of entries did."""

    new: int = 0
    seen: int = 0
    touched: set[int] = field(default_factory=set)
    """Cases whose card shows something new."""
    opened: set[int] = field(default_factory=set)
    """Cases the ledger opened (their first card is still to post)."""
    steps: dict[str, int] = field(default_factory=dict)


def record_entries(store: Store, account: str, entries: Sequence[LedgerEntry], *, now: datetime,
                   owner: str | None = None) -> Recorded:
    """Record each entry not yet kept, each in its own transaction with what it changes. ``owner``: who owns a
    chargeback the ledger opens (the account's first lead; else the app, until someone takes it)."""
    done = Recorded()
    keys = [e.key for e in entries]
    with store.reading() as session:
        kept = set(session.scalars(select(LedgerEntryRow.key).where(LedgerEntryRow.key.in_(keys)))) if keys else set()
    refunds = {e.key: e for e in entries if e.kind is EntryKind.REFUND and e.key not in kept}
    if refunds:  # many, and they change no case: kept in one statement (a key kept meanwhile is skipped)
        added = _keep_all(store, account, list(refunds.values()), now=now)
        done.new += added
        done.seen += len(refunds) - added
        done.steps[Step.KEEP] = done.steps.get(Step.KEEP, 0) + added
    for entry in entries:
        if entry.key in refunds:
            continue
        if entry.key in kept:
            done.seen += 1
            continue
        step, case_id = _record_one(store, account, entry, now=now, owner=owner)
        kept.add(entry.key)
        if step is None:
            done.seen += 1  # another process kept it first
            continue
        done.new += 1
        done.steps[step] = done.steps.get(step, 0) + 1
        if case_id is not None and step is not Step.KEEP:
            (done.opened if step is Step.OPEN_DEBITED else done.touched).add(case_id)
    return done


def _record_one(store: Store, account: str, entry: LedgerEntry, *, now: datetime,
                owner: str | None) -> tuple[Step | None, int | None]:
    for attempt in range(2):
        try:
            return _record_new(store, account, entry, now=now, owner=owner, last_try=attempt == 1)
        except IntegrityError:
            return None, None  # another sync kept this entry (or opened this order's case) at the same moment
        except StaleCase:
            continue  # a person changed the case at the same moment: read it again
    return None, None


def _record_new(store: Store, account: str, entry: LedgerEntry, *, now: datetime, owner: str | None,
                last_try: bool = True) -> tuple[Step | None, int | None]:
    with store.all_or_nothing() as together:
        with together.transaction() as session:
            if session.get(LedgerEntryRow, entry.key) is not None:
                return None, None
            case_id = _matching_case(session, entry)
            paid = _paid_before(session, case_id) if case_id is not None else 0
        case = get_case(together, case_id, history=False) if case_id is not None else None
        step = decide(entry, case, paid_cents=paid)
        try:
            case_id = _apply(together, account, entry, case, step, paid=paid, now=now, owner=owner)
        except StaleCase:
            if not last_try:
                raise
            step, case_id = Step.DISAGREES, case.id if case is not None else None
        except DomainError:
            step = Step.DISAGREES  # e.g. a reference that is no Amazon order id: kept, told, never dropped
            case_id = case.id if case is not None else None
        _keep(together, account, entry, step, case_id, now=now)
    return step, case_id


def _apply(store: Store, account: str, entry: LedgerEntry, case: CaseRecord | None, step: Step, *, paid: int,
           now: datetime, owner: str | None) -> int | None:
    """Take the step through the case's use cases; the case it concerns, if any."""
    actor = LEDGER_ACTOR
    if case is None:
        if step is Step.OPEN_DEBITED:
            opened = open_chargeback(
                store, actor=actor, owner_id=owner, order_id=entry.reference, amount_cents=-entry.amount_cents,
                currency=entry.currency, now=now, complaint_type=ComplaintType.OTHER,
                email_at=min(entry.posted_at, now), account=account, source="ledger")
            record_debit(store, opened.case.id, actor=actor, is_lead=True, now=now, amount_cents=-entry.amount_cents,
                         reason=entry.reason or "")
            return opened.case.id
        return None
    if step is Step.GRANT:
        if case.state in BEFORE_FILING:  # paid, so filed: a claim nobody marked submitted
            record_filing(store, case.id, actor=actor, now=now)
        record_grant(store, case.id, actor=actor, is_lead=True, now=now, amount_cents=paid + entry.amount_cents)
    elif step is Step.PAID_AFTER_DECISION:
        record_payment(store, case.id, now=now, amount_cents=paid + entry.amount_cents)
    elif step is Step.DEBIT:
        record_debit(store, case.id, actor=actor, is_lead=True, now=now, amount_cents=-entry.amount_cents,
                     reason=entry.reason or "")
    elif step is Step.WIN:
        record_win(store, case.id, actor=actor, is_lead=True, now=now)
    elif step is Step.REVERSED:
        record_credit(store, case.id, now=now)
    elif step is Step.CONFIRM and case.kind is CaseKind.SAFET and case.outcome_amount_cents is None:
        _fill_outcome(store, case.id, paid + entry.amount_cents, now=now)  # granted with no amount recorded
    return case.id


def _fill_outcome(store: Store, case_id: int, cents: int, *, now: datetime) -> None:
    with store.transaction() as session:
        case = session.get(Case, case_id)
        if case is not None and case.outcome_amount_cents is None:
            case.outcome_amount_cents, case.updated_at = cents, now
            audit(session, case, LEDGER_ACTOR, TAKE_FIGURE, case.state, now, {"amount_cents": cents})


def _keep(store: Store, account: str, entry: LedgerEntry, step: Step, case_id: int | None, *, now: datetime) -> None:
    """The entry itself, the ledger's figure on its case, and the notice a person must read."""
    with store.transaction() as session:
        session.add(LedgerEntryRow(
            key=entry.key, account=account, kind=entry.kind, reference=entry.reference[:64],
            match_key=entry.match_key[:64], amount_cents=entry.amount_cents, currency=entry.currency,
            posted_at=entry.posted_at, seller_fulfilled=entry.seller_fulfilled, reason=entry.reason[:200],
            case_id=case_id, step=step, recorded_at=now))
        session.flush()
        case = session.get(Case, case_id) if case_id is not None else None
        if case is not None and step is not Step.KEEP:
            session.execute(update(Case).where(Case.id == case.id).values(
                ledger_cents=func.coalesce(Case.ledger_cents, 0) + entry.amount_cents,
                ledger_posted_at=entry.posted_at if case.ledger_posted_at is None
                else max(case.ledger_posted_at, entry.posted_at),
            ).execution_options(synchronize_session=False))
        if step in (Step.DIFFERS, Step.REVERSAL, Step.DISAGREES) and case is not None:
            audit(session, case, LEDGER_ACTOR, f"ledger_{step}", case.state, now,
                  {"ledger": entry.key, "amount_cents": entry.amount_cents, "currency": entry.currency,
                   "posted_at": entry.posted_at.isoformat()})
        if step in TOLD:
            target = (case.channel_id or case.owner_id) if case is not None else _account_channel(store, account)
            if target:
                session.add(OutboxNotice(
                    key=f"ledger:{entry.key}:{step}", kind=NOTICE, stage=str(step), case_id=case_id,
                    ledger_key=entry.key, target=target, post_at=now, status=NoticeStatus.PENDING, created_at=now))


def _keep_all(store: Store, account: str, entries: Sequence[LedgerEntry], *, now: datetime) -> int:
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    rows = [dict(key=e.key, account=account, kind=e.kind, reference=e.reference[:64], match_key=e.match_key[:64],
                 amount_cents=e.amount_cents, currency=e.currency, posted_at=e.posted_at,
                 seller_fulfilled=e.seller_fulfilled, reason=e.reason[:200], case_id=None, step=Step.KEEP,
                 recorded_at=now, matched_by=None) for e in entries]
    with store.transaction() as session:
        result = session.execute(insert(LedgerEntryRow).values(rows).on_conflict_do_nothing(index_elements=["key"]))
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)


def _account_channel(store: Store, account: str) -> str | None:
    holder = store.policy.accounts.account(account)
    return holder.channel or next(iter(holder.leads), None)


def _matching_case(session: Session, entry: LedgerEntry) -> int | None:
    kind = matched_kind(entry)
    if kind is None:
        return None
    if kind is CaseKind.SAFET:
        column = func.lower(func.trim(Case.claim_number))
        return session.scalar(select(Case.id).where(Case.kind == kind, column == entry.match_key).limit(1))
    # Amazon's order ids are digits and dashes: compared as written (trimmed), through the (kind, order_id) key.
    return session.scalar(select(Case.id).where(Case.kind == kind, Case.order_id == entry.reference.strip()).limit(1))


def _paid_before(session: Session, case_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntryRow.amount_cents), 0)).where(
        LedgerEntryRow.case_id == case_id, LedgerEntryRow.kind == EntryKind.SAFET_PAYMENT)) or 0)


# ---------------------------------------------------------------- what a person does with an entry


@dataclass(frozen=True)
class EntryRecord:
    key: str
    account: str
    kind: EntryKind
    reference: str
    amount_cents: int
    currency: str
    posted_at: datetime
    step: Step
    case_id: int | None
    seller_fulfilled: bool | None = None

    @property
    def entry(self) -> LedgerEntry:
        return LedgerEntry(self.key, self.kind, self.reference, self.amount_cents, self.currency, self.posted_at,
                           self.seller_fulfilled)


def entry_record(row: LedgerEntryRow) -> EntryRecord:
    return EntryRecord(row.key, row.account, EntryKind(row.kind), row.reference, row.amount_cents, row.currency,
                       row.posted_at, Step(row.step), row.case_id, row.seller_fulfilled)


def load_entries(store: Store, keys: Iterable[str]) -> dict[str, EntryRecord]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    with store.reading() as session:
        return {row.key: entry_record(row) for row in
                session.scalars(select(LedgerEntryRow).where(LedgerEntryRow.key.in_(wanted)))}


def ledger_total(store: Store, case_id: int) -> int:
    """What the ledger moved on a case, as the figure a person would record: paid on a claim, debited on a
    chargeback (positive)."""
    with store.reading() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise no_such_case()
        total = int(session.scalar(select(func.coalesce(func.sum(LedgerEntryRow.amount_cents), 0)).where(
            LedgerEntryRow.case_id == case_id, LedgerEntryRow.step != Step.KEEP)) or 0)
    return total if case.kind == CaseKind.SAFET else -total


def take_ledger_figure(store: Store, key: str, *, actor: str, is_lead: bool, now: datetime) -> int | None:
    """"Take Amazon's figure": the case's recorded outcome becomes what the ledger moved. The case changed, or
    ``None`` when it already shows that figure (a second press changes nothing)."""
    entries = load_entries(store, [key])
    entry = entries.get(key)
    if entry is None or entry.case_id is None:
        raise no_such_case()
    figure = ledger_total(store, entry.case_id)
    with store.transaction() as session:
        case = session.get(Case, entry.case_id)
        if case is None:
            raise no_such_case()
        check_permission(None, actor=actor, owner=case.owner_id, is_lead=is_lead)
        if case.outcome_amount_cents == figure:
            return None
        before, case.outcome_amount_cents, case.updated_at = case.outcome_amount_cents, figure, now
        audit(session, case, actor, TAKE_FIGURE, case.state, now,
              {"ledger": key, "from_cents": before, "amount_cents": figure})
        return case.id


def match_entry(store: Store, key: str, claim: str, *, actor: str, is_lead: bool, now: datetime) -> int:
    """"Match to a case": a reimbursement no claim id matched, given to the claim a person names (its claim
    number, or its order id), then recorded as if it had matched. The claim number is kept on the case when
    it had none."""
    entries = load_entries(store, [key])
    entry = entries.get(key)
    if entry is None:
        raise no_such_case()
    if entry.step is not Step.UNMATCHED:
        raise DomainError(N_("This payment is already matched to a case."), field="claim")
    wanted = match_key(claim)
    if not wanted:
        raise DomainError(NAME_THE_CLAIM, field="claim")
    with store.all_or_nothing() as together:
        with together.transaction() as session:
            case_id = session.scalar(select(Case.id).where(
                Case.kind == CaseKind.SAFET,
                (Case.order_id == claim.strip()) | (func.lower(func.trim(Case.claim_number)) == wanted)))
            if case_id is None:
                raise DomainError(N_("No SAFE-T claim has that order ID or claim number."), field="claim")
            case = session.get(Case, case_id)
            assert case is not None
            check_permission(None, actor=actor, owner=case.owner_id, is_lead=is_lead)
            if not case.claim_number:
                case.claim_number = entry.reference[:64]
            session.execute(update(OutboxNotice).where(OutboxNotice.ledger_key == key)
                            .values(ledger_key=None).execution_options(synchronize_session=False))
            row = session.get(LedgerEntryRow, key)
            assert row is not None
            session.delete(row)  # recorded again below, matched
            session.flush()
            paid = _paid_before(session, case_id)
        record = get_case(together, case_id, history=False)
        step = decide(entry.entry, record, paid_cents=paid)
        _apply(together, entry.account, entry.entry, record, step, paid=paid, now=now, owner=None)
        _keep(together, entry.account, entry.entry, step, case_id, now=now)
        with together.transaction() as session:
            session.execute(update(LedgerEntryRow).where(LedgerEntryRow.key == key).values(matched_by=actor))
    return case_id
