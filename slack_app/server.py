"""HTTP serving: Bolt's WSGI adapter on gunicorn, plus a health check."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the gunicorn master imports neither Bolt nor the ORM; each worker does, after the fork
    from slack_app.app import Runtime
    from slack_app.config import Settings

EVENTS_PATH = "/slack/events"


def wsgi_app(runtime: Runtime) -> Callable[..., Iterable[bytes]]:
    """POST /slack/events to Bolt; GET /healthz answers 200 when the database is reachable."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    bolt = SlackRequestHandler(runtime.app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            healthy = runtime.deps.store.ping()
            body = json.dumps({"ok": healthy, "database": "reachable" if healthy else "unreachable"}).encode()
            start_response("200 OK" if healthy else "503 Service Unavailable",
                           [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return bolt(environ, start_response)

    # Lazy listeners start once the answer to Slack has been written, not while it is.
    return runtime.after_response.wrap(application)


def run_gunicorn(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class SafetServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
                "timeout": 30, "graceful_timeout": 10, "accesslog": None, "errorlog": "-", "loglevel": "info",
                "keepalive": 75,
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Iterable[bytes]]:
            # Each worker builds its own app, store pool and sweeper after the fork.
            from slack_app.app import create_runtime
            from slack_app.database import open_store

            runtime = create_runtime(settings, open_store(settings, migrate_sqlite=False))
            runtime.start_background()
            return wsgi_app(runtime)

    SafetServer().run()
