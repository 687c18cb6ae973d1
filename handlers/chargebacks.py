"""The chargeback modal: submit checks and records Amazon's email; the reply deadline follows."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from handlers.accounts import read_place
from handlers.after_ack import SAVED, heard
from handlers.case_card import after_change
from handlers.deps import Deps
from handlers.email_cases import open_case
from handlers.forms import Form
from handlers.tell import tell
from rules.deadlines import DeadlineKind, local_instant
from rules.errors import DomainError
from rules.kinds import ComplaintType
from rules.parsing import SUPPORTED_CURRENCIES, parse_amount, parse_order_id
from rules.text import N_
from store import opening
from store.cases import Change
from views import ids
from views.i18n import translator
from views.metadata import ModalContext
from views.text import due_token

FIELDS = ("order_id", "amount", "currency", "email_on", "email_time", "complaint_type", "notes", "account")


def read_complaint(form: Form) -> ComplaintType:
    complaint = form.choice("complaint_type", ComplaintType)
    if complaint is None:
        raise DomainError(N_("Choose what the buyer told the card company."), field="complaint_type")
    return complaint


def read_currency(form: Form) -> str:
    currency = form.selected("currency") or "USD"
    if currency not in SUPPORTED_CURRENCIES:
        raise DomainError(N_("Choose a currency from the list."), field="currency")
    return currency


def read_email_at(form: Form, deps: Deps, now: datetime, marketplace: str,
                  exact: int | None = None) -> datetime | None:
    """The email's exact instant when its time was given, read in the marketplace's zone. ``exact`` is the
    instant intake read from the email (to the second); it stands when the picked minute is still that email's."""
    email_on, at = form.date("email_on"), form.time("email_time")
    if email_on is None or at is None:
        return None
    email_at = local_instant(email_on, at, deps.settings.accounts.marketplace(marketplace).zone)
    if isinstance(exact, int) and 0 <= exact - email_at.timestamp() < 60:
        email_at = datetime.fromtimestamp(exact, UTC)
    return email_at


def submit(deps: Deps, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Validate every field (all errors at once), then store inside the ack."""
    user = body["user"]["id"]
    tr = deps.tr(user)
    form = Form.of(view)
    now = deps.clock()
    exact = ModalContext.loads(view.get("private_metadata")).email_at
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        values["place"] = read_place(form, deps, ModalContext.loads(view.get("private_metadata")).channel_id)
    except DomainError as error:
        ack(response_action="errors", errors={"account": tr.error(error)})
        return
    readers = {
        "order_id": lambda: parse_order_id(form.text("order_id")),
        "currency": lambda: read_currency(form),
        "complaint_type": lambda: read_complaint(form),
        "email_at": lambda: read_email_at(form, deps, now, values["place"][1], exact),
    }
    for name, read in readers.items():
        try:
            values[name] = read()
        except DomainError as error:
            errors[error.field or "order_id"] = tr.error(error)
    if "currency" in values:
        try:
            values["amount_cents"] = parse_amount(form.text("amount"), values["currency"])
        except DomainError as error:
            errors[error.field or "amount"] = tr.error(error)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    try:
        change = open_case(deps, partial(
            opening.open_chargeback, actor=user, order_id=values["order_id"], amount_cents=values["amount_cents"],
            currency=values["currency"], now=now, complaint_type=values["complaint_type"],
            email_on=form.date("email_on"), email_at=values["email_at"],
            notes=form.text("notes").strip(), account=values["place"][0], marketplace=values["place"][1],
        ), ModalContext.loads(view.get("private_metadata")), actor=user)
    except DomainError as error:
        field = error.field if error.field in FIELDS else "order_id"
        ack(response_action="errors", errors={field: tr.error(error)})
        return
    ack(response_action="clear")
    context["change"] = change


def announce(deps: Deps, client: WebClient, body: dict[str, Any], context: BoltContext) -> None:
    change = context.get("change")
    if change is None:
        return
    after_change(deps, client, change)
    confirm(deps, client, body["user"]["id"], ModalContext.loads(body["view"].get("private_metadata")), change)


def confirm(deps: Deps, client: WebClient, user: str, modal: ModalContext, change: Change) -> None:
    """Tell the person alone what was saved and by when to respond (in the channel they typed in)."""
    person = deps.directory.person(user, client)
    tr = translator(person.locale)
    case = change.case
    reply = next((d for d in case.open_deadlines if d.kind is DeadlineKind.CHARGEBACK_REPLY), None)
    if reply is None:
        return
    text = tr._(
        ":white_check_mark: Chargeback for order `{order_id}` recorded ({amount}). Refund or represent it in "
        "Seller Central (Performance → Chargeback Claims) by {due} ({relative}), then press the matching "
        "button on the case card.",
        order_id=case.order_id, amount=tr.money(case.amount_cents, case.currency),
        due=due_token(reply, tr, deps.settings.zone, person.zone), relative=tr.relative(reply.due_at, deps.clock()))
    tell(client, user=user, channel=modal.channel_id, text=text)


def register(app: App, deps: Deps) -> None:
    app.view(ids.MODAL_CHARGEBACK)(ack=partial(submit, deps), lazy=[heard(deps, announce, SAVED)])
