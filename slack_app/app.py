"""The Bolt app factory: one ``App`` wired to the store, the clock and every listener."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

import handlers
from handlers.deps import Deps
from handlers.intake_channel import retry_unanswered
from rules.settings import Settings
from slack_app.after_response import AfterResponse
from slack_app.clock import now_utc
from store.db import Store
from sweep.ledger import ledger_job
from sweep.scheduler import deliver_case_notices, start_sweeper
from webapi.client import installed_team, make_client
from webapi.people import Directory
from webapi.posting import SLACK_ERRORS, classify

log = logging.getLogger("safet")


def create_app(settings: Settings, store: Store, *, clock: Callable[[], datetime] = now_utc,
               client: WebClient | None = None, listener_executor: Executor | None = None) -> tuple[App, Deps]:
    """The Bolt app in the mode that answers Slack fastest: the ack function validates and writes,
    its response goes back as soon as it returns, and Web API calls run in lazy listeners."""
    client = client or make_client(settings)
    app = App(
        token=settings.bot_token, signing_secret=settings.signing_secret, client=client,
        process_before_response=True, token_verification_enabled=False, logger=log,
        raise_error_for_unhandled_request=False, listener_executor=listener_executor,
    )
    directory = Directory(store, default_locale=settings.default_locale, team_zone=settings.zone,
                          leads=settings.all_leads, clock=clock, leads_of=settings.accounts.leads_of)
    deps = Deps(settings=settings, store=store, directory=directory, clock=clock)
    app.middleware(_only_team(settings.team_id, client))
    handlers.register(app, deps)
    # An outcome is told at once (channel + owner DM), not at the next sweep; exactly-once either way.
    deps.after_change.append(lambda web, case_id: deliver_case_notices(
        store, web, settings, case_id, now=clock(), directory=directory))
    return app, deps


def sweep_jobs(deps: Deps) -> list[Callable[[WebClient, datetime], object]]:
    """What the app adds to each sweep: Amazon's emails whose answer failed are answered again."""
    return [lambda client, now: retry_unanswered(deps, client, now)]


def sweep_first_jobs(deps: Deps, env: Mapping[str, str] | None = None) -> list[Callable[[WebClient, datetime], object]]:
    """What runs before each sweep's notices: the ledger syncs that are due (their notices then go out at once)."""
    return [ledger_job(deps.store, deps.settings, os.environ if env is None else env, clock=deps.clock)]


def _teams_named(body: dict[str, Any]) -> set[str]:
    """Every workspace a payload names: the request's, the actor's and the view's."""
    def field(holder: Any, key: str) -> Any:
        return holder.get(key) if isinstance(holder, dict) else None

    named = (body.get("team_id"), field(body.get("team"), "id"), field(body.get("user"), "team_id"),
             field(body.get("view"), "team_id"))
    return {team if isinstance(team, str) else repr(team) for team in named if team not in (None, "")}


def _only_team(team_id: str | None, client: WebClient) -> Callable[..., Any]:
    """Refuse a request that names no workspace, or any but ours: SAFET_TEAM_ID, else the one the bot
    token belongs to (``auth.test``, once)."""

    def middleware(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        try:
            ours = team_id or installed_team(client)
        except SLACK_ERRORS as error:
            log.warning("could not learn the workspace from auth.test: %s", classify(error)[1])
            return BoltResponse(status=503, body="Slack could not be reached; try again.")
        named = _teams_named(body)
        if not named or (ours is not None and named != {ours}):
            log.warning("refused a request naming workspace(s) %s", sorted(named) or "none")
            return BoltResponse(status=403, body="This app serves one workspace only.")
        return next()

    return middleware


@dataclass
class Runtime:
    """The app plus what runs beside it (the in-process sweep)."""

    app: App
    deps: Deps
    client: WebClient
    after_response: AfterResponse
    _sweeper: Any = None

    def start_background(self) -> None:
        if self.deps.settings.sweep_seconds > 0:
            # The sweep redraws its cards itself, in bulk, only those whose shown content changed.
            self._sweeper = start_sweeper(self.deps.store, self.client, self.deps.settings, self.deps.clock,
                                          also=sweep_jobs(self.deps), before=sweep_first_jobs(self.deps))

    def stop_background(self) -> None:
        if self._sweeper is not None:
            self._sweeper.stop()


def create_runtime(settings: Settings, store: Store, *, clock: Callable[[], datetime] = now_utc,
                   client: WebClient | None = None) -> Runtime:
    client = client or make_client(settings)
    after_response = AfterResponse()
    app, deps = create_app(settings, store, clock=clock, client=client, listener_executor=after_response)
    return Runtime(app, deps, client, after_response)
