"""What to attach, per SAFE-T reason and per chargeback complaint (seeds 000 and 002; seller-fulfilled orders:
domain.md and what sellers attach to such claims)."""

from __future__ import annotations

from .errors import not_offered
from .kinds import ComplaintType, SafetReason
from .text import N_

SERVICE_ORDER_ID = N_("Service order ID")
PRODUCT_ORDER_ID = N_("Product order ID, if different from the service order ID")
PROOF_OF_WORK = N_("Proof the work was done (customer-approved photos or videos, messages)")
PROMO_ERROR = N_("Proof of a promotion pricing error that affected your payment")
DEFECTIVE_PRODUCT = N_("Proof of the defective product (approved A-to-z claim, photos, videos)")
OVERTURN_PENALTY = N_("Proof supporting overturning the penalty (photos, buyer-seller messages)")
SECOND_VISIT_DONE = N_("Proof the pre-approved second appointment was completed")
ANYTHING_ELSE = N_("Anything else that supports the claim")

# Seller-fulfilled product orders (domain.md): what the return shows, and the dates that start the filing window.
ITEM_PHOTOS = N_("Photos of the returned item, its packaging and the return label")
RETURN_TRACKING = N_("Return tracking number")
SERIAL_NUMBERS = N_("Serial numbers (as sent and as returned)")
REFUND_DATE = N_("The refund date (Orders → Manage Returns, or the refund in Payments)")
INVOICE = N_("The order's invoice")
CARRIER_LAST_SCAN = N_("The carrier's tracking history with its last scan")
NOT_RETURNED = N_("Tracking with no delivery scan at your warehouse (never returned)")

SAFET_CHECKLISTS: dict[SafetReason, tuple[str, ...]] = {
    SafetReason.RETURNED_DAMAGED: (ITEM_PHOTOS, RETURN_TRACKING, SERIAL_NUMBERS, REFUND_DATE, INVOICE, ANYTHING_ELSE),
    SafetReason.RETURNED_DIFFERENT: (ITEM_PHOTOS, SERIAL_NUMBERS, RETURN_TRACKING, REFUND_DATE, INVOICE,
                                     ANYTHING_ELSE),
    SafetReason.RETURNED_INCOMPLETE: (ITEM_PHOTOS, RETURN_TRACKING, SERIAL_NUMBERS, REFUND_DATE, INVOICE,
                                      ANYTHING_ELSE),
    SafetReason.REFUNDED_NOT_RETURNED: (REFUND_DATE, NOT_RETURNED, RETURN_TRACKING, INVOICE, ANYTHING_ELSE),
    SafetReason.RETURN_LOST: (RETURN_TRACKING, CARRIER_LAST_SCAN, REFUND_DATE, INVOICE, ANYTHING_ELSE),
    SafetReason.OTHER_PRODUCT: (ITEM_PHOTOS, RETURN_TRACKING, REFUND_DATE, INVOICE, ANYTHING_ELSE),
    SafetReason.TRIP_CREDIT: (SERVICE_ORDER_ID, PRODUCT_ORDER_ID, PROOF_OF_WORK, DEFECTIVE_PRODUCT,
                              ANYTHING_ELSE),
    SafetReason.PENALTY_FEE: (SERVICE_ORDER_ID, PRODUCT_ORDER_ID, OVERTURN_PENALTY, PROOF_OF_WORK,
                              ANYTHING_ELSE),
    SafetReason.CANCELLED_INCORRECTLY: (SERVICE_ORDER_ID, PRODUCT_ORDER_ID, PROOF_OF_WORK, PROMO_ERROR,
                                        ANYTHING_ELSE),
    SafetReason.SECOND_APPOINTMENT: (SERVICE_ORDER_ID, PRODUCT_ORDER_ID, SECOND_VISIT_DONE, PROOF_OF_WORK,
                                     ANYTHING_ELSE),
}

SHIPPING = N_("Shipping date, shipping method and tracking information")
ITEM_DETAILS = N_("The item as listed and as sent (the buyer says it is materially different)")
BUYER_MESSAGES = N_("All correspondence with the buyer")
DELIVERY_PROOF = N_("Proof of delivery (signature or carrier scan)")

CHARGEBACK_CHECKLISTS: dict[ComplaintType, tuple[str, ...]] = {
    ComplaintType.NOT_RECEIVED: (SHIPPING, DELIVERY_PROOF, BUYER_MESSAGES),
    ComplaintType.MATERIALLY_DIFFERENT: (SHIPPING, ITEM_DETAILS, BUYER_MESSAGES),
    ComplaintType.UNAUTHORIZED: (SHIPPING, DELIVERY_PROOF, BUYER_MESSAGES),
    ComplaintType.NOT_RECOGNISED: (SHIPPING, BUYER_MESSAGES),
    ComplaintType.OTHER: (SHIPPING, BUYER_MESSAGES),
}

# What a claim cannot do without, per reason (the app's reading of seed 000's "depending on the situation"):
# the service order ID, and the proof the reason rests on. The rest is attached when the situation has it.
REQUIRED_DOCUMENTS: dict[SafetReason, tuple[str, ...]] = {
    SafetReason.TRIP_CREDIT: (SERVICE_ORDER_ID, PROOF_OF_WORK),
    SafetReason.PENALTY_FEE: (SERVICE_ORDER_ID, OVERTURN_PENALTY),
    SafetReason.CANCELLED_INCORRECTLY: (SERVICE_ORDER_ID, PROOF_OF_WORK),
    SafetReason.SECOND_APPOINTMENT: (SERVICE_ORDER_ID, SECOND_VISIT_DONE),
    SafetReason.RETURNED_DAMAGED: (ITEM_PHOTOS, RETURN_TRACKING),
    SafetReason.RETURNED_DIFFERENT: (ITEM_PHOTOS, SERIAL_NUMBERS),
    SafetReason.RETURNED_INCOMPLETE: (ITEM_PHOTOS, RETURN_TRACKING),
    SafetReason.REFUNDED_NOT_RETURNED: (REFUND_DATE, NOT_RETURNED),
    SafetReason.RETURN_LOST: (RETURN_TRACKING, CARRIER_LAST_SCAN),
    SafetReason.OTHER_PRODUCT: (ITEM_PHOTOS,),
}


def required_documents(reason: SafetReason) -> tuple[str, ...]:
    """The checklist items (message IDs) a claim for ``reason`` should not be filed without."""
    return REQUIRED_DOCUMENTS[reason]


def chosen_items(items: tuple[str, ...], values: list[str], *, field: str = "checklist") -> list[str]:
    """The checklist items a form's checkboxes chose (their values are positions in ``items``); a value the
    form never offered is refused on its field."""
    chosen = []
    for value in values:
        if not (value.isascii() and value.isdigit()) or int(value) >= len(items):
            raise not_offered(field)
        if items[int(value)] not in chosen:
            chosen.append(items[int(value)])
    return chosen
