"""The fake Slack's Web API methods: what each answers, and the records it keeps (``tests/fake_slack.py``).

Each handler takes the call's arguments and returns the response's fields besides ``ok``; raising
``SlackError`` answers ``{"ok": false, "error": ...}`` as Slack does. Standard library only.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

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



def _flag(args: dict, name: str) -> bool:
    """Booleans arrive as "1"/"0" (slack_sdk form bodies) or true/false (JSON bodies)."""
    return str(args.get(name, "")).lower() in ("1", "true")


def _dm_channel(channel: str) -> str:
    """Posting to a user ID lands in the app's DM with that user, as on real Slack."""
    return "D" + channel if channel[:1] in ("U", "W") else channel


class SlackMethods:
    """The Web API methods the app calls, over the state ``FakeSlack`` keeps (messages, users, files…)."""

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
        self._shown_views[view_id] = view  # the latest state of each view, as the person sees it
        if not args.get("view_id"):
            self._opened_ids.append(view_id)
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

