"""Reading a Finances v0 page (``ListFinancialEventsPayload``) into ledger entries. Amazon's text is outside
text: every field is checked for its type and capped, an event that cannot be read is counted, never guessed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from rules.ledger import EntryKind, LedgerEntry
from rules.parsing import currency_decimals, visible

# Amazon charges a fulfilment fee only on the orders it fulfils (FBA): a refund without one is seller-fulfilled.
FBA_FEES = frozenset({"FBAPerUnitFulfillmentFee", "FBAPerOrderFulfillmentFee", "FBAWeightBasedFee",
                      "FBAFulfillmentFee", "FBAPickAndPackFee"})
MAX_TEXT = 200


@dataclass
class Page:
    entries: list[LedgerEntry] = field(default_factory=list)
    unreadable: int = 0
    """Events of the lists the app reads that lacked a date, an amount or a reference."""


def read_page(payload: Mapping[str, Any]) -> Page:
    """The entries of one page: SAFE-T reimbursements, chargeback debits and credits, refunds."""
    page = Page()
    events = payload.get("FinancialEvents") if isinstance(payload, Mapping) else None
    if not isinstance(events, Mapping):
        return page
    for list_name, reader in _READERS.items():
        items = events.get(list_name)
        if not isinstance(items, list):
            continue
        for item in items:
            entry = reader(item) if isinstance(item, Mapping) else None
            if entry is None:
                page.unreadable += 1
            else:
                page.entries.append(entry)
    return page


def _key(list_name: str, event: Mapping[str, Any]) -> str:
    """Amazon gives an event no id: its content is its identity (the same event read twice, the same key)."""
    canonical = json.dumps([list_name, event], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:40]


def _text(value: Any) -> str:
    return visible(value)[:MAX_TEXT] if isinstance(value, str) else ""


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _money(value: Any) -> tuple[int, str] | None:
    """``Currency`` → (minor units, code); Amazon sends a JSON number (``BigDecimal``)."""
    if not isinstance(value, Mapping):
        return None
    code, amount = value.get("CurrencyCode"), value.get("CurrencyAmount")
    if not isinstance(code, str) or len(code) != 3 or not code.isalpha() or isinstance(amount, bool):
        return None
    try:
        number = Decimal(str(amount))
        decimals = currency_decimals(code.upper())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or abs(number) > Decimal(10) ** 12:
        return None
    minor = (number * (Decimal(10) ** decimals)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return int(minor), code.upper()


def _safet(event: Mapping[str, Any]) -> LedgerEntry | None:
    posted, claim = _when(event.get("PostedDate")), _text(event.get("SAFETClaimId")).strip()
    money = _money(event.get("ReimbursedAmount"))
    if posted is None or not claim or money is None:
        return None
    amount, currency = money
    kind = EntryKind.SAFET_REVERSAL if amount < 0 else EntryKind.SAFET_PAYMENT
    return LedgerEntry(_key("SAFETReimbursementEventList", event), kind, claim, amount, currency, posted,
                       reason=_text(event.get("ReasonCode")))


def _charges(event: Mapping[str, Any]) -> Iterator[Any]:
    """Every charge of a shipment-shaped event: item charges and their adjustments, and order-level ones."""
    for name in ("OrderChargeList", "OrderChargeAdjustmentList"):
        yield from _list(event.get(name))
    for item in _list(event.get("ShipmentItemAdjustmentList")) + _list(event.get("ShipmentItemList")):
        if isinstance(item, Mapping):
            for name in ("ItemChargeList", "ItemChargeAdjustmentList"):
                yield from _list(item.get(name))


def _fees(event: Mapping[str, Any]) -> Iterator[str]:
    for item in _list(event.get("ShipmentItemAdjustmentList")) + _list(event.get("ShipmentItemList")):
        if isinstance(item, Mapping):
            for name in ("ItemFeeList", "ItemFeeAdjustmentList"):
                for fee in _list(item.get(name)):
                    if isinstance(fee, Mapping) and isinstance(fee.get("FeeType"), str):
                        yield fee["FeeType"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _sum(event: Mapping[str, Any]) -> tuple[int, str] | None:
    total, currency = 0, None
    for charge in _charges(event):
        money = _money(charge.get("ChargeAmount")) if isinstance(charge, Mapping) else None
        if money is None:
            return None
        if currency is not None and money[1] != currency:
            return None  # two currencies are never added
        total, currency = total + money[0], money[1]
    return (total, currency) if currency is not None else None


def _shipment(list_name: str, event: Mapping[str, Any]) -> tuple[str, int, str, datetime] | None:
    posted, order = _when(event.get("PostedDate")), _text(event.get("AmazonOrderId")).strip()
    money = _sum(event)
    if posted is None or not order or money is None:
        return None
    return order, money[0], money[1], posted


def _chargeback(event: Mapping[str, Any]) -> LedgerEntry | None:
    read = _shipment("ChargebackEventList", event)
    if read is None:
        return None
    order, amount, currency, posted = read
    kind = EntryKind.CHARGEBACK_DEBIT if amount < 0 else EntryKind.CHARGEBACK_CREDIT
    return LedgerEntry(_key("ChargebackEventList", event), kind, order, amount, currency, posted)


def _refund(event: Mapping[str, Any]) -> LedgerEntry | None:
    read = _shipment("RefundEventList", event)
    if read is None:
        return None
    order, amount, currency, posted = read
    return LedgerEntry(_key("RefundEventList", event), EntryKind.REFUND, order, amount, currency, posted,
                       seller_fulfilled=not (set(_fees(event)) & FBA_FEES))


_READERS = {
    "SAFETReimbursementEventList": _safet,
    "ChargebackEventList": _chargeback,
    "RefundEventList": _refund,
}
