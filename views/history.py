"""One line per event in the case card's thread (and in `/safet show`): who did what, in plain words,
with what they recorded — "@alice represented the case: UPS 1Z999…, shipped Nov 11, buyer messages
attached". User text is escaped; a long note is folded, never cut silently."""

from __future__ import annotations

from typing import Any

from rules.deadlines import DeadlineKind
from rules.kinds import Action
from rules.records import APP_ACTORS, LEDGER_ACTOR, OPENED, SYSTEM_ACTOR, EventRecord
from rules.text import N_
from views.case_facts import day_text
from views.i18n import Translator
from views.market_view import MarketView
from views.text import date_token, escape

NOTE_SHOWN = 500
"""A note longer than this is folded in the thread; `/safet show` has all of it."""

_SAID = {  # what the person did, as a sentence; {details} when the event carries some
    Action.SUBMIT_FOR_APPROVAL: N_("{who} asked a lead to approve the case"),
    Action.APPROVE: N_("{who} approved the case"),
    Action.SEND_BACK: N_("{who} sent the case back to its preparer"),
    Action.LOG_INFO_REQUEST: N_("{who} logged Amazon's request for information"),
    Action.ANSWER: N_("{who} answered Amazon's request"),
    Action.DENY: N_("{who} recorded Amazon's denial (No-Grant)"),
    Action.APPEAL: N_("{who} appealed the denial"),
    Action.AUTO_CLOSE: N_("{who}: the request for information went unanswered, so Amazon closed the claim"),
    Action.WITHDRAW: N_("{who} withdrew the case"),
    Action.REFUND: N_("{who} refunded the buyer"),
    Action.RECORD_WIN: N_("{who} recorded that the chargeback was won"),
    Action.PRESUME_NO_DEBIT: N_("{who}: no debit came by the end of the outcome window"),
    Action.DISPUTE: N_("{who} disputed the debit"),
    Action.DISPUTE_REVERSED: N_("{who} recorded that the dispute was won: the debit was reversed"),
    Action.DISPUTE_UPHELD: N_("{who} recorded that the dispute was lost: the debit stands"),
    Action.RECORD_PAYMENT: N_("{who}: Amazon paid the claim after all, so it is reimbursed"),
    Action.RECORD_CREDIT: N_("{who}: Amazon credited the debit back, so it is reversed"),
    Action.MISS_FILING_WINDOW: N_("{who}: the filing window closed before the claim was filed"),
}


SHOW_NOTE_SHOWN = 2000
"""In `/safet show`, where one history section holds 3000 characters; the evidence packet has all."""
IN_SHOW = N_("… see the full text in `/safet show`")
IN_PACKET = N_("… the evidence packet (button on the card) has the full text")


def fold(text: str, tr: Translator, limit: int | None = NOTE_SHOWN, pointer: str = IN_SHOW) -> str:
    """User text as an escaped mrkdwn quote; past ``limit`` it is folded with a pointer to the rest."""
    clean = text.strip()
    if limit is not None and len(clean) > limit:
        clean = clean[:limit].rstrip() + "…"
        folded = "> " + escape(clean).replace("\n", "\n> ")
        return folded + "\n" + tr._(pointer)
    return "> " + escape(clean).replace("\n", "\n> ")


def representation_words(details: dict[str, Any], tr: Translator) -> str:
    """ "UPS 1Z999…, shipped Nov 11, 2026, item details given, buyer messages attached"."""
    parts = []
    carrier = str(details.get("shipping_method") or "").strip()
    tracking = str(details.get("tracking") or "").strip()
    if carrier or tracking:
        parts.append(" ".join(escape(p) for p in (carrier, tracking) if p))
    shipped = day_text(details.get("shipped_on"), tr)
    parts.append(tr._("shipped {day}", day=shipped) if shipped else tr._("nothing shipped"))
    if str(details.get("item_details") or "").strip():
        parts.append(tr._("item details given"))
    if str(details.get("correspondence") or "").strip():
        parts.append(tr._("buyer messages attached"))
    return ", ".join(parts)


def _label_list(items: Any, tr: Translator) -> str:
    return "; ".join(escape(tr._(str(item))) for item in items) if isinstance(items, list) else ""


def _cents(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _said(event: EventRecord, tr: Translator, who: str, currency: str) -> str:
    details = event.details
    action = event.action
    if action == OPENED:
        if details.get("source") == "ledger":
            return tr._("{who} opened the case: a debit in Amazon's ledger that no case recorded", who=who)
        return tr._("{who} opened the case", who=who)
    if action == "take_ledger_figure":
        return tr._("{who} took Amazon's figure: {amount}", who=who,
                    amount=tr.money(_cents(details.get("amount_cents")), currency))
    if action in ("ledger_differs", "ledger_reversal", "ledger_disagrees"):
        return tr._("{who} read {amount} posted in Amazon's ledger", who=who,
                    amount=tr.money(_cents(details.get("amount_cents")), currency))
    if action == "reassign":
        return tr._("{who} gave the case to <@{user}>", who=who, user=escape(str(details.get("to", "?"))))
    if action == "set_stated_due":
        return tr._("{who} entered Amazon's date", who=who)
    if action == "deadline_expired":
        return tr._("{who}: {action} → {state}", who=who, action=DeadlineKind(details["deadline"]),
                    state=event.to_state)
    if action == "add_documents":
        lines = [tr._("{who} added documents", who=who)]
        if details.get("files"):
            lines.append(tr._("files: {files}", files=_label_list(details["files"], tr)))
        if details.get("ready"):
            lines.append(tr._("now ready: {items}", items=_label_list(details["ready"], tr)))
        if details.get("not_ready"):
            lines.append(tr._("no longer ticked: {items}", items=_label_list(details["not_ready"], tr)))
        return " · ".join(lines)
    if action == Action.REPRESENT:
        return tr._("{who} represented the case: {details}", who=who, details=representation_words(details, tr))
    if action == Action.FILE:
        if details.get("claim_number"):
            return tr._("{who} marked the claim as submitted in Seller Central (SAFE-T claim number {number})",
                        who=who, number=escape(str(details["claim_number"])))
        return tr._("{who} marked the claim as submitted in Seller Central", who=who)
    if action in (Action.GRANT, Action.RECORD_DEBIT):
        cents = details.get("amount_cents")
        amount = tr.money(cents if isinstance(cents, int) else None, currency)
        if action == Action.GRANT:
            return tr._("{who} recorded Amazon's reimbursement (Grant): {amount}", who=who, amount=amount)
        return tr._("{who} recorded Amazon's debit: {amount}", who=who, amount=amount)
    if action in set(Action) and Action(action) in _SAID:
        return tr._(_SAID[Action(action)], who=who)
    return tr._("{who}: {action} → {state}", who=who, action=escape(action), state=event.to_state)


def history_line(event: EventRecord, tr: Translator, *, team: MarketView, currency: str = "USD",
                 note_limit: int | None = NOTE_SHOWN, pointer: str = IN_SHOW) -> str:
    """One line in the card's thread: who did what with its details, when; the note they wrote, quoted
    (folded past ``note_limit`` with ``pointer`` to where the rest is; ``None``: whole)."""
    who = tr._("The app") if event.actor == SYSTEM_ACTOR else tr._("Amazon's ledger") \
        if event.actor == LEDGER_ACTOR else f"<@{event.actor}>"
    line = tr._("{said} · {when}", said=_said(event, tr, who, currency), when=date_token(event.at, tr, team.zone))
    note = event.details.get("note") or event.details.get("reason") or event.details.get("new_evidence")
    if isinstance(note, str) and note.strip() and event.actor not in APP_ACTORS:
        line += "\n" + fold(note, tr, note_limit, pointer)
    return line
