"""The paste-ready text for Seller Central's explanation box, in the language the seller files in."""

from __future__ import annotations

from rules.checklists import SAFET_CHECKLISTS
from rules.records import CaseRecord
from views.i18n import Translator


def claim_text(case: CaseRecord, tr: Translator) -> str:
    """Plain text (no mrkdwn): Seller Central shows it as typed."""
    lines = [tr._("Service order ID: {order_id}", order_id=case.order_id)]
    if case.product_order_id:
        lines.append(tr._("Product order ID: {order_id}", order_id=case.product_order_id))
    if case.reason is not None:
        lines.append(tr._("Reason: {reason}", reason=case.reason))
    if case.second_appointment_completed_on:
        lines.append(tr._("The pre-approved second appointment was completed on {day}.",
                          day=tr.day(case.second_appointment_completed_on)))
    if case.explanation.strip():
        lines += ["", case.explanation.strip()]
    documents = claim_documents(case, tr)
    if documents:
        lines += ["", tr._("Attached:")] + [f"- {d}" for d in documents]
    return "\n".join(lines)


def claim_documents(case: CaseRecord, tr: Translator) -> list[str]:
    if case.reason is None:
        return []
    return [tr._(item) for item in SAFET_CHECKLISTS[case.reason]]
