"""Rows to plain records (``rules.records``), so nothing outside the store holds a session."""

from __future__ import annotations

from rules.deadlines import DeadlineKind, DeadlineRule, DeadlineStatus
from rules.kinds import CaseKind, ComplaintType, SafetReason, State
from rules.records import CaseRecord, DeadlineRecord, EventRecord, EvidenceRecord

from .models import AuditEvent, Case, CaseDeadline, Evidence


def deadline_record(row: CaseDeadline) -> DeadlineRecord:
    return DeadlineRecord(
        id=row.id, kind=DeadlineKind(row.kind), rule=DeadlineRule(row.rule), basis_at=row.basis_at,
        computed_due_at=row.computed_due_at, stated_due_at=row.stated_due_at,
        status=DeadlineStatus(row.status), settled_at=row.settled_at, days=row.days,
    )


def event_record(row: AuditEvent) -> EventRecord:
    return EventRecord(
        id=row.id, at=row.at, actor=row.actor, action=row.action,
        from_state=State(row.from_state) if row.from_state else None,
        to_state=State(row.to_state) if row.to_state else None, details=dict(row.details or {}),
    )


def evidence_record(row: Evidence) -> EvidenceRecord:
    return EvidenceRecord(id=row.id, label=row.label, slack_file_id=row.slack_file_id, url=row.url,
                          added_by=row.added_by, added_at=row.added_at)


def case_record(row: Case, *, history: bool = False, evidence: bool | None = None) -> CaseRecord:
    """The case as a plain record; with its deadlines always, its audit log when ``history``, and its
    attached documents when ``evidence`` (default: with the history)."""
    evidence = history if evidence is None else evidence
    return CaseRecord(
        id=row.id, kind=CaseKind(row.kind), order_id=row.order_id, state=State(row.state),
        owner_id=row.owner_id, created_by=row.created_by, created_at=row.created_at,
        updated_at=row.updated_at, version=row.version,
        reason=SafetReason(row.reason) if row.reason else None, product_order_id=row.product_order_id,
        explanation=row.explanation or "",
        second_appointment_completed_on=row.second_appointment_completed_on,
        expected_amount_cents=row.expected_amount_cents, amount_cents=row.amount_cents, currency=row.currency,
        outcome_amount_cents=row.outcome_amount_cents,
        complaint_type=ComplaintType(row.complaint_type) if row.complaint_type else None,
        email_on=row.email_on, email_at=row.email_at, notes=row.notes or "", claim_number=row.claim_number,
        appeals_used=row.appeals_used, needs_approval=row.needs_approval, approved_by=row.approved_by,
        channel_id=row.channel_id, card_ts=row.card_ts, filing_locale=row.filing_locale,
        details=dict(row.details or {}),
        deadlines=tuple(deadline_record(d) for d in row.deadlines),
        events=tuple(event_record(e) for e in row.events) if history else (),
        account=row.account, marketplace=row.marketplace,
        evidence=tuple(evidence_record(e) for e in row.evidence) if evidence else (),
        ledger_cents=row.ledger_cents, ledger_posted_at=row.ledger_posted_at,
    )
