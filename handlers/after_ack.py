"""Work after the ack is heard when it fails.

Bolt runs lazy listeners after the answer to Slack has left and swallows what they raise (one log line,
no traceback): the person who pressed the button would see nothing happen. Every lazy listener is
registered through ``heard``: a failure is logged once with its traceback and the request's ids (never a
token), and the person who acted is told, in their language and privately, what did not happen and what
to do next.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.deps import Deps
from handlers.payload import channel_of, user_of
from handlers.tell import tell
from rules.text import N_

log = logging.getLogger("safet")

FORM = N_("The form could not open in time — press the button again.")
"""A lazy listener whose work is opening a form (``views.open`` needs the click's trigger within 3 s)."""
SAVED = N_("Your change is saved, but Slack could not be brought up to date just now: the card catches up "
           "within minutes. Nothing needs to be done again.")
"""After a form was saved in the ack: the card, the thread line or the notice failed."""
POSTED = N_("That could not be finished just now (Slack or the database did not answer) — press the button again.")
"""Anything else the person asked for: a packet, an export, a page of App Home."""
_FORM_ERRORS = {"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"}


def request_ids(body: dict[str, Any]) -> dict[str, Any]:
    """What identifies the request in a log line: never a token, never what a person typed."""
    def get(holder: Any, key: str) -> Any:
        return holder.get(key) if isinstance(holder, dict) else None

    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    return {
        "type": body.get("type") or get(body.get("event"), "type") or ("command" if body.get("command") else None),
        "team": body.get("team_id") or get(body.get("team"), "id"),
        "user": user_of(body), "channel": channel_of(body),
        "action": action.get("action_id") or body.get("callback_id") or get(body.get("view"), "callback_id")
        or body.get("command"),
        "trigger": body.get("trigger_id"),
    }


def heard(deps: Deps, fn: Callable[..., Any], told: str = POSTED) -> Callable[..., Any]:
    """``fn`` as a lazy listener whose failure is logged with its traceback and told to the person who acted.

    Bolt passes a listener the arguments its signature names; the wrapper asks for ``fn``'s and for the
    request's ``body`` and ``client``, which telling needs."""
    own = list(inspect.signature(fn).parameters)
    takes_deps = own[:1] == ["deps"]  # a module-level listener: what every listener needs comes first
    if takes_deps:
        own = own[1:]
    wanted = [*own, *(name for name in ("body", "client") if name not in own)]
    bound = {"deps": deps} if takes_deps else {}

    def listener(**given: Any) -> Any:
        try:
            return fn(**bound, **{name: given[name] for name in own})
        except Exception as error:  # everything: Bolt would swallow it
            body, client = given["body"], given["client"]
            log.exception("after the ack, %s failed %s", fn.__name__, request_ids(body))
            _tell(deps, client, body, error, told)
            return None

    listener.__name__ = listener.__qualname__ = fn.__name__
    listener.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in wanted])
    return listener


def _tell(deps: Deps, client: WebClient, body: dict[str, Any], error: Exception, told: str) -> None:
    user = user_of(body)
    if not user:
        return
    if isinstance(error, SlackApiError) and error.response.get("error") in _FORM_ERRORS:
        told = FORM
    try:
        tell(client, user=user, channel=channel_of(body), text=":warning: " + deps.tr(user)._(told))
    except Exception:  # the person cannot be reached either: the log line above is what is left
        log.exception("could not tell %s that the work after the ack failed", user)
