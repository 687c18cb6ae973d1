"""The case card: one message per case in the case channel, edited in place on every change."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from rules.deadlines import DEADLINE_LABELS
from rules.kinds import Action, CaseKind, SafetProgram, State
from rules.records import CaseRecord
from views import ids
from views.case_facts import checklist, day_text, missing_documents, representation
from views.history import representation_words
from views.i18n import Translator
from views.market_view import MarketView
from views.metadata import CaseRef
from views.text import case_title, due_token, escape, mood_emoji, rule_text

PRIMARY = frozenset({Action.FILE, Action.ANSWER, Action.REPRESENT, Action.APPROVE, Action.SUBMIT_FOR_APPROVAL})
DANGER = frozenset({Action.WITHDRAW, Action.SEND_BACK})


def card_text(case: CaseRecord, tr: Translator) -> str:
    """The notification fallback text (also what screen readers say)."""
    return tr._("{title} — order {order_id} — {state}", title=case_title(case, tr), order_id=case.order_id,
                state=case.state)


def case_card(case: CaseRecord, tr: Translator, *, team: MarketView, now: datetime) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"{mood_emoji(case, now)} {case_title(case, tr)}"[:150], emoji=True)),
        SectionBlock(text=MarkdownTextObject(text=_summary(case, tr))),
    ]
    details = _details(case, tr, team)
    if details:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=details)))
    for deadline in case.open_deadlines:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr._(
            ":alarm_clock: {what} by {due} ({relative})", what=tr._(DEADLINE_LABELS[deadline.kind]),
            due=due_token(deadline, tr, team.zone), relative=tr.relative(deadline.due_at, now)))))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape(rule_text(
            deadline, tr, team.zone, team.holidays, team.weekend)))]))
    buttons = case_buttons(case, tr)
    if buttons:
        blocks.append(ActionsBlock(block_id=f"case:{case.id}", elements=buttons))
    return blocks


def _summary(case: CaseRecord, tr: Translator) -> str:
    if case.claim_number:
        return tr._("Order `{order_id}` · owner <@{user}> · *{state}* · Seller Central: {tab} · SAFE-T claim "
                    "number {number}", order_id=escape(case.order_id), user=case.owner_id, state=case.state,
                    tab=case.tab, number=escape(case.claim_number))
    return tr._("Order `{order_id}` · owner <@{user}> · *{state}* · Seller Central: {tab}",
                order_id=escape(case.order_id), user=case.owner_id, state=case.state, tab=case.tab)


def _details(case: CaseRecord, tr: Translator, team: MarketView) -> str:
    lines = []
    if case.kind is CaseKind.SAFET:
        if case.product_order_id:
            lines.append(tr._("Product order `{order_id}`", order_id=escape(case.product_order_id)))
        refunded_on = day_text(case.details.get("refund_on"), tr)
        if case.reason is not None and case.reason.program is SafetProgram.SELLER_FULFILLED and refunded_on:
            lines.append(tr._("Refunded to the buyer: {amount} on {day}",
                              amount=tr.money(case.expected_amount_cents, case.currency), day=refunded_on))
        elif case.expected_amount_cents is not None:
            lines.append(tr._("Expected: {amount}", amount=tr.money(case.expected_amount_cents, case.currency)))
    else:
        lines.append(tr._("Buyer's claim: {complaint}", complaint=case.complaint_type))
    if case.outcome_amount_cents is not None and not case.is_open:
        lines.append(tr._("Outcome: {amount}", amount=tr.money(case.outcome_amount_cents, case.currency)))
    ledger = ledger_line(case, tr, connected=team.ledger)
    if ledger:
        lines.append(ledger)
    if case.appeals_used:
        lines.append(tr._("Appealed once (no further appeal)"))
    if case.needs_approval and case.approved_by:
        lines.append(tr._("Approved by <@{user}>", user=case.approved_by))
    return "\n".join([*lines, *recorded_lines(case, tr)])


def ledger_line(case: CaseRecord, tr: Translator, *, connected: bool) -> str | None:
    """What Amazon's ledger moved on the case, or that a grant is not paid yet."""
    if case.ledger_posted_at is not None and case.ledger_cents is not None:
        return tr._(":bank: Amazon's ledger: {amount} posted {day}", amount=tr.money(case.ledger_cents, case.currency),
                    day=tr.day(case.ledger_posted_at.date()))
    if connected and case.kind is CaseKind.SAFET and case.state is State.REIMBURSED:
        return tr._(":bank: Amazon's ledger: not paid yet")
    return None


def recorded_lines(case: CaseRecord, tr: Translator) -> list[str]:
    """What matters now of what the team recorded: what was sent to Amazon, the files attached, the
    checklist, and the required documents still missing (said until they are added)."""
    lines = []
    sent = representation(case)
    if sent is not None:
        lines.append(tr._(":package: Sent to Amazon: {details}", details=representation_words(sent, tr)))
    files = len(case.evidence)
    items = checklist(case)
    ready = sum(1 for _item, ticked, _required in items if ticked)
    if case.kind is CaseKind.SAFET and items:
        lines.append(tr.n_(":paperclip: {count} file attached · {ready} of {total} documents ready",
                           ":paperclip: {count} files attached · {ready} of {total} documents ready", files,
                           ready=ready, total=len(items)))
    elif files:
        lines.append(tr.n_(":paperclip: {count} file attached", ":paperclip: {count} files attached", files))
    missing = missing_documents(case) if case.is_open else []
    if missing:
        lines.append(tr._(":warning: Required documents missing: {items}. Press *{button}* when you have them.",
                          items="; ".join(escape(tr._(item)) for item in missing), button=tr._("Add documents")))
    return lines


def case_buttons(case: CaseRecord, tr: Translator) -> list[ButtonElement]:
    """Only the buttons whose actions are legal now (read from the rules' transition table)."""
    ref = CaseRef(case.id, case.version).dumps()
    buttons = []
    for action in case.legal_actions():
        style = "primary" if action in PRIMARY else "danger" if action in DANGER else None
        buttons.append(ButtonElement(text=PlainTextObject(text=tr.label(action)[:75], emoji=True),
                                     action_id=ids.ACTION_CASE_PREFIX + action.value, value=ref, style=style))
    if case.open_deadlines and not all(d.kind.is_window for d in case.open_deadlines):
        buttons.append(ButtonElement(text=PlainTextObject(text=tr._("Amazon's date")[:75]),
                                     action_id=ids.ACTION_CASE_SET_DATE, value=ref))
    if case.is_open:
        buttons.append(ButtonElement(text=PlainTextObject(text=tr._("Reassign")[:75]),
                                     action_id=ids.ACTION_CASE_REASSIGN, value=ref))
    if case.is_open:
        buttons.append(ButtonElement(text=PlainTextObject(text=tr._("Add documents")[:75]),
                                     action_id=ids.ACTION_CASE_DOCUMENTS, value=ref))
    buttons.append(ButtonElement(text=PlainTextObject(text=tr._("Evidence packet")[:75]),
                                 action_id=ids.ACTION_CASE_EVIDENCE, value=ref))
    return buttons[:25]
