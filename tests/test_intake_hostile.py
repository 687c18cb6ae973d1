"""Hostile emails are read or refused, never a crash (their time is measured by bench/intake_parse.py, not
here): whitespace runs after header names, thousands of header-like lines, tens of thousands of encoded
words, a thousand parts, deep nesting, a 1 MB line. And the patterns that backtracked now read what they
are for."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from intake import EmailKind, Refused, read_email, read_pasted
from intake.reader import quoted_headers
from tests.hostile_emails import CASES

LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hostile_email_is_read_or_refused(name):  # type: ignore[no-untyped-def]
    raw = CASES[name]()
    try:
        reading = read_email(raw, zone=LA)
    except Refused as refused:
        assert refused.code in {"too_large", "too_many_parts", "too_deep", "malformed"}
        return
    assert isinstance(reading.kind, EmailKind)


def test_tens_of_thousands_of_encoded_words_under_the_size_cap_are_refused_before_parsing():  # type: ignore[no-untyped-def]
    subject = "\n ".join(["=?utf-8?q?a?="] * 4000)  # 60 kB of headers: under the header cap
    raw = (f"From: cb-seller-notification@amazon.com\nSubject: {subject}\n\nbody").encode()
    with pytest.raises(Refused) as refused:
        read_email(raw, zone=LA)
    assert refused.value.code == "too_many_parts"


def test_a_quoted_header_line_with_trailing_stars_and_spaces_keeps_its_value():  # type: ignore[no-untyped-def]
    quoted = quoted_headers("> **From:** Amazon <cb-seller-notification@amazon.com>   **\n"
                            "> **Date:** Thu, Nov 5, 2026 at 4:02 PM  \n\nbody")
    assert quoted is not None
    assert (quoted.sender, quoted.date_text) == ("cb-seller-notification@amazon.com", "Thu, Nov 5, 2026 at 4:02 PM")


@pytest.mark.parametrize("text,number", [
    ("SAFE-T claim ID: 1234567890", "1234567890"),
    ("SAFE-T claim # 98765-4321", "98765-4321"),
    ("Claim number 4455667788", "4455667788"),
    ("SAFE-T 索赔编号：5566778899", "5566778899"),
])
def test_claim_numbers_are_still_read_in_each_wording(text, number):  # type: ignore[no-untyped-def]
    reading = read_pasted(f"{text}\nYour SAFE-T claim for order 111-2223334-4445556 has been received.", zone=LA)
    assert reading.claim_number == number
