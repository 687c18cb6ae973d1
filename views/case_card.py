"""The case card: one message per case in the case channel, edited in place on every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

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

from rules.deadlines import DEADLINE_LABELS, SAT_SUN, DeadlineKind
from rules.kinds import Action, CaseKind
from rules.records import SYSTEM_ACTOR, CaseRecord, EventRecord
from views import ids
from views.i18n import Translator
from views.metadata import CaseRef
from views.text import case_title, date_token, escape, mood_emoji, rule_text

PRIMARY = frozenset({Action.FILE, Action.ANSWER, Action.REPRESENT, Action.APPROVE, Action.SUBMIT_FOR_APPROVAL})
DANGER = frozenset({Action.WITHDRAW, Action.SEND_BACK})


@dataclass(frozen=True)
class Team:
    """The team's zone and holiday calendar, for fallbacks and rule text."""

    zone: ZoneInfo
    holidays: str
    weekend: frozenset[int] = SAT_SUN
    """The case's marketplace's calendar: how its rule lines name the holidays and the weekend."""


def card_text(case: CaseRecord, tr: Translator) -> str:
    """The notification fallback text (also what screen readers say)."""
    return tr._("{title} — order {order_id} — {state}", title=case_title(case, tr), order_id=case.order_id,
                state=case.state)


def case_card(case: CaseRecord, tr: Translator, *, team: Team, now: datetime) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"{mood_emoji(case, now)} {case_title(case, tr)}"[:150], emoji=True)),
        SectionBlock(text=MarkdownTextObject(text=_summary(case, tr))),
    ]
    details = _details(case, tr)
    if details:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=details)))
    for deadline in case.open_deadlines:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr._(
            ":alarm_clock: {what} by {due} ({relative})", what=tr._(DEADLINE_LABELS[deadline.kind]),
            due=date_token(deadline.due_at, tr, team.zone), relative=tr.relative(deadline.due_at, now)))))
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


def _details(case: CaseRecord, tr: Translator) -> str:
    lines = []
    if case.kind is CaseKind.SAFET:
        if case.product_order_id:
            lines.append(tr._("Product order `{order_id}`", order_id=escape(case.product_order_id)))
        if case.expected_amount_cents is not None:
            lines.append(tr._("Expected: {amount}", amount=tr.money(case.expected_amount_cents, case.currency)))
    else:
        lines.append(tr._("Buyer's claim: {complaint}", complaint=case.complaint_type))
    if case.outcome_amount_cents is not None and not case.is_open:
        lines.append(tr._("Outcome: {amount}", amount=tr.money(case.outcome_amount_cents, case.currency)))
    if case.appeals_used:
        lines.append(tr._("Appealed once (no further appeal)"))
    if case.needs_approval and case.approved_by:
        lines.append(tr._("Approved by <@{user}>", user=case.approved_by))
    return "\n".join(lines)


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
    return buttons[:25]


def history_line(event: EventRecord, tr: Translator, *, team: Team) -> str:
    """One short line in the card's thread: who did what, when."""
    who = tr._("The app") if event.actor == SYSTEM_ACTOR else f"<@{event.actor}>"
    when = date_token(event.at, tr, team.zone)
    if event.action == "open":
        return tr._("{who} opened the case · {when}", who=who, when=when)
    if event.action == "reassign":
        return tr._("{who} gave the case to <@{user}> · {when}", who=who, user=event.details.get("to", "?"),
                    when=when)
    if event.action == "set_stated_due":
        return tr._("{who} entered Amazon's date · {when}", who=who, when=when)
    if event.action == "deadline_expired":
        return tr._("{who}: {action} → {state} · {when}", who=who,
                    action=DeadlineKind(event.details["deadline"]), state=event.to_state, when=when)
    line = tr._("{who}: {action} → {state} · {when}", who=who, action=Action(event.action),
                state=event.to_state, when=when)
    note = event.details.get("note") or event.details.get("reason") or event.details.get("new_evidence")
    if isinstance(note, str) and note and event.actor != SYSTEM_ACTOR:
        line += "\n> " + escape(note[:500]).replace("\n", "\n> ")
    return line
