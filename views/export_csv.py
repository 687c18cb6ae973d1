"""The CSV export for the finance sheet: one row per case, and one per event.

UTF-8 with a byte-order mark, so Excel reads Chinese text right. Every text cell that a spreadsheet could
run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as OWASP lists) is
prefixed with ``'``: it shows as typed and never runs. Amounts are decimal strings in their own currency.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TextIO

from rules.deadlines import DeadlineStatus
from rules.eligibility import TRIP_CREDIT_CENTS
from rules.kinds import CaseKind, SafetReason, State
from rules.parsing import currency_decimals
from rules.records import CaseRecord
from rules.report_records import LOST_STATES

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CASE_COLUMNS = [
    "case_id", "order_id", "kind", "reason_or_claim", "owner", "state", "currency", "claimed", "outcome_amount",
    "recovered", "lost", "opened_at", "updated_at", "claim_number", "deadlines", "deadlines_met", "deadlines_missed",
    "ledger_amount", "ledger_posted_at", "ledger_confirmed",
]
EVENT_COLUMNS = ["case_id", "order_id", "at", "actor", "action", "from_state", "to_state", "details"]


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _amount(cents: int | None, currency: str) -> str:
    if cents is None:
        return ""
    return str(Decimal(cents).scaleb(-currency_decimals(currency)))


def claimed_cents(case: CaseRecord) -> int:
    if case.kind is CaseKind.SAFET:
        if case.expected_amount_cents is not None:
            return case.expected_amount_cents
        return TRIP_CREDIT_CENTS if case.reason is SafetReason.TRIP_CREDIT else 0
    return case.amount_cents or 0


def recovered_cents(case: CaseRecord) -> int:
    """The same rule as ``store.reports.RECOVERED``, for one case in hand."""
    if case.state is State.REIMBURSED:
        return case.outcome_amount_cents if case.outcome_amount_cents is not None else claimed_cents(case)
    if case.state in (State.WON, State.NO_DEBIT, State.DEBIT_REVERSED):
        return case.amount_cents or 0
    return 0


def lost_cents(case: CaseRecord) -> int:
    if case.state not in LOST_STATES:
        return 0
    if case.state in (State.DENIED, State.AUTO_CLOSED, State.NOT_FILED_IN_TIME):
        return claimed_cents(case)
    if case.outcome_amount_cents is not None:
        return case.outcome_amount_cents
    return case.amount_cents or 0


def _met(status: DeadlineStatus, late: bool) -> str:
    if status is DeadlineStatus.MET:
        return "met"
    if status is DeadlineStatus.MISSED or (status is DeadlineStatus.CANCELLED and late):
        return "missed"
    return str(status)


def _case_row(case: CaseRecord) -> list[str]:
    deadlines = []
    met = missed = 0
    for d in case.deadlines:
        outcome = _met(d.status, late=d.settled_at is not None and d.settled_at > d.due_at)
        deadlines.append(f"{d.kind} due {d.due_at.isoformat()} {outcome}")
        met += outcome == "met"
        missed += outcome == "missed"
    values: list[object] = [
        case.id, case.order_id, case.kind, case.reason or case.complaint_type or "", case.owner_id, case.state,
        case.currency, _amount(claimed_cents(case), case.currency),
        _amount(case.outcome_amount_cents, case.currency), _amount(recovered_cents(case), case.currency),
        _amount(lost_cents(case), case.currency), case.created_at.isoformat(), case.updated_at.isoformat(),
        case.claim_number or "", "; ".join(deadlines), met, missed,
        _amount(case.ledger_cents, case.currency),
        case.ledger_posted_at.isoformat() if case.ledger_posted_at else "",
        "yes" if case.ledger_posted_at is not None else "no",
    ]
    return [neutralise(v) for v in values]


class Export:
    """Both files, written as cases stream in (the store hands them over in chunks): into memory, or
    straight into two text files opened with ``newline=""`` (the command line: a year of cases)."""

    def __init__(self, cases_out: TextIO | None = None, events_out: TextIO | None = None) -> None:
        self._cases: TextIO = cases_out or io.StringIO()
        self._events: TextIO = events_out or io.StringIO()
        self._cases.write(BOM)
        self._events.write(BOM)
        self._case_writer, self._event_writer = csv.writer(self._cases), csv.writer(self._events)
        self._case_writer.writerow(CASE_COLUMNS)
        self._event_writer.writerow(EVENT_COLUMNS)
        self.count = 0

    def add(self, cases: Iterable[CaseRecord]) -> None:
        for case in cases:
            self.count += 1
            self._case_writer.writerow(_case_row(case))
            for event in case.events:
                self._event_writer.writerow([neutralise(v) for v in (
                    case.id, case.order_id, event.at.isoformat(), event.actor, event.action, event.from_state or "",
                    event.to_state or "", json.dumps(event.details, ensure_ascii=False, sort_keys=True),
                )])

    def cases_bytes(self) -> bytes:
        assert isinstance(self._cases, io.StringIO)
        return self._cases.getvalue().encode("utf-8")

    def events_bytes(self) -> bytes:
        assert isinstance(self._events, io.StringIO)
        return self._events.getvalue().encode("utf-8")
