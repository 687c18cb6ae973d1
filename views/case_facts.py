"""What the team recorded on a case, as plain labelled facts: the card, `/safet show`, the thread lines
and the evidence packet all read them from here, so each shows the same things in the same words.

Values are plain text as the person typed them; each surface escapes (mrkdwn) or encodes (PDF) them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rules.checklists import CHARGEBACK_CHECKLISTS, SAFET_CHECKLISTS, required_documents
from rules.kinds import CaseKind
from rules.records import CaseRecord
from views.i18n import Translator


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    free_text: bool = False
    """Typed by a person at length (correspondence, item details): quoted, and folded where room is short."""


def day_text(value: Any, tr: Translator) -> str | None:
    try:
        return tr.day(date.fromisoformat(value)) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _moment(value: Any, tr: Translator, zone: ZoneInfo) -> str | None:
    try:
        return tr.moment(datetime.fromisoformat(value), zone) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def representation(case: CaseRecord) -> dict[str, Any] | None:
    """What the team sent Amazon when it represented the chargeback (``None`` before it did)."""
    found = case.details.get("representation")
    return found if isinstance(found, dict) else None


def representation_facts(sent: dict[str, Any], tr: Translator, zone: ZoneInfo) -> list[Fact]:
    """Carrier, tracking, ship date, then the item and the buyer's messages, as recorded."""
    facts = []
    if _text(sent.get("shipping_method")):
        facts.append(Fact(tr._("Carrier"), _text(sent["shipping_method"])))
    if _text(sent.get("tracking")):
        facts.append(Fact(tr._("Tracking"), _text(sent["tracking"])))
    shipped = day_text(sent.get("shipped_on"), tr)
    facts.append(Fact(tr._("Shipped"), shipped or tr._("nothing shipped (no date given)")))
    represented = _moment(sent.get("represented_at"), tr, zone)
    if represented:
        facts.append(Fact(tr._("Represented"), represented))
    if _text(sent.get("item_details")):
        facts.append(Fact(tr._("Item details"), _text(sent["item_details"]), free_text=True))
    if _text(sent.get("correspondence")):
        facts.append(Fact(tr._("Buyer messages"), _text(sent["correspondence"]), free_text=True))
    return facts


def ticked_documents(case: CaseRecord) -> set[str]:
    """The checklist items the team said it has (stored as their message IDs, so any language reads them)."""
    ticked = case.details.get("checklist")
    return {item for item in ticked if isinstance(item, str)} if isinstance(ticked, list) else set()


def checklist_items(case: CaseRecord) -> tuple[str, ...]:
    if case.kind is CaseKind.SAFET:
        return SAFET_CHECKLISTS[case.reason] if case.reason is not None else ()
    return CHARGEBACK_CHECKLISTS[case.complaint_type] if case.complaint_type is not None else ()


def checklist(case: CaseRecord) -> list[tuple[str, bool, bool]]:
    """Each document to attach: (message ID, ticked, required)."""
    ticked = ticked_documents(case)
    required = required_documents(case.reason) if case.kind is CaseKind.SAFET and case.reason else ()
    return [(item, item in ticked, item in required) for item in checklist_items(case)]


def missing_documents(case: CaseRecord) -> list[str]:
    """Required documents of a SAFE-T claim the team has not ticked (message IDs); empty for a chargeback,
    whose checklist only says what a representation should carry."""
    return [item for item, ticked, required in checklist(case) if required and not ticked]


def case_facts(case: CaseRecord, tr: Translator) -> list[Fact]:
    """The case's own facts, as recorded when it was opened and since."""
    facts = [Fact(tr._("Order"), case.order_id)]
    if case.kind is CaseKind.SAFET:
        if case.product_order_id:
            facts.append(Fact(tr._("Product order"), case.product_order_id))
        if case.reason is not None:
            facts.append(Fact(tr._("Reason"), tr.label(case.reason)))
        if case.claim_number:
            facts.append(Fact(tr._("SAFE-T claim number"), case.claim_number))
        if case.expected_amount_cents is not None:
            facts.append(Fact(tr._("Expected"), tr.money(case.expected_amount_cents, case.currency)))
        for name, label in (("refund_on", tr._("Refund date")),
                            ("return_scan_on", tr._("Return delivered to your warehouse (delivery scan)")),
                            ("last_scan_on", tr._("The lost return's last scan"))):
            day = day_text(case.details.get(name), tr)
            if day:
                facts.append(Fact(label, day))
        if case.second_appointment_completed_on is not None:
            facts.append(Fact(tr._("Second appointment completed"), tr.day(case.second_appointment_completed_on)))
    else:
        facts.append(Fact(tr._("Amount"), tr.money(case.amount_cents, case.currency)))
        if case.complaint_type is not None:
            facts.append(Fact(tr._("Buyer's claim"), tr.label(case.complaint_type)))
        if case.email_on is not None:
            facts.append(Fact(tr._("Amazon's email"), tr.day(case.email_on)))
    if case.outcome_amount_cents is not None and not case.is_open:
        facts.append(Fact(tr._("Outcome"), tr.money(case.outcome_amount_cents, case.currency)))
    return facts
