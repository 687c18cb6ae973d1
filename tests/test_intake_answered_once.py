"""An email in the intake channel is answered exactly once even when Slack fails after the ack (Slack does
not send the event again then): a failed files.info, download or post leaves it unanswered, the next sweep
tries again (three tries in all), and only one reply ever appears — also when the first post landed but its
answer was lost."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from slack_app.app import sweep_jobs
from store.intake import unanswered
from sweep.scheduler import sweep
from tests.intake_steps import INTAKE, deliver, email_event, email_file, intake_app, replies
from tests.slack_harness import wait_until
from tests.test_intake_real_emails import REAL


@pytest.fixture
def slack(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with intake_app(store, fake_slack, now, senders=()) as driver:
        yield driver


def arrives(slack, *, minimal: bool = False) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """Amazon's email as Slack stores it (Slack's fields beside its bytes, no plain text: the app downloads
    it). ``minimal``: the event carries only the file's ID, as Slack's events often do."""
    file = email_file(slack, (REAL / "cb_new_plain_en.eml").read_bytes(), name="cb.eml")
    shared = {"id": file["id"], "filetype": "email", "file_access": "check_file_info"} if minimal else file
    event = email_event(shared)
    assert deliver(slack, event).status == 200
    settled(slack, event)
    return event, file


def settled(slack, event: dict) -> None:  # type: ignore[no-untyped-def]
    """The first answer after the ack has run: answered, or one failed try counted."""
    from sqlalchemy import select

    from store.models import IntakeRead

    def done() -> bool:
        with slack.store.reading() as session:
            row = session.scalar(select(IntakeRead).where(IntakeRead.message_ts == event["ts"]))
            return row is not None and (row.answered_at is not None or row.tries > 0)

    wait_until(done)


def sweep_later(slack, minutes: int = 2) -> None:  # type: ignore[no-untyped-def]
    at = slack.clock() + timedelta(minutes=minutes)
    sweep(slack.store, slack.runtime.client, slack.runtime.deps.settings, now=at,
          also=sweep_jobs(slack.runtime.deps))


def then_answered_once(slack, event: dict) -> None:  # type: ignore[no-untyped-def]
    assert replies(slack, INTAKE, event["ts"]) == []
    assert [u.message_ts for u in unanswered(slack.store, now=slack.clock() + timedelta(minutes=2))] == [event["ts"]]
    sweep_later(slack)
    (reply,) = replies(slack, INTAKE, event["ts"])
    assert "112-4000001-0000001" in str(reply)
    sweep_later(slack, minutes=10)
    assert len(replies(slack, INTAKE, event["ts"])) == 1


def test_a_failed_files_info_is_answered_by_the_next_sweep_once(slack):  # type: ignore[no-untyped-def]
    slack.fake.fail_next("files.info", error="internal_error", status=500)
    slack.fake.fail_next("files.info", error="internal_error", status=500)  # the SDK's own retry too
    event, _ = arrives(slack, minimal=True)
    then_answered_once(slack, event)


def test_a_failed_download_is_answered_by_the_next_sweep_once(slack, fake_slack):  # type: ignore[no-untyped-def]
    file = email_file(slack, (REAL / "cb_new_plain_en.eml").read_bytes(), name="cb.eml")
    fake_slack.redirect_file(file["id"], "http://127.0.0.1:9/elsewhere")  # the download fails
    event = email_event(file)
    deliver(slack, event)
    settled(slack, event)
    fake_slack.redirect_file(file["id"], None)
    then_answered_once(slack, event)


def test_a_failed_post_is_answered_by_the_next_sweep_once(slack):  # type: ignore[no-untyped-def]
    slack.fake.fail_next("chat.postMessage", error="not_in_channel")
    event, _ = arrives(slack)
    then_answered_once(slack, event)


def test_a_reply_that_landed_but_whose_answer_was_lost_is_not_posted_again(slack):  # type: ignore[no-untyped-def]
    slack.fake.lose_reply("chat.postMessage", "500")
    event, _ = arrives(slack)
    wait_until(lambda: replies(slack, INTAKE, event["ts"]))
    sweep_later(slack)
    time.sleep(0.1)
    assert len(replies(slack, INTAKE, event["ts"])) == 1
    assert unanswered(slack.store, now=slack.clock() + timedelta(hours=1)) == []


def test_three_tries_at_most(slack):  # type: ignore[no-untyped-def]
    for _ in range(10):
        slack.fake.fail_next("files.info", error="file_not_found")
    event, _ = arrives(slack, minimal=True)
    for minutes in (2, 4, 6, 8):
        sweep_later(slack, minutes)
    assert replies(slack, INTAKE, event["ts"]) == []
    assert len(slack.fake.calls("files.info")) == 3  # the first answer and two retries


def test_an_email_claimed_by_a_process_that_stopped_mid_answer_is_answered_after_five_minutes(slack):  # type: ignore[no-untyped-def]
    from store.intake import first_read

    file = email_file(slack, (REAL / "cb_new_plain_en.eml").read_bytes(), name="cb.eml")
    ts = "1763600099.000001"
    assert first_read(slack.store, channel_id=INTAKE, message_ts=ts, source="channel", now=slack.clock(),
                      file_id=file["id"], thread_ts=ts)  # claimed in the ack, then the worker was killed
    sweep_later(slack, minutes=2)
    assert replies(slack, INTAKE, ts) == []  # it may still be under way: not raced
    sweep_later(slack, minutes=6)
    (reply,) = replies(slack, INTAKE, ts)
    assert "112-4000001-0000001" in str(reply)
