"""What the team really types: order IDs and amounts pasted from Seller Central, email and chat.

Input is normalised (Unicode NFKC, trimmed) before it is validated, and only the ASCII form is
kept. ``[0-9]`` with ``re.ASCII``, never a bare ``\\d``: that matches every script's digits.
"""

from __future__ import annotations

import re
import unicodedata

from babel.numbers import get_currency_precision

from .errors import DomainError
from .text import N_

USER_ID = re.compile(r"[UW][A-Z0-9]+", re.ASCII)
"""A Slack user ID (``U…``, or ``W…`` on Enterprise Grid)."""
ORDER_ID = re.compile(r"[0-9]{3}-[0-9]{7}-[0-9]{7}", re.ASCII)
# Dashes that NFKC leaves alone but that chat and word processors put in pasted IDs.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"
_TO_HYPHEN = dict.fromkeys(map(ord, DASHES), "-")
# An order ID inside running text (an email, a message), any of those dashes between its groups; run
# on NFKC-normalised text, so full-width digits and the full-width hyphen already read as ASCII.
ORDER_IN_TEXT = re.compile(rf"(?<![0-9])[0-9]{{3}}[-{DASHES}][0-9]{{7}}[-{DASHES}][0-9]{{7}}(?![0-9])", re.ASCII)
_AMOUNT = re.compile(r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?", re.ASCII)
# A symbol and the currencies it can stand for.
_SYMBOLS = {"$": ("USD", "CAD", "AUD", "MXN"), "US$": ("USD",), "€": ("EUR",), "£": ("GBP",), "¥": ("JPY", "CNY"),
            "CA$": ("CAD",), "C$": ("CAD",), "A$": ("AUD",), "MX$": ("MXN",), "₹": ("INR",)}

SUPPORTED_CURRENCIES = ("USD", "CAD", "MXN", "EUR", "GBP", "JPY", "CNY", "AUD", "INR", "AED")
MAX_WHOLE_UNITS = 10_000_000
"""No chargeback or claim is this large; a bigger number is a typo. It also keeps every amount in minor
units within a 32-bit integer column (10,000,000.00 is 1,000,000,000 cents)."""


INVISIBLE = (
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi marks, overrides
    "\u200b\u200c\u200d\u2060\u180e\ufeff\u00ad"  # zero-width spaces and joiners, word joiner, BOM, soft hyphen
)
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def visible(text: str) -> str:
    """``text`` without the characters that change how it reads but show nothing (a right-to-left override
    turns "invoice\u202egnp.exe" into "invoiceexe.png" on screen): from every name and text a person types."""
    return text.translate(_INVISIBLE)


def normalize(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def order_text(raw: str | None) -> str:
    """Pasted order text as ASCII as it can be made: NFKC, any dash, no spaces (for search too)."""
    return normalize(raw).translate(_TO_HYPHEN).replace(" ", "")


def find_order_ids(text: str | None) -> list[str]:
    """Every Amazon order ID in running text (ASCII or full-width digits, any dash), in ASCII form,
    each once, in the order they appear."""
    found: list[str] = []
    for match in ORDER_IN_TEXT.finditer(normalize(text)):
        order_id = match.group(0).translate(_TO_HYPHEN)
        if order_id not in found:
            found.append(order_id)
    return found


def parse_order_id(raw: str | None, *, field: str = "order_id") -> str:
    """The ASCII order ID in ``raw``, or a field error saying the expected format."""
    text = order_text(raw)
    if not text:
        raise DomainError(N_("Enter the order ID."), field=field)
    if not ORDER_ID.fullmatch(text):
        raise DomainError(N_("Use the order format 123-1234567-1234567."), field=field)
    return text


def parse_optional_order_id(raw: str | None, *, field: str) -> str | None:
    return parse_order_id(raw, field=field) if normalize(raw) else None


ENTER_AMOUNT = N_("Enter the amount.")
PICK_INSTANT = N_("Pick a date and time.")


def currency_decimals(currency: str) -> int:
    return get_currency_precision(currency)


def parse_amount(raw: str | None, currency: str, *, field: str = "amount") -> int:
    """An amount in minor units (cents for USD): ``129.99``, ``$129.99``, ``1,234.56``, full-width digits.

    A currency has a fixed number of decimals; more, a negative sign or anything else is an
    error, never a guess.
    """
    text = normalize(raw).replace(" ", "")
    if not text:
        raise DomainError(ENTER_AMOUNT, field=field)
    upper = text.upper()
    for symbol, codes in sorted(_SYMBOLS.items(), key=lambda item: -len(item[0])):
        if upper.startswith(symbol):
            if currency not in codes:
                raise DomainError(N_("The amount's symbol does not match the currency {currency}."),
                                  field=field, currency=currency)
            text = text[len(symbol):]
            break
    if text.upper().endswith(currency):
        text = text[: -len(currency)]
    match = _AMOUNT.fullmatch(text)
    decimals = currency_decimals(currency)
    if not match or len(match["frac"] or "") > decimals:
        raise DomainError(
            N_("Write the amount like {example} ({currency}, at most {decimals} decimals)."),
            field=field, example="1,234.56" if decimals else "1,234", currency=currency, decimals=decimals,
        )
    whole = int(match["int"].replace(",", ""))
    fraction = (match["frac"] or "").ljust(decimals, "0")
    cents = whole * 10**decimals + (int(fraction) if fraction else 0)
    if cents <= 0:
        raise DomainError(N_("The amount must be more than zero."), field=field)
    if cents > MAX_WHOLE_UNITS * 10**decimals:
        raise DomainError(N_("That amount is too large: at most {limit}. Check the digits."), field=field,
                          limit=f"{MAX_WHOLE_UNITS:,} {currency}")
    return cents
