"""What the bench scripts share: child servers, PostgreSQL schemas, signed Slack requests, statistics.

Every server is a child process in its own session; ``Child.stop`` ends that process group only.
Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from tests.slack_harness import TEAM, sign  # noqa: E402 - needs ROOT on sys.path

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
SIGNING_SECRET = "bench-signing-secret"
PG_BASE = os.environ.get("SAFET_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
EVENTS_PATH = "/slack/events"
VENV_BIN = Path(sys.executable).parent


def safet_exe() -> str:
    """The ``safet`` entry point of this interpreter's environment."""
    candidate = VENV_BIN / "safet"
    return str(candidate) if candidate.exists() else "safet"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- child processes


@dataclass
class Child:
    """A server child process in its own session (so its gunicorn workers can be ended with it)."""

    name: str
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str = "/healthz", timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def pids(self) -> list[int]:
        """The master and its children (gunicorn workers)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            kids = [int(p) for p in children.read_text().split()]
        except OSError:
            kids = []
        return [self.process.pid, *kids]

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_child(name: str, argv: Sequence[str], env: dict[str, str], port: int, log_dir: Path) -> Child:
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - the child owns it
    process = subprocess.Popen(list(argv), env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True, cwd=str(log_dir))
    log.close()
    return Child(name, process, port, log_path)


def safet_env(*, database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SAFET_", "DATABASE_URL"))}
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url, "SAFET_SWEEP_SECONDS": "0", "SAFET_ALERT_CHANNEL": "CBENCH",
        "NO_PROXY": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def start_safet(name: str, *, database_url: str, api_url: str, log_dir: Path, workers: int = 1, threads: int = 8,
                **extra: str) -> Child:
    port = free_port()
    argv = [safet_exe(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--threads", str(threads)]
    return start_child(name, argv, safet_env(database_url=database_url, api_url=api_url, **extra), port, log_dir)


def safet_db_upgrade(database_url: str) -> None:
    env = safet_env(database_url=database_url, api_url="http://127.0.0.1:9/api/")
    subprocess.run([safet_exe(), "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def children() -> Iterator[list[Child]]:
    """Collects started children and always stops them."""
    started: list[Child] = []
    try:
        yield started
    finally:
        for child in reversed(started):
            child.stop()


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as path:
        yield Path(path)


# ---------------------------------------------------------------- PostgreSQL


def pg_url(schema: str, base: str = PG_BASE) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def pg_schema(prefix: str = "bench") -> Iterator[str]:
    """A fresh, empty schema; dropped afterwards. Yields its URL."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_BASE)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_url(schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pg_available() -> bool:
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False


# ---------------------------------------------------------------- Slack requests


def command_body(text: str, *, trigger_id: str, user: str = "U1", channel: str = "CWORK") -> str:
    """A slash command as Slack sends it (the same fields as ``tests.slack_harness.SlackDriver.command``)."""
    return urllib.parse.urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": channel,
        "channel_name": "work", "user_id": user, "user_name": user.lower(), "command": "/safet",
        "text": text, "api_app_id": "A0TEST", "response_url": "https://hooks.example/commands/1",
        "trigger_id": trigger_id,
    })


def interactive_body(payload: dict[str, Any]) -> str:
    payload = {"team": {"id": TEAM, "domain": "acme"}, "api_app_id": "A0TEST", "token": "legacy", **payload}
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def view_submission_body(view: dict[str, Any], values: dict[str, Any], *, trigger_id: str, user: str = "U1") -> str:
    submitted = {**view, "id": view.get("id", "V1"), "state": {"values": values}, "hash": "h"}
    return interactive_body({"type": "view_submission", "user": {"id": user, "username": user.lower(),
                                                                 "team_id": TEAM},
                             "view": submitted, "trigger_id": trigger_id})


def text_input(value: str | None) -> dict[str, Any]:
    return {"a": {"type": "plain_text_input", "value": value}}


def select_input(value: str | None) -> dict[str, Any]:
    return {"a": {"type": "static_select", "selected_option": {"value": value} if value else None}}


def claim_values(order_id: str, reason: str = "trip_credit") -> dict[str, Any]:
    """A SAFE-T claim modal's ``state.values`` (as in tests/test_slack_safet_file.py)."""
    return {
        "order_id": text_input(order_id), "product_order_id": text_input(None), "reason": select_input(reason),
        "explanation": text_input("The customer was not home for the appointment."),
        "claim_number": text_input(None), "filing_locale": select_input("en"),
    }


def order_id(n: int, prefix: int = 111) -> str:
    return f"{prefix:03d}-{n // 10_000_000 % 10_000_000:07d}-{n % 10_000_000:07d}"


class KeepAliveClient:
    """One persistent HTTP/1.1 connection; reconnects if the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.reconnects = 0

    def post(self, body: str, *, signed: bool = True, path: str = EVENTS_PATH) -> tuple[int, bytes, float]:
        """POST a signed form body; returns (status, body, seconds for the whole round trip)."""
        data = body.encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(data))}
        if signed:
            headers.update(sign(body, secret=SIGNING_SECRET))
        for attempt in range(2):
            started = time.perf_counter()
            try:
                self.conn.request("POST", path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                return response.status, payload, time.perf_counter() - started
            except (http.client.HTTPException, ConnectionError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                self.reconnects += 1
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------- statistics


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


@dataclass
class Summary:
    name: str
    values_ms: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.values_ms.append(seconds * 1000)

    @property
    def n(self) -> int:
        return len(self.values_ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.values_ms) if self.values_ms else float("nan")

    @property
    def p99(self) -> float:
        return percentile(self.values_ms, 99)

    def row(self) -> str:
        v = self.values_ms
        return (f"{self.name:<28} n={self.n:<5} p50={self.p50:7.2f} ms  p90={percentile(v, 90):7.2f}  "
                f"p99={self.p99:7.2f}  max={max(v) if v else float('nan'):7.2f}")


def wait_until(predicate: Any, timeout: float = 5.0, interval: float = 0.0005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
