"""A local fake of the Slack Web API for tests and bench scripts::

    with FakeSlack() as fake:
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        client.chat_postMessage(channel="C1", text="hi")
        assert fake.messages("C1")[0]["text"] == "hi"

It listens on 127.0.0.1 only and never contacts real Slack. Standard library only (no pytest).
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from tests.fake_limits import TIERS, RateLimits

__all__ = ["TIERS", "FakeSlack", "RateLimits"]

TEAM_ID, BOT_USER_ID, BOT_ID, APP_ID = "T0TEST", "UBOT", "BBOT", "A0TEST"
TRIGGER_SECONDS = 3.0
DEFAULT_TZ, DEFAULT_LOCALE = "America/Los_Angeles", "en-US"
_TS_STEP_US = 100  # two messages stamped in the same instant are this far apart
_POSTING_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update"}


@dataclass
class Upload:
    """One file uploaded with ``files_upload_v2``; ``channel``/``thread_ts`` are set once it was shared."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None


@dataclass(frozen=True)
class Call:
    """One recorded request (failed attempts included). ``at`` is ``time.monotonic()`` on arrival."""

    method: str
    args: dict
    token: str | None
    at: float


class SlackError(Exception):
    """Raised by a handler to answer HTTP 200 ``{"ok": false, "error": str(exc)}``."""


def _maybe_json(value: Any) -> Any:
    """Decode string values holding JSON objects/arrays (``blocks``, ``view``, ``metadata``...)."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


def _flag(args: dict, name: str) -> bool:
    """Booleans arrive as "1"/"0" (slack_sdk form bodies) or true/false (JSON bodies)."""
    return str(args.get(name, "")).lower() in ("1", "true")


def _dm_channel(channel: str) -> str:
    """Posting to a user ID lands in the app's DM with that user, as on real Slack."""
    return "D" + channel if channel[:1] in ("U", "W") else channel


class _RequestHandler(BaseHTTPRequestHandler):
    """Decodes one HTTP request, passes it to ``FakeSlack._dispatch`` and writes the JSON answer."""

    server: _Server

    def log_message(self, *_args):
        """Keep test output quiet."""

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path.startswith(("/files/", "/upload/")):
            self._file_request(url.path)
            return
        if not url.path.startswith("/api/"):
            self._reply(404, {}, {"ok": False, "error": "not_found"})
            return
        args = dict(parse_qsl(url.query, keep_blank_values=True))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if body and self.headers.get("Content-Type", "").startswith("application/json"):
            args.update(json.loads(body))
        elif body:
            args.update(parse_qsl(body.decode(), keep_blank_values=True))
        args = {k: _maybe_json(v) for k, v in args.items()}
        auth, form_token = self.headers.get("Authorization", ""), args.pop("token", None)
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else form_token
        self._reply(*self.server.fake._dispatch(url.path.removeprefix("/api/"), args, token))

    do_GET = do_POST

    def _file_request(self, path: str):
        """GET /files/<id>/<name>: a file's bytes (bot token required); POST /upload/<id>: an upload's bytes."""
        fake = self.server.fake
        if path.startswith("/upload/"):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = fake._receive_upload(path.split("/")[2], body)
            self._reply_bytes(status, b"OK - %d" % len(body) if status == 200 else b"", "text/plain")
            return
        auth = self.headers.get("Authorization", "")
        location = fake._redirects.get(path.split("/")[2])
        if location is not None:  # Slack's file hosts may answer with a redirect
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        content = fake._file_bytes(path.split("/")[2], auth.removeprefix("Bearer "))
        if content is None:
            self._reply_bytes(404, b"", "text/plain")
        else:
            self._reply_bytes(200, content[0], content[1])

    def _reply_bytes(self, status: int, data: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _reply(self, status: int, headers: dict, payload: dict | None):
        if payload is None:  # a dropped connection: no status line, no body
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        try:
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (its timeout)
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeSlack):
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.fake = fake


class FakeSlack:
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

    def _handle(self, method: str, args: dict) -> dict:
        if method not in self._HANDLERS:
            return {"ok": False, "error": "unknown_method"}
        handler, required = self._HANDLERS[method]
        missing = [name for name in required if name not in args]
        if missing:
            return {"ok": False, "error": "invalid_arguments",
                    "response_metadata": {"messages": [f"missing required field: {m}" for m in missing]}}
        try:
            if method in _POSTING_METHODS and _dm_channel(args["channel"]) in self._channel_errors:
                raise SlackError(self._channel_errors[_dm_channel(args["channel"])])
            return {"ok": True, **handler(self, args)}
        except SlackError as e:
            return {"ok": False, "error": str(e)}

    def _next_ts(self, channel: str) -> str:
        """The clock's instant as a Slack ``ts``; unique (across channels) and always increasing."""
        us = self._last_ts_us = max(int(self._clock() * 1_000_000), self._last_ts_us + _TS_STEP_US)
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def _find_message(self, channel: str, ts: str) -> dict:
        for message in self._messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    # -- method handlers: (self, args) -> response fields besides "ok" ---------------------------

    def _auth_test(self, args):
        return {"url": "https://fake.slack.test/", "team": "Fake Team", "user": "safet",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _views(self, args):
        """views.open/push/update/publish: echo the view with an ID (kept by views.update). A trigger the
        harness issued (``issue_trigger``) expires 3 s after, as Slack's does."""
        issued = self._triggers.get(str(args.get("trigger_id")))
        if issued is not None and self._clock() - issued > TRIGGER_SECONDS:
            raise SlackError("expired_trigger_id")
        view_id = args.get("view_id")
        if not view_id:
            self._view_counter += 1
            view_id = f"V{self._view_counter:09d}"
        view = {"state": {"values": {}}, **args["view"], "id": view_id, "team_id": TEAM_ID,
                "app_id": APP_ID, "bot_id": BOT_ID, "hash": f"{time.time():.6f}"}
        return {"view": view}

    def _chat_post_message(self, args):
        if not any(args.get(k) for k in ("text", "blocks", "attachments", "markdown_text")):
            raise SlackError("no_text")
        channel = _dm_channel(args["channel"])
        ts = self._next_ts(channel)
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID,
                   "team": TEAM_ID, "text": args.get("text", ""), "ts": ts}
        message.update({k: args[k] for k in ("blocks", "attachments", "metadata", "thread_ts") if k in args})
        for parent in self._messages.get(channel, []):
            if parent["ts"] == message.get("thread_ts"):
                parent.update(thread_ts=parent["ts"], reply_count=parent.get("reply_count", 0) + 1,
                              latest_reply=ts)
        self._messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _chat_update(self, args):
        channel = _dm_channel(args["channel"])
        message = self._find_message(channel, args["ts"])
        message.update({k: args[k] for k in ("text", "blocks", "attachments", "metadata") if k in args})
        message["edited"] = {"user": BOT_USER_ID, "ts": f"{time.time():.6f}"}
        return {"channel": channel, "ts": message["ts"], "text": message["text"],
                "message": copy.deepcopy(message)}

    def _chat_post_ephemeral(self, args):
        return {"message_ts": self._next_ts(_dm_channel(args["channel"]))}

    def _chat_get_permalink(self, args):
        channel, ts = _dm_channel(args["channel"]), args["message_ts"]
        return {"channel": channel, "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"}

    def _conversations_history(self, args):
        """Top-level messages, newest first; ``oldest``/``latest`` are exclusive unless ``inclusive``."""
        oldest, latest = Decimal(args.get("oldest") or 0), Decimal(args.get("latest") or "Infinity")
        inclusive = _flag(args, "inclusive")
        found = [
            m for m in reversed(self._messages.get(_dm_channel(args["channel"]), []))
            if m.get("thread_ts", m["ts"]) == m["ts"]
            and (oldest <= Decimal(m["ts"]) <= latest if inclusive else oldest < Decimal(m["ts"]) < latest)
        ]
        limit = min(int(args.get("limit") or 100), self.history_page)  # Slack may return fewer than asked
        start = int(args.get("cursor") or 0)
        if not _flag(args, "include_all_metadata"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        more = len(found) > start + limit
        return {"messages": found[start:start + limit], "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _conversations_replies(self, args):
        """A thread: its parent, then its replies, oldest first (one page is enough for an email's thread)."""
        ts = str(args["ts"])
        found = [m for m in self._messages.get(_dm_channel(args["channel"]), [])
                 if m["ts"] == ts or m.get("thread_ts") == ts]
        if not _flag(args, "include_all_metadata"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        return {"messages": found, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def _conversations_open(self, args):
        """A D channel for one user, a G channel for several, or the given ``channel``."""
        if "channel" in args:
            return {"channel": {"id": args["channel"]}}
        users = str(args.get("users", "")).split(",")
        return {"channel": {"id": _dm_channel(users[0]) if len(users) == 1 else "G" + "".join(sorted(users))}}

    def _users_info(self, args):
        user_id = args["user"]
        if user_id in self._unknown_users or not user_id.startswith(("U", "W")):
            raise SlackError("user_not_found")
        fields = {"tz": DEFAULT_TZ, "locale": DEFAULT_LOCALE, "name": user_id.lower(), **self._users.get(user_id, {})}
        locale, tz, name = fields.pop("locale"), fields.pop("tz"), fields.pop("name")
        offset = ZoneInfo(tz).utcoffset(datetime.now())
        user = {"id": user_id, "team_id": TEAM_ID, "name": name, "real_name": name, "deleted": False,
                "is_bot": False, "tz": tz, "tz_label": tz, "tz_offset": int(offset.total_seconds()),
                "profile": {"real_name": name, "display_name": name}, **fields}
        if _flag(args, "include_locale"):
            user["locale"] = locale
        return {"user": user}

    def _usergroups_users_list(self, args):
        if args["usergroup"] not in self._usergroups:
            raise SlackError("no_such_subteam")
        return {"users": list(self._usergroups[args["usergroup"]])}

    def _files_info(self, args):
        stored = self._files.get(args["file"])
        if stored is None:
            raise SlackError("file_not_found")
        return {"file": copy.deepcopy(stored["object"]), "comments": []}

    def _file_bytes(self, file_id: str, token: str) -> tuple[bytes, str] | None:
        with self._lock:
            stored = self._files.get(file_id)
            if stored is None or not token.startswith("xoxb-"):
                return None
            return stored["content"], stored["object"]["mimetype"]

    def _files_get_upload_url_external(self, args):
        length = int(args["length"])
        if length <= 0:
            raise SlackError("invalid_arguments")
        self._file_counter += 1
        file_id = f"F{self._file_counter:09d}"
        self._uploads.append(Upload(file_id=file_id, filename=args["filename"], length=length,
                                    alt_txt=args.get("alt_txt"), snippet_type=args.get("snippet_type")))
        return {"upload_url": f"{self.base_url.removesuffix('/api/')}/upload/{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, body: bytes) -> int:
        with self._lock:
            for upload in self._uploads:
                if upload.file_id == file_id and upload.content is None:
                    upload.content = body
                    return 200
        return 404

    def _files_complete_upload_external(self, args):
        files = args["files"] if isinstance(args["files"], list) else json.loads(args["files"])
        done = []
        for item in files:
            upload = next((u for u in self._uploads if u.file_id == item["id"]), None)
            if upload is None or upload.content is None:
                raise SlackError("file_not_found" if upload is None else "file_upload_not_completed")
            upload.title = item.get("title") or upload.filename
            channel = args.get("channel_id") or args.get("channels")
            if channel:
                upload.channel, upload.thread_ts = _dm_channel(channel), args.get("thread_ts")
                upload.initial_comment = args.get("initial_comment")
            self._files[upload.file_id] = {"content": upload.content, "object": {
                "id": upload.file_id, "name": upload.filename, "title": upload.title, "size": len(upload.content),
                "mimetype": "application/octet-stream"}}
            done.append({"id": upload.file_id, "title": upload.title})
        return {"files": done}

    # method -> (handler, required args; missing ones answer "invalid_arguments")
    _HANDLERS: ClassVar[dict[str, tuple[Any, tuple[str, ...]]]] = {
        "auth.test": (_auth_test, ()),
        "views.open": (_views, ("trigger_id", "view")),
        "views.push": (_views, ("trigger_id", "view")),
        "views.update": (_views, ("view",)),
        "views.publish": (_views, ("user_id", "view")),
        "chat.postMessage": (_chat_post_message, ("channel",)),
        "chat.update": (_chat_update, ("channel", "ts")),
        "chat.postEphemeral": (_chat_post_ephemeral, ("channel", "user")),
        "chat.getPermalink": (_chat_get_permalink, ("channel", "message_ts")),
        "conversations.history": (_conversations_history, ("channel",)),
        "conversations.open": (_conversations_open, ()),
        "conversations.replies": (_conversations_replies, ("channel", "ts")),
        "users.info": (_users_info, ("user",)),
        "usergroups.users.list": (_usergroups_users_list, ("usergroup",)),
        "files.info": (_files_info, ("file",)),
        "files.getUploadURLExternal": (_files_get_upload_url_external, ("filename", "length")),
        "files.completeUploadExternal": (_files_complete_upload_external, ("files",)),
    }
