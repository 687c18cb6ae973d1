"""Amazon's emails as Amazon really writes them (tests/emails/real/, wording from Amazon's help pages and
what sellers quote, see its README): each yields its kind, orders, amounts, dates and sender, whether it
came straight from Amazon or forwarded from Gmail, Outlook, Apple Mail or a Chinese client."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from intake import EmailKind, is_verified, read_for_account
from intake.letter import read_bytes
from rules.accounts import Account, AccountBook
from rules.marketplaces import BUILT_IN
from rules.settings import DEFAULT_INTAKE_SENDERS

REAL = Path(__file__).parent / "emails" / "real"
EXPECTED: dict[str, dict] = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
ALLOWED = (*DEFAULT_INTAKE_SENDERS, "acme-sellers.com", "acme-sellers.cn")
BOOK = AccountBook((Account("acme-us", "Acme US", ("US",)),
                    Account("acme-uk", "Acme UK", ("UK",), emails=("seller-uk@acme-sellers.com",))),
                   (BUILT_IN["US"], BUILT_IN["UK"]))


def instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def test_the_real_corpus_covers_every_sender_style_and_language():  # type: ignore[no-untyped-def]
    assert len(EXPECTED) >= 20
    assert {k.value for k in EmailKind} <= {f["kind"] for f in EXPECTED.values()}
    assert sum(1 for name in EXPECTED if "_zh" in name) >= 5
    assert {n for n in EXPECTED if "_fwd_" in n} >= {"cb_new_fwd_gmail.eml", "cb_new_fwd_outlook.eml",
                                                      "cb_new_fwd_apple.eml", "cb_new_fwd_qq_zh.eml"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_email_yields_its_facts(name):  # type: ignore[no-untyped-def]
    expected = EXPECTED[name]
    reading, _account = read_for_account(read_bytes((REAL / name).read_bytes()), BOOK)
    assert reading.kind.value == expected["kind"]
    assert [[o.order_id, o.amount_cents] for o in reading.orders] == expected["orders"]
    if expected["orders"] and any(cents for _, cents in expected["orders"]):
        assert reading.currency == expected["currency"]
    assert reading.sent_at == instant(expected["sent_at"])
    assert reading.reply_by == instant(expected["reply_by"])
    assert reading.appeal_by == instant(expected["appeal_by"])
    assert reading.granted is expected["granted"]
    assert reading.claim_number == expected["claim_number"]
    assert reading.sender == expected["sender"]
    assert reading.forwarded is expected["forwarded"]
    assert is_verified(reading, ALLOWED) is expected["verified"]


def test_an_email_to_the_uk_accounts_address_is_read_as_the_uk_accounts():  # type: ignore[no-untyped-def]
    reading, account = read_for_account(read_bytes((REAL / "safet_grant_uk.eml").read_bytes()), BOOK)
    assert account.key == "acme-uk" and reading.currency == "GBP"
    _, us = read_for_account(read_bytes((REAL / "safet_grant_en.eml").read_bytes()), BOOK)
    assert us.key == "acme-us"
