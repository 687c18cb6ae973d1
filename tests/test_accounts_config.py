"""The accounts file: what it reads, every mistake on its own line, today's settings as the default account,
`safet accounts`, and the rule line each marketplace's deadlines carry."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rules.accounts import DEFAULT_ACCOUNT
from rules.deadlines import DeadlineStatus
from rules.marketplaces import BUILT_IN
from rules.records import DeadlineRecord
from slack_app.config import ConfigError
from slack_app.settings import load_settings
from views.i18n import Translator
from views.text import rule_text

GOOD = """
[accounts.default]
name = "Acme US"
marketplaces = ["US", "CA"]
channel = "CUS00001"
leads = ["ULEAD0001", "SLEADS001"]

[accounts.acme-uk]
name = "Acme UK"
marketplaces = ["UK"]
channel = "CUK00001"
leads = ["ULEAD0002"]
locale = "zh_CN"
digest_hour = 8

[accounts.acme-sa]
name = "Acme Saudi"
marketplaces = ["SA"]
digest_hour = false

[marketplaces.UK]
safet_info_business_days = 3
source = "our reading of the UK page, 2026-11"

[marketplaces.SA]
like = "AE"
timezone = "Asia/Riyadh"
holidays = "SA"
currency = "SAR"
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "accounts.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_file_of_three_accounts(tmp_path: Path) -> None:
    book = load_settings(env={"SAFET_ACCOUNTS_FILE": write(tmp_path, GOOD)}).accounts
    assert [a.key for a in book.accounts] == ["default", "acme-uk", "acme-sa"]
    assert book.several and book.default.key == DEFAULT_ACCOUNT
    uk = book.account("acme-uk")
    assert (uk.channel, uk.leads, uk.locale, uk.digest_hour, uk.marketplace) == (
        "CUK00001", ("ULEAD0002",), "zh_CN", 8, "UK")
    assert book.account("acme-sa").digest_hour is None
    assert book.for_channel("CUK00001") is uk and book.for_channel("CELSEWHERE") is None
    assert book.account("gone").key == "default", "a case of a removed account shows under the default"
    assert [m.code for m in book.markets] == ["US", "CA", "UK", "SA"]
    market = book.market_of("acme-uk")
    assert market.profile.safet_info_business_days == 3
    assert market.source("safet_info_business_days") == "our reading of the UK page, 2026-11"
    assert market.source("outcome_days") == BUILT_IN["UK"].source("outcome_days")
    sa = book.marketplace("SA")
    assert (sa.timezone, sa.currency, sa.weekend, sa.profile) == ("Asia/Riyadh", "SAR", BUILT_IN["AE"].weekend,
                                                                  BUILT_IN["AE"].profile)


def test_every_mistake_is_its_own_line(tmp_path: Path) -> None:
    bad = """
[accounts.Bad]
marketplaces = ["XX"]
channel = "general"
leads = "U1"
colour = "red"

[accounts.b]
digest_hour = 25
locale = "fr"
channel = "CSAME0001"

[accounts.c]
channel = "CSAME0001"

[marketplaces.ZZ]
timezone = "UTC"

[marketplaces.UK]
holidays = "QQ"
weekend = ["funday"]

[extra]
"""
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"SAFET_ACCOUNTS_FILE": write(tmp_path, bad)})
    lines = str(caught.value).splitlines()
    assert lines[0] == "the accounts file has 12 problem(s):"
    problems = lines[1:]
    assert len(problems) == 12 and all(line.startswith(str(tmp_path)) for line in problems)
    for expected in ("[extra]", "ZZ is not built in", "'funday'", "'QQ'", "key must be lower-case", "'colour'",
                     "'XX'", "channel must be a channel ID", "leads must be a list", "digest_hour must", "locale must",
                     "already the channel of [accounts.b]"):
        assert sum(expected in line for line in problems) == 1, expected


def test_unreadable_or_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read it"):
        load_settings(env={"SAFET_ACCOUNTS_FILE": str(tmp_path / "missing.toml")})
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(env={"SAFET_ACCOUNTS_FILE": write(tmp_path, "[accounts.x\n")})
    with pytest.raises(ConfigError, match="no accounts"):
        load_settings(env={"SAFET_ACCOUNTS_FILE": write(tmp_path, "")})


def test_without_a_file_today_s_settings_are_the_default_account() -> None:
    settings = load_settings(env={"SAFET_ALERT_CHANNEL": "CCASES", "SAFET_LEADS": "U1,U2", "SAFET_DIGEST_HOUR": "7",
                                  "SAFET_CHANNEL_LOCALE": "zh_CN", "SAFET_TIMEZONE": "America/New_York",
                                  "SAFET_HOLIDAYS": "US-CA"})
    book = settings.accounts
    assert not book.several
    account = book.default
    assert (account.key, account.channel, account.leads, account.digest_hour, account.locale) == (
        "default", "CCASES", ("U1", "U2"), 7, "zh_CN")
    market = book.market_of(account.key)
    assert (market.code, market.timezone, market.holidays, market.holidays_label) == (
        "US", "America/New_York", "US-CA", "US-CA")
    assert market.calendar == settings.calendar
    assert market.source("timezone") == "SAFET_TIMEZONE"
    assert load_settings(env={}).accounts.market_of(None) == BUILT_IN["US"]


def test_safet_accounts_prints_accounts_and_sourced_rules(tmp_path: Path) -> None:
    env = {"SAFET_ACCOUNTS_FILE": write(tmp_path, GOOD), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "slack_app", "accounts"], capture_output=True, text=True,
                            timeout=60, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("3 account(s), from ")
    assert "acme-uk: Acme UK" in out and "channel: CUK00001" in out and "language: zh_CN; daily summary: 08:00" in out
    assert "safet_info_business_days: 3  [our reading of the UK page, 2026-11]" in out
    assert "weekend: sun  [https://sellercentral.amazon.ae" in out
    assert "daily summary: none" in out
    assert "Amazon's ledger: not connected" in out  # and each marketplace's filing window, with its source
    assert "safet_filing_days: 30  [no regional page read: the US pages' value (seeds) assumed]" in out
    bad = subprocess.run([sys.executable, "-m", "slack_app", "accounts"], capture_output=True, text=True, timeout=60,
                         env={**env, "SAFET_ACCOUNTS_FILE": write(tmp_path, "[accounts.x]\nchannel = 1\n")},
                         cwd=tmp_path)
    assert bad.returncode == 2 and "channel must be a channel ID" in bad.stderr


def _record(deadline) -> DeadlineRecord:  # type: ignore[no-untyped-def]
    return DeadlineRecord(1, deadline.kind, deadline.rule, deadline.basis_at, deadline.computed_due_at,
                          deadline.stated_due_at, DeadlineStatus.OPEN, days=deadline.days)


def test_the_rule_line_names_the_marketplace_s_count_calendar_and_weekend() -> None:
    en, zh = Translator("en"), Translator("zh_CN")
    uk, ae, us = BUILT_IN["UK"], BUILT_IN["AE"], BUILT_IN["US"]
    arrived = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    line = rule_text(_record(uk.safet_info_reply(arrived)), en, uk.zone, uk.holidays_label, uk.weekend)
    assert line.startswith("2 business days from the request (") and line.endswith("; UK bank holidays skipped")
    line = rule_text(_record(ae.safet_info_reply(arrived)), en, ae.zone, ae.holidays_label, ae.weekend)
    assert line.startswith("3 business days from the request (")
    assert line.endswith("; UAE public holidays skipped; weekend: Sun")
    line = rule_text(_record(ae.safet_info_reply(arrived)), zh, ae.zone, ae.holidays_label, ae.weekend)
    assert "3 个工作日" in line and "阿联酋公共" in line and "周日" in line
    line = rule_text(_record(us.safet_info_reply(arrived)), en, ZoneInfo("America/Los_Angeles"), "US")
    assert line.endswith("; US holidays skipped"), "the US line as before"
    appeal = ae.appeal_window(arrived)
    assert appeal is not None
    assert rule_text(_record(appeal), en, ae.zone, ae.holidays_label, ae.weekend).startswith(
        "5 business days from the decision (")
    email = ae.chargeback_reply(email_on=datetime(2026, 5, 1).date())
    assert rule_text(_record(email), en, ae.zone, ae.holidays_label, ae.weekend).startswith(
        "7 calendar days from the email date ("), "no weekend said where weekends do not count"


def test_the_documented_example_file_loads() -> None:
    example = Path(__file__).parents[1] / "docs" / "accounts.example.toml"
    book = load_settings(env={"SAFET_ACCOUNTS_FILE": str(example)}).accounts
    assert [a.key for a in book.accounts] == ["default", "acme-uk"]
    assert book.market_of("acme-uk").source("holidays") == "our reading of the UK help page, 2026-11"
