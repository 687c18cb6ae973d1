"""The SAFE-T claim modal: the reason select redraws it; submit checks eligibility and saves."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from handlers.accounts import places, read_place
from handlers.after_ack import POSTED, SAVED, heard
from handlers.case_card import announcer
from handlers.deps import Deps
from handlers.email_cases import open_case
from handlers.forms import Form
from handlers.open_forms import asks_program
from handlers.payload import ack_only
from rules.checklists import SAFET_CHECKLISTS, chosen_items
from rules.deadlines import DeadlineKind
from rules.errors import DomainError
from rules.filing import ReturnFacts
from rules.kinds import SafetProgram, SafetReason, State
from rules.parsing import parse_amount, parse_order_id
from rules.records import CaseRecord
from rules.text import N_
from store import opening
from views import ids
from views.case_facts import missing_documents
from views.claim_modal import claim_missed, claim_modal, claim_saved
from views.i18n import Translator, translator
from views.metadata import ModalContext
from views.paste_text import claim_documents, claim_text
from views.text import due_token

FIELDS = {"order_id", "product_order_id", "reason", "second_appointment_completed_on", "explanation",
          "attachments", "claim_number", "filing_locale", "checklist", "account", "program", "refunded_amount",
          "refund_on", "return_scan_on", "last_scan_on", "record_missed"}


def read_reason(form: Form) -> SafetReason:
    reason = form.choice("reason", SafetReason)
    if reason is None:
        raise DomainError(N_("Choose the reason for the claim."), field="reason")
    program = form.choice("program", SafetProgram)
    if program is not None and reason.program is not program:
        raise DomainError(N_("Choose one of the reasons for this kind of order."), field="reason")
    return reason


def read_returns(form: Form, reason: SafetReason, currency: str) -> ReturnFacts | None:
    """A seller-fulfilled order's refund and the dates that start its filing window."""
    if reason.program is not SafetProgram.SELLER_FULFILLED:
        return None
    typed = form.text("refunded_amount")
    return ReturnFacts(refund_on=form.date("refund_on"), return_scan_on=form.date("return_scan_on"),
                       last_scan_on=form.date("last_scan_on"),
                       refunded_cents=parse_amount(typed, currency, field="refunded_amount") if typed else None)


def file_by(deps: Deps, case: CaseRecord, tr: Translator) -> str | None:
    deadline = next((d for d in case.open_deadlines if d.kind is DeadlineKind.FILE_BY), None)
    return due_token(deadline, tr, deps.settings.accounts.marketplace(case.marketplace).zone) if deadline else None


def redraw_for_reason(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    """Show the chosen reason's checklist and fields, keeping what was typed."""
    view = body["view"]
    form = Form.of(view)
    tr = deps.tr(body["user"]["id"])
    try:
        reason = form.choice("reason", SafetReason)
        program = form.choice("program", SafetProgram)
        place = form.selected("account")
    except DomainError:
        return  # a forged option: keep the form as it is, the submit refuses it on its field
    if program is not None and reason is not None and reason.program is not program:
        reason = None  # another kind of order chosen: its own reasons
    asked = asks_program(deps)
    if not asked:
        program = program or SafetProgram(deps.settings.accounts.default.safet_program or "selling_services")
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=claim_modal(
        tr, context=ModalContext.loads(view.get("private_metadata")), order_id=form.text("order_id") or None,
        reason=reason, explanation=form.text("explanation") or None,
        claim_number=form.text("claim_number") or None, places=places(deps), place=place, program=program,
        ask_program=asked, prefill={"refunded_amount": form.text("refunded_amount"),
                                    "refund_on": str(form.date("refund_on") or "")}))


def submit(deps: Deps, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Validate and store inside the ack: errors go back on their fields; success shows what to paste."""
    user = body["user"]["id"]
    tr = deps.tr(user)
    form = Form.of(view)
    try:
        modal = ModalContext.loads(view.get("private_metadata"))
        account, marketplace = read_place(form, deps, modal.channel_id)
        reason = read_reason(form)
        returns = read_returns(form, reason, deps.settings.accounts.marketplace(marketplace).currency)
        order_id = parse_order_id(form.text("order_id"))
        product_order_id = form.text("product_order_id")
        change = open_case(deps, partial(
            opening.open_safet_claim, actor=user, order_id=order_id, reason=reason, now=deps.clock(),
            product_order_id=product_order_id, explanation=form.required_text(
                "explanation", N_("Explain what happened: a field of spaces is empty.")),
            second_appointment_completed_on=form.date("second_appointment_completed_on"),
            claim_number=form.text("claim_number"), filing_locale=form.selected("filing_locale"),
            checklist=chosen_items(SAFET_CHECKLISTS[reason], form.checked("checklist")),
            attachments=form.attachments("attachments"),
            account=account, marketplace=marketplace, returns=returns,
            record_missed="yes" in form.checked("record_missed"),
        ), modal, actor=user)
    except DomainError as error:
        field = error.field if error.field in FIELDS else "order_id"
        ack(response_action="errors", errors={field: tr.error(error)})
        return
    if change.case.state is State.NOT_FILED_IN_TIME:
        ack(response_action="update", view=claim_missed(
            tr, order_id=change.case.order_id,
            amount=tr.money(change.case.expected_amount_cents, change.case.currency)))
        context["change"] = change
        return
    filing_tr = translator(change.case.filing_locale or tr.locale)
    ack(response_action="update", view=claim_saved(
        tr, paste_text=claim_text(change.case, filing_tr), documents=claim_documents(change.case, filing_tr),
        order_id=change.case.order_id, missing=[tr._(item) for item in missing_documents(change.case)],
        file_by=file_by(deps, change.case, tr)))
    context["change"] = change


def register(app: App, deps: Deps) -> None:
    app.block_action(ids.ACTION_SAFET_REASON)(ack=ack_only, lazy=[heard(deps, redraw_for_reason, POSTED)])
    app.block_action(ids.ACTION_SAFET_PROGRAM)(ack=ack_only, lazy=[heard(deps, redraw_for_reason, POSTED)])
    app.view(ids.MODAL_SAFET_CLAIM)(ack=partial(submit, deps), lazy=[heard(deps, announcer(deps), SAVED)])
