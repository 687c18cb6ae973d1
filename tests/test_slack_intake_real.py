"""A new user forwards Amazon's real notifications to the intake channel (signed events against the fake
Slack): each kind gets the right reply — kind, order, amount and deadline — or, for what is not a case,
silence; a forward from a stranger whose body claims to be Amazon's is not read on its own; an email to the
UK account's address is read on UK bank holidays."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from rules.emails import EmailKind
from rules.settings import DEFAULT_INTAKE_SENDERS
from tests.intake_steps import (
    INTAKE,
    TEAM_MAILBOXES,
    all_text,
    buttons,
    deliver,
    email_event,
    email_file,
    intake_app,
    replies,
)
from tests.slack_harness import Clock, running_app, wait_until
from tests.test_intake_real_emails import EXPECTED, REAL
from views.i18n import Translator


@pytest.fixture
def slack(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with intake_app(store, fake_slack, now) as driver:
        yield driver


def delivered(slack, name: str):  # type: ignore[no-untyped-def]
    file = email_file(slack, (REAL / name).read_bytes(), name=name)
    event = email_event(file)
    assert deliver(slack, event).status == 200
    return file, event


@pytest.mark.parametrize("name", sorted(n for n, f in EXPECTED.items() if f["kind"] != "none" and f["verified"]))
def test_each_case_email_gets_one_reply_with_its_order_amount_and_button(slack, name):  # type: ignore[no-untyped-def]
    expected = EXPECTED[name]
    _, event = delivered(slack, name)
    (reply,) = wait_until(lambda: replies(slack, INTAKE, event["ts"]))
    text = all_text(reply["blocks"])
    (order, cents), = expected["orders"]
    assert f"`{order}`" in text
    (button,) = buttons(reply["blocks"])
    value = json.loads(button["value"])
    assert value["order_id"] == order and value.get("amount_cents") == cents
    wanted = "intake_record_chargeback" if expected["kind"].startswith("chargeback") else "intake_record_claim"
    assert button["action_id"] == wanted
    assert value["kind"] == expected["kind"]
    if expected["sent_at"]:
        assert value["sent_at"] == int(datetime.fromisoformat(expected["sent_at"]).timestamp())
    if expected["kind"] == "chargeback_notice":  # the reply names the deadline: 7 × 24 h from the email
        due = datetime.fromisoformat(expected["sent_at"]) + timedelta(days=7)
        assert f"<!date^{int(due.timestamp())}^" in text
    if expected["reply_by"]:  # Amazon's "Reply by" (or its time frame) is the deadline the reply shows
        assert f"<!date^{int(datetime.fromisoformat(expected['reply_by']).timestamp())}^" in text


@pytest.mark.parametrize("name", ["atoz_claim.eml", "newsletter.eml"])
def test_mail_that_is_not_a_case_gets_no_reply(slack, name):  # type: ignore[no-untyped-def]
    file, event = delivered(slack, name)
    slack.fake.wait_for("files.info", predicate=lambda c: c.args.get("file") == file["id"])
    slack.runtime.after_response.shutdown(wait=True)
    assert replies(slack, INTAKE, event["ts"]) == []


def test_a_strangers_forward_claiming_to_be_amazons_is_not_read_on_its_own(slack):  # type: ignore[no-untyped-def]
    file, event = delivered(slack, "spoofed_forward.eml")
    (hint,) = wait_until(lambda: replies(slack, INTAKE, event["ts"]))
    assert "Not read on its own" in hint["text"] and "helper@example.net" in hint["text"]
    assert not hint.get("blocks") or not buttons(hint["blocks"])
    assert not [c for c in slack.fake.calls("files.info") if c.args.get("file") == file["id"]]


def test_an_email_to_the_uk_accounts_address_is_read_in_its_marketplace(store, fake_slack, now, tmp_path):  # type: ignore[no-untyped-def]
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts.acme-us]\nmarketplaces = ["US"]\nchannel = "CUS"\n'
                        '[accounts.acme-uk]\nmarketplaces = ["UK"]\nchannel = "CUK"\nlocale = "zh_CN"\n'
                        'emails = ["seller-uk@acme-sellers.com"]\n', encoding="utf-8")
    from slack_app.accounts import load_accounts

    book = load_accounts(str(accounts))
    with running_app(store, fake_slack, Clock(now), intake_channel=INTAKE, book=book,
                     intake_senders=(*DEFAULT_INTAKE_SENDERS, *TEAM_MAILBOXES)) as slack:
        _, event = delivered(slack, "safet_grant_uk.eml")
        (reply,) = wait_until(lambda: replies(slack, INTAKE, event["ts"]))
        text = all_text(reply["blocks"])
        assert "£30.00" in text and "SAFE-T" in text
        (button,) = buttons(reply["blocks"])
        assert json.loads(button["value"])["account"] == "acme-uk"
        assert Translator("zh_CN").label(EmailKind.SAFET_DECISION) in text  # the UK account's language
        # An investigator's request sent to the UK address on Christmas Eve: two UK business days skip
        # Christmas and the Boxing Day substitute (Mon 28): due Wed 30 Dec, not the US Tue 29.
        raw = (REAL / "safet_reply_by_en.eml").read_bytes().replace(
            b"To: seller-us@acme-sellers.com", b"To: seller-uk@acme-sellers.com").replace(
            b"Date: Fri, 20 Nov 2026 15:00:00 -0800", b"Date: Thu, 24 Dec 2026 10:00:00 +0000").replace(
            b"Reply by Nov 24, 2026 3:00 PM PST", b"")
        event = email_event(email_file(slack, raw, name="uk-request.eml"))
        deliver(slack, event)
        (reply,) = wait_until(lambda: replies(slack, INTAKE, event["ts"]))
        due = datetime(2026, 12, 30, 10, 0, tzinfo=UTC)
        assert f"<!date^{int(due.timestamp())}^" in all_text(reply["blocks"])
