"""The real clock, given to everything below as ``clock``; tests and ``--now`` give another."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC)
