"""The same signed click or submission sent twice within Slack's five minutes is taken once: one packet,
one CSV export, one "Amazon's date" recorded. A new click of the same button is a new gesture."""

from __future__ import annotations

import json
import time
import urllib.parse
from datetime import datetime
from zoneinfo import ZoneInfo

from store.queries import get_case
from tests.case_steps import CASES, button_value, card, file_claim, open_chargeback, open_form, settle
from tests.report_story import tell_story
from tests.slack_harness import TEAM, datetime_input, wait_until
from views import ids

LA = ZoneInfo("America/Los_Angeles")


def send_twice(slack, payload: dict) -> list[int]:  # type: ignore[no-untyped-def]
    """One signed body, posted twice as an attacker (or a proxy) would replay it."""
    body = urllib.parse.urlencode({"payload": json.dumps({"team": {"id": TEAM}, "token": "legacy", **payload})})
    return [slack.post(body, "application/x-www-form-urlencoded").status for _ in range(2)]


def click_payload(action_id: str, value: str, *, channel: str = CASES, ts: str = "1700000000.000100") -> dict:
    return {"type": "block_actions", "user": {"id": "U1", "team_id": TEAM}, "trigger_id": f"t-{time.time_ns()}",
            "channel": {"id": channel}, "message": {"ts": ts},
            "container": {"type": "message", "channel_id": channel, "message_ts": ts},
            "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button",
                         "action_ts": str(time.time())}]}


def test_a_replayed_evidence_packet_click_builds_one_packet(slack):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack)
    message = card(slack, case_id)
    payload = click_payload(ids.ACTION_CASE_EVIDENCE, button_value(message, ids.ACTION_CASE_EVIDENCE),
                            ts=message["ts"])
    assert send_twice(slack, payload) == [200, 200]
    wait_until(lambda: slack.fake.uploads(CASES))
    time.sleep(0.3)  # a second packet would be on its way by now
    slack.runtime.after_response.shutdown(wait=True)
    assert len(slack.fake.uploads(CASES)) == 1


def test_a_replayed_export_click_posts_the_csv_once_and_a_new_click_again(slack):  # type: ignore[no-untyped-def]
    tell_story(slack.store)
    assert send_twice(slack, click_payload(ids.ACTION_REPORT_EXPORT, "2026-11")) == [200, 200]
    wait_until(lambda: len(slack.fake.uploads("U1")) == 2)
    slack.click(ids.ACTION_REPORT_EXPORT, "2026-11", user="U1")  # pressed again: a new gesture
    wait_until(lambda: len(slack.fake.uploads("U1")) == 4)
    slack.runtime.after_response.shutdown(wait=True)
    assert len(slack.fake.uploads("U1")) == 4


def test_a_replayed_amazons_date_submission_is_recorded_once(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    form = open_form(slack, case_id, ids.ACTION_CASE_SET_DATE)
    events = len(settle(slack, case_id).events)
    stated = datetime(2026, 11, 24, 18, 0, tzinfo=LA)
    submission = {"type": "view_submission", "user": {"id": "U1", "team_id": TEAM}, "trigger_id": "t-replayed",
                  "view": {**form, "id": "V1", "hash": "h", "state": {"values": {"stated_at": datetime_input(stated)}}}}
    assert send_twice(slack, submission) == [200, 200]
    wait_until(lambda: len(settle(slack, case_id).events) > events)
    slack.runtime.after_response.shutdown(wait=True)
    case = get_case(slack.store, case_id)
    assert [e.action for e in case.events].count("set_stated_due") == 1
