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
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from rules.checklists import SAFET_CHECKLISTS
from rules.eligibility import EXPLANATION_LIMIT, TRIP_CREDIT_CENTS
from rules.kinds import SafetReason
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


def reason_options(tr: Translator) -> list[Option]:
    return [Option(value=reason.value, label=tr.label(reason)[:75]) for reason in SafetReason]


def claim_modal(
    tr: Translator, *, context: ModalContext, order_id: str | None = None, reason: SafetReason | None = None,
    explanation: str | None = None, claim_number: str | None = None,
    places: Sequence[tuple[str, str]] = (), place: str | None = None,
) -> View:
    """The form; changing the reason redraws it (``views.update``) with that reason's checklist.

    ``places`` are the seller accounts to choose from (asked only when there are several), ``place`` the chosen one.
    """
    options = reason_options(tr)
    blocks: list = [
        SectionBlock(text=MarkdownTextObject(text=tr._(
            "Check Eligibility comes first: one claim per order, only orders assigned to the team, and "
            "chargebacks go through `/safet chargeback`."))),
        *account_select(tr, places, place),
        InputBlock(
            block_id="order_id", label=plain(tr._("Service order ID")),
            hint=plain(tr._("As in Seller Central: 123-1234567-1234567")),
            element=PlainTextInputElement(action_id="order_id", initial_value=order_id or None,
                                          placeholder=plain("123-1234567-1234567"), max_length=40),
        ),
        InputBlock(
            block_id="product_order_id", label=plain(tr._("Product order ID")), optional=True,
            hint=plain(tr._("Only if different from the service order ID")),
            element=PlainTextInputElement(action_id="product_order_id", max_length=40),
        ),
        InputBlock(
            block_id="reason", label=plain(tr._("Reason")), dispatch_action=True,
            element=StaticSelectElement(
                action_id=ids.ACTION_SAFET_REASON, options=options,
                initial_option=next((o for o in options if reason and o.value == reason.value), None),
                placeholder=plain(tr._("Choose the reason")),
            ),
        ),
    ]
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
                missing: list[str] | None = None) -> View:
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
            ContextBlock(elements=[MarkdownTextObject(text=tr._(
                "Then press *Mark as submitted* on the case card and add Amazon's SAFE-T claim number."))]),
        ],
    )
