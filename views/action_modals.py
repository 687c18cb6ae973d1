"""The modals behind the case card's buttons: one small form per action, asking only what the
action needs (Amazon's dates, amounts, a note), with a reminder of what to do in Seller Central first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from rules.checklists import CHARGEBACK_CHECKLISTS
from rules.deadlines import DEADLINE_LABELS, DeadlineKind
from rules.kinds import Action, CaseKind, ComplaintType
from rules.parsing import currency_decimals
from rules.records import CaseRecord, DeadlineRecord
from views import ids
from views.case_card import Team
from views.i18n import Translator
from views.metadata import ModalContext
from views.text import date_token, escape

SET_STATED_DUE = "set_stated_due"
"""``ModalContext.action`` of the "Amazon's date" modal (not a state change)."""
REASSIGN = "reassign"
"""``ModalContext.action`` of the "Reassign" modal."""

NOTE_LIMIT = 3000


@dataclass(frozen=True)
class Drawing:
    """What every action form is drawn from."""

    tr: Translator
    case: CaseRecord
    now: datetime
    team: Team


def _plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def _say(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _small(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _text(block_id: str, label: str, *, hint: str | None = None, optional: bool = True, multiline: bool = False,
          initial: str | None = None, max_length: int = NOTE_LIMIT) -> InputBlock:
    return InputBlock(
        block_id=block_id, label=_plain(label), optional=optional, hint=_plain(hint) if hint else None,
        element=PlainTextInputElement(action_id=block_id, multiline=multiline, initial_value=initial or None,
                                      max_length=max_length),
    )


def _moment(block_id: str, label: str, *, initial: datetime | None, hint: str | None = None,
            optional: bool = False) -> InputBlock:
    return InputBlock(
        block_id=block_id, label=_plain(label), optional=optional, hint=_plain(hint) if hint else None,
        element=DateTimePickerElement(action_id=block_id,
                                      initial_date_time=int(initial.timestamp()) if initial else None),
    )


def _note(d: Drawing, label: str | None = None, *, hint: str | None = None, optional: bool = True) -> InputBlock:
    return _text("note", label or d.tr._("Note"), hint=hint, optional=optional, multiline=True)


def plain_amount(cents: int | None, currency: str) -> str | None:
    """``5000`` USD → ``"50.00"``: the amount as the person would type it (no float rounding)."""
    if cents is None:
        return None
    decimals = currency_decimals(currency)
    if not decimals:
        return str(cents)
    whole, fraction = divmod(cents, 10**decimals)
    return f"{whole}.{fraction:0{decimals}d}"


def _open_deadline(case: CaseRecord, kind: DeadlineKind) -> DeadlineRecord | None:
    return next((d for d in case.open_deadlines if d.kind is kind), None)


# ---------------------------------------------------------------- one form per action


def _submit_for_approval(d: Drawing) -> list[Block]:
    return [
        _say(d.tr._("A lead looks at the case before anyone submits it in Seller Central.")),
        _note(d, d.tr._("Note to the lead")),
    ]


def _approve(d: Drawing) -> list[Block]:
    return [
        _say(d.tr._("Once approved, the owner submits it in Seller Central and presses *Mark as submitted*.")),
        _note(d),
    ]


def _send_back(d: Drawing) -> list[Block]:
    return [_note(d, d.tr._("What to change"), optional=False,
                  hint=d.tr._("The owner sees this in the case's thread."))]


def _file(d: Drawing) -> list[Block]:
    tr = d.tr
    return [
        _say(tr._("First submit in Seller Central: *Orders → Manage SAFE-T Claims → File a new SAFE-T Claim*. "
                  "Then record it here.")),
        _text("claim_number", tr._("SAFE-T claim number"), max_length=64, initial=d.case.claim_number,
              hint=tr._("Optional. From the confirmation email or the Manage SAFE-T Claims page, as Amazon "
                        "writes it.")),
        _moment("filed_at", tr._("Submitted at"), initial=d.now),
    ]


def _log_info_request(d: Drawing) -> list[Block]:
    tr = d.tr
    if d.case.kind is CaseKind.SAFET:
        return [
            _moment("arrived_at", tr._("When the request arrived"), initial=d.now,
                    hint=tr._("The 2 business days to answer count from this moment; after them Amazon closes "
                              "the claim automatically.")),
            _moment("stated_due_at", tr._("Amazon's “Reply by”"), initial=None, optional=True,
                    hint=tr._("Optional, from the Awaiting Seller Response tab. The earlier of Amazon's date and "
                              "2 business days from the request is kept.")),
            _note(d, tr._("What the investigator asked for")),
        ]
    return [
        _moment("arrived_at", tr._("When the request arrived"), initial=d.now),
        _moment("stated_due_at", tr._("Deadline stated in the request"), initial=None,
                hint=tr._("Amazon states the time frame in each request; the case is due then.")),
        _note(d, tr._("What Amazon asked for")),
    ]


def _answer(d: Drawing) -> list[Block]:
    tr = d.tr
    first = (tr._("First answer the investigator in *Seller Central → Manage SAFE-T Claims* (Awaiting Seller "
                  "Response). Then record it here.") if d.case.kind is CaseKind.SAFET else
             tr._("First send the requested information: reply to the chargeback email, or in *Seller Central → "
                  "Performance → Chargeback Claims*. Then record it here."))
    return [_say(first), _note(d, tr._("What you sent"))]


def _grant(d: Drawing) -> list[Block]:
    tr, case = d.tr, d.case
    hint = (tr._("Amazon decides the value at its sole discretion: enter what it paid, even if it differs from "
                 "the expected {expected}.", expected=tr.money(case.expected_amount_cents, case.currency))
            if case.expected_amount_cents is not None else
            tr._("Amazon decides the value at its sole discretion: enter what it paid."))
    return [
        _text("amount", tr._("Amount reimbursed ({currency})", currency=case.currency), optional=False,
              max_length=32, initial=plain_amount(case.expected_amount_cents, case.currency), hint=hint),
        _note(d),
    ]


def _deny(d: Drawing) -> list[Block]:
    tr = d.tr
    blocks: list[Block] = []
    if d.case.appeals_used:
        blocks.append(_say(tr._("This claim was already appealed once: it cannot be appealed again.")))
    else:
        blocks.append(_moment("appeal_by", tr._("Amazon's “Appeal by”"), initial=None, optional=True,
                              hint=tr._("Optional, from the Resolved tab. A denied claim can be appealed once, "
                                        "before this date.")))
    blocks.append(_note(d, tr._("Amazon's reason")))
    return blocks


def _appeal(d: Drawing) -> list[Block]:
    tr = d.tr
    blocks: list[Block] = [_say(tr._("Appeal through Seller Central's message centre first. Then record it here."))]
    appeal_by = _open_deadline(d.case, DeadlineKind.APPEAL_BY)
    if appeal_by is not None:
        blocks.append(_small(tr._(":alarm_clock: Appeal by {due} ({relative})",
                                  due=date_token(appeal_by.due_at, tr, d.team.zone),
                                  relative=tr.relative(appeal_by.due_at, d.now))))
    blocks.append(_text("new_evidence", tr._("New information"), optional=False, multiline=True,
                        hint=tr._("What the appeal adds. Amazon discourages reopening without new information, "
                                  "and a claim can be appealed only once.")))
    return blocks


def _withdraw(d: Drawing) -> list[Block]:
    return [_say(d.tr._("The case closes and its deadlines are cancelled.")), _note(d, d.tr._("Why"))]


def _refund(d: Drawing) -> list[Block]:
    tr = d.tr
    return [
        _say(tr._("First issue the refund in Seller Central (*Performance → Chargeback Claims*). The case then "
                  "closes.")),
        _note(d),
    ]


def _represent(d: Drawing) -> list[Block]:
    tr = d.tr
    blocks: list[Block] = [
        _say(tr._("Represent in Seller Central first (*Performance → Chargeback Claims → Represent your case*, or "
                  "reply to the chargeback email), with as much as you have: an insufficient first response is "
                  "debited. Keep here what you sent.")),
        InputBlock(block_id="shipped_on", label=_plain(tr._("Shipping date")), optional=True,
                   hint=_plain(tr._("Leave empty only if nothing was shipped.")),
                   element=DatePickerElement(action_id="shipped_on")),
        _text("shipping_method", tr._("Shipping method or carrier"), max_length=200),
        _text("tracking", tr._("Tracking number"), max_length=200),
    ]
    if d.case.complaint_type is ComplaintType.MATERIALLY_DIFFERENT:
        blocks.append(_text("item_details", tr._("Item details"), optional=False, multiline=True,
                            hint=tr._("The buyer says the item is materially different: describe the item as "
                                      "listed and as sent.")))
    if d.case.complaint_type is not None:
        items = "\n".join(f"• {tr._(item)}" for item in CHARGEBACK_CHECKLISTS[d.case.complaint_type])
        blocks.append(_small(tr._("*Include:*\n{items}", items=items)))
    blocks += [
        _text("correspondence", tr._("Buyer correspondence"), multiline=True,
              hint=tr._("Every message you exchanged with the buyer.")),
        _small(tr._(":lock: Comments are for Amazon investigators only — the buyer never sees them. The outcome can "
                    "take up to 90 days; Amazon emails only if the account is debited.")),
    ]
    return blocks


def _record_debit(d: Drawing) -> list[Block]:
    tr, case = d.tr, d.case
    return [
        _text("amount", tr._("Amount debited ({currency})", currency=case.currency), optional=False, max_length=32,
              initial=plain_amount(case.amount_cents, case.currency),
              hint=tr._("As in Amazon's email.")),
        _text("reason", tr._("Reason in Amazon's email"), optional=False, multiline=True),
        _small(tr._("If the debit is wrong, you can dispute it afterwards by replying to Amazon's email.")),
    ]


def _record_win(d: Drawing) -> list[Block]:
    return [
        _say(d.tr._("Amazon emails only when the seller is financially responsible: record a win when you know the "
                    "bank decided in your favour.")),
        _note(d),
    ]


def _dispute(d: Drawing) -> list[Block]:
    tr = d.tr
    return [
        _say(tr._("Reply to Amazon's debit email first. The issuing bank's decision is usually final.")),
        _note(d, tr._("Why the debit is wrong"), optional=False),
    ]


def _dispute_decided(d: Drawing) -> list[Block]:
    return [_note(d)]


FORMS: dict[Action, Callable[[Drawing], list[Block]]] = {
    Action.SUBMIT_FOR_APPROVAL: _submit_for_approval,
    Action.APPROVE: _approve,
    Action.SEND_BACK: _send_back,
    Action.FILE: _file,
    Action.LOG_INFO_REQUEST: _log_info_request,
    Action.ANSWER: _answer,
    Action.GRANT: _grant,
    Action.DENY: _deny,
    Action.APPEAL: _appeal,
    Action.WITHDRAW: _withdraw,
    Action.REFUND: _refund,
    Action.REPRESENT: _represent,
    Action.RECORD_DEBIT: _record_debit,
    Action.RECORD_WIN: _record_win,
    Action.DISPUTE: _dispute,
    Action.DISPUTE_REVERSED: _dispute_decided,
    Action.DISPUTE_UPHELD: _dispute_decided,
}
"""Every action a person takes from the card; the system's own (automatic close, presumed no debit) have none."""


def _about(tr: Translator, case: CaseRecord) -> ContextBlock:
    return _small(tr._("Order `{order_id}` · {kind} · {state}", order_id=escape(case.order_id), kind=case.kind,
                       state=case.state))


def _modal(tr: Translator, title: str, context: ModalContext, blocks: list[Block]) -> View:
    return View(
        type="modal", callback_id=ids.MODAL_CASE_ACTION, private_metadata=context.dumps(),
        title=_plain(title[:24]), submit=_plain(tr._("Save")[:24]), close=_plain(tr._("Cancel")[:24]),
        blocks=blocks,
    )


def action_modal(tr: Translator, case: CaseRecord, action: Action, *, context: ModalContext, now: datetime,
                 team: Team) -> View:
    """The follow-up form of one card button."""
    blocks = [_about(tr, case), *FORMS[action](Drawing(tr, case, now, team))]
    return _modal(tr, tr.label(action), context, blocks)


def stated_date_modal(tr: Translator, case: CaseRecord, *, context: ModalContext, now: datetime,
                      team: Team) -> View:
    """Enter Amazon's own date for an open deadline; the earlier of the two is kept."""
    deadlines = [d for d in case.open_deadlines if not d.kind.is_window]
    blocks: list[Block] = [_about(tr, case)]
    if len(deadlines) > 1:
        options = [Option(value=str(d.id), label=tr._("{what} — due {due}", what=tr._(DEADLINE_LABELS[d.kind]),
                                                        due=tr.moment(d.due_at, team.zone))[:75])
                   for d in deadlines]
        blocks.append(InputBlock(block_id="deadline", label=_plain(tr._("Which deadline")),
                                 element=StaticSelectElement(action_id="deadline", options=options,
                                                             initial_option=options[0])))
    elif deadlines:
        only = deadlines[0]
        blocks.append(_say(tr._("{what}: now due {due}", what=tr._(DEADLINE_LABELS[only.kind]),
                                due=date_token(only.due_at, tr, team.zone))))
    blocks.append(_moment("stated_at", tr._("Amazon's date"), initial=None,
                          hint=tr._("As Seller Central or Amazon's email states it. The earlier of Amazon's date "
                                    "and the app's own is kept.")))
    return _modal(tr, tr._("Amazon's date"), context, blocks)


def reassign_modal(tr: Translator, case: CaseRecord, *, context: ModalContext) -> View:
    """Give the case to someone else."""
    return _modal(tr, tr._("Reassign"), context, [
        _about(tr, case),
        InputBlock(block_id="new_owner", label=_plain(tr._("New owner")),
                   hint=_plain(tr._("They are mentioned on this case's deadline warnings from now on.")),
                   element=UserSelectElement(action_id="new_owner", initial_user=case.owner_id)),
    ])
