"""Only signed requests from Slack, from the configured workspace, reach the app."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from rules.records import ListFilter
from store.queries import list_cases
from tests.slack_harness import Clock, running_app, select_input, sign, text_input


@pytest.fixture
def slack(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(now), team_id="T0TEST") as driver:
        yield driver


def claim_submission(order_id: str) -> str:
    payload = {
        "type": "view_submission", "team": {"id": "T0TEST"}, "user": {"id": "U1", "team_id": "T0TEST"},
        "view": {"id": "V1", "type": "modal", "callback_id": "safet_claim_modal", "private_metadata": "", "hash": "h",
                 "state": {"values": {"order_id": text_input(order_id), "reason": select_input("trip_credit"),
                                      "explanation": text_input("x")}}},
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


@pytest.mark.parametrize("headers", [
    pytest.param(lambda body: {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"},
                 id="forged"),
    pytest.param(lambda body: sign(body, timestamp=int(time.time()) - 600), id="stale"),
    pytest.param(lambda body: {}, id="missing"),
    pytest.param(lambda body: sign(body, secret="another-apps-secret"), id="wrong-secret"),
])
def test_unsigned_or_badly_signed_submissions_get_401_and_store_nothing(slack, headers):  # type: ignore[no-untyped-def]
    body = claim_submission("123-1234567-1234567")
    reply = slack.post(body, "application/x-www-form-urlencoded", headers(body))
    assert reply.status == 401
    assert list_cases(slack.store, ListFilter.ALL, user_id="U1", now=slack.clock()) == []
    assert list_cases(slack.store, ListFilter.OPEN, user_id="U1", now=slack.clock()) == []
    assert slack.fake.calls("views.open") == [] and slack.fake.calls("chat.postMessage") == []


def test_a_correctly_signed_submission_is_stored(slack):  # type: ignore[no-untyped-def]
    body = claim_submission("123-1234567-1234567")
    assert slack.post(body, "application/x-www-form-urlencoded").status == 200
    assert [c.order_id for c in list_cases(slack.store, ListFilter.OPEN, user_id="U1", now=slack.clock())] == [
        "123-1234567-1234567"]


def test_requests_from_another_workspace_are_refused(slack):  # type: ignore[no-untyped-def]
    body = claim_submission("123-1234567-1234567").replace("T0TEST", "TOTHER")
    reply = slack.post(body, "application/x-www-form-urlencoded")
    assert reply.status == 403
    assert list_cases(slack.store, ListFilter.OPEN, user_id="U1", now=slack.clock()) == []


def test_health_check_answers_when_the_database_is_reachable(slack):  # type: ignore[no-untyped-def]
    import urllib.request

    url = slack.url.replace("/slack/events", "/healthz")
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True, "database": "reachable"}


def test_a_payload_that_names_no_workspace_is_refused(slack):  # type: ignore[no-untyped-def]
    payload = json.loads(urllib.parse.parse_qs(claim_submission("123-1234567-1234567"))["payload"][0])
    del payload["team"]
    del payload["user"]["team_id"]
    reply = slack.post(urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert reply.status == 403
    assert list_cases(slack.store, ListFilter.OPEN, user_id="U1", now=slack.clock()) == []


def test_an_actor_from_another_workspace_is_refused_even_when_the_request_names_ours(slack):  # type: ignore[no-untyped-def]
    payload = json.loads(urllib.parse.parse_qs(claim_submission("123-1234567-1234567"))["payload"][0])
    payload["user"]["team_id"] = "TOTHER"
    reply = slack.post(urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert reply.status == 403
    assert list_cases(slack.store, ListFilter.OPEN, user_id="U1", now=slack.clock()) == []


def test_without_safet_team_id_the_workspace_is_learned_from_auth_test(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(now)) as driver:  # SAFET_TEAM_ID unset
        other = claim_submission("123-1234567-1234567").replace("T0TEST", "TOTHER")
        assert driver.post(other, "application/x-www-form-urlencoded").status == 403
        ours = claim_submission("123-1234567-1234567")
        assert driver.post(ours, "application/x-www-form-urlencoded").status == 200
        assert len(fake_slack.calls("auth.test")) >= 1
