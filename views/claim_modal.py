"""The SAFE-T claim modal: fields in the order Seller Central asks for them."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from rules.checklists import SAFET_CHECKLISTS
from rules.eligibility import EXPLANATION_LIMIT, TRIP_CREDIT_CENTS
from rules.kinds import SafetProgram, SafetReason, reasons_of
from views import ids
from views.accounts import account_select
from views.i18n import LANGUAGE_NAMES, Translator
from views.metadata import ModalContext
from views.paste_text import paste_parts
from views.text import escape, plain


def language_select(tr: Translator, block_id: str, initial: str | None, label: str) -> InputBlock:
    options = [Option(value=code, label=name) for code, name in LANGUAGE_NAMES.items()]
    initial_option = next((o for o in options if o.value == (initial or tr.locale)), options[0])
    return InputBlock(
        block_id=block_id, label=plain(label),
        element=StaticSelectElement(action_id=block_id, options=options, initial_option=initial_option),
    )


def reason_options(tr: Translator, program: SafetProgram | None = None) -> list[Option]:
    return [Option(value=reason.value, label=tr.label(reason)[:75])
            for reason in (reasons_of(program) if program is not None else SafetReason)]


def _reason_select(tr: Translator, program: SafetProgram | None, reason: SafetReason | None) -> StaticSelectElement:
    """The chosen program's reasons; before a program is chosen, both programs' reasons in two groups."""
    options = reason_options(tr, program)
    initial = next((o for o in options if reason and o.value == reason.value), None)
    if program is not None:
        return StaticSelectElement(action_id=ids.ACTION_SAFET_REASON, options=options, initial_option=initial,
                                   placeholder=plain(tr._("Choose the reason")))
    groups = [OptionGroup(label=plain(tr.label(p)[:75]), options=reason_options(tr, p)) for p in SafetProgram]
    return StaticSelectElement(action_id=ids.ACTION_SAFET_REASON, option_groups=groups, initial_option=initial,
                               placeholder=plain(tr._("Choose the reason")))


def program_select(tr: Translator, program: SafetProgram | None) -> InputBlock:
    options = [Option(value=p.value, label=tr.label(p)[:75]) for p in SafetProgram]
    return InputBlock(
        block_id="program", label=plain(tr._("What kind of order")), dispatch_action=True,
        hint=plain(tr._("A product you shipped yourself, or a service appointment: each has its own reasons.")),
        element=StaticSelectElement(action_id=ids.ACTION_SAFET_PROGRAM, options=options,
                                    initial_option=next((o for o in options if program and o.value == program), None),
                                    placeholder=plain(tr._("Choose the kind of order"))))


def _return_fields(tr: Translator, reason: SafetReason | None, prefill: dict[str, str]) -> list:
    """A seller-fulfilled order's refund and the dates that start its filing window."""
    blocks: list = [
        InputBlock(block_id="refunded_amount", label=plain(tr._("Amount refunded to the buyer")),
                   element=PlainTextInputElement(action_id="refunded_amount", max_length=32,
                                                 initial_value=prefill.get("refunded_amount") or None)),
        InputBlock(block_id="refund_on", label=plain(tr._("Refund date")),
                   optional=reason is SafetReason.RETURN_LOST,
                   element=DatePickerElement(action_id="refund_on", initial_date=prefill.get("refund_on") or None)),
    ]
    if reason is not SafetReason.REFUNDED_NOT_RETURNED:
        blocks.append(InputBlock(
            block_id="return_scan_on", label=plain(tr._("Return delivered to your warehouse (delivery scan)")),
            optional=True, hint=plain(tr._("The window counts from the later of this date and the refund date.")),
            element=DatePickerElement(action_id="return_scan_on")))
    if reason is SafetReason.RETURN_LOST:
        blocks.append(InputBlock(
            block_id="last_scan_on", label=plain(tr._("The lost return's last scan")),
            hint=plain(tr._("For a return lost in transit the window counts from its last scan event.")),
            element=DatePickerElement(action_id="last_scan_on")))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr._(
        ":hourglass: File within the filing window: Amazon refuses a claim filed after it. The card shows the "
        "“File by” date and the channel is warned before it closes."))]))
    blocks.append(InputBlock(
        block_id="record_missed", label=plain(tr._("If the window has closed")), optional=True,
        element=CheckboxesElement(action_id="record_missed", options=[Option(
            value="yes", label=tr._("Record as not filed in time, so the loss is counted")[:75])])))
    return blocks


def claim_modal(
    tr: Translator, *, context: ModalContext, order_id: str | None = None, reason: SafetReason | None = None,
    explanation: str | None = None, claim_number: str | None = None,
    places: Sequence[tuple[str, str]] = (), place: str | None = None, program: SafetProgram | None = None,
    ask_program: bool = True, prefill: dict[str, str] | None = None,
) -> View:
    """The form; choosing the kind of order or the reason redraws it (``views.update``) with that program's
    reasons and fields and that reason's checklist.

    ``places`` are the seller accounts to choose from (asked only when there are several), ``place`` the chosen one;
    ``ask_program``: False when the account names its only program (then ``program`` is it).
    """
    program = reason.program if reason is not None else program
    prefill = prefill or {}
    seller_fulfilled = program is SafetProgram.SELLER_FULFILLED
    blocks: list = [
        SectionBlock(text=MarkdownTextObject(text=tr._(
            "Check Eligibility comes first: one claim per order, only orders assigned to the team, and "
            "chargebacks go through `/safet chargeback`."))),
        *account_select(tr, places, place),
        *([program_select(tr, program)] if ask_program else []),
        InputBlock(
            block_id="order_id", label=plain(tr._("Order ID") if seller_fulfilled else tr._("Service order ID")),
            hint=plain(tr._("As in Seller Central: 123-1234567-1234567")),
            element=PlainTextInputElement(action_id="order_id", initial_value=order_id or None,
                                          placeholder=plain("123-1234567-1234567"), max_length=40),
        ),
        *([] if seller_fulfilled else [InputBlock(
            block_id="product_order_id", label=plain(tr._("Product order ID")), optional=True,
            hint=plain(tr._("Only if different from the service order ID")),
            element=PlainTextInputElement(action_id="product_order_id", max_length=40),
        )]),
        InputBlock(block_id="reason", label=plain(tr._("Reason")), dispatch_action=True,
                   element=_reason_select(tr, program, reason)),
    ]
    if seller_fulfilled:
        blocks += _return_fields(tr, reason, prefill)
    if reason is SafetReason.TRIP_CREDIT:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr._(
            ":moneybag: Trip Credit pays a flat {amount}.", amount=tr.money(TRIP_CREDIT_CENTS, "USD", whole=True)))]))
    if reason is SafetReason.SECOND_APPOINTMENT:
        blocks.append(InputBlock(
            block_id="second_appointment_completed_on", label=plain(tr._("Second appointment completed on")),
            hint=plain(tr._("File only after the second appointment is documented as completed.")),
            element=DatePickerElement(action_id="second_appointment_completed_on"),
        ))
    blocks.append(InputBlock(
        block_id="explanation", label=plain(tr._("Explanation for Amazon")),
        hint=plain(tr._("Why Amazon should reimburse you: what happened, and what the documents show.")),
        element=PlainTextInputElement(action_id="explanation", multiline=True, max_length=EXPLANATION_LIMIT,
                                      initial_value=explanation or None),
    ))
    if reason is not None:
        checklist = [Option(value=str(i), label=tr._(item)[:75], description=None)
                     for i, item in enumerate(SAFET_CHECKLISTS[reason])]
        blocks.append(InputBlock(
            block_id="checklist", label=plain(tr._("Documents you have ready")), optional=True,
            element=CheckboxesElement(action_id="checklist", options=checklist),
        ))
    blocks += [
        InputBlock(
            block_id="attachments", label=plain(tr._("Attachments")), optional=True,
            hint=plain(tr._("Photos, videos, messages: the same files you will attach in Seller Central.")),
            element=FileInputElement(action_id="attachments", max_files=10),
        ),
        InputBlock(
            block_id="claim_number", label=plain(tr._("SAFE-T claim number")), optional=True,
            hint=plain(tr._("Once filed in Seller Central; you can add it later from the case card.")),
            element=PlainTextInputElement(action_id="claim_number", max_length=64, initial_value=claim_number or None),
        ),
        language_select(tr, "filing_locale", tr.locale, tr._("Language of the text to paste")),
    ]
    return View(
        type="modal", callback_id=ids.MODAL_SAFET_CLAIM, private_metadata=context.dumps(),
        title=plain(tr._("File a SAFE-T claim")[:24]), submit=plain(tr._("Check and save")[:24]),
        close=plain(tr._("Cancel")[:24]), blocks=blocks,
    )


def claim_saved(tr: Translator, *, paste_text: str, documents: list[str], order_id: str,
                missing: list[str] | None = None, file_by: str | None = None) -> View:
    """What the modal turns into once saved: the text to paste and the documents to attach."""
    docs = "\n".join(f"• {escape(d)}" for d in documents) or tr._("(none listed)")
    parts = paste_parts(paste_text)
    pasted: list = []
    for number, part in enumerate(parts, start=1):
        if len(parts) > 1:  # a long text in several boxes, each within Slack's 3000 characters, none cut
            pasted.append(ContextBlock(elements=[MarkdownTextObject(text=tr._(
                "Part {part} of {parts}: paste the parts one after the other.", part=number, parts=len(parts)))]))
        pasted.append(SectionBlock(text=MarkdownTextObject(text=f"```{escape(part.rstrip(chr(10)))}```")))
    return View(
        type="modal", title=plain(tr._("Claim saved")[:24]), close=plain(tr._("Done")[:24]),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=tr._(
                ":white_check_mark: Saved. In Seller Central: *Orders → Manage SAFE-T Claims → File a new SAFE-T "
                "Claim*, enter order `{order_id}`, press *Check Eligibility*, choose the reason, then paste:",
                order_id=escape(order_id)))),
            *pasted,
            SectionBlock(text=MarkdownTextObject(text=tr._("*Attach:*\n{documents}", documents=docs))),
            *([SectionBlock(text=MarkdownTextObject(text=tr._(
                ":warning: Not ready yet, and required: {items}. The case card says so until you add them with "
                "*Add documents*.", items="; ".join(escape(item) for item in missing))))] if missing else []),
            *([SectionBlock(text=MarkdownTextObject(text=tr._(":hourglass: *File by* {due}: Amazon refuses the claim "
                                                               "after that.", due=file_by)))] if file_by else []),
            ContextBlock(elements=[MarkdownTextObject(text=tr._(
                "Then press *Mark as submitted* on the case card and add Amazon's SAFE-T claim number."))]),
        ],
    )


def claim_missed(tr: Translator, *, order_id: str, amount: str) -> View:
    """A claim recorded as not filed in time: nothing to paste, the loss counted."""
    return View(
        type="modal", title=plain(tr._("Claim recorded")[:24]), close=plain(tr._("Done")[:24]),
        blocks=[SectionBlock(text=MarkdownTextObject(text=tr._(
            ":red_circle: Recorded: the claim for order `{order_id}` was not filed in time. The report counts "
            "{amount} as lost to a missed filing window.", order_id=escape(order_id), amount=amount)))])
