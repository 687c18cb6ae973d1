"""A bare Bolt app — one listener that acks ``/safet`` and opens a fixed modal — served exactly like
``safet serve`` (gunicorn gthread + Bolt's WSGI adapter, same settings as ``slack_app/server.py``).

    python bench/bare_app.py --mode fast    --port 3101   # process_before_response=True, views.open lazily
    python bench/bare_app.py --mode default --port 3102   # Bolt's default: listener in a thread, ack polled

Environment: SLACK_SIGNING_SECRET, SLACK_API_URL (the fake), SLACK_BOT_TOKEN.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

VIEW = {
    "type": "modal", "callback_id": "bare_modal", "title": {"type": "plain_text", "text": "SAFE-T claim"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [{"type": "input", "block_id": "order_id", "label": {"type": "plain_text", "text": "Order ID"},
                "element": {"type": "plain_text_input", "action_id": "order_id"}}],
}


def build(mode: str) -> Callable[..., Iterable[bytes]]:
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"], timeout=10)
    app = App(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client,
              process_before_response=(mode == "fast"), token_verification_enabled=False)

    if mode == "fast":
        def ack_only(ack: Any) -> None:
            ack()

        def open_modal(client: WebClient, command: dict[str, Any]) -> None:
            client.views_open(trigger_id=command["trigger_id"], view=VIEW)

        app.command("/safet")(ack=ack_only, lazy=[open_modal])
    else:
        @app.command("/safet")
        def handle(ack: Any, client: WebClient, command: dict[str, Any]) -> None:
            ack()
            client.views_open(trigger_id=command["trigger_id"], view=VIEW)

    bolt = SlackRequestHandler(app, path="/slack/events")
    health = json.dumps({"ok": True}).encode()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(health)))])
            return [health]
        return bolt(environ, start_response)

    return application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["fast", "default"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    from gunicorn.app.base import BaseApplication

    class BareServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            # The same settings as slack_app.server.run_gunicorn.
            for key, value in {
                "bind": f"127.0.0.1:{args.port}", "workers": args.workers, "threads": args.threads,
                "worker_class": "gthread", "timeout": 30, "graceful_timeout": 10, "accesslog": None,
                "errorlog": "-", "loglevel": "info", "keepalive": 75,
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Iterable[bytes]]:
            return build(args.mode)

    BareServer().run()


if __name__ == "__main__":
    main()
