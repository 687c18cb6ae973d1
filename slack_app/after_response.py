"""Start Bolt's lazy listeners once the HTTP response has left, not while it is being written.

Bolt starts a lazy listener the moment the ack function returns; its thread then competes with the
request thread for the GIL while the answer to Slack is still being written (measured: p99 of an
ack 30–40 % slower than it needs to be; docs/performance.md). Given to Bolt as its
``listener_executor``, ``AfterResponse`` holds a request's lazy work until the WSGI server closes
the response (PEP 3333: after the last byte is sent), then starts it. Outside an HTTP request —
Socket Mode, the CLI — work starts at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

Held = list[tuple[Future, Callable[..., Any], tuple[Any, ...], dict[str, Any]]]


class AfterResponse(Executor):
    def __init__(self, max_workers: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="safet-after")
        self._local = threading.local()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        held: Held | None = getattr(self._local, "held", None)
        if held is None:
            return self._pool.submit(fn, *args, **kwargs)
        future: Future = Future()
        held.append((future, fn, args, kwargs))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def wrap(self, application: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """The WSGI app whose requests' lazy work starts when the server closes their response."""

        def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            held: Held = []
            self._local.held = held
            try:
                body = application(environ, start_response)
            except BaseException:
                self._release(held)
                raise
            finally:
                self._local.held = None
            return _ReleasingBody(body, lambda: self._release(held))

        return wrapped

    def _release(self, held: Held) -> None:
        for future, fn, args, kwargs in held:
            if future.set_running_or_notify_cancel():
                self._pool.submit(_run_into, future, fn, args, kwargs)


def _run_into(future: Future, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        future.set_result(fn(*args, **kwargs))
    except BaseException as error:  # noqa: BLE001 - handed to whoever holds the future, as an executor does
        future.set_exception(error)


class _ReleasingBody:
    """A response body that starts the held work when the server closes it."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]) -> None:
        self._body = body
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._release()
