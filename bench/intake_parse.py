"""The email reader against hostile emails: the worst time to read one, as a ratio to a plain email.

    python bench/intake_parse.py            # every case of tests/hostile_emails.py, 3 runs each

Budget (issue #20): any email up to the size cap is read in under 1 s on a 2-core machine like CI's.
Each case is read in a fresh child process with a hard limit, so a pattern that backtracks shows as
"over the limit" instead of hanging the bench.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.append(str(Path(__file__).resolve().parent.parent))

from intake import Refused, read_email
from tests.hostile_emails import CASES

LIMIT_SECONDS = 30.0


def _read(name: str) -> tuple[str, float]:
    raw = CASES[name]()
    started = time.perf_counter()
    try:
        outcome = read_email(raw, zone=ZoneInfo("America/Los_Angeles")).kind.value
    except Refused as refused:
        outcome = f"refused ({refused.code})"
    return outcome, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    context = multiprocessing.get_context("fork")
    results: dict[str, tuple[str, float]] = {}
    with context.Pool(1) as pool:
        for name in CASES:
            times, outcome = [], ""
            for _ in range(args.runs):
                pending = pool.apply_async(_read, (name,))
                try:
                    outcome, seconds = pending.get(timeout=LIMIT_SECONDS)
                except multiprocessing.TimeoutError:
                    print(f"{name:32} over the {LIMIT_SECONDS:.0f} s limit")
                    return 1
                times.append(seconds)
            results[name] = (outcome, statistics.median(times))
    base = results["plain"][1]
    print(f"{'case':32} {'outcome':24} {'median':>10} {'× plain':>10}")
    for name, (outcome, seconds) in results.items():
        print(f"{name:32} {outcome:24} {seconds * 1000:8.1f} ms {seconds / base:10.0f}")
    worst = max(results.items(), key=lambda item: item[1][1])
    verdict = "within" if worst[1][1] < 1.0 else "OVER"
    print(f"worst: {worst[0]} at {worst[1][1] * 1000:.0f} ms ({worst[1][1] / base:.0f} × plain): "
          f"{verdict} the 1 s budget")
    return 0 if worst[1][1] < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
