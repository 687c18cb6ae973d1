"""The reply to one of Amazon's emails: what was found, the deadline it implies, one button per order.

Email text is untrusted: every piece that enters mrkdwn is escaped and cut short, and no link in it is
ever drawn as a link. Nothing is recorded from the email alone: each button opens a prefilled form.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from rules.deadlines import DEADLINE_LABELS, Deadline
from rules.emails import EmailKind, Reading, case_kind_of, next_action
from rules.kinds import Action, CaseKind
from rules.records import CaseRecord
from rules.text import N_
from views import ids
from views.i18n import Translator
from views.market_view import MarketView
from views.text import case_title, date_token, escape, plain, rule_text

MAX_LINES = 10
"""Orders drawn in one reply (Slack allows 50 blocks; a reply stays short)."""
REFUSALS = {
    "too_large": N_("This email was not read: it is too large to be one of Amazon's notices."),
    "too_many_parts": N_("This email was not read: it has too many parts to be one of Amazon's notices."),
    "too_deep": N_("This email was not read: its parts are nested too deep."),
    "malformed": N_("This email was not read: its MIME structure is broken."),
    "unavailable": N_("This email was not read: Slack did not give the app its text (is the app in the channel?)."),
}


def clip(text: str | None, limit: int) -> str:
    """Untrusted text, escaped for mrkdwn, on one line and at most ``limit`` characters."""
    flat = " ".join((text or "").split())
    return escape(flat if len(flat) <= limit else flat[: limit - 1] + "…")


@dataclass(frozen=True)
class Prefill:
    """What a reply's button carries to the form it opens (a button value holds ≤ 2000 characters).

    A forged value is no worse than typing: the form is checked on submit like any other.
    """

    order_id: str
    kind: str
    amount_cents: int | None = None
    currency: str | None = None
    sent_at: int | None = None
    """The email's instant, in Unix seconds."""
    complaint: str | None = None
    claim_number: str | None = None
    stated_at: int | None = None
    """Amazon's date ("Reply by", "Appeal by"), in Unix seconds."""
    granted: bool | None = None
    case_id: int | None = None
    version: int | None = None
    action: str | None = None
    account: str | None = None
    """The seller account the email was for: the form starts on it."""

    def dumps(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> Prefill:
        data = json.loads(text or "{}")
        if not isinstance(data, dict) or not isinstance(data.get("order_id"), str):
            raise ValueError("not a prefill")
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Found:
    """One email read, with the cases its orders already have (of the email's kind)."""

    reading: Reading
    cases: dict[str, CaseRecord] = field(default_factory=dict)
    deadline: Deadline | None = None
    case_links: dict[int, str] = field(default_factory=dict)
    verified: bool = True
    """The mailbox that sent it is allowed and a forward's original is Amazon's (``intake.is_verified``)."""
    account: str | None = None
    """The seller account the email is for (``AccountBook.for_email``): its forms, calendar and language."""

    @property
    def order_ids(self) -> list[str]:
        ids_ = list(self.reading.order_ids)
        return ids_ or [order for order in self.cases if order not in ids_]

    @property
    def actionable(self) -> bool:
        """Something to record: a known kind and an order (or a case found by its SAFE-T claim number)."""
        return self.reading.kind is not EmailKind.NONE and bool(self.order_ids)


def _plain(text: str) -> PlainTextObject:
    return plain(text[:75])  # Slack's limit for a button's text


def prefill_of(found: Found, order_id: str) -> tuple[str, Prefill, str] | None:
    """The button for one order: (action_id, value, label key), or ``None`` when there is nothing to offer."""
    reading = found.reading
    amount = next((o.amount_cents for o in reading.orders if o.order_id == order_id), None)
    stated = reading.reply_by or reading.appeal_by
    base = Prefill(order_id=order_id, kind=reading.kind.value, amount_cents=amount, currency=reading.currency,
                   sent_at=int(reading.sent_at.timestamp()) if reading.sent_at else None,
                   complaint=reading.complaint.value if reading.complaint else None,
                   claim_number=reading.claim_number, stated_at=int(stated.timestamp()) if stated else None,
                   granted=reading.granted, account=found.account)
    case = found.cases.get(order_id)
    if case is None:
        if case_kind_of(reading.kind) is CaseKind.CHARGEBACK:
            return ids.ACTION_INTAKE_RECORD_CHARGEBACK, base, CaseKind.CHARGEBACK.value
        return ids.ACTION_INTAKE_RECORD_CLAIM, base, CaseKind.SAFET.value
    action = next_action(reading, case.legal_actions())
    if action is None:
        return None
    value = Prefill(**{**asdict(base), "case_id": case.id, "version": case.version, "action": action.value})
    return ids.ACTION_INTAKE_CASE_ACTION, value, action.value


def _button_label(tr: Translator, key: str, order_id: str) -> str:
    labels = {
        CaseKind.CHARGEBACK.value: tr._("Record this chargeback"),
        CaseKind.SAFET.value: tr._("Record this SAFE-T claim"),
        Action.LOG_INFO_REQUEST.value: tr._("Log the information request on case {order_id}", order_id=order_id),
        Action.GRANT.value: tr._("Record the decision on case {order_id}", order_id=order_id),
        Action.DENY.value: tr._("Record the decision on case {order_id}", order_id=order_id),
        Action.RECORD_DEBIT.value: tr._("Record the debit on case {order_id}", order_id=order_id),
        Action.RECORD_WIN.value: tr._("Record the win on case {order_id}", order_id=order_id),
        Action.FILE.value: tr._("Mark as submitted on case {order_id}", order_id=order_id),
    }
    return labels[key]


def _deadline_text(tr: Translator, deadline: Deadline | None, team: MarketView, now: datetime) -> str:
    if deadline is None:
        return ""
    return tr._(" — {what} by {due} ({relative})", what=tr._(DEADLINE_LABELS[deadline.kind]),
                due=date_token(deadline.due_at, tr, team.zone), relative=tr.relative(deadline.due_at, now))


def _order_line(tr: Translator, found: Found, order_id: str, team: MarketView, now: datetime) -> str:
    reading = found.reading
    case = found.cases.get(order_id)
    due = _deadline_text(tr, found.deadline, team, now)
    if case is not None:
        title = escape(case_title(case, tr))
        link = found.case_links.get(case.id)
        shown = f"<{link}|{title}>" if link else title
        money = _amounts(tr, found, case, order_id)
        if prefill_of(found, order_id) is None:
            return tr._("Order `{order_id}` already has a case: {case} ({state}); nothing new to record.",
                        order_id=order_id, case=shown, state=tr.label(case.state)) + money
        return tr._("Order `{order_id}` already has a case: {case} ({state}){due}", order_id=order_id, case=shown,
                    state=tr.label(case.state), due=due) + money
    parts = [f"`{order_id}`"]
    amount = next((o.amount_cents for o in reading.orders if o.order_id == order_id), None)
    if amount is not None and reading.currency:
        parts.append(tr.money(amount, reading.currency))
    if reading.complaint is not None:
        parts.append(tr.label(reading.complaint))
    if reading.claim_number:
        parts.append(tr._("SAFE-T {claim_number}", claim_number=clip(reading.claim_number, 40)))
    if reading.granted is not None:
        parts.append(tr._("Grant") if reading.granted else tr._("No-Grant"))
    return tr._("Order {facts}{due}", facts=" · ".join(parts), due=due)


def _amounts(tr: Translator, found: Found, case: CaseRecord, order_id: str) -> str:
    """The email's amount beside the case's recorded one, and whether they differ."""
    reading = found.reading
    amount = next((o.amount_cents for o in reading.orders if o.order_id == order_id), None)
    if amount is None or not reading.currency:
        return ""
    said = tr.money(amount, reading.currency)
    recorded = case.outcome_amount_cents or case.amount_cents or case.expected_amount_cents
    if recorded is None:
        return "\n" + tr._("The email says {amount}.", amount=said)
    if (recorded, case.currency) == (amount, reading.currency):
        return "\n" + tr._("The email says {amount}, as recorded.", amount=said)
    return "\n" + tr._(":warning: The email says {amount}; the case records {recorded}: they differ.", amount=said,
                       recorded=tr.money(recorded, case.currency))


def _heading(tr: Translator, reading: Reading) -> str:
    subject = clip(reading.subject, 150)
    text = tr._(":envelope_with_arrow: *{kind}* from {sender}", kind=tr.label(reading.kind),
                sender=clip(reading.sender or tr._("an unknown sender"), 100))
    return f"{text} · “{subject}”" if subject else text


def _about_email(tr: Translator, reading: Reading, team: MarketView) -> str | None:
    if reading.sent_at is None:
        return None
    when = tr.moment(reading.sent_at, team.zone)
    if reading.sent_at_zone_assumed:
        return tr._("Email of {when} (the forwarded date had no time zone; read in the sender's or team's zone)",
                    when=when)
    if reading.forwarded:
        return tr._("Email of {when} (the forwarded original's date)", when=when)
    return tr._("Email of {when}", when=when)


def reply_blocks(tr: Translator, found: Found, *, team: MarketView, now: datetime) -> list[Block]:
    """The reply in the email's thread (also the summary modal of the shortcut)."""
    reading = found.reading
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=_heading(tr, reading)))]
    about = _about_email(tr, reading, team)
    if about:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=about)]))
    if not found.verified:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr._(
            ":warning: Sender not verified: it says {sender}, and came from {mailbox}. Check it is Amazon's email "
            "before recording anything.", sender=clip(reading.sender or "?", 100),
            mailbox=clip(reading.mailbox or tr._("a message typed or pasted in Slack"), 100)))]))
    orders = found.order_ids
    for order_id in orders[:MAX_LINES]:
        button = prefill_of(found, order_id)
        accessory = None
        if button is not None:
            action_id, value, key = button
            accessory = ButtonElement(action_id=action_id, text=_plain(_button_label(tr, key, order_id)),
                                      value=value.dumps(), style="primary" if len(orders) == 1 else None)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_order_line(tr, found, order_id, team, now)),
                                   accessory=accessory))
    if len(orders) > MAX_LINES:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr._(
            "… and {count} more orders: record them with `/safet`.", count=len(orders) - MAX_LINES))]))
    small = []
    if found.deadline is not None:
        small.append(rule_text(found.deadline, tr, team.zone, team.holidays))  # type: ignore[arg-type]
    if reading.missing:
        small.append(tr._("Not found: {missing}", missing=", ".join(tr.label(m) for m in reading.missing)))
    small.append(tr._("Nothing is recorded until someone presses the button and saves the form."))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(small))]))
    return blocks


def reply_text(tr: Translator, found: Found) -> str:
    """The notification text of the reply (and what screen readers say)."""
    orders = ", ".join(found.order_ids[:MAX_LINES]) or tr._("no order")
    return tr._("{kind}: {orders}", kind=tr.label(found.reading.kind), orders=orders)


def unreadable_text(tr: Translator, reading: Reading) -> str:
    """A plain reply: what was found and what is missing, nothing to press."""
    found = [tr.label(reading.kind)] if reading.kind is not EmailKind.NONE else []
    found += [f"`{order}`" for order in reading.order_ids[:MAX_LINES]]
    missing = ", ".join(tr.label(m) for m in reading.missing) or tr._("no order ID found")
    if not found:
        return tr._("Read this email: {missing}. Nothing to record.", missing=missing)
    return tr._("Read this email and found {found}, but {missing}. Nothing to record from it; use `/safet` if it "
                "is a case.", found=", ".join(found), missing=missing)


def refusal_text(tr: Translator, code: str) -> str:
    return tr._(REFUSALS.get(code, REFUSALS["malformed"]))


def case_line(tr: Translator, found: Found, *, email_link: str | None, team: MarketView, now: datetime) -> str:
    """The line in an existing case's thread: Amazon wrote about it, and what to record next."""
    kind = tr.label(found.reading.kind)
    shown = f"<{email_link}|{escape(kind)}>" if email_link else escape(kind)
    return tr._(":envelope_with_arrow: Amazon's email about this case: {email}{due}", email=shown,
                due=_deadline_text(tr, found.deadline, team, now))


def case_line_blocks(tr: Translator, found: Found, order_id: str, *, email_link: str | None, team: MarketView,
                     now: datetime) -> list[Block]:
    """The case thread's line, with the button for what the email asks to record next (when the case can)."""
    button = prefill_of(found, order_id)
    accessory = None
    if button is not None:
        action_id, value, key = button
        accessory = ButtonElement(action_id=action_id, text=_plain(_button_label(tr, key, order_id)),
                                  value=value.dumps())
    return [SectionBlock(text=MarkdownTextObject(text=case_line(tr, found, email_link=email_link, team=team, now=now)),
                         accessory=accessory)]


LOADING_BLOCK = "reading"


def reading_modal(tr: Translator) -> View:
    """Opened at once, while the email is fetched and read (the click's trigger lives 3 s; a download may not)."""
    return summary_modal(tr, [SectionBlock(block_id=LOADING_BLOCK, text=MarkdownTextObject(
        text=tr._(":hourglass_flowing_sand: Reading the email…")))])


def note_modal(tr: Translator, text: str) -> View:
    """The shortcut's answer when there is nothing to record (or the message was refused)."""
    return summary_modal(tr, [SectionBlock(text=MarkdownTextObject(text=text))])


def summary_modal(tr: Translator, blocks: list[Block], *, private_metadata: str = "") -> View:
    """What the shortcut found in a message, with the same buttons as the thread reply."""
    return View(type="modal", callback_id=ids.MODAL_INTAKE_SUMMARY, private_metadata=private_metadata,
                title=_plain(tr._("From this message")[:24]), close=_plain(tr._("Close")[:24]), blocks=blocks)


def parse_prefill(value: Any) -> Prefill | None:
    try:
        return Prefill.loads(value if isinstance(value, str) else None)
    except (ValueError, TypeError):
        return None
