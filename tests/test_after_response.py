"""Lazy listeners start after the answer to Slack is written, not while it is."""

from __future__ import annotations

import threading

import pytest

from slack_app.after_response import AfterResponse


def test_work_submitted_during_a_request_waits_for_the_response_to_close():  # type: ignore[no-untyped-def]
    executor = AfterResponse(max_workers=2)
    started = threading.Event()
    futures = []

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        futures.append(executor.submit(started.set))
        start_response("200 OK", [])
        return [b"ok"]

    body = executor.wrap(app)({}, lambda *a: None)
    assert list(body) == [b"ok"]
    assert not started.wait(0.1), "lazy work must not start before the server closes the response"
    body.close()
    assert started.wait(2)
    assert futures[0].result(timeout=2) is None


def test_work_outside_a_request_starts_at_once_and_errors_reach_the_future():  # type: ignore[no-untyped-def]
    executor = AfterResponse(max_workers=1)
    assert executor.submit(lambda: 42).result(timeout=2) == 42

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        executor.submit(lambda: 1 / 0)
        raise RuntimeError("the app failed")

    with pytest.raises(RuntimeError):
        executor.wrap(app)({}, lambda *a: None)
    # Work held by a failed request is still started (Bolt's error handler may have queued some).
    assert executor.submit(lambda: "next").result(timeout=2) == "next"
