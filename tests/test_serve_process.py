"""`safet serve` as a real subprocess (gunicorn, Bolt's WSGI adapter) on SQLite, driven over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_slack import FakeSlack
from tests.processes import free_port, request, safet_command, stop, wait_healthy
from tests.slack_harness import TEAM, sign

SECRET = "serve-process-secret"


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any Slack/SAFE-T/database setting, plus ``values``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "SAFET_")) and k != "DATABASE_URL"}
    env.update({"NO_PROXY": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1", **values})
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, FakeSlack]]:
    """One `safet serve` for the module: a fresh SQLite file, the Web API on a fake Slack."""
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    log = tmp / "serve.log"
    with FakeSlack() as fake, open(log, "wb") as out:
        env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.base_url,
                        DATABASE_URL=f"sqlite:///{tmp}/safet.sqlite3", SAFET_SWEEP_SECONDS="0",
                        SAFET_ALERT_CHANNEL="CCASES")
        process = subprocess.Popen(
            [*safet_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env, cwd=tmp, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        try:
            wait_healthy(process, port, log)
            yield port, fake
        finally:
            stop(process)


@pytest.fixture
def server(served: tuple[int, FakeSlack]) -> int:
    return served[0]


def command_body(text: str) -> str:
    return urllib.parse.urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": "CWORK", "channel_name": "work",
        "user_id": "U1", "user_name": "u1", "command": "/safet", "text": text, "api_app_id": "A0TEST",
        "response_url": "https://hooks.example/commands/1", "trigger_id": "trigger-1",
    })


def test_healthz_answers_200_with_json_ok(server: int) -> None:
    status, headers, body = request(server, "GET", "/healthz")
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["ok"] is True


def test_a_signed_help_command_gets_an_ephemeral_answer(served: tuple[int, FakeSlack]) -> None:
    """The first time, once Slack said the person's language (after the ack); then in the ack itself."""
    server, fake = served
    body = command_body("help")
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret=SECRET)}
    status, _, text = request(server, "POST", "/slack/events", body, headers)
    assert (status, text) == (200, "")
    [later] = fake.wait_for("chat.postEphemeral", timeout=10)
    assert later.args["user"] == "U1" and "/safet" in json.dumps(later.args["blocks"])
    status, _, text = request(server, "POST", "/slack/events", body, headers)
    assert status == 200
    answer = json.loads(text)
    assert answer["response_type"] == "ephemeral"
    assert "/safet" in json.dumps(answer)


def test_an_unsigned_command_is_refused_with_401(server: int) -> None:
    status, _, _ = request(server, "POST", "/slack/events", command_body("help"),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 401


def test_a_badly_signed_command_is_refused_with_401(server: int) -> None:
    body = command_body("help")
    status, _, _ = request(server, "POST", "/slack/events", body, {
        "Content-Type": "application/x-www-form-urlencoded", **sign(body, secret="not-the-secret")})
    assert status == 401


def test_without_a_signing_secret_serve_exits_with_one_clear_line(tmp_path: Path) -> None:
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", DATABASE_URL=f"sqlite:///{tmp_path}/safet.sqlite3")
    result = subprocess.run([*safet_command(), "serve", "--host", "127.0.0.1", "--port", str(free_port())],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "SLACK_SIGNING_SECRET" in lines[0] and "Signing Secret" in lines[0]
