"""The fake Slack's HTTP side: decoding one request, passing it to ``FakeSlack._dispatch``, and serving
files' bytes and uploads the way Slack's file hosts do. Standard library only."""

from __future__ import annotations

import json
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from tests.fake_slack import FakeSlack


def _maybe_json(value: Any) -> Any:
    """Decode string values holding JSON objects/arrays (``blocks``, ``view``, ``metadata``...)."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


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

