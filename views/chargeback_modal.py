"""The chargeback modal: Amazon's email, recorded in the order the team reads it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from rules.kinds import ComplaintType
from rules.parsing import SUPPORTED_CURRENCIES
from views import ids
from views.accounts import account_select
from views.i18n import Translator
from views.metadata import ModalContext
from views.text import plain

NOTES_LIMIT = 3000


def complaint_options(tr: Translator) -> list[Option]:
    return [Option(value=complaint.value, label=tr.label(complaint)[:75]) for complaint in ComplaintType]


def currency_options() -> list[Option]:
    return [Option(value=code, label=code) for code in SUPPORTED_CURRENCIES]


def chargeback_modal(
    tr: Translator, *, context: ModalContext, order_id: str | None, today: date, currency: str = "USD",
    zone: ZoneInfo | None = None, amount: str | None = None, email_on: date | None = None,
    email_time: time | None = None, complaint: ComplaintType | None = None, notes: str | None = None,
    places: Sequence[tuple[str, str]] = (), place: str | None = None, reply_days: int = 7,
) -> View:
    """Record Amazon's chargeback email; the reply deadline is computed from the email's date.

    ``zone`` is the team's time zone, in which the optional exact time of the email is read. The other
    optional values prefill the form (from the email itself, when intake read it). ``places`` are the
    seller accounts to choose from; ``reply_days`` the marketplace's reply window (7 on the US pages).
    """
    complaints = complaint_options(tr)
    currencies = currency_options()
    initial_currency = next((o for o in currencies if o.value == currency), currencies[0])
    time_hint = (tr._("Optional. In the team's time zone ({zone}). With it, the reply is due exactly 7 × 24 hours "
                      "later; without it, at the end of the seventh day.", zone=zone.key) if zone else
                 tr._("Optional. In the team's time zone. With it, the reply is due exactly 7 × 24 hours later; "
                      "without it, at the end of the seventh day."))
    days_hint = tr._("The 7 calendar days to respond count from this date.")
    respond = tr._(":alarm_clock: Respond within 7 calendar days of the email date, or Amazon may debit the account.")
    if reply_days != 7:  # another marketplace's window
        time_hint = tr.n_("Optional. In the marketplace's time zone ({zone}). With it, the reply is due exactly "
                          "{count} × 24 hours later; without it, at the end of day {count}.",
                          "Optional. In the marketplace's time zone ({zone}). With it, the reply is due exactly "
                          "{count} × 24 hours later; without it, at the end of day {count}.",
                          reply_days, zone=zone.key if zone else "—")
        days_hint = tr.n_("The {count} calendar day to respond counts from this date.",
                          "The {count} calendar days to respond count from this date.", reply_days)
        respond = tr.n_(":alarm_clock: Respond within {count} calendar day of the email date, or Amazon may debit "
                        "the account.", ":alarm_clock: Respond within {count} calendar days of the email date, or "
                        "Amazon may debit the account.", reply_days)
    blocks = [
        *account_select(tr, places, place),
        InputBlock(
            block_id="order_id", label=plain(tr._("Order ID")),
            hint=plain(tr._("As in Amazon's email or Seller Central: 123-1234567-1234567")),
            element=PlainTextInputElement(action_id="order_id", initial_value=order_id or None,
                                          placeholder=plain("123-1234567-1234567"), max_length=40),
        ),
        InputBlock(
            block_id="amount", label=plain(tr._("Amount")),
            hint=plain(tr._("The chargeback amount in Amazon's email, e.g. 129.99, $129.99 or 1,234.56")),
            element=PlainTextInputElement(action_id="amount", placeholder=plain("129.99"), max_length=32,
                                          initial_value=amount or None),
        ),
        InputBlock(
            block_id="currency", label=plain(tr._("Currency")),
            element=StaticSelectElement(action_id="currency", options=currencies, initial_option=initial_currency),
        ),
        InputBlock(
            block_id="email_on", label=plain(tr._("Date of Amazon's email")),
            hint=plain(days_hint),
            element=DatePickerElement(action_id="email_on", initial_date=(email_on or today).isoformat()),
        ),
        InputBlock(
            block_id="email_time", label=plain(tr._("Time of the email")), optional=True,
            hint=plain(time_hint),
            element=TimePickerElement(action_id="email_time", timezone=zone.key if zone else None,
                                      initial_time=email_time.strftime("%H:%M") if email_time else None),
        ),
        InputBlock(
            block_id="complaint_type", label=plain(tr._("The buyer's claim")),
            element=StaticSelectElement(action_id="complaint_type", options=complaints,
                                        initial_option=next((o for o in complaints if complaint
                                                             and o.value == complaint.value), None),
                                        placeholder=plain(tr._("What the buyer told the card company"))),
        ),
        InputBlock(
            block_id="notes", label=plain(tr._("Notes")), optional=True,
            hint=plain(tr._("For Amazon investigators only — the buyer never sees them.")),
            element=PlainTextInputElement(action_id="notes", multiline=True, max_length=NOTES_LIMIT,
                                          initial_value=notes or None),
        ),
        ContextBlock(elements=[MarkdownTextObject(text=respond)]),
    ]
    return View(
        type="modal", callback_id=ids.MODAL_CHARGEBACK, private_metadata=context.dumps(),
        title=plain(tr._("Record a chargeback")[:24]), submit=plain(tr._("Save")[:24]),
        close=plain(tr._("Cancel")[:24]), blocks=blocks,
    )
