"""Do the report's queries stay under 1 s at 1 M cases, and does the chart render in under 2 s?

    python bench/report_scale.py                                   # 1M on SQLite and PostgreSQL
    python bench/report_scale.py --sizes 10000,1000000 --backends sqlite --repeat 5
    python bench/report_scale.py --sizes 1000000 --explain         # also the plans of the report's reads

The store is filled by ``bench/sweep_scale.py``'s builder (Core ``insert()`` on SQLite, ``COPY`` on
PostgreSQL): per 1 M cases about three years of closed cases (≈ 90 k decided per quarter), 0.9 M
deadlines, 3.2 M audit events, 550 open cases. Each figure is the median wall time of ``--repeat`` calls
of one ``store.reports`` function, in this process, after one warm-up call (the first call pays for
the database's page cache). The chart is drawn from the quarter's real figures: once in a fresh
process (matplotlib imported and the font loaded: what the weekly job pays), then warm.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench.common import pg_available, pg_schema, temp_dir
from bench.sweep_store import NOW, fill

TARGET_QUERY_S = 1.0
BUSY_DAY = date(2026, 7, 6)
TARGET_CHART_S = 2.0


def _timed(call: Callable[[], Any], repeat: int) -> float:
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(url: str, repeat: int) -> dict[str, float]:
    from rules.report_records import last_days, month_period, parse_period, week_period
    from store import reports
    from store.db import Policy, Store

    store = Store.from_url(url, Policy())
    zone = store.policy.calendar.zone
    today = NOW.astimezone(zone).date()
    weeks = [last_days(today - timedelta(days=7 * back), zone) for back in reversed(range(13))]
    # The fixture's history is densest before its open part (closed cases end ≈ 110 days before NOW):
    # ≈ 90 k cases decided in 2026-Q2, what a busy team's quarter holds.
    busy_weeks = [last_days(BUSY_DAY - timedelta(days=7 * back), zone) for back in reversed(range(13))]
    calls: dict[str, Callable[[], Any]] = {
        "report week": lambda: reports.report(store, week_period(today, zone), now=NOW),
        "report month": lambda: reports.report(store, month_period(today.year, today.month, zone), now=NOW),
        "report quarter": lambda: reports.report(store, parse_period("quarter", today=today, zone=zone), now=NOW),
        "report 2026-05 (busy)": lambda: reports.report(store, month_period(2026, 5, zone), now=NOW),
        "report 2026-Q2 (busy)": lambda: reports.report(store, parse_period("2026-q2", today=today, zone=zone),
                                                         now=NOW),
        "chart data (13 weeks)": lambda: reports.chart_data(store, weeks, now=NOW),
        "chart data (busy weeks)": lambda: reports.chart_data(store, busy_weeks, now=NOW),
        "App Home tiles": lambda: reports.home_tiles(store, now=NOW),
    }
    try:
        return {name: _timed(call, repeat) for name, call in calls.items()}
    finally:
        store.dispose()


def explain(url: str) -> None:

    from rules.report_records import parse_period
    from store import reports
    from store.db import Policy, Store

    store = Store.from_url(url, Policy())
    period = parse_period("2026-q2", today=NOW.astimezone(store.policy.calendar.zone).date(),
                          zone=store.policy.calendar.zone)
    statements = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters))

    from sqlalchemy import event

    event.listen(store.engine, "before_cursor_execute", capture)
    reports.report(store, period, now=NOW)
    event.remove(store.engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if url.startswith("sqlite") else "EXPLAIN "
    with store.engine.connect() as connection:
        for statement, parameters in statements:
            print("   ", " ".join(statement.split())[:160])
            raw = connection.connection.driver_connection
            cursor = raw.cursor()
            cursor.execute(prefix + statement, parameters)
            for row in cursor.fetchall():
                print("      ", row[-1] if url.startswith("sqlite") else row[0])
            cursor.close()
    store.dispose()


CHART_CHILD = """
import json, sys, time
start = time.perf_counter()
from store import reports
from store.db import Policy, Store
from rules.report_records import last_days
from datetime import timedelta, datetime
from views.chart import render_chart
from views.i18n import translator
store = Store.from_url(sys.argv[1], Policy())
now = datetime.fromisoformat(sys.argv[2])
zone = store.policy.calendar.zone
today = now.astimezone(zone).date()
weeks = [last_days(today - timedelta(days=7 * back), zone) for back in reversed(range(13))]
data = reports.chart_data(store, weeks, now=now)
ready = time.perf_counter()
png = render_chart(data, translator(sys.argv[3]))
cold = time.perf_counter() - ready
warm = []
for _ in range(3):
    t = time.perf_counter(); render_chart(data, translator(sys.argv[3])); warm.append(time.perf_counter() - t)
print(json.dumps({"cold": cold, "warm": sorted(warm)[1], "bytes": len(png)}))
"""


def chart(url: str, locale: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", CHART_CHILD, url, NOW.isoformat(), locale], capture_output=True,
                            text=True, timeout=300, check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    ok = True
    with temp_dir("report-scale") as tmp:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend == "postgresql" and not pg_available():
                print("== PostgreSQL not reachable: skipped")
                continue
            for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
                schema = pg_schema("bench_report") if backend == "postgresql" else None
                url = schema.__enter__() if schema else f"sqlite:///{tmp}/report-{n}.sqlite3"
                try:
                    start = time.perf_counter()
                    counts = fill(url, n)
                    print(f"== {backend} {n:,} cases: filled in {time.perf_counter() - start:.0f} s {counts}",
                          flush=True)
                    for name, seconds in measure(url, args.repeat).items():
                        met = seconds < TARGET_QUERY_S
                        ok &= met
                        print(f"  {name:24} {seconds * 1000:8.1f} ms  (target < {TARGET_QUERY_S * 1000:.0f}) "
                              f"{'OK' if met else 'MISSED'}", flush=True)
                    for locale in ("en", "zh_CN"):
                        drawn = chart(url, locale)
                        met = drawn["cold"] < TARGET_CHART_S
                        ok &= met
                        print(f"  chart {locale:5} first in a fresh process {drawn['cold'] * 1000:6.0f} ms, warm "
                              f"{drawn['warm'] * 1000:4.0f} ms, {drawn['bytes']:,} bytes (target < "
                              f"{TARGET_CHART_S * 1000:.0f}) {'OK' if met else 'MISSED'}", flush=True)
                    if args.explain:
                        explain(url)
                finally:
                    if schema:
                        schema.__exit__(None, None, None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
