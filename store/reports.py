"""The report's figures: SQL aggregates over the store, grouped in the database (never a loop over cases).

Each query reads through an index: cases opened by ``cases(created_at)``, outcomes by ``cases(decided_at)``
(the instant of the latest deciding action, kept by ``store.unit.changing``), deadlines by
``deadlines(status, due_at)``. What comes back is a few rows per kind, state and currency.
How outcomes count is said in ``rules.report_records``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import selectinload

from rules.deadlines import DeadlineKind, DeadlineStatus
from rules.eligibility import TRIP_CREDIT_CENTS
from rules.kinds import CaseKind, ComplaintType, SafetReason, State
from rules.records import CaseRecord
from rules.report_records import (
    AT_RISK_HOURS,
    LOST_STATES,
    TIME_LEFT_BOUNDS,
    WON_STATES,
    AtRisk,
    ChartData,
    DeadlineFigures,
    HomeTiles,
    KindFigures,
    Money,
    Period,
    Report,
    TimeLeft,
    WeekPoint,
    WinRate,
    add_money,
    month_period,
)
from rules.transitions import TERMINAL_STATES

from .db import Store
from .ledger_reports import ledger_figures
from .models import Case, CaseDeadline
from .records import case_record

TASKS = [str(k) for k in DeadlineKind if not k.is_window]
ANSWERS = [str(k) for k in (DeadlineKind.CHARGEBACK_REPLY, DeadlineKind.SAFET_INFO_REPLY,
                            DeadlineKind.CHARGEBACK_INFO_REPLY)]
_OPEN = [str(s) for s in State if s not in TERMINAL_STATES]

# ---------------------------------------------------------------- money of one case, in SQL

CLAIMED = case(
    (Case.kind == str(CaseKind.SAFET), func.coalesce(
        Case.expected_amount_cents,
        case((Case.reason == str(SafetReason.TRIP_CREDIT), TRIP_CREDIT_CENTS), else_=0))),
    else_=func.coalesce(Case.amount_cents, 0),
)
"""What the case is about: a claim's expected amount (Trip Credit: $50 flat), a chargeback's amount."""

RECOVERED = case(
    (Case.state == str(State.REIMBURSED), func.coalesce(Case.outcome_amount_cents, CLAIMED)),
    (Case.state.in_([str(State.WON), str(State.NO_DEBIT), str(State.DEBIT_REVERSED)]),
     func.coalesce(Case.amount_cents, 0)),
    else_=0,
)
LOST = case(
    (Case.state.in_([str(State.DENIED), str(State.AUTO_CLOSED), str(State.NOT_FILED_IN_TIME)]), CLAIMED),
    (Case.state.in_([str(State.DEBITED), str(State.DEBIT_UPHELD), str(State.DISPUTED)]),
     func.coalesce(Case.outcome_amount_cents, Case.amount_cents, 0)),
    else_=0,
)


def _decided(start: datetime, end: datetime) -> ColumnElement[bool]:
    """The case's latest deciding action fell in ``[start, end)`` (``cases(decided_at)`` index). No filter on the
    state here: SQLite would read every closed case through ``(state, updated_at)`` instead. A case an appeal
    reopened comes back with its open state, which counts as nothing (its money and win are by state)."""
    return and_(Case.decided_at >= start, Case.decided_at < end)


def _money(rows: list[tuple[str, int]]) -> Money:
    return add_money(*({currency: int(cents or 0)} for currency, cents in rows))


# ---------------------------------------------------------------- the report


def _of(account: str | None) -> tuple[ColumnElement[bool], ...]:
    """One seller account's cases, or every account's (``None``). Written so that no index serves it: beside the
    ``decided_at`` or ``created_at`` range, SQLite would otherwise read every case of the account through
    ``(account, state)`` (a 1 M-case store has one account, or few)."""
    return ((Case.account + "") == account,) if account is not None else ()


def report(store: Store, period: Period, *, now: datetime, account: str | None = None) -> Report:
    """The period's figures, for one seller account or all (currencies are never summed together)."""
    with store.reading() as session:
        opened = session.execute(
            select(Case.kind, Case.currency, func.count(), func.sum(CLAIMED),
                   func.sum(case((Case.state.in_(_OPEN), 1), else_=0)))
            .where(Case.created_at >= period.start, Case.created_at < period.end, *_of(account))
            .group_by(Case.kind, Case.currency)
        ).all()
        decided = session.execute(
            select(Case.kind, Case.reason, Case.complaint_type, Case.owner_id, Case.state, Case.currency,
                   func.count(), func.sum(RECOVERED), func.sum(LOST))
            .where(_decided(period.start, period.end), *_of(account))
            .group_by(Case.kind, Case.reason, Case.complaint_type, Case.owner_id, Case.state, Case.currency)
        ).all()
        deadlines = _deadline_figures(session, store.dialect, period, account)
        ledger = ledger_figures(session, period, account, RECOVERED, _decided(period.start, period.end),
                                _of(account))
    at_risk = at_risk_now(store, now=now, account=account)

    figures: dict[CaseKind, dict] = {k: defaultdict(int) for k in CaseKind}
    money: dict[CaseKind, dict[str, list]] = {k: defaultdict(list) for k in CaseKind}
    for kind, currency, count, claimed, still_open in opened:
        figures[CaseKind(kind)]["opened"] += count
        figures[CaseKind(kind)]["still_open"] += int(still_open or 0)
        money[CaseKind(kind)]["claimed"].append((currency, claimed))
    by_reason: dict[SafetReason, list[int]] = defaultdict(lambda: [0, 0])
    by_claim: dict[ComplaintType, list[int]] = defaultdict(lambda: [0, 0])
    by_owner: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, reason, claim, owner, state, currency, count, recovered, lost in decided:
        kind, state = CaseKind(kind), State(state)
        if state in TERMINAL_STATES:
            figures[kind]["closed"] += count
        money[kind]["recovered"].append((currency, recovered))
        money[kind]["lost"].append((currency, lost))
        if state is State.NOT_FILED_IN_TIME:
            money[kind]["missed_window"].append((currency, lost))
        side = 0 if state in WON_STATES else 1 if state in LOST_STATES else None
        if side is None:
            continue
        figures[kind]["won" if side == 0 else "lost"] += count
        by_owner[owner][side] += count
        if reason:
            by_reason[SafetReason(reason)][side] += count
        if claim:
            by_claim[ComplaintType(claim)][side] += count
    kinds = {
        kind: KindFigures(
            opened=figures[kind]["opened"], still_open=figures[kind]["still_open"], closed=figures[kind]["closed"],
            won=figures[kind]["won"], lost=figures[kind]["lost"], claimed=_money(money[kind]["claimed"]),
            recovered=_money(money[kind]["recovered"]), lost_money=_money(money[kind]["lost"]),
            missed_window=_money(money[kind]["missed_window"]),
        ) for kind in CaseKind
    }
    return Report(
        period=period, generated_at=now, kinds=kinds, at_risk=at_risk, deadlines=deadlines,
        by_reason={k: WinRate(*v) for k, v in sorted(by_reason.items())},
        by_claim={k: WinRate(*v) for k, v in sorted(by_claim.items())},
        by_owner={k: WinRate(*v) for k, v in sorted(by_owner.items())}, ledger=ledger,
    )




def _seconds(dialect: str, later: ColumnElement, earlier: ColumnElement) -> ColumnElement[float]:
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _deadline_figures(session, dialect: str, period: Period,  # type: ignore[no-untyped-def]
                      account: str | None = None) -> DeadlineFigures:
    due_in = (CaseDeadline.due_at >= period.start, CaseDeadline.due_at < period.end)
    settled = CaseDeadline.status.in_([str(DeadlineStatus.MET), str(DeadlineStatus.MISSED)])
    # Missed: settled missed, or cancelled after it was due (debited before the team answered, say).
    late = and_(CaseDeadline.status == str(DeadlineStatus.CANCELLED), CaseDeadline.settled_at > CaseDeadline.due_at)
    is_met = CaseDeadline.status == str(DeadlineStatus.MET)
    rows = session.execute(
        select(is_met, Case.currency, func.count(), func.sum(CLAIMED))
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(settled | late, *due_in, CaseDeadline.kind.in_(TASKS), *_of(account))
        .group_by(is_met, Case.currency)
    ).all()
    met = sum(n for was_met, _c, n, _m in rows if was_met)
    missed = sum(n for was_met, _c, n, _m in rows if not was_met)
    missed_money = _money([(c, m) for was_met, c, _n, m in rows if not was_met])
    # Answers only: a reply deadline settled missed because Amazon closed the claim was never answered. Only
    # those few rows look at their case (by primary key), so the deadlines are read without a join.
    auto_closed = exists().where(Case.id == CaseDeadline.case_id, Case.state == str(State.AUTO_CLOSED))
    answered = and_(settled, *due_in, CaseDeadline.kind.in_(ANSWERS), or_(
        CaseDeadline.status != str(DeadlineStatus.MISSED),
        CaseDeadline.kind != str(DeadlineKind.SAFET_INFO_REPLY), ~auto_closed))
    if account is not None:
        answered = and_(answered, exists().where(Case.id == CaseDeadline.case_id, Case.account == account))
    seconds = _seconds(dialect, CaseDeadline.settled_at, CaseDeadline.basis_at)
    median = None
    if dialect == "postgresql":
        count, middle_seconds = session.execute(
            select(func.count(), func.percentile_cont(0.5).within_group(seconds)).where(answered)).one()
        if count:
            median = timedelta(seconds=round(float(middle_seconds)))
    else:
        base = select(seconds.label("s")).where(answered)
        count = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        if count:
            middle = session.scalars(base.order_by(seconds).limit(2 - count % 2).offset((count - 1) // 2)).all()
            median = timedelta(seconds=round(sum(float(v) for v in middle) / len(middle)))
    return DeadlineFigures(met=met, missed=missed, missed_money=missed_money, responses=count,
                           median_response=median)


def at_risk_now(store: Store, *, now: datetime, hours: int = AT_RISK_HOURS, account: str | None = None) -> AtRisk:
    """Cases with a deadline for the team before ``now + hours`` (overdue ones still open included)."""
    until = now + timedelta(hours=hours)
    soon = (select(CaseDeadline.case_id, func.min(CaseDeadline.due_at).label("due"))
            .where(CaseDeadline.status == str(DeadlineStatus.OPEN), CaseDeadline.due_at < until,
                   CaseDeadline.kind.in_(TASKS))
            .group_by(CaseDeadline.case_id).subquery())
    with store.reading() as session:
        rows = session.execute(
            select(Case.currency, func.count(), func.sum(CLAIMED), func.sum(case((soon.c.due < now, 1), else_=0)))
            .join(soon, soon.c.case_id == Case.id).where(*_of(account)).group_by(Case.currency)
        ).all()
    return AtRisk(until=until, cases=sum(r[1] for r in rows), overdue=sum(int(r[3] or 0) for r in rows),
                  money=_money([(r[0], r[2]) for r in rows]))


# ---------------------------------------------------------------- the chart and App Home


def weekly_series(store: Store, weeks: list[Period], account: str | None = None) -> list[WeekPoint]:
    """Recovered and lost per week, in one pass over the outcomes of the whole span."""
    if not weeks:
        return []
    bucket = case(*[(Case.decided_at < w.end, literal(i)) for i, w in enumerate(weeks)], else_=literal(-1))
    with store.reading() as session:
        rows = session.execute(
            select(bucket.label("week"), Case.currency, func.sum(RECOVERED), func.sum(LOST))
            .where(_decided(weeks[0].start, weeks[-1].end), *_of(account))
            .group_by(bucket, Case.currency)
        ).all()
    recovered: dict[int, list] = defaultdict(list)
    lost: dict[int, list] = defaultdict(list)
    for week, currency, won, gone in rows:
        recovered[int(week)].append((currency, won))
        lost[int(week)].append((currency, gone))
    return [WeekPoint(w, _money(recovered[i]), _money(lost[i])) for i, w in enumerate(weeks)]


def time_left(store: Store, *, now: datetime, account: str | None = None) -> dict[TimeLeft, int]:
    """Cases with an open deadline for the team, by the time left to the nearest one."""
    mine = () if account is None else (exists().where(Case.id == CaseDeadline.case_id, Case.account == account),)
    nearest = (select(func.min(CaseDeadline.due_at).label("due"))
               .where(CaseDeadline.status == str(DeadlineStatus.OPEN), CaseDeadline.kind.in_(TASKS), *mine)
               .group_by(CaseDeadline.case_id).subquery())
    bucket = case(*[(nearest.c.due < now + bound, literal(str(name))) for name, bound in TIME_LEFT_BOUNDS],
                  else_=literal(str(TimeLeft.LATER)))
    with store.reading() as session:
        rows = dict(session.execute(select(bucket, func.count()).select_from(nearest).group_by(bucket)).all())
    return {name: int(rows.get(str(name), 0)) for name in TimeLeft}


def chart_data(store: Store, weeks: list[Period], *, now: datetime, account: str | None = None) -> ChartData:
    series = weekly_series(store, weeks, account)
    totals = add_money(*(p.recovered for p in series), *(p.lost for p in series))
    currency = max(totals, key=lambda c: (totals[c], c == "USD"), default="USD")
    return ChartData(weeks=series, time_left=time_left(store, now=now, account=account), currency=currency)


def home_tiles(store: Store, *, now: datetime) -> HomeTiles:
    """At risk in the next 48 h, and recovered this month (the team's month)."""
    local = now.astimezone(store.policy.calendar.zone).date()
    month = month_period(local.year, local.month, store.policy.calendar.zone)
    with store.reading() as session:
        rows = session.execute(
            select(Case.currency, func.sum(RECOVERED)).where(_decided(month.start, month.end))
            .group_by(Case.currency)
        ).all()
    return HomeTiles(at_risk=at_risk_now(store, now=now), recovered_this_month=_money(list(rows)))


# ---------------------------------------------------------------- the CSV export


def export_cases(store: Store, start: datetime, end: datetime, *, chunk: int = 1000,
                 account: str | None = None) -> Iterator[list[CaseRecord]]:
    """Cases opened in ``[start, end)`` or given an outcome then, with deadlines and events, in chunks by id."""
    opened = select(Case.id).where(Case.created_at >= start, Case.created_at < end, *_of(account))
    decided = select(Case.id).where(Case.decided_at >= start, Case.decided_at < end, *_of(account))
    with store.reading() as session:
        ids = sorted(set(session.scalars(opened)) | set(session.scalars(decided)))
    for i in range(0, len(ids), chunk):
        with store.reading() as session:
            rows = session.scalars(select(Case).where(Case.id.in_(ids[i:i + chunk])).order_by(Case.id)
                                   .options(selectinload(Case.deadlines), selectinload(Case.events))).all()
            yield [case_record(row, history=True) for row in rows]
