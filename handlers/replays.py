"""A signed click or form submission sent again (Slack accepts a signature for five minutes) is taken
once: the packet is built once, the CSV posted once, Amazon's date recorded once. Slack stamps every
gesture anew (``trigger_id``, a click's ``action_ts``), so a request with stamps already seen is a replay.
One middleware for every button and form, so no listener can forget it."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, BoltResponse

from handlers.deps import Deps
from store.replays import first_time

log = logging.getLogger("safet")


def request_key(body: dict[str, Any]) -> str | None:
    """What makes this click or submission the one it is: who, and Slack's own stamps of the gesture —
    the ``trigger_id`` it issues for each click and each submission, and a click's ``action_ts``.
    ``None``: not a click or a submission, or one that carries no stamp."""
    kind = body.get("type")
    if kind not in ("block_actions", "view_submission"):
        return None
    user = body.get("user")
    actions = body.get("actions") if kind == "block_actions" else None
    stamps = [(a.get("action_id"), a.get("action_ts")) for a in actions or () if isinstance(a, dict)]
    trigger = body.get("trigger_id")
    if not trigger and not any(ts for _, ts in stamps):
        return None
    identity = [kind, user.get("id") if isinstance(user, dict) else None, trigger, stamps]
    return hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()


def refuse_replays(deps: Deps, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
    key = request_key(body)
    if key is not None and not first_time(deps.store, key, now=deps.clock()):
        log.warning("ignored a replayed %s from %s", body.get("type"), (body.get("user") or {}).get("id"))
        return BoltResponse(status=200, body="")
    return next()


def register(app: App, deps: Deps) -> None:
    app.middleware(partial(refuse_replays, deps))
