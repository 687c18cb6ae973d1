"""One error handler: a domain refusal that escaped a listener becomes a message, not a stack trace."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App, BoltResponse

from handlers.after_ack import request_ids
from handlers.deps import Deps
from rules.errors import DomainError

log = logging.getLogger("safet")


def on_error(deps: Deps, error: Exception, body: dict[str, Any], response: BoltResponse | None) -> BoltResponse | None:
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if isinstance(error, DomainError) and user:
        text = deps.tr(user).error(error)
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    log.error("listener failed %s", request_ids(body), exc_info=error)
    return response


def register(app: App, deps: Deps) -> None:
    app.error(partial(on_error, deps))
