"""Start-up that says what is wrong in one line: a bad warning ladder, a refused bot token (``auth.test``
once at start), Slack out of reach (said, then retried with back-off, no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from slack_app.config import ConfigError
from slack_app.settings import load_settings
from tests.fake_slack import FakeSlack
from tests.processes import free_port

BAD_LADDERS = [
    ("chargeback_reply=1d,24h", "chargeback_reply has two warnings at the same time (1d and 24h)"),
    ("safet_info_reply=60m,1h", "safet_info_reply has two warnings at the same time (60m and 1h)"),
    ("chargeback_reply=4h;chargeback_reply=2h", "names chargeback_reply twice"),
    ("chargeback_reply=8d", "further ahead than the deadline leaves (7d)"),
    ("safet_info_reply=49h", "further ahead than the deadline leaves (2d)"),
    ("chargeback_reply=0h", "at the deadline itself"),
    ("appeal=24h", "unknown deadline kind 'appeal'"),
]


def env(**values: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SAFET_", "DATABASE_URL"))}
    clean.update(NO_PROXY="127.0.0.1,localhost", PYTHONUNBUFFERED="1", **values)
    return clean


@pytest.mark.parametrize(("raw", "said"), BAD_LADDERS, ids=[raw for raw, _ in BAD_LADDERS])
def test_a_bad_warning_ladder_is_refused_in_one_line_naming_the_variable(raw: str, said: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({"SAFET_WARNINGS": raw}, dotenv=False)
    assert "SAFET_WARNINGS" in str(refused.value) and said in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_duplicate_offset_ladder_stops_the_command_with_its_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run([sys.executable, "-m", "slack_app", "sweep", "--dry-run"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=60,
                          env=env(SAFET_WARNINGS="chargeback_reply=1d,24h",
                                  DATABASE_URL=f"sqlite:///{tmp_path}/s.sqlite3"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "safet: SAFET_WARNINGS: chargeback_reply has two warnings at the same time (1d and 24h); "
        "give each warning its own offset"]


def socket_mode(tmp_path, api_url: str, stderr=subprocess.PIPE) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen([sys.executable, "-m", "slack_app", "socket"], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=stderr,
                            env=env(SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-test", SLACK_API_URL=api_url,
                                    DATABASE_URL=f"sqlite:///{tmp_path}/s.sqlite3", SAFET_SWEEP_SECONDS="0"))


def test_a_revoked_bot_token_stops_start_up_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with FakeSlack() as fake:
        fake.fail_next("auth.test", error="token_revoked")
        process = socket_mode(tmp_path, fake.base_url)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.strip().splitlines() == [
        "safet: Slack refused SLACK_BOT_TOKEN (token_revoked): check the token and the app's installation in "
        "the workspace."]


def test_slack_out_of_reach_at_start_up_is_said_in_one_line_and_retried_with_back_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "stderr.log"
    with open(log, "w") as out:
        process = socket_mode(tmp_path, f"http://127.0.0.1:{free_port()}/api/", stderr=out)
        try:
            deadline = time.monotonic() + 60
            while len(log.read_text().splitlines()) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert process.poll() is None  # still trying
        finally:
            process.kill()
            process.communicate(timeout=10)
    err = log.read_text()
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert len(lines) >= 2 and all(line.startswith("safet: Slack could not be reached at http://127.0.0.1:")
                                   for line in lines)
    assert "trying again in 1 s" in lines[0] and "trying again in 2 s" in lines[1]
