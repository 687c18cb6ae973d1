"""Settle the deadlines that settle by themselves when due (``rules.ladder.SELF_SETTLING``: an
unanswered SAFE-T information request closes the claim, an outcome window that ends with no debit
presumes the chargeback won) or lapse (``EXPIRING``: an "Appeal by" date is settled missed, the case
unchanged; its overdue notice stays queued and this same sweep posts it, once).

Each goes through the store's own use case, in a dry run too (inside a transaction rolled back).
A case another writer changed at the same moment is skipped this round and tried again next sweep;
a refused one never hides the ones behind it (the due list is read page by page, after the last).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from rules.deadlines import DeadlineKind
from rules.errors import DomainError, StaleCase
from rules.ladder import EXPIRING
from store import cases as store_cases
from store import outbox
from sweep.context import Round

log = logging.getLogger("safet.sweep")


def settle(run: Round) -> None:
    after = None
    lines: list[str] = []
    while True:
        due = outbox.due_settlements(run.store, now=run.now, limit=run.batch, after=after)
        for item in due:
            line = _settle_one(run, item)
            if line:
                lines.append(line)
        if len(due) < run.batch:
            break
        after = (due[-1].due_at, due[-1].deadline_id)
    if run.dry_run and lines:
        run.report.preview += [f"Would settle {len(lines)} deadline(s) that settle by themselves:", *lines, ""]


def _settle_one(run: Round, due: outbox.DueSettlement) -> str | None:
    tr = run.reader(run.settings.alert_channel or "C").tr
    try:
        if due.kind in EXPIRING:
            change = store_cases.expire_deadline(run.store, due.deadline_id, now=run.now)
            run.report.expired += 1
            line = (f"  • case #{change.case.id}, order {change.case.order_id}: {tr.label(due.kind)} "
                    "passed → settled as missed, the case unchanged")
        else:
            if due.kind is DeadlineKind.SAFET_INFO_REPLY:
                change = store_cases.auto_close(run.store, due.case_id, now=run.now)
                run.report.closed += 1
            elif due.kind is DeadlineKind.FILE_BY:
                change = store_cases.miss_filing_window(run.store, due.case_id, now=run.now)
                run.report.closed += 1
            else:
                change = store_cases.presume_no_debit(run.store, due.case_id, now=run.now)
                run.report.presumed += 1
            line = (f"  • case #{change.case.id}, order {change.case.order_id}: "
                    f"{tr.label(change.event.from_state)} → {tr.label(change.case.state)}")
        run.touched.setdefault(due.case_id, (0, due.due_at))
        return line
    except (StaleDataError, StaleCase, DBAPIError) as conflict:
        # Someone changed the case at the same moment (PostgreSQL: a version conflict, a lock timeout):
        # skip it this round, never abort the sweep; the next sweep looks again.
        log.info("case %s changed while the sweep settled it; left for the next sweep (%s)", due.case_id,
                 type(conflict).__name__)
        run.report.conflicts += 1
        return None
    except DomainError as refusal:
        # Another sweep got there first, or the case waits on something else (an open information
        # request inside the outcome window): leave it, the next sweep looks again.
        log.info("case %s not settled by its %s deadline: %s", due.case_id, due.kind, refusal)
        return f"  • would leave case #{due.case_id} open: {tr.error(refusal)}" if run.dry_run else None
