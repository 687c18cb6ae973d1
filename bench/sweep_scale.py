"""Does the sweep's cost stay flat as history grows? Fill the store with 10 k, 100 k and 1 M cases
(most closed; ~550 open; ~1 k notices due at the sweep instant), then run `sweep.scheduler.sweep`
against the fake Slack and measure it.

    python bench/sweep_scale.py                                   # 10k,100k,1M on SQLite and PostgreSQL
    python bench/sweep_scale.py --sizes 10000,100000 --backends sqlite --repeat 3
    python bench/sweep_scale.py --sizes 1000000 --explain         # also the query plans of the sweep's reads
    python bench/sweep_scale.py --sizes 1000000 --profile         # pyinstrument of one sweep (outside Slack)

Filling uses SQLAlchemy Core ``insert()`` with lists of dicts (SQLite) or COPY (PostgreSQL), with the
schema's own indexes in place. What the open and due part holds is the same at every size, so any
growth of the sweep's time is the cost of history.

Each sweep runs in a fresh child process (imports done and the store pinged before the clock
starts): wall time of `scheduler.sweep`, time inside Slack Web API calls (the client's ``api_call``,
timed), calls made, and memory growth (VmHWM after the sweep minus VmRSS before it, peak reset via
/proc/self/clear_refs). Pacing is off (``Pacer(0)``): in production each extra message to one channel
waits ~1 s, which is Slack's limit and not the app's cost. Between repeats the rows the sweep changed
are put back, so every repeat sweeps the same due set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: a patched copy wins

from bench.common import pg_available, pg_schema, temp_dir
from bench.sweep_store import (
    CHANNEL,
    NOW,
    ROLES,
    fill,
    seed_cards,
)

TARGET_MS = 250.0
TARGET_RATIO = 1.5
TARGET_MB = 50.0


# ---------------------------------------------------------------- snapshot and restore between repeats


def snapshot(url: str) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as c:
        snap = {
            "max_event": c.execute(text("SELECT coalesce(max(id), 0) FROM audit_events")).scalar(),
            "max_outbox": c.execute(text("SELECT coalesce(max(id), 0) FROM outbox")).scalar(),
            "pending": c.execute(text("SELECT id FROM outbox WHERE status = 'pending'")).scalars().all(),
            "open": c.execute(text("SELECT id FROM deadlines WHERE status = 'open'")).scalars().all(),
            "cases": [tuple(r) for r in c.execute(text(
                "SELECT id, state, version, updated_at FROM cases WHERE id IN "
                "(SELECT case_id FROM deadlines WHERE status = 'open')"))],
        }
    engine.dispose()
    return snap


def restore(url: str, snap: dict[str, Any]) -> None:
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DELETE FROM outbox WHERE id > :m"), {"m": snap["max_outbox"]})
        c.execute(text("DELETE FROM audit_events WHERE id > :m"), {"m": snap["max_event"]})
        c.execute(text("UPDATE outbox SET status = 'pending', claim_token = NULL, claimed_at = NULL, sent_ts = NULL, "
                       "settled_at = NULL, error = NULL, attempts = 0, unknown_since = NULL WHERE id IN :ids")
                  .bindparams(bindparam("ids", expanding=True)), {"ids": snap["pending"]})
        c.execute(text("UPDATE deadlines SET status = 'open', settled_at = NULL WHERE id IN :ids")
                  .bindparams(bindparam("ids", expanding=True)), {"ids": snap["open"]})
        c.execute(text("UPDATE cases SET card_shown = NULL, card_stale_at = NULL WHERE card_shown IS NOT NULL "
                       "OR card_stale_at IS NOT NULL"))
        c.execute(text("UPDATE cases SET state = :state, version = :version, updated_at = :updated WHERE id = :id"),
                  [{"id": i, "state": s, "version": v, "updated": u} for i, s, v, u in snap["cases"]])
        c.execute(text("DELETE FROM user_preferences WHERE user_id NOT LIKE 'U0%'"))
    engine.dispose()


# ---------------------------------------------------------------- one sweep, in a child process


def child(url: str, api_url: str, profile: bool) -> None:
    """Run one sweep and print what it cost as one JSON line."""
    import logging

    from slack_sdk import WebClient

    from slack_app.config import Settings
    from store.db import Policy, Store
    from sweep import cards, scheduler
    from webapi.client import remember_identity

    logging.basicConfig(level=logging.ERROR)
    slack = {"seconds": 0.0, "calls": {}}

    class TimedClient(WebClient):
        def api_call(self, api_method: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            started = time.perf_counter()
            try:
                return super().api_call(api_method, *args, **kwargs)
            finally:
                slack["seconds"] += time.perf_counter() - started
                slack["calls"][api_method] = slack["calls"].get(api_method, 0) + 1

    settings = Settings(bot_token="xoxb-bench", api_url=api_url, database_url=url, alert_channel=CHANNEL,
                        sweep_seconds=0)
    store = Store.from_url(url, Policy.of(settings))
    client = TimedClient(token=settings.bot_token, base_url=api_url, timeout=10)
    remember_identity(client, client.auth_test())  # as at start-up: auth.test once per process, not per sweep
    slack["calls"].clear()
    slack["seconds"] = 0.0

    phases: dict[str, list[float]] = {}

    def timing(module: Any, name: str) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, inside = time.perf_counter(), slack["seconds"]
            try:
                return original(*args, **kwargs)
            finally:
                spent = phases.setdefault(name, [0.0, 0.0])
                spent[0] += time.perf_counter() - wall
                spent[1] += slack["seconds"] - inside

        setattr(module, name, timed)

    for name in ("settle", "plan_daily", "post_due", "plan", "recover", "deliver"):
        timing(scheduler, name)
    timing(cards, "redraw")

    assert store.ping()
    settings.calendar.holiday_name(NOW.date())  # the holiday data is loaded before the clock starts
    rss_before = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    report = scheduler.sweep(store, client, settings, now=NOW, pacer=scheduler.Pacer(0))
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
    peak = _status("VmHWM")
    print(json.dumps({
        "total": total, "cpu": cpu, "slack": slack["seconds"], "calls": slack["calls"],
        "rss_before_mb": rss_before / 1024,
        "growth_mb": (peak - rss_before) / 1024, "posted": report.posted, "messages": report.messages,
        "skipped": report.skipped, "closed": report.closed, "failed": report.failed, "left": report.left,
        "errors": report.errors, "phases": phases,
    }))
    if profiler is not None:
        import io
        import pstats

        out = io.StringIO()
        order = os.environ.get("SAFET_PROFILE_SORT", "cumulative")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(60)
        sys.stderr.write(out.getvalue())
    store.dispose()


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run_child(url: str, api_url: str, profile: bool = False, pythonpath: str | None = None) -> dict[str, Any]:
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    result = subprocess.run([sys.executable, __file__, "--child", url, "--api-url", api_url]
                            + (["--profile"] if profile else []), capture_output=True, text=True, env=env,
                            timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"sweep child failed:\n{result.stderr[-4000:]}")
    if profile:
        print(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- query plans


def explain(url: str) -> None:
    """The plans of the sweep's reads at this size (PostgreSQL: EXPLAIN ANALYZE; SQLite: QUERY PLAN)."""
    from sqlalchemy import create_engine, func, select

    from rules.deadlines import DeadlineKind, DeadlineStatus
    from rules.ladder import SELF_SETTLING
    from store import outbox
    from store.models import Case, CaseDeadline, OutboxNotice

    engine = create_engine(url)
    tasks = [str(k) for k in DeadlineKind if not k.is_window]
    lease = timedelta(minutes=5)
    queries = {
        "claim_due (pending, post_at <= now)": outbox._due(NOW).order_by(OutboxNotice.post_at).limit(500),
        "claim_due (stale claims)": outbox._stale(NOW, lease).order_by(OutboxNotice.claimed_at).limit(500),
        "count_due": select(func.count()).select_from(outbox._due(NOW).subquery()),
        "due_settlements": select(CaseDeadline.id).where(
            CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.due_at <= NOW,
            CaseDeadline.kind.in_([str(k) for k in SELF_SETTLING])).order_by(CaseDeadline.due_at).limit(500),
        "daily_facts overdue count": select(func.count()).select_from(CaseDeadline).where(
            CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.kind.in_(tasks), CaseDeadline.due_at < NOW),
        "daily_facts failed (24 h)": select(func.count()).select_from(OutboxNotice).where(
            OutboxNotice.status == "failed", OutboxNotice.settled_at >= NOW - timedelta(days=1)),
        "daily_facts open cases by kind": select(Case.kind, func.count()).where(
            Case.state.in_(outbox._OPEN_STATES))
        .group_by(Case.kind),
        "(before 04:30) open chargebacks, state IN … AND kind =": select(func.count()).select_from(Case).where(
            Case.state.in_(outbox._OPEN_STATES),
            Case.kind == "chargeback"),
        "stages_of (deadline_id IN …)": select(OutboxNotice.id).where(
            OutboxNotice.deadline_id.in_([1, 2, 3])).order_by(OutboxNotice.post_at),
    }
    postgres = not url.startswith("sqlite")
    with engine.connect() as connection:
        for name, query in queries.items():
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(prefix + sql).fetchall()
            took = []
            for _ in range(3):
                started = time.perf_counter()
                connection.exec_driver_sql(sql).fetchall()
                took.append((time.perf_counter() - started) * 1000)
            print(f"  -- {name}: {statistics.median(took):.1f} ms")
            for row in rows:
                print("     " + (row[0] if postgres else str(row[-1])))
    engine.dispose()


# ---------------------------------------------------------------- main


def bench_backend(backend: str, sizes: list[int], repeat: int, do_explain: bool, profile: bool,
                  fake: Any, variants: dict[str, str],
                  cache: Path | None = None) -> dict[str, dict[int, dict[str, Any]]]:
    """Per code version ("main" and each variant), per size: the medians of ``repeat`` sweeps. Versions
    alternate on the same filled store (restored between sweeps), so they see the same machine."""
    versions = {"main": None, **variants}
    results: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in versions}
    for n in sizes:
        with temp_dir("safet-sweep-") as tmp, _database(backend, cache or tmp, n) as url:
            started = time.monotonic()
            cached = cache is not None and backend == "sqlite" and (cache / f"sweep-{n}.sqlite3").exists()
            if cached:
                from store.db import upgrade

                upgrade(url)
                counts = {"cases (cached)": n}
            else:
                counts = fill(url, n)
            seeded = seed_cards(url, fake.base_url)
            fill_s = time.monotonic() - started
            print(f"  {backend} {n:>9,} cases: {'reused' if cached else 'filled'} in {fill_s:.0f} s "
                  f"({', '.join(f'{v:,} {k}' for k, v in counts.items())}; {seeded} cards seeded)", flush=True)
            snap = snapshot(url)
            if do_explain:  # before any sweep: the due rows are still due
                explain(url)
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in versions}
            first = True
            for attempt in range(repeat):
                order = list(versions) if attempt % 2 == 0 else list(reversed(versions))
                for name in order:
                    if not first:
                        restore(url, snap)
                    first = False
                    runs[name].append(run_child(url, fake.base_url, profile=profile and attempt == repeat - 1,
                                                pythonpath=versions[name]))
            restore(url, snap)  # a cached store is left as it was filled
        for name, version_runs in runs.items():
            if version_runs:  # --repeat 0: fill and --explain only
                results[name][n] = _summarise(name, n, version_runs)
    return results


def _summarise(name: str, n: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    outside = [(r["total"] - r["slack"]) * 1000 for r in runs]
    median_run = sorted(runs, key=lambda r: r["total"] - r["slack"])[(len(runs) - 1) // 2]
    result = {"outside_ms": statistics.median(outside), "outside_all": outside,
              "cpu_ms": statistics.median(r["cpu"] * 1000 for r in runs),
              "total_ms": statistics.median(r["total"] * 1000 for r in runs),
              "slack_ms": statistics.median(r["slack"] * 1000 for r in runs),
              "growth_mb": max(r["growth_mb"] for r in runs), "run": median_run}
    r = median_run
    calls = sum(r["calls"].values())
    phases = ", ".join(f"{k} {v[0] * 1000:.0f}/{(v[0] - v[1]) * 1000:.0f}" for k, v in r["phases"].items())
    label = "" if name == "main" else f"[{name}] "
    print(f"    {label}sweep {result['total_ms']:.0f} ms, outside Slack {result['outside_ms']:.0f} ms "
          f"(runs: {', '.join(f'{x:.0f}' for x in outside)}; CPU {result['cpu_ms']:.0f} ms, the client's "
          f"share of each call included), in Slack {result['slack_ms']:.0f} ms; "
          f"{calls} Slack calls {r['calls']}; posted {r['posted']} notices in {r['messages']} messages, "
          f"skipped {r['skipped']}, closed {r['closed']}, left {r['left']}; memory growth "
          f"{result['growth_mb']:.1f} MB", flush=True)
    print(f"    {label}phases (ms total/outside Slack): {phases}", flush=True)
    if r["errors"]:
        print(f"    ERRORS: {r['errors']}")
    return result


class _database:
    def __init__(self, backend: str, tmp: Path, n: int) -> None:
        self.backend, self.tmp, self.n = backend, tmp, n
        self._schema: Any = None

    def __enter__(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp}/sweep-{self.n}.sqlite3"
        self._schema = pg_schema("bench_sweep")
        return self._schema.__enter__()

    def __exit__(self, *exc: Any) -> None:
        if self._schema is not None:
            self._schema.__exit__(*exc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3, help="sweeps per size (median reported; 0: fill only)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the sweep's reads per size")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the last sweep of each size")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=DIR",
                        help="also sweep with DIR first on PYTHONPATH (a patched copy of the packages), "
                             "alternating with main on the same data; repeatable")
    parser.add_argument("--cache", type=Path, help="SQLite: keep each size's filled store in this directory "
                        "and reuse it on the next run (restored after every sweep)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.api_url, args.profile)
        return 0

    from tests.fake_slack import FakeSlack

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    ok = True
    everything: dict[str, Any] = {}
    with FakeSlack() as fake:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend == "postgresql" and not pg_available():
                print("== PostgreSQL not reachable: skipped")
                continue
            print(f"== {backend}: sweep at {NOW.isoformat()} with {sum(ROLES.values())} open-or-due cases "
                  f"at every size", flush=True)
            if args.cache:
                args.cache.mkdir(parents=True, exist_ok=True)
            by_version = bench_backend(backend, sizes, args.repeat, args.explain, args.profile, fake,
                                       dict(v.split("=", 1) for v in args.variant), args.cache)
            everything[backend] = by_version
            for name, results in by_version.items():
                if not results:
                    continue
                big, small = max(results), min(results)
                ratio = results[big]["outside_ms"] / results[small]["outside_ms"]
                biggest = results[big]
                growth = max(r["growth_mb"] for r in results.values())
                met = (biggest["outside_ms"] < TARGET_MS, ratio <= TARGET_RATIO, growth < TARGET_MB)
                if name == "main":
                    ok &= all(met)
                print(f"  {backend} [{name}]: outside Slack at {big:,}: {biggest['outside_ms']:.0f} ms "
                      f"(target < {TARGET_MS:.0f}) {'OK' if met[0] else 'MISSED'};  time({big:,})/time({small:,}) "
                      f"= {ratio:.2f} (target ≤ {TARGET_RATIO}) {'OK' if met[1] else 'MISSED'};  max memory growth "
                      f"{growth:.1f} MB (target < {TARGET_MB:.0f}) {'OK' if met[2] else 'MISSED'}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
