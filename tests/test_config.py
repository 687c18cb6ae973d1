"""Settings from the environment: defaults, every refusal naming its variable, and the one-line start-up error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rules.deadlines import DeadlineKind
from rules.ladder import DEFAULT_LADDER
from slack_app.config import DEFAULT_DATABASE_URL, SLACK_API_URL, ConfigError, Settings
from slack_app.settings import load_settings
from store.db import Policy


def hours(*values: int) -> tuple:
    from datetime import timedelta

    return tuple(timedelta(hours=h) for h in values)


def test_an_empty_environment_gives_the_documented_defaults() -> None:
    settings = load_settings(env={})

    assert (settings.bot_token, settings.signing_secret, settings.app_token) == ("", "", "")
    assert settings.api_url == SLACK_API_URL == "https://slack.com/api/"
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///safet.sqlite3"
    assert settings.timezone == "America/Los_Angeles"
    assert settings.zone == ZoneInfo("America/Los_Angeles")
    assert settings.holidays == "US"
    assert settings.calendar.holiday_code == "US"
    assert (settings.alert_channel, settings.team_id, settings.leads) == (None, None, ())
    assert settings.sweep_seconds == 60
    assert settings.warnings == DEFAULT_LADDER
    assert settings.warnings[DeadlineKind.CHARGEBACK_REPLY] == hours(48, 24, 4)
    assert settings.digest_hour == 9
    assert (settings.default_locale, settings.channel_locale) == ("en", "en")
    assert (settings.require_approval, settings.approval_above_cents) == (False, None)


def test_blank_values_count_as_unset() -> None:
    blank = {name: "  " for name in ("SAFET_TIMEZONE", "SAFET_HOLIDAYS", "SAFET_DIGEST_HOUR", "SAFET_APPROVAL_ABOVE",
                                     "DATABASE_URL", "SLACK_API_URL", "SAFET_ALERT_CHANNEL", "SLACK_BOT_TOKEN")}

    assert load_settings(env=blank) == load_settings(env={})


def test_every_setting_is_read_and_trimmed() -> None:
    settings = load_settings(env={
        "SLACK_BOT_TOKEN": " xoxb-1 ", "SLACK_SIGNING_SECRET": "s3cret", "SLACK_APP_TOKEN": "xapp-1",
        "SLACK_API_URL": "http://127.0.0.1:9/api/", "DATABASE_URL": "postgresql+psycopg://u@h/db",
        "SAFET_TIMEZONE": "Asia/Shanghai", "SAFET_HOLIDAYS": "CN", "SAFET_ALERT_CHANNEL": " C123 ",
        "SAFET_TEAM_ID": "T1", "SAFET_LEADS": "U1, U2;S3,,", "SAFET_SWEEP_SECONDS": "0",
        "SAFET_WARNINGS": "safet_info_reply=8h,2h;appeal_by=", "SAFET_DIGEST_HOUR": "0",
        "SAFET_DEFAULT_LOCALE": "zh_CN", "SAFET_CHANNEL_LOCALE": "zh_CN", "SAFET_REQUIRE_APPROVAL": "yes",
        "SAFET_APPROVAL_ABOVE": "$1,000",
    })

    assert (settings.bot_token, settings.signing_secret, settings.app_token) == ("xoxb-1", "s3cret", "xapp-1")
    assert settings.api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.zone == ZoneInfo("Asia/Shanghai")
    assert settings.calendar.holiday_code == "CN"
    assert (settings.alert_channel, settings.team_id) == ("C123", "T1")
    assert settings.leads == ("U1", "U2", "S3")
    assert settings.sweep_seconds == 0
    assert settings.warnings[DeadlineKind.SAFET_INFO_REPLY] == hours(8, 2)
    assert settings.warnings[DeadlineKind.APPEAL_BY] == ()
    assert settings.warnings[DeadlineKind.CHARGEBACK_REPLY] == hours(48, 24, 4)  # not named: default kept
    assert settings.digest_hour == 0
    assert (settings.default_locale, settings.channel_locale) == ("zh_CN", "zh_CN")
    assert (settings.require_approval, settings.approval_above_cents) == (True, 100000)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("ON", True), ("yes", True),
                                                ("0", False), ("false", False), ("no", False), ("", False)])
def test_approval_is_switched_on_by_the_usual_words_for_yes(raw: str, expected: bool) -> None:
    assert load_settings(env={"SAFET_REQUIRE_APPROVAL": raw}).require_approval is expected


def test_the_stores_policy_follows_the_settings() -> None:
    settings = load_settings(env={"SAFET_TIMEZONE": "Europe/London", "SAFET_HOLIDAYS": "GB-ENG",
                                  "SAFET_REQUIRE_APPROVAL": "true", "SAFET_APPROVAL_ABOVE": "250",
                                  "SAFET_ALERT_CHANNEL": "CALERTS"})

    policy = Policy.of(settings)

    assert policy.calendar.zone == ZoneInfo("Europe/London")
    assert policy.calendar.holiday_code == "GB-ENG"
    assert (policy.require_approval, policy.approval_above_cents, policy.case_channel) == (True, 25000, "CALERTS")
    assert policy.ladder == settings.warnings


BAD_SETTINGS = [
    ("SAFET_TIMEZONE", "Mars/Olympus"),
    ("SAFET_TIMEZONE", "America"),
    ("SAFET_TIMEZONE", "../../etc/passwd"),
    ("SAFET_TIMEZONE", "/etc/localtime"),
    ("SAFET_TIMEZONE", "PST-8"),
    ("SAFET_WARNINGS", "safet_info_reply=24"),
    ("SAFET_WARNINGS", "reply=24h"),
    ("SAFET_WARNINGS", "chargeback_reply=48h,soon"),
    ("SAFET_WARNINGS", "chargeback_reply=-4h"),
    ("SAFET_WARNINGS", "chargeback_reply=99999999999999999999d"),
    ("SAFET_APPROVAL_ABOVE", "lots"),
    ("SAFET_APPROVAL_ABOVE", "-5"),
    ("SAFET_APPROVAL_ABOVE", "500.001"),
    ("SAFET_APPROVAL_ABOVE", "€500"),
    ("SAFET_DIGEST_HOUR", "nine"),
    ("SAFET_DIGEST_HOUR", "24"),
    ("SAFET_DIGEST_HOUR", "-1"),
    ("SAFET_DIGEST_HOUR", "9.5"),
    ("SAFET_HOLIDAYS", "XX"),
    ("SAFET_HOLIDAYS", "US-ZZ"),
    ("SAFET_SWEEP_SECONDS", "often"),
    ("SAFET_SWEEP_SECONDS", "-5"),
]


@pytest.mark.parametrize(("name", "raw"), BAD_SETTINGS, ids=[f"{n}={v}" for n, v in BAD_SETTINGS])
def test_a_wrong_setting_is_refused_in_one_line_naming_its_variable(name: str, raw: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(env={name: raw})

    message = str(refused.value)
    assert name in message
    assert "\n" not in message


def test_a_missing_bot_token_says_where_to_get_it() -> None:
    with pytest.raises(ConfigError) as refused:
        Settings().require("SLACK_BOT_TOKEN")

    assert str(refused.value) == ("SLACK_BOT_TOKEN is not set: set it to the Bot User OAuth Token (xoxb-…) under "
                                  "OAuth & Permissions of your Slack app.")


@pytest.mark.parametrize(
    ("name", "where"),
    [("SLACK_SIGNING_SECRET", "Signing Secret under Basic Information"),
     ("SLACK_APP_TOKEN", "connections:write")],
)
def test_each_missing_slack_secret_says_where_to_get_it(name: str, where: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(env={"SLACK_BOT_TOKEN": "xoxb-1"}).require("SLACK_BOT_TOKEN", name)

    assert str(refused.value).startswith(f"{name} is not set")
    assert where in str(refused.value)


def test_a_whitespace_token_is_missing_and_present_ones_pass() -> None:
    with pytest.raises(ConfigError):
        load_settings(env={"SLACK_BOT_TOKEN": "   "}).require("SLACK_BOT_TOKEN")

    load_settings(env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}).require(
        "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


def test_a_dotenv_file_in_the_working_directory_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("SAFET_TEAM_ID", "SAFET_DIGEST_HOUR"):
        monkeypatch.setenv(name, "")  # recorded, so whatever .env puts there is undone after the test
        monkeypatch.delenv(name)
    monkeypatch.setenv("SAFET_ALERT_CHANNEL", "CFROMENV")
    (tmp_path / ".env").write_text("SAFET_TEAM_ID=TDOTENV\nSAFET_ALERT_CHANNEL=CDOTENV\nSAFET_DIGEST_HOUR=7\n")
    monkeypatch.chdir(tmp_path)

    settings = load_settings()

    assert (settings.team_id, settings.alert_channel, settings.digest_hour) == ("TDOTENV", "CFROMENV", 7)


# ---------------------------------------------------------------------------------------------
# Start-up with a missing or wrong setting: one line on stderr, exit code 2, no traceback
# ---------------------------------------------------------------------------------------------


def start_safet(args: list[str], extra: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    script = Path(sys.executable).with_name("safet")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "slack_app"]
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SLACK_", "SAFET_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": f"sqlite:///{cwd / 'safet.sqlite3'}", **extra})
    return subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=cwd)


STARTS = {
    "serve_without_tokens": (["serve"], {}, "SLACK_BOT_TOKEN"),
    "serve_without_signing_secret": (["serve"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    "socket_without_app_token": (["socket"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
    "serve_with_a_wrong_time_zone": (["serve"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                                                 "SAFET_TIMEZONE": "Mars/Olympus"}, "SAFET_TIMEZONE"),
}


def test_starting_without_a_required_or_with_a_wrong_setting_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    started = {}
    for label, (args, extra, _) in STARTS.items():
        (tmp_path / label).mkdir()
        started[label] = start_safet(args, extra, tmp_path / label)
    finished = {}
    for label, process in started.items():
        stdout, stderr = process.communicate(timeout=60)
        finished[label] = (process.returncode, stdout, stderr)

    for label, (returncode, stdout, stderr) in finished.items():
        name = STARTS[label][2]
        assert "Traceback" not in stderr, (label, stderr)
        assert len(stderr.strip().splitlines()) == 1, (label, stderr)
        assert name in stderr, (label, stderr)
        assert returncode == 2, (label, returncode, stderr)
        assert stdout == "", (label, stdout)
    assert "OAuth & Permissions" in finished["serve_without_tokens"][2]
