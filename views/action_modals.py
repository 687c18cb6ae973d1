"""The modals behind the case card's buttons: one small form per action, asking only what the
action needs (Amazon's dates, amounts, a note), with a reminder of what to do in Seller Central first."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from rules.actions import ACTIONS, NOTE_LIMIT, Field, FieldKind
from rules.checklists import CHARGEBACK_CHECKLISTS
from rules.deadlines import DEADLINE_LABELS, DeadlineKind
from rules.kinds import Action, CaseKind
from rules.parsing import currency_decimals
from rules.records import CaseRecord, DeadlineRecord
from views import ids
from views.case_facts import checklist_items, ticked_documents
from views.i18n import Translator
from views.market_view import MarketView
from views.metadata import ModalContext
from views.text import due_text, due_token, escape, plain

SET_STATED_DUE = "set_stated_due"
"""``ModalContext.action`` of the "Amazon's date" modal (not a state change)."""
REASSIGN = "reassign"
"""``ModalContext.action`` of the "Reassign" modal."""
ADD_DOCUMENTS = "add_documents"
"""``ModalContext.action`` of the "Add documents" modal."""

@dataclass(frozen=True)
class Drawing:
    """What every action form is drawn from."""

    tr: Translator
    case: CaseRecord
    now: datetime
    team: MarketView
    prefill: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Values the form starts with, by field name (read from Amazon's email by intake)."""


def _say(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _small(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _text(block_id: str, label: str, *, hint: str | None = None, optional: bool = True, multiline: bool = False,
          initial: str | None = None, max_length: int = NOTE_LIMIT) -> InputBlock:
    return InputBlock(
        block_id=block_id, label=plain(label), optional=optional, hint=plain(hint) if hint else None,
        element=PlainTextInputElement(action_id=block_id, multiline=multiline, initial_value=initial or None,
                                      max_length=max_length),
    )


def _moment(block_id: str, label: str, *, initial: datetime | None, hint: str | None = None,
            optional: bool = False) -> InputBlock:
    return InputBlock(
        block_id=block_id, label=plain(label), optional=optional, hint=plain(hint) if hint else None,
        element=DateTimePickerElement(action_id=block_id,
                                      initial_date_time=int(initial.timestamp()) if initial else None),
    )


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


# ---------------------------------------------------------------- the fields, as declared


def _hint(d: Drawing, field: Field) -> str | None:
    """The field's hint, its count the case's marketplace's own (AE answers in 3 business days, not 2)."""
    if isinstance(field.hint, tuple):
        count = getattr(d.team.profile, field.counts or "")
        return d.tr.n_(*field.hint, count)
    return d.tr._(field.hint) if field.hint else None


def field_block(d: Drawing, field: Field) -> InputBlock:
    """One declared field (``rules.actions``) as the input Slack shows."""
    tr = d.tr
    label = tr._(field.label, currency=d.case.currency)
    said = _hint(d, field)
    hint = plain(said) if said else None
    optional = field.required is None
    given = d.prefill.get(field.name)
    if field.kind is FieldKind.INSTANT:
        initial = given if isinstance(given, datetime) else d.now if field.now_by_default else None
        return _moment(field.name, label, initial=initial, hint=said, optional=optional)
    if field.kind is FieldKind.DATE:
        return InputBlock(block_id=field.name, label=plain(label), optional=optional, hint=hint,
                          element=DatePickerElement(action_id=field.name))
    return _text(field.name, label, hint=said, optional=optional,
                 multiline=field.multiline, max_length=field.max_length,
                 initial=given if isinstance(given, str) else _initial(d.case, field))


def _initial(case: CaseRecord, field: Field) -> str | None:
    """What the form starts with: the amount the team expects, the claim number already known."""
    if field.kind is FieldKind.AMOUNT:
        expected = case.amount_cents if case.kind is CaseKind.CHARGEBACK else case.expected_amount_cents
        return plain_amount(expected, case.currency)
    if field.name == "claim_number":
        return case.claim_number
    return None


def _fields(d: Drawing, action: Action, *names: str) -> list[Block]:
    """The declared fields of ``action`` this case's form asks, in order (only ``names``, when given)."""
    return [field_block(d, f) for f in ACTIONS[action].fields_for(d.case) if not names or f.name in names]


# ---------------------------------------------------------------- what each form says around its fields


def _submit_for_approval(d: Drawing) -> list[Block]:
    return [_say(d.tr._("A lead looks at the case before anyone submits it in Seller Central.")),
            *_fields(d, Action.SUBMIT_FOR_APPROVAL)]


def _approve(d: Drawing) -> list[Block]:
    return [_say(d.tr._("Once approved, the owner submits it in Seller Central and presses *Mark as submitted*.")),
            *_fields(d, Action.APPROVE)]


def _file(d: Drawing) -> list[Block]:
    return [_say(d.tr._("First submit in Seller Central: *Orders → Manage SAFE-T Claims → File a new SAFE-T Claim*. "
                        "Then record it here.")), *_fields(d, Action.FILE)]


def _answer(d: Drawing) -> list[Block]:
    tr = d.tr
    first = (tr._("First answer the investigator in *Seller Central → Manage SAFE-T Claims* (Awaiting Seller "
                  "Response). Then record it here.") if d.case.kind is CaseKind.SAFET else
             tr._("First send the requested information: reply to the chargeback email, or in *Seller Central → "
                  "Performance → Chargeback Claims*. Then record it here."))
    return [_say(first), *_fields(d, Action.ANSWER)]


def _grant(d: Drawing) -> list[Block]:
    tr, case = d.tr, d.case
    blocks = _fields(d, Action.GRANT)
    if case.expected_amount_cents is not None:
        blocks.insert(1, _small(tr._("Expected: {expected}. Amazon may pay another amount, or nothing.",
                                     expected=tr.money(case.expected_amount_cents, case.currency))))
    return blocks


def _deny(d: Drawing) -> list[Block]:
    blocks: list[Block] = []
    if d.case.appeals_used:
        blocks.append(_say(d.tr._("This claim was already appealed once: it cannot be appealed again.")))
    return blocks + _fields(d, Action.DENY)


def _appeal(d: Drawing) -> list[Block]:
    tr = d.tr
    blocks: list[Block] = [_say(tr._("Appeal through Seller Central's message centre first. Then record it here."))]
    appeal_by = _open_deadline(d.case, DeadlineKind.APPEAL_BY)
    if appeal_by is not None:
        blocks.append(_small(tr._(":alarm_clock: Appeal by {due} ({relative})",
                                  due=due_token(appeal_by, tr, d.team.zone),
                                  relative=tr.relative(appeal_by.due_at, d.now))))
    return blocks + _fields(d, Action.APPEAL)


def _withdraw(d: Drawing) -> list[Block]:
    return [_say(d.tr._("The case closes and its deadlines are cancelled.")), *_fields(d, Action.WITHDRAW)]


def _refund(d: Drawing) -> list[Block]:
    return [_say(d.tr._("First issue the refund in Seller Central (*Performance → Chargeback Claims*). The case then "
                        "closes.")), *_fields(d, Action.REFUND)]


def _represent(d: Drawing) -> list[Block]:
    tr = d.tr
    blocks: list[Block] = [
        _say(tr._("Represent in Seller Central first (*Performance → Chargeback Claims → Represent your case*, or "
                  "reply to the chargeback email), with as much as you have: an insufficient first response is "
                  "debited. Keep here what you sent.")),
        *_fields(d, Action.REPRESENT, "shipped_on", "shipping_method", "tracking", "item_details"),
    ]
    if d.case.complaint_type is not None:
        items = "\n".join(f"• {tr._(item)}" for item in CHARGEBACK_CHECKLISTS[d.case.complaint_type])
        blocks.append(_small(tr._("*Include:*\n{items}", items=items)))
    blocks += [
        *_fields(d, Action.REPRESENT, "correspondence"),
        _small(tr.n_(":lock: Comments are for Amazon investigators only — the buyer never sees them. The outcome can "
                     "take up to {count} day; Amazon emails only if the account is debited.",
                     ":lock: Comments are for Amazon investigators only — the buyer never sees them. The outcome can "
                     "take up to {count} days; Amazon emails only if the account is debited.",
                     d.team.profile.outcome_days)),
    ]
    return blocks


def _record_debit(d: Drawing) -> list[Block]:
    return [*_fields(d, Action.RECORD_DEBIT),
            _small(d.tr._("If the debit is wrong, you can dispute it afterwards by replying to Amazon's email."))]


def _record_win(d: Drawing) -> list[Block]:
    return [_say(d.tr._("Amazon emails only when the seller is financially responsible: record a win when you know the "
                        "bank decided in your favour.")), *_fields(d, Action.RECORD_WIN)]


def _dispute(d: Drawing) -> list[Block]:
    return [_say(d.tr._("Reply to Amazon's debit email first. The issuing bank's decision is usually final.")),
            *_fields(d, Action.DISPUTE)]


FORMS: dict[Action, Callable[[Drawing], list[Block]]] = {
    Action.SUBMIT_FOR_APPROVAL: _submit_for_approval,
    Action.APPROVE: _approve,
    Action.FILE: _file,
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
}
"""What a form says around its declared fields; an action not listed shows its fields alone."""


def action_blocks(d: Drawing, action: Action) -> list[Block]:
    drawn = FORMS.get(action)
    return drawn(d) if drawn else _fields(d, action)


def _about(tr: Translator, case: CaseRecord) -> ContextBlock:
    return _small(tr._("Order `{order_id}` · {kind} · {state}", order_id=escape(case.order_id), kind=case.kind,
                       state=case.state))


def _modal(tr: Translator, title: str, context: ModalContext, blocks: list[Block]) -> View:
    return View(
        type="modal", callback_id=ids.MODAL_CASE_ACTION, private_metadata=context.dumps(),
        title=plain(title[:24]), submit=plain(tr._("Save")[:24]), close=plain(tr._("Cancel")[:24]),
        blocks=blocks,
    )


def action_modal(tr: Translator, case: CaseRecord, action: Action, *, context: ModalContext, now: datetime,
                 team: MarketView, prefill: Mapping[str, Any] | None = None) -> View:
    """The follow-up form of one card button (``prefill``: field values read from Amazon's email)."""
    blocks = [_about(tr, case), *action_blocks(Drawing(tr, case, now, team, prefill or {}), action)]
    return _modal(tr, tr.label(action), context, blocks)


def stated_date_modal(tr: Translator, case: CaseRecord, *, context: ModalContext, now: datetime,
                      team: MarketView) -> View:
    """Enter Amazon's own date for an open deadline; the earlier of the two is kept."""
    deadlines = [d for d in case.open_deadlines if not d.kind.is_window]
    blocks: list[Block] = [_about(tr, case)]
    if len(deadlines) > 1:
        options = [Option(value=str(d.id), label=tr._("{what} — due {due}", what=tr._(DEADLINE_LABELS[d.kind]),
                                                        due=due_text(d, tr, team.zone))[:75])
                   for d in deadlines]
        blocks.append(InputBlock(block_id="deadline", label=plain(tr._("Which deadline")),
                                 element=StaticSelectElement(action_id="deadline", options=options,
                                                             initial_option=options[0])))
    elif deadlines:
        only = deadlines[0]
        blocks.append(_say(tr._("{what}: now due {due}", what=tr._(DEADLINE_LABELS[only.kind]),
                                due=due_token(only, tr, team.zone))))
    blocks.append(_moment("stated_at", tr._("Amazon's date"), initial=None,
                          hint=tr._("As Seller Central or Amazon's email states it. The earlier of Amazon's date "
                                    "and the app's own is kept.")))
    return _modal(tr, tr._("Amazon's date"), context, blocks)


def reassign_modal(tr: Translator, case: CaseRecord, *, context: ModalContext) -> View:
    """Give the case to someone else."""
    return _modal(tr, tr._("Reassign"), context, [
        _about(tr, case),
        InputBlock(block_id="new_owner", label=plain(tr._("New owner")),
                   hint=plain(tr._("They are mentioned on this case's deadline warnings from now on.")),
                   element=UserSelectElement(action_id="new_owner", initial_user=case.owner_id)),
    ])


def documents_modal(tr: Translator, case: CaseRecord, *, context: ModalContext) -> View:
    """Attach files to the case and say which of its checklist's documents are ready."""
    blocks: list[Block] = [_about(tr, case)]
    items = checklist_items(case)
    if items:
        ticked = ticked_documents(case)
        options = [Option(value=str(i), label=tr._(item)[:75]) for i, item in enumerate(items)]
        chosen = [o for o, item in zip(options, items, strict=True) if item in ticked]
        blocks.append(InputBlock(block_id="checklist", label=plain(tr._("Documents you have ready")), optional=True,
                                 element=CheckboxesElement(action_id="checklist", options=options,
                                                           initial_options=chosen or None)))
    blocks.append(InputBlock(
        block_id="attachments", label=plain(tr._("Attachments")), optional=True,
        hint=plain(tr._("Photos, videos, messages: the same files you will attach in Seller Central.")),
        element=FileInputElement(action_id="attachments", max_files=10)))
    return _modal(tr, tr._("Add documents"), context, blocks)
