"""Reports split by seller account: each account's weekly report in its own channel, language and zone,
with its own cases only; `/safet report` in an account's channel shows that account; currencies apart."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from rules.kinds import ComplaintType, SafetReason
from rules.settings import Settings
from store import cases, opening
from store.db import Policy
from sweep.scheduler import sweep
from tests.slack_harness import Clock, running_app
from tests.test_slack_accounts import BOOK
from webapi.client import make_client
from webapi.posting import Pacer

# Monday 30 November 2026: 09:05 in London is 09:05 UTC; 09:05 in Los Angeles is 17:05 UTC.
LONDON_MONDAY_0905 = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
LA_MONDAY_0905 = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)
US_ORDER, UK_ORDER = "111-1111111-1111111", "222-2222222-2222222"


def two_accounts_decided(store) -> None:  # type: ignore[no-untyped-def]
    """Last week: the US account was reimbursed $50 (Trip Credit); the UK account was debited £42.00."""
    claim = opening.open_safet_claim(store, actor="U1", order_id=US_ORDER, reason=SafetReason.TRIP_CREDIT,
                                   now=datetime(2026, 11, 24, 17, tzinfo=UTC), explanation="Not home.",
                                   account="acme-us").case.id
    cases.record_filing(store, claim, actor="U1", now=datetime(2026, 11, 24, 18, tzinfo=UTC))
    cases.record_grant(store, claim, actor="U1", is_lead=False, now=datetime(2026, 11, 26, 18, tzinfo=UTC),
                       amount_cents=5000)
    chargeback = opening.open_chargeback(store, actor="U2", order_id=UK_ORDER, amount_cents=4200, currency="GBP",
                                       now=datetime(2026, 11, 24, 12, tzinfo=UTC),
                                       complaint_type=ComplaintType.NOT_RECEIVED, email_on=date(2026, 11, 24),
                                       account="acme-uk").case.id
    cases.record_debit(store, chargeback, actor="U2", is_lead=False, now=datetime(2026, 11, 27, 12, tzinfo=UTC),
                       amount_cents=4200, reason="no response")


def test_each_account_gets_its_weekly_report_in_its_channel_at_its_hour_with_its_cases_only(store, fake_slack):  # type: ignore[no-untyped-def]
    settings = Settings(api_url=fake_slack.base_url, bot_token="xoxb-test", digest_hour=None, report_day=0,
                        report_hour=9, book=BOOK)
    store.policy = Policy.of(settings)
    two_accounts_decided(store)
    client = make_client(settings)
    for at in (LONDON_MONDAY_0905, LONDON_MONDAY_0905):  # twice: still once
        sweep(store, client, settings, now=at, pacer=Pacer(0))
    uk = fake_slack.uploads("CUK")
    assert len(uk) == 1 and fake_slack.uploads("CUS") == []  # 09:05 in London is 01:05 in Los Angeles
    shown = json.dumps(fake_slack.messages("CUK"), ensure_ascii=False)
    assert shown.count("£42.00") >= 1 and "$50" not in shown and "报告" in shown  # the UK channel reads Chinese

    sweep(store, client, settings, now=LA_MONDAY_0905, pacer=Pacer(0))
    assert len(fake_slack.uploads("CUS")) == 1 and len(fake_slack.uploads("CUK")) == 1
    shown = json.dumps(fake_slack.messages("CUS"), ensure_ascii=False)
    assert "$50.00" in shown and "£" not in shown


def test_safet_report_in_an_accounts_channel_shows_that_account_and_names_it(store, fake_slack):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(datetime(2026, 11, 30, 18, tzinfo=UTC)), book=BOOK) as slack:
        two_accounts_decided(store)
        uk = json.dumps(slack.answer("report month", channel="CUK"), ensure_ascii=False)
        us = json.dumps(slack.answer("report month", channel="CUS"), ensure_ascii=False)
        named = json.dumps(slack.answer("report month acme-uk", channel="CUS"), ensure_ascii=False)
    assert "Acme UK" in uk and "£42.00" in uk and "$50" not in uk
    assert "Acme US" in us and "$50.00" in us and "£" not in us
    assert "Acme UK" in named and "£42.00" in named


def test_the_export_button_of_an_accounts_report_exports_that_accounts_cases_only(store, fake_slack):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(datetime(2026, 11, 30, 18, tzinfo=UTC)), book=BOOK) as slack:
        two_accounts_decided(store)
        answer = slack.answer("report month", channel="CUK")
        [button] = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert button["value"] == "2026-11|acme-uk"
        slack.click(button["action_id"], button["value"], user="U1", channel="CUK")
        slack.fake.wait_for("files.completeUploadExternal", timeout=10)
    [cases_file] = [u for u in fake_slack.uploads() if u.filename.startswith("cases-")]
    exported = (cases_file.content or b"").decode("utf-8-sig")
    assert UK_ORDER in exported and US_ORDER not in exported


def test_a_period_past_the_calendar_is_refused_not_a_crash(store, fake_slack):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(datetime(2026, 11, 30, 18, tzinfo=UTC))) as slack:
        for typed in ("9999-12", "9999-Q4"):
            assert "Unknown period" in slack.answer(f"report {typed}")["text"]
