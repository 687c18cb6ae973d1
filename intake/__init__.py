"""Reading Amazon's emails: which kind each is and the facts in it. Pure: the ``email`` package and the rules.

``read_email`` takes a real message (an ``.eml``, Slack's email file), ``read_pasted`` text a person pasted
or Slack's own fields of an email file; both give a ``Reading`` or raise ``Refused``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rules.accounts import Account, AccountBook
from rules.emails import EmailKind, Missing, OrderFact, Reading

from .letter import MAX_BYTES, Letter, Refused, read_bytes, read_text
from .reader import implied_deadline, is_allowed_sender, is_verified, read_letter
from .senders import looks_like_amazon

__all__ = ["MAX_BYTES", "EmailKind", "Letter", "Missing", "OrderFact", "Reading", "Refused", "implied_deadline",
           "is_allowed_sender", "is_verified", "looks_like_amazon", "read_email", "read_for_account", "read_pasted"]


def read_for_account(letter: Letter, book: AccountBook, channel: str | None = None) -> tuple[Reading, Account]:
    """The email read in its seller account's marketplace (zone for dates without one, currency for a bare
    "$"): the account Amazon wrote to, else the one whose intake channel it arrived in, else the default."""
    default = book.market_of(None)
    reading = read_letter(letter, zone=default.zone, default_currency=default.currency)
    account = book.for_email(reading.recipients, channel)
    market = book.market_of(account.key)
    if (market.zone, market.currency) != (default.zone, default.currency):
        reading = read_letter(letter, zone=market.zone, default_currency=market.currency)
    return reading, account


def read_email(raw: bytes, *, zone: ZoneInfo, default_currency: str = "USD", subject: str = "", sender: str = "",
               date: str | None = None) -> Reading:
    """A file's bytes: an RFC 5322 message when they look like one, else an HTML or text body, read with the
    ``subject``, ``sender`` and ``date`` (its ``Date`` header) given beside it."""
    return read_letter(read_bytes(raw, subject=subject, sender=sender, date=date), zone=zone,
                       default_currency=default_currency)


def read_pasted(text: str, *, zone: ZoneInfo, subject: str = "", sender: str = "", date: str | None = None,
                default_currency: str = "USD") -> Reading:
    """Text as a person pasted it, or Slack's fields of an email file (``date`` is its ``Date`` header)."""
    return read_letter(read_text(text, subject=subject, sender=sender, date=date), zone=zone,
                       default_currency=default_currency)
