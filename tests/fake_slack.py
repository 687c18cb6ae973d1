"""A local fake of the Slack Web API for tests and bench scripts::

    with FakeSlack() as fake:
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        client.chat_postMessage(channel="C1", text="hi")
        assert fake.messages("C1")[0]["text"] == "hi"

It listens on 127.0.0.1 only and never contacts real Slack. Standard library only (no pytest).
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Self

from tests.fake_limits import TIERS, RateLimits
from tests.fake_slack_http import _Server
from tests.fake_slack_methods import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_LOCALE,
    DEFAULT_TZ,
    TEAM_ID,
    TRIGGER_SECONDS,
    Call,
    SlackError,
    SlackMethods,
    Upload,
    _dm_channel,
)

__all__ = ["APP_ID", "BOT_ID", "BOT_USER_ID", "TEAM_ID", "TIERS", "TRIGGER_SECONDS", "Call", "FakeSlack",
           "RateLimits", "SlackError", "Upload"]


class FakeSlack(SlackMethods):
    """Fake Slack Web API server with call recording, message state and failure injection.

    Messages are stamped from ``clock`` (default: the wall clock, as Slack does), each ``ts`` unique
    and later than the one before, so ``conversations.history(oldest=...)`` finds what was posted
    after an instant.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time):
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._clock = clock
        self._last_ts_us = 0  # kept across reset(): a ts is never handed out twice
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an ephemeral port on 127.0.0.1 and serve from a daemon thread."""
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """E.g. ``http://127.0.0.1:54321/api/`` (trailing slash: WebClient appends the method)."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    # -- configuration ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget calls, messages, users, usergroups, injected failures and latency."""
        with self._lock:
            self.latency = 0.0  # seconds slept before answering each request
            self._calls: list[Call] = []
            self._messages: dict[str, list[dict]] = {}
            self._view_counter = 0
            self._shown_views: dict[str, dict] = {}
            self._opened_ids: list[str] = []
            self._users: dict[str, dict] = {}
            self._usergroups: dict[str, list[str]] = {}
            self._failures: dict[str, deque[tuple[int, dict, dict]]] = {}
            self._channel_errors: dict[str, str] = {}
            self._files: dict[str, dict] = {}
            self._redirects: dict[str, str] = {}
            self._triggers: dict[str, float] = {}
            self._unknown_users: set[str] = set()
            self.history_page = 1000
            self._file_counter = 0
            self._uploads: list[Upload] = []
            self._after_write: dict[str, deque[tuple[str, float]]] = {}
            self._after_call: dict[str, Callable[[Call], None]] = {}
            self.limits: RateLimits | None = None

    def set_user(self, user_id: str, *, tz: str = DEFAULT_TZ, locale: str = DEFAULT_LOCALE,
                 name: str | None = None, **fields) -> None:
        """Register a user for ``users.info``; extra ``fields`` are merged into the user object."""
        with self._lock:
            self._users[user_id] = {"tz": tz, "locale": locale, "name": name or user_id.lower(), **fields}

    def set_usergroup(self, usergroup_id: str, user_ids: list[str]) -> None:
        """Register the members returned by ``usergroups.users.list``."""
        with self._lock:
            self._usergroups[usergroup_id] = list(user_ids)

    def fail_next(self, method: str, *, status: int = 200, error: str | None = None,
                  retry_after: int = 1, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        ``status=429``: "ratelimited" with a ``Retry-After`` header (whole seconds; slack_sdk sleeps
        that plus up to 1s of jitter). ``status=500``/``503``: a server error. HTTP 200 with
        ``error="channel_not_found"`` etc.: ``{"ok": false, "error": ...}``.
        """
        if status == 200 and error is None:
            raise ValueError("fail_next needs an error for HTTP 200 failures")
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        body = {"ok": False, "error": error or ("ratelimited" if status == 429 else "internal_error")}
        with self._lock:
            self._failures.setdefault(method, deque()).extend([(status, headers, body)] * times)

    def lose_reply(self, method: str, how: str = "500", *, times: int = 1, delay: float = 0.0) -> None:
        """Do the next ``times`` calls of ``method`` (the message is stored), then lose the answer:
        ``how="500"`` answers HTTP 500 ``internal_error``; ``"drop"`` closes the connection without a
        reply; ``"late"`` replies only after ``delay`` seconds (set it past the client's timeout)."""
        if how not in ("500", "drop", "late"):
            raise ValueError(f"unknown way to lose a reply: {how!r}")
        with self._lock:
            self._after_write.setdefault(method, deque()).extend([(how, delay)] * times)

    def after_call(self, method: str, callback: Callable[[Call], None] | None) -> None:
        """Run ``callback(call)`` after each handled call of ``method``, before its reply is sent."""
        with self._lock:
            if callback is None:
                self._after_call.pop(method, None)
            else:
                self._after_call[method] = callback

    def set_channel_error(self, channel: str, error: str) -> None:
        """Make every post/update to ``channel`` fail with ``error`` (e.g. "is_archived") for good."""
        with self._lock:
            self._channel_errors[_dm_channel(channel)] = error

    def add_file(self, content: bytes, *, name: str = "file.txt", mimetype: str = "text/plain",
                 filetype: str = "text", file_id: str | None = None, **fields) -> dict:
        """Store a file as Slack holds one (an email sent to a channel address, an attachment in a thread)
        and return its object, as a ``message`` event or ``files.info`` carries it. ``fields`` are merged
        in (e.g. an email's ``subject``, ``from``, ``headers``, ``plain_text``). Its bytes are served at
        ``url_private_download`` to a request with a bot token."""
        with self._lock:
            if file_id is None:
                self._file_counter += 1
                file_id = f"F{self._file_counter:09d}"
            base = self.base_url.removesuffix("/api/")
            self._files[file_id] = {"content": content, "object": {
                "id": file_id, "name": name, "title": name, "mimetype": mimetype, "filetype": filetype,
                "size": len(content), "user": BOT_USER_ID, "mode": "hosted",
                "url_private": f"{base}/files/{file_id}/{name}",
                "url_private_download": f"{base}/files/{file_id}/download/{name}",
                "permalink": f"https://fake.slack.test/files/{BOT_USER_ID}/{file_id}", **fields}}
            return copy.deepcopy(self._files[file_id]["object"])

    def shown_view(self, index: int = -1) -> dict | None:
        """The latest state (after any views.update) of the ``index``-th view opened or pushed."""
        with self._lock:
            if not self._opened_ids:
                return None
            return copy.deepcopy(self._shown_views[self._opened_ids[index]])

    def issue_trigger(self, trigger_id: str, *, age: float = 0.0) -> None:
        """Slack issued ``trigger_id`` ``age`` seconds ago (views.open refuses it once 3 s have passed)."""
        with self._lock:
            self._triggers[trigger_id] = self._clock() - age

    def forget_user(self, user_id: str) -> None:
        """``users.info`` answers ``user_not_found`` for this user (deleted, or of another workspace)."""
        with self._lock:
            self._unknown_users.add(user_id)

    def redirect_file(self, file_id: str, location: str | None) -> None:
        """The file's URL answers 302 to ``location`` (another host, say); ``None``: serves it again."""
        with self._lock:
            if location is None:
                self._redirects.pop(file_id, None)
            else:
                self._redirects[file_id] = location

    def remove_file(self, file_id: str) -> None:
        """The file was deleted: ``files.info`` answers ``file_not_found`` and its URL 404."""
        with self._lock:
            self._files.pop(file_id, None)

    def uploads(self, channel: str | None = None) -> list[Upload]:
        """Files uploaded with ``files_upload_v2`` (completed ones only when ``channel`` is given)."""
        with self._lock:
            found = [u for u in self._uploads if channel is None or u.channel == _dm_channel(channel)]
            return [copy.deepcopy(u) for u in found]

    # -- queries for tests -----------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls, oldest first, optionally only those of ``method``."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, predicate=None) -> list[Call]:
        """Block until ``count`` calls of ``method`` matching ``predicate(call)`` were recorded.

        Returns all matching calls; raises AssertionError listing every call seen on timeout.
        Needed because Bolt lazy listeners call Slack after the HTTP ack has returned.
        """
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.calls(method) if predicate is None or predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                seen = "\n".join(f"  {c.method} {c.args}" for c in self.calls()) or "  (none)"
                raise AssertionError(f"expected {count} matching {method} call(s) within {timeout}s, "
                                     f"got {len(matching)}; calls seen:\n{seen}")
            time.sleep(0.01)

    def messages(self, channel: str) -> list[dict]:
        """Stored messages of ``channel`` (updates applied, thread replies included), oldest first."""
        with self._lock:
            return copy.deepcopy(self._messages.get(_dm_channel(channel), []))

    # -- request dispatch ------------------------------------------------------------------------

    def _dispatch(self, method: str, args: dict, token: str | None) -> tuple[int, dict, dict | None]:
        """Record the call, then answer (status, extra headers, JSON body; ``None``: drop the connection)."""
        with self._lock:
            call = Call(method, args, token, time.monotonic())
            self._calls.append(call)
            limited = self.limits.check(method, args) if self.limits is not None else None
            pending = self._failures.get(method)
            failure = pending.popleft() if pending and limited is None else None
            lost = self._after_write.get(method)
            lose = lost.popleft() if lost and limited is None and failure is None else None
            latency = self.latency
        if latency:
            time.sleep(latency)
        if limited is not None:
            return limited
        if failure:
            return failure
        with self._lock:
            answer = self._handle(method, args)
            hook = self._after_call.get(method)
        if hook is not None:
            hook(call)
        if lose is None:
            return 200, {}, answer
        how, delay = lose
        if how == "500":
            return 500, {}, {"ok": False, "error": "internal_error"}
        if how == "drop":
            return 0, {}, None
        time.sleep(delay)
        return 200, {}, answer

