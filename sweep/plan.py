"""Plan what a batch of claimed outbox rows says: render each notice once, from the records loaded in
bulk for the whole batch; skip a missed warning whose later stage already applies; cancel what has
nothing left to say (the deadline settled, the case or event gone)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rules.deadlines import DeadlineStatus
from rules.ladder import EXPIRING, OVERDUE
from rules.records import DeadlineRecord
from store import outbox
from store.ledger import NOTICE
from store.outbox import DueNotice
from sweep.context import Round
from sweep.daily import daily_item
from sweep.ledger_plan import LedgerFacts
from sweep.result import Item
from views.notices import approval_notice, deadline_notice, outcome_notice


def _lapsed(deadline: DeadlineRecord, row: DueNotice) -> bool:
    """The overdue notice of a deadline settled missed when it lapsed (an "Appeal by" date): still told once."""
    return row.stage == OVERDUE and deadline.kind in EXPIRING and deadline.status is DeadlineStatus.MISSED


def plan(run: Round, rows: Sequence[DueNotice]) -> list[Item]:
    cases = outbox.load_cases(run.store, (r.case_id for r in rows if r.case_id is not None))
    events = outbox.load_events(run.store, (r.event_id for r in rows if r.event_id is not None))
    stages = outbox.stages_of(run.store, (r.deadline_id for r in rows if r.deadline_id is not None))
    ledger = LedgerFacts.of(run, rows)
    items: list[Item] = []
    skipped: list[int] = []
    cancelled: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        run.lease.keep()
        if row.kind == outbox.DAILY:
            items.append(daily_item(run, row))
            continue
        if row.kind == NOTICE:
            case = cases.get(row.case_id) if row.case_id is not None else None
            said = ledger.message(run, row, case)
            if isinstance(said, str):
                cancelled[said].append(row.id)
            else:
                items.append(Item(key=row.key, target=row.target, kind=row.kind, rank=(2, row.post_at),
                                  message=said, ids=(row.id,), case_id=row.case_id,
                                  uncertain_since=row.uncertain_since))
            continue
        case = cases.get(row.case_id) if row.case_id is not None else None
        if case is None:
            cancelled["the case no longer exists"].append(row.id)
            continue
        if row.kind == "deadline":
            deadline = next((d for d in case.deadlines if d.id == row.deadline_id), None)
            if deadline is None or not (deadline.status is DeadlineStatus.OPEN or _lapsed(deadline, row)):
                cancelled["the deadline was settled"].append(row.id)
                continue
            if any(s.id != row.id and row.post_at < s.post_at <= run.now for s in stages.get(deadline.id, ())):
                skipped.append(row.id)
                continue
            message = deadline_notice(case, deadline, row.stage or "", run.reader(row.target),
                                      permalink=run.permalink(case))
            rank: tuple[object, ...] = (0 if row.stage == OVERDUE else 1, deadline.due_at)
        elif row.kind in ("outcome", "approval"):
            event = events.get(row.event_id) if row.event_id is not None else None
            if event is None:
                cancelled["the event no longer exists"].append(row.id)
                continue
            render = outcome_notice if row.kind == "outcome" else approval_notice
            message = render(case, event, run.reader(row.target), permalink=run.permalink(case))
            rank = (2, event.at)
        else:
            cancelled[f"unknown notice kind {row.kind!r}"].append(row.id)
            continue
        items.append(Item(key=row.key, target=row.target, kind=row.kind, rank=rank, message=message,
                          ids=(row.id,), case_id=case.id, uncertain_since=row.uncertain_since))
    run.report.skipped += len(skipped)
    run.report.cancelled += sum(len(ids) for ids in cancelled.values())
    run.lease.settled(skipped, outbox.mark_skipped(run.store, skipped, token=run.token, now=run.now))
    for reason, ids in cancelled.items():
        run.lease.settled(ids, outbox.mark_cancelled(run.store, ids, token=run.token, now=run.now, reason=reason))
    return items
