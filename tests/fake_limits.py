"""Slack's published rate limits, for the fake Web API (``tests.fake_slack.FakeSlack.limits``)."""

from __future__ import annotations

import time
from collections.abc import Callable


def dm_channel(channel: str) -> str:
    """Posting to a user ID lands in the app's DM with that user, as on real Slack."""
    return "D" + channel if channel[:1] in ("U", "W") else channel


TIERS = {"chat.update": 50, "chat.getPermalink": 100, "conversations.history": 50, "conversations.open": 50,
         "users.info": 100, "auth.test": 100, "views.publish": 100, "usergroups.users.list": 20}
"""Calls per minute Slack publishes for each method's tier (Tier 2 = 20, Tier 3 = 50, Tier 4 = 100)."""


class RateLimits:
    """Slack's published limits, enforced: each method in ``tiers`` gets its calls per minute (with a
    short burst), ``chat.postMessage`` about ``per_channel`` per second per channel (a burst of
    ``burst``); past them a 429 ``ratelimited`` with a whole-second ``Retry-After``. ``compress``
    runs time faster (10: a minute's allowance every 6 s), so a bench can say what an hour would do.
    """

    def __init__(self, *, tiers: dict[str, int] | None = None, per_channel: float = 1.0, burst: int = 3,
                 compress: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.tiers = dict(TIERS if tiers is None else tiers)
        self.per_channel, self.burst, self.compress, self._clock = per_channel, burst, compress, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self.limited: dict[str, int] = {}
        """429s answered, per method."""

    def _take(self, key: str, rate: float, capacity: float) -> float:
        """Take one token; 0 when taken, else the seconds until one is there."""
        now = self._clock()
        tokens, at = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - at) * rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / rate

    def check(self, method: str, args: dict) -> tuple[int, dict, dict] | None:
        """None when the call may go through, else the 429 answer."""
        if method == "chat.postMessage":
            wait = self._take("post:" + dm_channel(str(args.get("channel", ""))), self.per_channel * self.compress,
                              self.burst)
        elif method in self.tiers:
            per_minute = self.tiers[method]
            wait = self._take(method, per_minute / 60 * self.compress, max(1, per_minute // 6))
        else:
            return None
        if not wait:
            return None
        self.limited[method] = self.limited.get(method, 0) + 1
        return 429, {"Retry-After": str(max(1, int(wait + 0.999)))}, {"ok": False, "error": "ratelimited"}
