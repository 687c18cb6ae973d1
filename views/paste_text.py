"""The paste-ready text for Seller Central's explanation box, in the language the seller files in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.checklists import SAFET_CHECKLISTS
from rules.kinds import SafetProgram
from rules.records import CaseRecord
from rules.text import N_
from views.case_facts import day_text
from views.i18n import Translator
from views.text import escape

PART_CHARS = 2990
"""What one part may take once escaped: a section holds 3000 characters, and the ``` fences take 6."""
_AFTER_SPACE = re.compile(r"(?<=\s)")


def claim_text(case: CaseRecord, tr: Translator) -> str:
    """Plain text (no mrkdwn): Seller Central shows it as typed."""
    seller_fulfilled = case.reason is not None and case.reason.program is SafetProgram.SELLER_FULFILLED
    if seller_fulfilled:
        lines = [tr._("Order ID: {order_id}", order_id=case.order_id)]
    else:
        lines = [tr._("Service order ID: {order_id}", order_id=case.order_id)]
    if case.product_order_id:
        lines.append(tr._("Product order ID: {order_id}", order_id=case.product_order_id))
    if case.reason is not None:
        lines.append(tr._("Reason: {reason}", reason=case.reason))
    if seller_fulfilled:
        days = (("refund_on", N_("Refunded on {day}: {amount}.")), ("return_scan_on", N_("Return delivered to our "
                "warehouse (delivery scan) on {day}.")), ("last_scan_on", N_("The return's last scan was on {day}.")))
        for name, said in days:
            day = day_text(case.details.get(name), tr)
            if day:
                lines.append(tr._(said, day=day, amount=tr.money(case.expected_amount_cents, case.currency)))
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


def _cost(text: str) -> int:
    return len(escape(text))


def _pieces(text: str, limit: int) -> Iterator[str]:
    """``text`` in pieces that each fit ``limit`` once escaped: whole lines, else words, else characters."""
    for line in text.splitlines(keepends=True):
        if _cost(line) <= limit:
            yield line
            continue
        for word in _AFTER_SPACE.split(line):
            if _cost(word) <= limit:
                yield word
                continue
            chunk = ""
            for char in word:
                if chunk and _cost(chunk + char) > limit:
                    yield chunk
                    chunk = ""
                chunk += char
            yield chunk


def paste_parts(text: str, limit: int = PART_CHARS) -> list[str]:
    """The paste text in parts that each fit one Slack section once escaped, cut at line ends where
    possible. Cut before escaping, so an entity like ``&amp;`` is never split; nothing is dropped:
    the parts joined are the text."""
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and _cost(current + piece) > limit:
            parts.append(current)
            current = ""
        current += piece
    if current or not parts:
        parts.append(current)
    return parts
