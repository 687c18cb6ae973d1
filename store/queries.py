"""Reading cases for lists, App Home and `/safet show`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from rules.deadlines import DeadlineStatus
from rules.kinds import CaseKind, SellerCentralTab, State
from rules.records import CaseRecord, HomeData, ListFilter
from rules.transitions import TERMINAL_STATES, seller_central_tab

from .db import Store
from .ledger_refunds import claimable_refunds
from .models import Case, CaseDeadline, NoticeStatus, OutboxNotice
from .records import case_record
from .reports import home_tiles

DUE_SOON = timedelta(hours=48)
_CLOSED = [str(s) for s in TERMINAL_STATES]


def _tab_states(tab: SellerCentralTab) -> list[tuple[str, str]]:
    return [(str(kind), str(state)) for kind in CaseKind for state in State
            if seller_central_tab(kind, state) is tab]


def get_case(store: Store, case_id: int, *, history: bool = True) -> CaseRecord | None:
    with store.reading() as session:
        # The audit log only when it is shown: a card redraw needs the case and its deadlines.
        # The attached documents always: the card says what is attached (a small, indexed read).
        options = [selectinload(Case.deadlines), selectinload(Case.evidence),
                   *([selectinload(Case.events)] if history else [])]
        case = session.get(Case, case_id, options=options)
        return case_record(case, history=history, evidence=True) if case else None


def case_version(store: Store, case_id: int) -> int | None:
    """The case's version alone: has it changed since it was drawn?"""
    with store.reading() as session:
        return session.scalar(select(Case.version).where(Case.id == case_id))


def find_case(store: Store, text: str) -> CaseRecord | None:
    """A case by order ID (either kind, the open one first) or by Amazon's SAFE-T claim number."""
    from rules.parsing import normalize, order_text

    needle = order_text(text)
    with store.reading() as session:
        case = session.scalars(
            select(Case).where(or_(Case.order_id == needle, Case.claim_number == normalize(text)))
            .order_by(Case.state.in_(_CLOSED), Case.updated_at.desc()).limit(1)
        ).first()
        if case is None:
            return None
        session.refresh(case, ["deadlines", "events", "evidence"])
        return case_record(case, history=True)


def _next_due():  # type: ignore[no-untyped-def]
    return (select(func.min(CaseDeadline.due_at)).where(CaseDeadline.case_id == Case.id,
                                                        CaseDeadline.status == DeadlineStatus.OPEN)
            .correlate(Case).scalar_subquery())


def list_cases(store: Store, which: ListFilter, *, user_id: str, now: datetime, limit: int = 50,
               account: str | None = None) -> list[CaseRecord]:
    """Cases for `/safet list`, soonest deadline first (cases without one last); one account's with ``account``."""
    next_due = _next_due()
    query: Select = select(Case)
    if account is not None:
        query = query.where(Case.account == account)
    if which is ListFilter.OPEN or which is ListFilter.MINE:
        query = query.where(Case.state.not_in(_CLOSED))
        if which is ListFilter.MINE:
            query = query.where(Case.owner_id == user_id)
    elif which is ListFilter.DUE:
        # A denied claim's "Appeal by" counts too: any open deadline is something to do.
        query = query.where(next_due <= now + DUE_SOON)
    elif which is ListFilter.CLOSED:
        query = query.where(Case.state.in_(_CLOSED))
    else:
        pairs = _tab_states(SellerCentralTab(which.value))
        if which is ListFilter.ALL:
            pairs = [(str(CaseKind.CHARGEBACK), str(s)) for s in State]
        query = query.where(or_(*[(Case.kind == k) & (Case.state == s) for k, s in pairs]))
    order = (next_due.is_(None), next_due, Case.updated_at.desc())
    if which is ListFilter.CLOSED:
        order = (Case.updated_at.desc(),)
    with store.reading() as session:
        rows = session.scalars(query.options(selectinload(Case.deadlines)).order_by(*order).limit(limit)).all()
        return [case_record(row) for row in rows]


def home_data(store: Store, *, user_id: str, now: datetime, limit: int = 20, account: str | None = None) -> HomeData:
    """App Home: my open cases by deadline, the team's due in 48 h, counts by state, failed notices;
    one account's with ``account``."""
    mine = list_cases(store, ListFilter.MINE, user_id=user_id, now=now, limit=limit, account=account)
    team_due = list_cases(store, ListFilter.DUE, user_id=user_id, now=now, limit=limit, account=account)
    own = () if account is None else (Case.account == account,)
    with store.reading() as session:
        counts = {State(state): n for state, n in session.execute(
            select(Case.state, func.count()).where(Case.state.not_in(_CLOSED), *own).group_by(Case.state))}
        failed = session.scalar(select(func.count()).select_from(OutboxNotice)
                                .where(OutboxNotice.status == NoticeStatus.FAILED)) or 0
    refunds, _closing = claimable_refunds(store, now=now, account=account)
    return HomeData(mine=mine, team_due=team_due, counts=counts, failed_notices=failed,
                    tiles=home_tiles(store, now=now), refunds=refunds)
