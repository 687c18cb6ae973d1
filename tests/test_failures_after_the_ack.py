"""Failures after the ack are heard: Slack's own failures, injected by the fake Slack after the answer to
Slack has left, give one log line with a traceback and one private message in the actor's language, and
leave nothing half-written. The fake also fails by itself, as Slack does: a trigger older than 3 s, a user
it does not know, history in pages."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy.exc import OperationalError

from rules.records import ListFilter
from store.queries import get_case, list_cases
from tests.case_steps import CASES, card, file_claim, press
from tests.slack_harness import wait_until
from webapi.posting import SlackPoster, notice_metadata

FORM_EN = ":warning: The form could not open in time — press the button again."
FORM_ZH = ":warning: 表单未能及时打开,请再按一次按钮。"


def failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def told(slack, user: str, count: int = 1) -> list[str]:  # type: ignore[no-untyped-def]
    found = wait_until(lambda: len(posts := [c.args for c in slack.fake.calls("chat.postEphemeral")
                                             if c.args.get("user") == user]) >= count and posts)
    return [p["text"] for p in found]


def test_a_card_button_whose_trigger_expired_tells_the_person_and_logs_one_traceback(slack, caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="safet")
    case_id = file_claim(slack)
    before = get_case(slack.store, case_id)
    slack.trigger_delay = 3.5  # Slack's trigger is older than 3 s when views.open arrives
    press(slack, case_id, "case_action:file")
    assert told(slack, "U1") == [FORM_EN]
    assert [c.args.get("error") for c in slack.fake.calls("views.open")][-1:] == [None]  # one try, refused
    logged = failures(caplog)
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert "expired_trigger_id" in logged[0].getMessage() or "expired_trigger_id" in str(logged[0].exc_info[1])
    assert "'action': 'case_action:file'" in logged[0].getMessage() and "xoxb" not in logged[0].getMessage()
    after = get_case(slack.store, case_id)
    assert (after.state, after.version) == (before.state, before.version)  # nothing half-written


def test_the_person_is_told_in_their_own_language(slack, caplog):  # type: ignore[no-untyped-def]
    slack.fake.set_user("U2", locale="zh-CN")
    case_id = file_claim(slack, user="U2")
    slack.trigger_delay = 3.5
    press(slack, case_id, "case_action:file", user="U2")
    assert told(slack, "U2") == [FORM_ZH]


def test_a_command_whose_form_slack_refuses_tells_the_person_by_direct_message_where_no_channel(slack, caplog):  # type: ignore[no-untyped-def]
    slack.fake.fail_next("views.open", error="internal_error")
    assert slack.command("file").status == 200
    assert told(slack, "U1") == [FORM_EN]
    assert len(failures(caplog)) == 1
    assert list_cases(slack.store, ListFilter.ALL, user_id="U1", now=slack.clock()) == []


def test_a_database_error_after_the_ack_is_told_and_logged_once(slack, caplog, monkeypatch):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack)
    card(slack, case_id)

    def unreachable(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT …", {}, Exception("database is locked"))

    monkeypatch.setattr("handlers.evidence.get_case", unreachable)  # the database fails after the ack
    press(slack, case_id, "case_evidence_packet")
    assert told(slack, "U1") == [":warning: That could not be finished just now (Slack or the database did not "
                                 "answer) — press the button again."]
    logged = failures(caplog)
    assert len(logged) == 1 and logged[0].exc_info is not None and "packet" in logged[0].getMessage()
    assert slack.fake.uploads(CASES) == []


def test_an_unknown_user_is_answered_in_the_default_language(slack):  # type: ignore[no-untyped-def]
    slack.fake.forget_user("U7")
    reply = slack.answer("list", user="U7")
    assert reply["response_type"] == "ephemeral" and "case" in reply["text"].lower()
    assert any(c.args.get("user") == "U7" for c in slack.fake.calls("users.info"))


def test_a_notice_key_on_the_second_page_of_history_is_found(slack):  # type: ignore[no-untyped-def]
    client: WebClient = slack.runtime.client
    slack.fake.history_page = 2
    for n in range(5):
        client.chat_postMessage(channel=CASES, text=f"m{n}", metadata=notice_metadata([f"k{n}"]))
    found = SlackPoster(client).posted_keys(CASES, slack.clock() - timedelta(days=3650))
    assert set(found) == {f"k{n}" for n in range(5)}
    assert len([c for c in slack.fake.calls("conversations.history")]) == 3


def test_the_shortcut_opens_its_modal_before_reading_the_email_so_a_slow_slack_never_expires_it(slack):  # type: ignore[no-untyped-def]
    from tests.intake_steps import email_file, shortcut
    from tests.test_intake_real_emails import REAL

    file = email_file(slack, (REAL / "cb_new_plain_en.eml").read_bytes(), name="cb.eml")
    slack.answer("help")  # a running app: it met Slack (auth.test) before
    slack.trigger_delay = 1.2  # the click reached the app 1.2 s after Slack issued its trigger …
    slack.fake.latency = 1.0  # … and every Web API call takes 1 s: reading first would spend the rest
    shortcut(slack, {"type": "message", "user": "U2", "ts": "1763600000.900000", "text": "", "files": [file]})
    told_before = len([c for c in slack.fake.calls("chat.postEphemeral") if c.args.get("user") == "U1"])
    # What Slack shows the person (a refused views.open shows nothing): the email's facts, in the modal.
    wait_until(lambda: (v := slack.fake.shown_view()) and "112-4000001-0000001" in str(v["blocks"]), timeout=8)
    slack.runtime.after_response.shutdown(wait=True)
    assert len([c for c in slack.fake.calls("chat.postEphemeral") if c.args.get("user") == "U1"]) == told_before
