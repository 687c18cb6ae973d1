"""The bot token goes to Slack alone: a file URL that redirects elsewhere is not followed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from rules.settings import Settings
from webapi.client import make_client
from webapi.files import download, fetch_file


class _Thief(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *_args):  # type: ignore[no-untyped-def]
        pass

    def do_GET(self):  # type: ignore[no-untyped-def]
        _Thief.seen.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Length", "6")
        self.end_headers()
        self.wfile.write(b"stolen")


@pytest.fixture
def thief():  # type: ignore[no-untyped-def]
    _Thief.seen = []
    server = HTTPServer(("127.0.0.1", 0), _Thief)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _client(fake_slack):  # type: ignore[no-untyped-def]
    return make_client(Settings(bot_token="xoxb-secret-token", api_url=fake_slack.base_url), max_retries=0)


def test_a_file_that_redirects_to_another_host_is_not_fetched_and_the_token_stays(fake_slack, thief):  # type: ignore[no-untyped-def]
    stored = fake_slack.add_file(b"evidence", name="photo.jpg")
    fake_slack.redirect_file(stored["id"], f"{thief}/grab")
    fetched = fetch_file(_client(fake_slack), stored["id"], name="photo.jpg")
    assert fetched.content is None and fetched.problem == "unreadable"
    assert _Thief.seen == []  # not even a token-less request


def test_a_download_that_redirects_to_another_port_of_the_same_host_is_refused(fake_slack, thief):  # type: ignore[no-untyped-def]
    stored = fake_slack.add_file(b"email", name="mail.eml")
    fake_slack.redirect_file(stored["id"], f"{thief}/grab")
    assert download(_client(fake_slack), stored["url_private_download"], limit=100) is None
    assert _Thief.seen == []


def test_a_redirect_within_slack_is_followed_with_the_token(fake_slack):  # type: ignore[no-untyped-def]
    target = fake_slack.add_file(b"the bytes", name="real.txt")
    hop = fake_slack.add_file(b"", name="hop.txt")
    fake_slack.redirect_file(hop["id"], target["url_private_download"])
    assert download(_client(fake_slack), hop["url_private_download"], limit=100) == b"the bytes"


@pytest.mark.parametrize("url", [
    "http://files.slack.com/files-pri/T1/x",            # not https
    "https://files.slack.com:8443/files-pri/T1/x",      # not 443
    "https://files.slack.com.evil.test/files-pri/x",    # not Slack's
    "https://evilslack.com/x",
])
def test_urls_that_are_not_slacks_file_hosts_are_never_fetched(fake_slack, thief, url):  # type: ignore[no-untyped-def]
    assert download(_client(fake_slack), url, limit=100) is None
