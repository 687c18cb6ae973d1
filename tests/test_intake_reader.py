"""The reader over the corpus in tests/emails: every kind, English and Chinese, plain and HTML-only, forwarded,
several orders, none, spoofed senders, garbage, broken and oversized MIME. Each file's facts are in expected.json."""

from __future__ import annotations

import contextlib
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from intake import EmailKind, Refused, implied_deadline, is_allowed_sender, read_email, read_pasted
from intake.dates import parse_stated
from intake.letter import MAX_BYTES
from rules.deadlines import DeadlineRule, chargeback_reply
from rules.marketplaces import BUILT_IN
from rules.settings import DEFAULT_INTAKE_SENDERS

CORPUS = Path(__file__).parent / "emails"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
LA = ZoneInfo("America/Los_Angeles")
US = BUILT_IN["US"]  # Los Angeles, US holidays: the marketplace whose rules read these emails


def instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def test_the_corpus_has_every_kind_in_both_languages_and_the_hostile_cases():
    assert len(EXPECTED) >= 30
    real = json.loads((CORPUS / "real" / "expected.json").read_text(encoding="utf-8"))  # Amazon's own wording
    kinds = {facts["kind"] for facts in [*EXPECTED.values(), *real.values()]}
    assert {k.value for k in EmailKind} <= kinds
    assert {"too_many_parts", "malformed"} <= {facts["refused"] for facts in EXPECTED.values()}
    assert any(not facts["allowed"] and facts["kind"] for facts in EXPECTED.values())
    chinese = [name for name in EXPECTED if name.endswith(("_zh.eml", "_zh.txt", "_zh_html.eml"))]
    assert len(chinese) >= 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_email_yields_its_facts(name):
    expected = EXPECTED[name]
    raw = (CORPUS / name).read_bytes()
    if expected["refused"]:
        with pytest.raises(Refused) as refused:
            read_email(raw, zone=LA)
        assert refused.value.code == expected["refused"]
        return
    reading = read_email(raw, zone=LA)
    assert reading.kind == EmailKind(expected["kind"])
    assert [[o.order_id, o.amount_cents] for o in reading.orders] == expected["orders"]
    if expected["orders"] and any(cents for _, cents in expected["orders"]):
        assert reading.currency == expected["currency"]
    assert reading.sent_at == instant(expected["sent_at"])
    assert reading.sent_at_zone_assumed is expected["zone_assumed"]
    assert reading.forwarded is expected["forwarded"]
    assert (reading.complaint.value if reading.complaint else None) == expected["complaint"]
    assert reading.claim_number == expected["claim_number"]
    assert reading.reply_by == instant(expected["reply_by"])
    assert reading.appeal_by == instant(expected["appeal_by"])
    assert reading.granted is expected["granted"]
    assert [m.value for m in reading.missing] == expected["missing"]
    assert is_allowed_sender(reading.sender, DEFAULT_INTAKE_SENDERS) is expected["allowed"]


def test_a_10_mb_email_is_refused_before_it_is_parsed():
    raw = b"From: Amazon <cb-seller-notification@amazon.com>\r\nSubject: Chargeback\r\n\r\n" + b"A" * 10_000_000
    with pytest.raises(Refused) as refused:
        read_email(raw, zone=LA)
    assert refused.value.code == "too_large" and "10000 kB" in refused.value.reason
    with pytest.raises(Refused):
        read_pasted("x" * (MAX_BYTES + 1), zone=LA)


def test_a_deeply_nested_bomb_is_refused_even_under_the_part_count():
    bomb = "".join(f"--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\r\n\r\n" for i in range(20))
    raw = ("From: a@amazon.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"
           + bomb + "Order 111-2223334-4445556\r\n").encode()
    with pytest.raises(Refused) as refused:
        read_email(raw, zone=LA)
    assert refused.value.code == "too_deep"


@pytest.mark.parametrize("name", ["cb_notice_en_html.eml", "cb_notice_fwd_apple.eml", "cb_notice_fwd_attached.eml"])
def test_the_chargeback_deadline_is_the_rules_own_to_the_second_across_dst(name):
    reading = read_email((CORPUS / name).read_bytes(), zone=LA)
    deadline = implied_deadline(reading, US)
    assert deadline is not None and deadline.rule is DeadlineRule.CHARGEBACK_7X24H
    assert deadline.due_at == chargeback_reply(email_at=reading.sent_at, zone=LA).due_at
    assert deadline.due_at - reading.sent_at == timedelta(hours=7 * 24)
    # The wall clock moved by the DST change in between: 7 × 24 h is not "the same time a week later".
    assert deadline.due_at.astimezone(LA).hour != reading.sent_at.astimezone(LA).hour


def test_an_investigator_request_is_due_at_the_earlier_of_two_business_days_and_amazons_reply_by():
    reading = read_email((CORPUS / "safet_info_en.eml").read_bytes(), zone=LA)
    deadline = implied_deadline(reading, US)
    assert deadline is not None and deadline.set_by_amazon
    assert deadline.computed_due_at == datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # Fri 15:00 → Tue 15:00 PT
    assert deadline.due_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # Amazon's Mon 17:00 PT is earlier


def test_the_forwarded_date_wins_over_the_date_of_the_forward():
    reading = read_email((CORPUS / "cb_notice_fwd_gmail.eml").read_bytes(), zone=LA)
    assert reading.sender == "cb-seller-notification@amazon.com"
    assert reading.sent_at == datetime(2026, 11, 10, 0, 5, tzinfo=UTC)


def test_slack_fields_of_an_email_file_read_like_the_message():
    reading = read_pasted("Order ID: 111-2223334-4445556\nAmount: $129.99\nRespond within seven calendar days of "
                          "the email date (chargeback).", zone=LA, subject="Chargeback claim",
                          sender="Amazon <cb-seller-notification@amazon.com>", date="Mon, 02 Nov 2026 09:15:27 -0800")
    assert reading.kind is EmailKind.CHARGEBACK_NOTICE and reading.readable
    assert reading.sent_at == datetime(2026, 11, 2, 17, 15, 27, tzinfo=UTC)


@pytest.mark.parametrize(("address", "allowed"), [
    ("cb-seller-notification@amazon.com", True), ("safet@marketplace.amazon.co.uk", True),
    ("x@amazon.com.evil.ru", False), ("x@evilamazon.com", False), ("x@amaz0n.com", False), ("", False),
    ("amazon.com", False),
])
def test_the_sender_allow_list_takes_domains_and_their_subdomains_only(address, allowed):
    assert is_allowed_sender(address, DEFAULT_INTAKE_SENDERS) is allowed


def test_an_address_on_the_allow_list_is_matched_exactly():
    assert is_allowed_sender("Ops@Acme.com", ("ops@acme.com",))
    assert not is_allowed_sender("other@acme.com", ("ops@acme.com",))


@pytest.mark.parametrize(("text", "expected"), [
    ("Mon, Nov 9, 2026 at 4:05 PM", datetime(2026, 11, 10, 0, 5, tzinfo=UTC)),
    ("Tue, 03 Nov 2026 10:20:00 +0800", datetime(2026, 11, 3, 2, 20, tzinfo=UTC)),
    ("2026年11月3日(星期二) 下午3:20", datetime(2026, 11, 3, 23, 20, tzinfo=UTC)),
    ("Sunday, March 8, 2026 2:30 AM", datetime(2026, 3, 8, 9, 30, tzinfo=UTC)),  # a skipped hour: the earlier
    ("Nov 1, 2026 1:30 AM", datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),  # a repeated hour: the earlier
    ("December 4, 2026", datetime(2026, 12, 5, 8, 0, tzinfo=UTC)),  # a date alone: the end of that day
    ("tomorrow-ish", None), ("13/45/2026", None),
])
def test_dates_are_read_in_the_listed_formats_only(text, expected):
    stated = parse_stated(text, LA)
    assert (stated.at if stated else None) == expected


def test_cut_or_corrupted_emails_are_read_or_refused_never_a_crash():
    rng = random.Random(12)
    for name in sorted(EXPECTED):
        raw = (CORPUS / name).read_bytes()
        for _ in range(12):
            cut = raw[: rng.randrange(len(raw) + 1)]
            noisy = bytearray(raw)
            for _ in range(8):
                noisy[rng.randrange(len(noisy))] = rng.randrange(256)
            for sample in (cut, bytes(noisy)):
                with contextlib.suppress(Refused):
                    read_email(sample, zone=LA)


def test_the_intake_channel_and_senders_come_from_the_environment():
    from slack_app.settings import load_settings

    settings = load_settings({"SAFET_INTAKE_CHANNEL": " CINTAKE ", "SAFET_INTAKE_SENDERS": "Amazon.com; ops@acme.com"},
                             dotenv=False, check_calendar=False)
    assert settings.intake_channel == "CINTAKE"
    assert settings.intake_senders == ("amazon.com", "ops@acme.com")
    assert load_settings({}, dotenv=False, check_calendar=False).intake_senders == DEFAULT_INTAKE_SENDERS


def test_the_intake_migration_upgrades_and_downgrades(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from store.db import alembic_config, current_revision, upgrade

    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url, "0003")  # later revisions (0006 accounts) come after it
    assert current_revision(url) == "0003"
    assert "intake_reads" in inspect(create_engine(url)).get_table_names()
    command.downgrade(alembic_config(url), "0001")
    assert "intake_reads" not in inspect(create_engine(url)).get_table_names()
    upgrade(url, "0003")
    assert current_revision(url) == "0003"
