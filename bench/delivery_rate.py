"""How long do 1,000 due notices take to reach Slack when Slack enforces its published limits?

    python bench/delivery_rate.py                          # 1,000 notices, 20 channels, 300 owners, time ×10
    python bench/delivery_rate.py --compress 1             # real time (~4 min of card redraws at Tier 3)
    python bench/delivery_rate.py --notices 120 --channels 1 --owners 120   # the field notes' case

A SQLite store gets ``--notices`` chargebacks whose 4 h warning is due now, spread over ``--channels``
case channels and ``--owners`` owners, each with its card already in the channel. Then a fake Slack
enforcing the limits (``tests.fake_slack.RateLimits``: ``chat.postMessage`` ~1/s per channel with a
burst of 3, ``chat.update`` 50/min, ``chat.getPermalink`` 100/min, … and 429 with ``Retry-After``)
takes sweeps run back to back, each ``--now`` a minute later, until one posts nothing and leaves
nothing. ``--compress F`` runs the fake's limits and the app's pacing F times faster; times are
reported in Slack's seconds: the app's waits for the limits × F, plus its own work as measured.

It prints: the time until the last notice was in its channel, against the floor the limits allow for
the messages the sweep chose to send (the busiest channel's messages, one a second after the burst);
Web API calls by method and per message; 429s met; doubles (a notice in a channel twice) and losses
(a due notice never posted), which must both be 0; and when the cards were all redrawn.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench.common import temp_dir

NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


def fill(url: str, notices: int, channels: list[str], owners: int) -> list[str]:
    """The chargebacks, each due in 2 h (its warn-4h stage due now); their notice keys."""
    from rules.kinds import ComplaintType
    from store import opening
    from store.db import Policy, Store, upgrade

    upgrade(url)
    stores = {c: Store.from_url(url, Policy(case_channel=c)) for c in channels}
    keys = []
    try:
        for n in range(notices):
            store = stores[channels[n % len(channels)]]
            email_at = NOW + timedelta(hours=2) - timedelta(days=7)
            change = opening.open_chargeback(store, actor=f"U{n % owners:04d}", order_id=f"{100 + n % 900:03d}-"
                                           f"{n:07d}-{n:07d}", amount_cents=12999, currency="USD", now=email_at,
                                           complaint_type=ComplaintType.NOT_RECEIVED, email_at=email_at)
            deadline = change.case.next_deadline
            assert deadline is not None
            keys.append(f"deadline:{deadline.id}:warn-4h")
    finally:
        for store in stores.values():
            store.dispose()
    return keys


def seed_cards(url: str, client: Any) -> int:
    """Every case's card, posted before the limits are on (as the app did when each case was filed)."""
    from sqlalchemy import select

    from store import cards as store_cards
    from store.db import Store
    from store.models import Case

    store = Store.from_url(url)
    try:
        with store.reading() as session:
            rows = session.execute(select(Case.id, Case.channel_id)).all()
        for case_id, channel in rows:
            ts = client.chat_postMessage(channel=channel, text=f"card {case_id}")["ts"]
            store_cards.fill_slot(store, case_id, channel_id=channel, ts=ts)
        return len(rows)
    finally:
        store.dispose()


def run(notices: int, channels: int, owners: int, compress: float, max_sweeps: int) -> dict[str, Any]:
    from slack_app.config import Settings
    from store.db import Policy, Store
    from sweep.scheduler import sweep
    from tests.fake_slack import FakeSlack, RateLimits
    from webapi.client import make_client, remember_identity
    from webapi.posting import Pacer

    logging.basicConfig(level=logging.ERROR)
    names = [f"CRATE{n:02d}" for n in range(channels)]
    with temp_dir("safet-rate-") as tmp, FakeSlack() as fake:
        url = f"sqlite:///{tmp}/rate.sqlite3"
        started = time.monotonic()
        expected = fill(url, notices, names, owners)
        settings = Settings(api_url=fake.base_url, bot_token="xoxb-bench", database_url=url, digest_hour=None,
                            sweep_seconds=0)
        client = make_client(settings)
        cards = seed_cards(url, client)
        remember_identity(client, client.auth_test())  # as at start-up
        print(f"  {notices:,} chargebacks in {channels} channels for {owners} owners, {cards:,} cards: "
              f"ready in {time.monotonic() - started:.0f} s", flush=True)
        mark = len(fake.calls())
        fake.limits = RateLimits(compress=compress)
        store = Store.from_url(url, Policy.of(settings))
        pacer = Pacer(compress=compress)
        began = time.monotonic()

        def slack_seconds() -> float:
            """Real time since the start in Slack's seconds: pacing waits run F times faster, the app's
            own work (rendering, the store, HTTP) takes what it took."""
            elapsed = time.monotonic() - began
            return pacer.waited * compress + (elapsed - pacer.waited)

        landed: list[float] = []
        fake.after_call("chat.postMessage", lambda call: landed.append(slack_seconds()))
        updated: list[float] = []
        fake.after_call("chat.update", lambda call: updated.append(slack_seconds()))
        sweeps = 0
        reports = []
        for sweeps in range(1, max_sweeps + 1):
            report = sweep(store, client, settings, now=NOW + timedelta(minutes=sweeps - 1), pacer=pacer)
            reports.append(report)
            if report.posted == 0 and report.left == 0 and report.cards == 0 and not report.errors:
                break
        store.dispose()
        calls = Counter(c.method for c in fake.calls()[mark:])
        delivered = Counter(k for ch in names for m in fake.messages(ch)
                            if (m.get("metadata") or {}).get("event_type") == "safet_notice"
                            for k in m["metadata"]["event_payload"]["keys"])
        per_channel = Counter(ch for ch in names for m in fake.messages(ch)
                              if (m.get("metadata") or {}).get("event_type") == "safet_notice")
    limits = RateLimits()
    busiest = max(per_channel.values()) if per_channel else 0
    floor = max(0, busiest - limits.burst) / limits.per_channel
    update_capacity = max(1, limits.tiers["chat.update"] // 6)
    card_floor = max(0, sum(r.cards for r in reports) - update_capacity) / (limits.tiers["chat.update"] / 60)
    messages = sum(per_channel.values())
    return {
        "sweeps": sweeps, "messages": messages, "busiest_channel_messages": busiest,
        "last_notice_s": landed[-1] if landed else None, "wall_s": time.monotonic() - began,
        "floor_s": floor, "cards_done_s": updated[-1] if updated else None,
        "card_floor_s": card_floor, "calls": dict(calls), "per_message": sum(calls.values()) / max(1, messages),
        "limited": dict(fake.limits.limited) if fake.limits else {},
        "doubles": sum(1 for n in delivered.values() if n > 1), "losses": len(set(expected) - set(delivered)),
        "errors": [e for r in reports for e in r.errors], "cards": sum(r.cards for r in reports),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--owners", type=int, default=300)
    parser.add_argument("--compress", type=float, default=10.0, help="time runs this many times faster")
    parser.add_argument("--max-sweeps", type=int, default=60)
    args = parser.parse_args(argv)
    print(f"== rate-limited delivery (time ×{args.compress:g}; figures in Slack's seconds)", flush=True)
    r = run(args.notices, args.channels, args.owners, args.compress, args.max_sweeps)
    last = r["last_notice_s"]
    print(f"  (ran {r['wall_s']:.0f} s of wall time)")
    print(f"  last notice in its channel after {last:.1f} s (floor {r['floor_s']:.1f} s for {r['messages']} "
          f"messages, {r['busiest_channel_messages']} in the busiest channel) over {r['sweeps']} sweeps")
    if r["cards_done_s"] is not None:
        print(f"  cards: {r['cards']} redrawn, the last after {r['cards_done_s']:.1f} s "
              f"(Tier 3 floor {r['card_floor_s']:.1f} s)")
    print(f"  Web API calls {sum(r['calls'].values())} {r['calls']}: {r['per_message']:.2f} per message; "
          f"429s met {r['limited'] or 0}")
    print(f"  doubles {r['doubles']} (must be 0), losses {r['losses']} (must be 0)"
          + (f"; errors: {r['errors']}" if r["errors"] else ""))
    return 0 if r["doubles"] == 0 and r["losses"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
