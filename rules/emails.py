"""What intake read in one of Amazon's emails: plain records (the reader is ``intake``; views draw these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .kinds import Action, CaseKind, ComplaintType
from .text import N_


class EmailKind(StrEnum):
    CHARGEBACK_NOTICE = "chargeback_notice"
    CHARGEBACK_INFO_REQUEST = "chargeback_info_request"
    CHARGEBACK_DEBIT = "chargeback_debit"
    CHARGEBACK_WON = "chargeback_won"
    """The funding decision in the seller's favour: nothing debited, the chargeback's clock ends."""
    SAFET_CONFIRMATION = "safet_confirmation"
    SAFET_INFO_REQUEST = "safet_info_request"
    SAFET_DECISION = "safet_decision"
    NONE = "none"

    @property
    def is_chargeback(self) -> bool:
        return self.value.startswith("chargeback")

    @property
    def is_safet(self) -> bool:
        return self.value.startswith("safet")


class Missing(StrEnum):
    """A fact the email's kind needs that was not found."""

    ORDER_ID = "order_id"
    AMOUNT = "amount"
    SENT_AT = "sent_at"
    STATED_DUE = "stated_due"
    DECISION = "decision"
    KIND = "kind"


@dataclass(frozen=True)
class OrderFact:
    order_id: str
    amount_cents: int | None = None


@dataclass(frozen=True)
class Reading:
    """What one email says. Every instant is aware UTC; money in minor units with its currency."""

    kind: EmailKind
    orders: tuple[OrderFact, ...] = ()
    currency: str | None = None
    sent_at: datetime | None = None
    """The email's own instant: the forwarded original's, not the forward's."""
    sent_at_zone_assumed: bool = False
    forwarded: bool = False
    sender: str = ""
    """The original sender (of the forwarded email when there is one): what the email claims, not proof."""
    mailbox: str = ""
    """Who actually sent the message that arrived (a forward's own sender): the one that can be checked."""
    recipients: tuple[str, ...] = ()
    """Whom Amazon wrote to (a forward's original ``To``): which seller account the email is for."""
    subject: str = ""
    complaint: ComplaintType | None = None
    claim_number: str | None = None
    reply_by: datetime | None = None
    appeal_by: datetime | None = None
    granted: bool | None = None
    missing: tuple[Missing, ...] = field(default=())

    @property
    def order_ids(self) -> tuple[str, ...]:
        return tuple(o.order_id for o in self.orders)

    @property
    def amount_cents(self) -> int | None:
        return self.orders[0].amount_cents if len(self.orders) == 1 else None

    @property
    def readable(self) -> bool:
        return self.kind is not EmailKind.NONE and not self.missing


KIND_LABELS = {
    EmailKind.CHARGEBACK_NOTICE: N_("Chargeback notification"),
    EmailKind.CHARGEBACK_INFO_REQUEST: N_("Chargeback: request for more information"),
    EmailKind.CHARGEBACK_DEBIT: N_("Chargeback: debit notice"),
    EmailKind.CHARGEBACK_WON: N_("Chargeback: decided in your favour"),
    EmailKind.SAFET_CONFIRMATION: N_("SAFE-T claim confirmation"),
    EmailKind.SAFET_INFO_REQUEST: N_("SAFE-T: investigator's request (Reply by)"),
    EmailKind.SAFET_DECISION: N_("SAFE-T decision"),
    EmailKind.NONE: N_("Not a chargeback or SAFE-T email"),
}

MISSING_LABELS = {
    Missing.ORDER_ID: N_("no order ID found"),
    Missing.AMOUNT: N_("no amount found"),
    Missing.SENT_AT: N_("the email's date and time not found"),
    Missing.STATED_DUE: N_("no deadline stated by Amazon found"),
    Missing.DECISION: N_("no Grant / No-Grant found"),
    Missing.KIND: N_("not one of Amazon's chargeback or SAFE-T emails"),
}


def case_kind_of(kind: EmailKind) -> CaseKind | None:
    """Which kind of case an email is about."""
    if kind.is_chargeback:
        return CaseKind.CHARGEBACK
    if kind.is_safet:
        return CaseKind.SAFET
    return None


def next_action(reading: Reading, legal: list[Action]) -> Action | None:
    """What the email asks the team to record on its existing case, if the case can take it now."""
    wanted = {
        EmailKind.CHARGEBACK_INFO_REQUEST: Action.LOG_INFO_REQUEST,
        EmailKind.SAFET_INFO_REQUEST: Action.LOG_INFO_REQUEST,
        EmailKind.CHARGEBACK_DEBIT: Action.RECORD_DEBIT,
        EmailKind.CHARGEBACK_WON: Action.RECORD_WIN,
        EmailKind.SAFET_CONFIRMATION: Action.FILE,
        EmailKind.SAFET_DECISION: {True: Action.GRANT, False: Action.DENY}.get(reading.granted)  # type: ignore[arg-type]
        if reading.granted is not None else None,
    }.get(reading.kind)
    return wanted if wanted in legal else None
