"""The words of the domain: case kinds, SAFE-T reasons, complaint types, states, actions."""

from __future__ import annotations

from enum import StrEnum

from .text import N_


class CaseKind(StrEnum):
    SAFET = "safet"
    CHARGEBACK = "chargeback"


class SafetProgram(StrEnum):
    """The two kinds of order a SAFE-T claim is for: one flow, each its own reasons, fields and checklists."""

    SELLER_FULFILLED = "seller_fulfilled"
    """A seller-fulfilled product order: a return that came back wrong, never came back, or was lost."""
    SELLING_SERVICES = "selling_services"
    """A Selling Services order (a service appointment): the source page's four reasons (seed 000)."""


class SafetReason(StrEnum):
    """The reasons Seller Central offers: four for Selling Services orders (seed 000), six for seller-fulfilled
    product orders (domain.md, "SAFE-T claims for seller-fulfilled orders")."""

    TRIP_CREDIT = "trip_credit"
    PENALTY_FEE = "penalty_fee"
    CANCELLED_INCORRECTLY = "cancelled_incorrectly"
    SECOND_APPOINTMENT = "second_appointment"
    RETURNED_DAMAGED = "returned_damaged"
    RETURNED_DIFFERENT = "returned_different"
    RETURNED_INCOMPLETE = "returned_incomplete"
    REFUNDED_NOT_RETURNED = "refunded_not_returned"
    RETURN_LOST = "return_lost"
    OTHER_PRODUCT = "other_product"

    @property
    def program(self) -> SafetProgram:
        return SafetProgram.SELLING_SERVICES if self in _SERVICES else SafetProgram.SELLER_FULFILLED


_SERVICES = frozenset({SafetReason.TRIP_CREDIT, SafetReason.PENALTY_FEE, SafetReason.CANCELLED_INCORRECTLY,
                       SafetReason.SECOND_APPOINTMENT})


def reasons_of(program: SafetProgram) -> tuple[SafetReason, ...]:
    return tuple(reason for reason in SafetReason if reason.program is program)


class ComplaintType(StrEnum):
    """What the buyer told the card company (common chargeback claims)."""

    NOT_RECEIVED = "not_received"
    MATERIALLY_DIFFERENT = "materially_different"
    UNAUTHORIZED = "unauthorized"
    NOT_RECOGNISED = "not_recognised"
    OTHER = "other"


class State(StrEnum):
    # SAFE-T claims
    PREPARING = "preparing"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    FILED = "filed"
    INFO_REQUESTED = "info_requested"
    ANSWERED = "answered"
    REIMBURSED = "reimbursed"
    DENIED = "denied"
    APPEALED = "appealed"
    AUTO_CLOSED = "auto_closed"
    WITHDRAWN = "withdrawn"
    # Chargebacks (INFO_REQUESTED, ANSWERED, AWAITING_APPROVAL, APPROVED, WITHDRAWN are shared)
    ACTION_REQUIRED = "action_required"
    REFUNDED = "refunded"
    REPRESENTED = "represented"
    DEBITED = "debited"
    NO_DEBIT = "no_debit"
    WON = "won"
    DISPUTED = "disputed"
    DEBIT_REVERSED = "debit_reversed"
    DEBIT_UPHELD = "debit_upheld"
    # A seller-fulfilled claim whose filing window closed before it was filed: Amazon refuses it, the money is lost.
    NOT_FILED_IN_TIME = "not_filed_in_time"


class Action(StrEnum):
    SUBMIT_FOR_APPROVAL = "submit_for_approval"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    FILE = "file"
    LOG_INFO_REQUEST = "log_info_request"
    ANSWER = "answer"
    GRANT = "grant"
    DENY = "deny"
    APPEAL = "appeal"
    AUTO_CLOSE = "auto_close"
    WITHDRAW = "withdraw"
    REFUND = "refund"
    REPRESENT = "represent"
    RECORD_DEBIT = "record_debit"
    RECORD_WIN = "record_win"
    PRESUME_NO_DEBIT = "presume_no_debit"
    DISPUTE = "dispute"
    DISPUTE_REVERSED = "dispute_reversed"
    DISPUTE_UPHELD = "dispute_upheld"
    RECORD_PAYMENT = "record_payment"
    """Amazon's ledger shows a payment on a claim recorded denied or closed (an appeal won, a late decision)."""
    RECORD_CREDIT = "record_credit"
    """Amazon's ledger shows a debited chargeback credited back."""
    MISS_FILING_WINDOW = "miss_filing_window"
    """The filing window closed before the claim was filed in Seller Central."""


class Mood(StrEnum):
    """Who the case waits on, the same colour everywhere (card, App Home, digests)."""

    ON_US = "on_us"
    ON_AMAZON = "on_amazon"
    WON = "won"
    LOST = "lost"
    CLOSED = "closed"


class SellerCentralTab(StrEnum):
    """Where the case sits in Seller Central's own pages (domain.md)."""

    NOT_FILED = "not_filed"
    AWAITING_SELLER_RESPONSE = "awaiting_seller_response"
    UNDER_INVESTIGATION = "under_investigation"
    RESOLVED = "resolved"
    ACTION_REQUIRED = "action_required"
    ALL = "all"


KIND_LABELS = {
    CaseKind.SAFET: N_("SAFE-T claim"),
    CaseKind.CHARGEBACK: N_("Chargeback"),
}

REASON_LABELS = {
    SafetReason.TRIP_CREDIT: N_("Trip Credit (appointment could not be completed)"),
    SafetReason.PENALTY_FEE: N_("Disputed penalty fee"),
    SafetReason.CANCELLED_INCORRECTLY: N_("Order cancelled unintentionally or incorrectly"),
    SafetReason.SECOND_APPOINTMENT: N_("Pre-approved second appointment"),
    SafetReason.RETURNED_DAMAGED: N_("Returned damaged or defective"),
    SafetReason.RETURNED_DIFFERENT: N_("Returned a different or swapped item"),
    SafetReason.RETURNED_INCOMPLETE: N_("Returned used, or with parts missing"),
    SafetReason.REFUNDED_NOT_RETURNED: N_("Refunded, but the item never came back"),
    SafetReason.RETURN_LOST: N_("Return lost in transit"),
    SafetReason.OTHER_PRODUCT: N_("Other"),
}

PROGRAM_LABELS = {
    SafetProgram.SELLER_FULFILLED: N_("Seller-fulfilled product order"),
    SafetProgram.SELLING_SERVICES: N_("Selling Services order (service appointment)"),
}

COMPLAINT_LABELS = {
    ComplaintType.NOT_RECEIVED: N_("Item not received"),
    ComplaintType.MATERIALLY_DIFFERENT: N_("Materially different or defective"),
    ComplaintType.UNAUTHORIZED: N_("Unauthorized (stolen card)"),
    ComplaintType.NOT_RECOGNISED: N_("Charge not recognised"),
    ComplaintType.OTHER: N_("Other"),
}

STATE_LABELS = {
    State.PREPARING: N_("Being prepared"),
    State.AWAITING_APPROVAL: N_("Waiting for a lead's approval"),
    State.APPROVED: N_("Approved, ready to submit"),
    State.FILED: N_("Filed in Seller Central"),
    State.INFO_REQUESTED: N_("Information requested"),
    State.ANSWERED: N_("Answered"),
    State.REIMBURSED: N_("Reimbursed (Grant)"),
    State.DENIED: N_("Denied (No-Grant)"),
    State.APPEALED: N_("Appealed"),
    State.AUTO_CLOSED: N_("Closed automatically"),
    State.WITHDRAWN: N_("Withdrawn"),
    State.ACTION_REQUIRED: N_("Action required"),
    State.REFUNDED: N_("Refunded"),
    State.REPRESENTED: N_("Represented"),
    State.DEBITED: N_("Debited"),
    State.NO_DEBIT: N_("No debit (presumed in our favour)"),
    State.WON: N_("Won"),
    State.DISPUTED: N_("Debit disputed"),
    State.DEBIT_REVERSED: N_("Debit reversed"),
    State.DEBIT_UPHELD: N_("Debit upheld"),
    State.NOT_FILED_IN_TIME: N_("Not filed in time"),
}

ACTION_LABELS = {
    Action.SUBMIT_FOR_APPROVAL: N_("Ask a lead to approve"),
    Action.APPROVE: N_("Approve"),
    Action.SEND_BACK: N_("Send back"),
    Action.FILE: N_("Mark as submitted"),
    Action.LOG_INFO_REQUEST: N_("Information requested"),
    Action.ANSWER: N_("Answered"),
    Action.GRANT: N_("Reimbursed"),
    Action.DENY: N_("Denied"),
    Action.APPEAL: N_("Appeal"),
    Action.AUTO_CLOSE: N_("Close automatically"),
    Action.WITHDRAW: N_("Withdraw"),
    Action.REFUND: N_("Refund"),
    Action.REPRESENT: N_("Represent"),
    Action.RECORD_DEBIT: N_("Debited"),
    Action.RECORD_WIN: N_("Won"),
    Action.PRESUME_NO_DEBIT: N_("No debit by the end of the window"),
    Action.DISPUTE: N_("Dispute the debit"),
    Action.DISPUTE_REVERSED: N_("Dispute won"),
    Action.DISPUTE_UPHELD: N_("Dispute lost"),
    Action.RECORD_PAYMENT: N_("Paid by Amazon"),
    Action.RECORD_CREDIT: N_("Credited back by Amazon"),
    Action.MISS_FILING_WINDOW: N_("Not filed in time"),
}

TAB_LABELS = {
    SellerCentralTab.NOT_FILED: N_("Not in Seller Central yet"),
    SellerCentralTab.AWAITING_SELLER_RESPONSE: N_("Awaiting Seller Response"),
    SellerCentralTab.UNDER_INVESTIGATION: N_("Under Investigation"),
    SellerCentralTab.RESOLVED: N_("Resolved"),
    SellerCentralTab.ACTION_REQUIRED: N_("Action Required"),
    SellerCentralTab.ALL: N_("All"),
}
