"""Child processes of the tests: free ports, HTTP requests to them, and stopping them cleanly."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen) -> None:
    """End the server and its workers (its own process group), waiting for them."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def request(port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None,
            timeout: float = 20) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def wait_healthy(process: subprocess.Popen, port: int, log: Path, timeout: float = 30.0) -> None:
    """Wait until a `safet serve` child answers /healthz; fail with the tail of its log if it exits or hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"safet serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"safet serve did not answer /healthz in {timeout}s:\n{log.read_text()[-3000:]}")


def run_together(target: Callable[..., object], calls: Iterable[tuple], *, timeout: float = 30.0) -> None:
    """``target`` once per argument tuple, each in its own thread, all started before any is awaited."""
    threads = [threading.Thread(target=target, args=args) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def safet_command() -> list[str]:
    """The installed entry point beside this interpreter (what an operator runs), else the module."""
    script = Path(sys.executable).with_name("safet")
    if script.exists():
        return [str(script)]
    found = shutil.which("safet")
    return [found] if found else [sys.executable, "-m", "slack_app"]
