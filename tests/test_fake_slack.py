"""Tests for the FakeSlack fixture, driven through the real slack_sdk WebClient."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from tests.fake_slack import FakeSlack


@pytest.fixture
def fake():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(fake):
    return WebClient(base_url=fake.base_url, token="xoxb-test", timeout=5)


def test_base_url_points_at_local_ephemeral_port(fake):
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/api/")


def test_auth_test_records_call_and_token(fake, client):
    resp = client.auth_test()
    assert (resp["team_id"], resp["user_id"], resp["bot_id"]) == ("T0TEST", "UBOT", "BBOT")
    [call] = fake.calls("auth.test")
    assert call.token == "xoxb-test"


def test_post_update_history_round_trip_with_metadata(fake, client):
    metadata = {"event_type": "safet_check", "event_payload": {"check_id": 7}}
    first = client.chat_postMessage(channel="C1", text="one", metadata=metadata)
    second = client.chat_postMessage(channel="C1", text="two", blocks=[{"type": "divider"}])
    reply = client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])
    assert float(first["ts"]) < float(second["ts"])
    assert first["message"]["metadata"] == metadata

    updated = client.chat_update(channel="C1", ts=first["ts"], text="one (edited)")
    assert updated["message"]["text"] == "one (edited)"

    history = client.conversations_history(channel="C1", include_all_metadata=True)
    assert [m["text"] for m in history["messages"]] == ["two", "one (edited)"]
    assert history["messages"][1]["metadata"] == metadata
    assert history["messages"][1]["reply_count"] == 1
    plain = client.conversations_history(channel="C1", oldest=first["ts"], limit=5)
    assert [m["text"] for m in plain["messages"]] == ["two"]
    assert all("metadata" not in m for m in plain["messages"])

    stored = fake.messages("C1")
    assert [m["text"] for m in stored] == ["one (edited)", "two", "reply"]
    assert stored[2]["thread_ts"] == first["ts"] and stored[2]["ts"] == reply["ts"]


def test_form_encoded_json_values_are_decoded(fake, client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": json.dumps(blocks), "text": "123"})
    [call] = fake.calls("chat.postMessage")
    assert call.args["blocks"] == blocks
    assert call.args["text"] == "123"  # only JSON objects/arrays are decoded


def test_plain_get_and_form_token(fake):
    with urllib.request.urlopen(fake.base_url + "users.info?user=U1&include_locale=true&token=xoxb-q") as resp:
        assert json.load(resp)["user"]["locale"] == "en-US"
    assert fake.calls("users.info")[0].token == "xoxb-q"


def test_post_to_user_goes_to_dm_channel(fake, client):
    resp = client.chat_postMessage(channel="U1", text="hello")
    assert resp["channel"] == "DU1"
    assert client.conversations_open(users="U1")["channel"]["id"] == "DU1"
    assert fake.messages("DU1")[0]["text"] == "hello"


def test_update_unknown_message_fails(client):
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel="C1", ts="1.000000", text="x")
    assert err.value.response["error"] == "message_not_found"


def test_views_get_ids_and_update_keeps_it(client):
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = client.views_open(trigger_id="trig", view=view)["view"]
    assert opened["id"].startswith("V") and opened["title"] == view["title"]
    assert client.views_update(view_id=opened["id"], view=view)["view"]["id"] == opened["id"]
    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]["id"] != opened["id"]


def test_misc_methods(fake, client):
    fake.set_usergroup("S123", ["U1", "U2"])
    assert client.usergroups_users_list(usergroup="S123")["users"] == ["U1", "U2"]
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    link = client.chat_getPermalink(channel="C1", message_ts="1700000000.000100")["permalink"]
    assert link == "https://fake.slack.test/archives/C1/p1700000000000100"
    assert client.files_info(file=fake.add_file(b"x", file_id="F1")["id"])["file"]["id"] == "F1"
    with pytest.raises(SlackApiError) as err:
        client.api_call("no.such.method")
    assert err.value.response["error"] == "unknown_method"


def test_users_info_locale_and_defaults(fake, client):
    fake.set_user("U1", tz="Asia/Shanghai", locale="zh-CN", name="mei")
    user = client.users_info(user="U1", include_locale=True)["user"]
    assert (user["name"], user["tz"], user["tz_offset"], user["locale"]) == ("mei", "Asia/Shanghai", 28800, "zh-CN")
    assert "locale" not in client.users_info(user="U1")["user"]
    default = client.users_info(user="U2", include_locale=True)["user"]
    assert (default["tz"], default["locale"]) == ("America/Los_Angeles", "en-US")


def test_rate_limit_is_retried_by_slack_sdk(fake, client):
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert len(fake.calls("chat.postMessage")) == 2
    assert len(fake.messages("C1")) == 1


def test_rate_limit_without_retry_handler_surfaces(fake):
    client = WebClient(base_url=fake.base_url, token="xoxb-test", retry_handlers=[])
    fake.fail_next("chat.postMessage", status=429, retry_after=3)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="hi")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "3"
    assert err.value.response["error"] == "ratelimited"


def test_server_error_is_retried_by_slack_sdk(fake, client):
    interval = FixedValueRetryIntervalCalculator(0.01)
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2, interval_calculator=interval))
    fake.fail_next("chat.postMessage", status=500, times=2)
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert len(fake.calls("chat.postMessage")) == 3


def test_permanent_channel_error_surfaces(fake, client):
    fake.set_channel_error("C9", "is_archived")
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            client.chat_postMessage(channel="C9", text="hi")
        assert err.value.response["error"] == "is_archived"
    assert fake.messages("C9") == []


def test_one_off_error_then_success(fake, client):
    fake.fail_next("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="hi")
    assert err.value.response["error"] == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]


def test_wait_for_sees_late_calls_and_reports_timeouts(fake, client):
    threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="late")).start()
    [call] = fake.wait_for("chat.postMessage", predicate=lambda c: c.args["text"] == "late")
    assert call.args["channel"] == "C1"
    with pytest.raises(AssertionError, match=r"chat\.postMessage"):
        fake.wait_for("views.open", timeout=0.05)


def test_latency_and_reset(fake, client):
    fake.latency = 0.2
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.2
    fake.reset()
    assert fake.calls() == [] and fake.latency == 0


def test_messages_are_stamped_from_the_wall_clock_so_history_by_oldest_finds_them(fake, client):
    before = time.time()
    old = client.chat_postMessage(channel="C1", text="old")
    cutoff = f"{time.time():.6f}"
    time.sleep(0.01)
    new = client.chat_postMessage(channel="C1", text="new")
    assert before - 1 < float(old["ts"]) <= float(new["ts"]) - 0.0001 < time.time()
    history = client.conversations_history(channel="C1", oldest=cutoff)
    assert [m["text"] for m in history["messages"]] == ["new"]


def test_ts_values_are_unique_and_increasing_even_within_one_instant_and_across_channels():
    with FakeSlack(clock=lambda: 1_800_000_000.0) as fake:
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        stamps = [client.chat_postMessage(channel=channel, text="hi")["ts"] for channel in ("C1", "C2", "C1", "U1")]
        fake.reset()
        stamps.append(client.chat_postMessage(channel="C1", text="after a reset")["ts"])
    assert stamps == ["1800000000.000000", "1800000000.000100", "1800000000.000200", "1800000000.000300",
                      "1800000000.000400"]


def test_files_added_to_the_fake_are_described_and_downloadable_with_a_bot_token() -> None:
    with FakeSlack() as fake:
        added = fake.add_file(b"From: seller-notification@amazon.com\n\nhello", name="mail.eml",
                              mimetype="message/rfc822", filetype="email", subject="Chargeback")
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        info = client.files_info(file=added["id"])["file"]
        assert (info["filetype"], info["subject"], info["size"]) == ("email", "Chargeback", 43)
        request = urllib.request.Request(info["url_private_download"], headers={"Authorization": "Bearer xoxb-test"})
        assert urllib.request.urlopen(request).read().endswith(b"hello")
        try:
            urllib.request.urlopen(info["url_private_download"])
            raise AssertionError("a download without a token must be refused")
        except urllib.error.HTTPError as error:
            assert error.code == 404
        fake.remove_file(added["id"])
        with pytest.raises(SlackApiError, match="file_not_found"):
            client.files_info(file=added["id"])


def test_files_upload_v2_is_recorded_with_its_bytes_and_where_it_was_shared() -> None:
    with FakeSlack() as fake:
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        client.files_upload_v2(content=b"a,b\n1,2\n", filename="cases.csv", title="Cases", channel="C1",
                               thread_ts="1.000100", initial_comment="here", alt_txt="a table")
        [upload] = fake.uploads("C1")
        assert (upload.filename, upload.content, upload.thread_ts, upload.initial_comment, upload.alt_txt) == (
            "cases.csv", b"a,b\n1,2\n", "1.000100", "here", "a table")
        assert fake.uploads("C2") == []
