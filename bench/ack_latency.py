"""How fast `safet serve` answers Slack, next to two bare Bolt apps served the same way.

    python bench/ack_latency.py                      # defaults: 600 commands per app, 500 submissions per backend
    python bench/ack_latency.py --n 200 --submissions 200 --backends sqlite   # quicker

1. `/safet file` (ack + modal): `safet serve` (SQLite) beside bench/bare_app.py in Bolt's fast mode
   (process_before_response=True, views.open lazy) and in Bolt's default mode (listener in a thread,
   ack polled every 10 ms). Same gunicorn gthread settings (1 worker, 8 threads by default). Signed
   requests are sent interleaved in random order from one keep-alive client per app; after each
   request the client waits until the fake Slack has seen that request's views.open (so the next
   request is not measured against the previous one's background work; --no-settle turns that off).
2. A SAFE-T claim `view_submission` that stores a case (unique order IDs; ~10 % malformed order IDs
   and ~5 % already-claimed orders come back as field errors), on SQLite and on PostgreSQL.

All times are client-side round trips on loopback (request written → whole response read).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: a patched copy wins

from bench.common import (
    SIGNING_SECRET,
    Child,
    KeepAliveClient,
    Summary,
    children,
    claim_values,
    command_body,
    order_id,
    pg_available,
    pg_schema,
    safet_db_upgrade,
    safet_env,
    start_child,
    start_safet,
    temp_dir,
    view_submission_body,
    wait_until,
)
from tests.fake_slack import FakeSlack

TARGET_RATIO = 1.15
TARGET_P99_MS = {"sqlite": 15.0, "postgresql": 25.0}


def start_bare(mode: str, fake: FakeSlack, log_dir: Path, workers: int, threads: int) -> Child:
    from bench.common import free_port

    port = free_port()
    argv = [sys.executable, str(Path(__file__).with_name("bare_app.py")), "--mode", mode, "--port", str(port),
            "--workers", str(workers), "--threads", str(threads)]
    env = safet_env(database_url="sqlite://", api_url=fake.base_url)
    assert env["SLACK_SIGNING_SECRET"] == SIGNING_SECRET
    return start_child(f"bare-{mode}", argv, env, port, log_dir)


# ---------------------------------------------------------------- /safet file


def bench_commands(fake: FakeSlack, apps: dict[str, Child], *, n: int, warmup: int, settle: bool, gap: float,
                   seed: int) -> dict[str, Summary]:
    clients = {name: KeepAliveClient(child.port) for name, child in apps.items()}
    summaries = {name: Summary(name) for name in apps}
    rng = random.Random(seed)
    counter = 0

    def one(name: str, record: bool) -> None:
        nonlocal counter
        counter += 1
        before = len(fake.calls("views.open"))
        status, body, seconds = clients[name].post(command_body("file", trigger_id=f"{name}-{counter}"))
        if status != 200 or body.strip():
            raise RuntimeError(f"{name}: /safet file answered {status} {body[:200]!r}")
        if record:
            summaries[name].add(seconds)
        if settle and not wait_until(lambda: len(fake.calls("views.open")) > before, timeout=5):
            raise RuntimeError(f"{name}: no views.open within 5 s")
        if settle and gap:
            time.sleep(gap)  # let the lazy listener finish with Slack's answer

    names = list(apps)
    for i in range(warmup + n):
        rng.shuffle(names)
        for name in names:
            one(name, record=i >= warmup)
    for client in clients.values():
        client.close()
    return summaries


# ---------------------------------------------------------------- view_submission


def claim_view(fake: FakeSlack, app: Child) -> dict:
    """Open the claim modal the way a person does and return the view the app sent to Slack."""
    client = KeepAliveClient(app.port)
    client.post(command_body("file", trigger_id=f"view-{app.name}"))
    client.close()
    assert wait_until(lambda: any(c.args.get("trigger_id") == f"view-{app.name}" for c in fake.calls("views.open")))
    call = next(c for c in fake.calls("views.open") if c.args.get("trigger_id") == f"view-{app.name}")
    view = dict(call.args["view"])
    view["id"] = "VBENCH"
    return view


def bench_submissions(fake: FakeSlack, apps: dict[str, Child], *, n: int, warmup: int, settle: bool, gap: float,
                      seed: int) -> dict[str, dict[str, Summary]]:
    """The same sequence of submissions (orders, errors) to each app, interleaved in random order."""
    views = {name: claim_view(fake, app) for name, app in apps.items()}
    clients = {name: KeepAliveClient(app.port) for name, app in apps.items()}
    summaries = {name: {k: Summary(f"{name} {k}") for k in ("all", "stored", "field error")} for name in apps}
    rng = random.Random(seed)
    stored: list[str] = []
    serial = seed * 1_000_000
    names = list(apps)
    for i in range(warmup + n):
        roll = rng.random()
        if roll < 0.10:
            order, expect = "123-456", "errors"                     # malformed: refused before the database
        elif roll < 0.15 and stored:
            order, expect = rng.choice(stored), "errors"            # already claimed: refused by the store
        else:
            serial += 1
            order, expect = order_id(serial), "update"
        rng.shuffle(names)
        for name in names:
            before = len(fake.calls("chat.postMessage"))
            status, body, seconds = clients[name].post(
                view_submission_body(views[name], claim_values(order), trigger_id=f"s{i}"))  # new per gesture, as Slack
            answer = json.loads(body) if body else {}
            if status != 200 or answer.get("response_action") != expect:
                raise RuntimeError(f"{name}: submit {order} answered {status} {body[:300]!r}; its log:\n"
                                   f"{apps[name].log()}")
            if i >= warmup:
                summaries[name]["all"].add(seconds)
                summaries[name]["stored" if expect == "update" else "field error"].add(seconds)
            # The background work posts the card and its first thread line; wait for both.
            if settle and expect == "update" and not wait_until(
                    lambda b=before: len(fake.calls("chat.postMessage")) >= b + 2, timeout=5):
                raise RuntimeError(f"{name}: the card of {order} was not posted within 5 s; its log:\n"
                                   f"{apps[name].log()}")
            if settle and gap:
                time.sleep(gap)
        if expect == "update":
            stored.append(order)
    for client in clients.values():
        client.close()
    return summaries


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=600, help="measured /safet file requests per app (default 600)")
    parser.add_argument("--warmup", type=int, default=60, help="unmeasured requests per app first (default 60)")
    parser.add_argument("--submissions", type=int, default=500, help="measured submissions per backend")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma list: sqlite, postgresql")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-settle", action="store_true",
                        help="send the next request at once, while the previous one's lazy work still runs")
    parser.add_argument("--gap-ms", type=float, default=5.0,
                        help="settled mode: pause after the previous request's Slack call was seen (default 5)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=DIR",
                        help="also run `safet serve` with DIR first on PYTHONPATH (a patched copy of the "
                             "packages), interleaved with the others; repeatable")
    parser.add_argument("--skip-commands", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    settle, gap = not args.no_settle, args.gap_ms / 1000
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    variants = dict(v.split("=", 1) for v in args.variant)
    results: dict[str, dict] = {}
    ok = True

    def ours_set(kids: list[Child], tmp: Path, fake: FakeSlack, url_for: dict[str, str]) -> dict[str, Child]:
        started = {}
        for name, url in url_for.items():
            extra = {"PYTHONPATH": variants[name]} if name in variants else {}
            label = "ours" if name == "ours" else f"ours:{name}"
            child = start_safet(label, database_url=url, api_url=fake.base_url, log_dir=tmp,
                                workers=args.workers, threads=args.threads, **extra)
            kids.append(child)
            started[label] = child
        return started

    with FakeSlack() as fake, temp_dir("safet-bench-") as tmp, children() as kids:
        names = ["ours", *variants]
        sqlite_servers = ours_set(kids, tmp, fake, {n: f"sqlite:///{tmp}/bench-{n}.sqlite3" for n in names})
        bare: dict[str, Child] = {}
        if not args.skip_commands:
            bare = {"bare-fast": start_bare("fast", fake, tmp, args.workers, args.threads),
                    "bare-default": start_bare("default", fake, tmp, args.workers, args.threads)}
            kids.extend(bare.values())
        for child in kids:
            child.wait_ready()

        if not args.skip_commands:
            apps = {**sqlite_servers, **bare}
            started = time.monotonic()
            s = bench_commands(fake, apps, n=args.n, warmup=args.warmup, settle=settle, gap=gap, seed=args.seed)
            print(f"== /safet file: {args.n} signed requests per app, interleaved, keep-alive, "
                  f"{'settled' if settle else 'back to back'} ({time.monotonic() - started:.0f} s)")
            for summary in s.values():
                print("  " + summary.row())
            for name in sqlite_servers:
                ratio = s[name].p99 / s["bare-fast"].p99
                print(f"  {name} p99 / bare-fast p99 = {ratio:.2f} (target ≤ {TARGET_RATIO})  "
                      f"[p50 ratio {s[name].p50 / s['bare-fast'].p50:.2f}]  "
                      f"{'OK' if ratio <= TARGET_RATIO else 'MISSED'};  bare-default / {name}: "
                      f"p99 {s['bare-default'].p99 / s[name].p99:.2f}, p50 {s['bare-default'].p50 / s[name].p50:.2f}")
                if name == "ours":
                    ok &= ratio <= TARGET_RATIO
            results["commands"] = {k: {"p50": v.p50, "p99": v.p99, "n": v.n} for k, v in s.items()}

        for backend in backends:
            if backend == "sqlite":
                s = bench_submissions(fake, sqlite_servers, n=args.submissions, warmup=args.warmup, settle=settle,
                                      gap=gap, seed=args.seed)
            elif backend == "postgresql":
                if not pg_available():
                    print("== PostgreSQL not reachable: skipped")
                    continue
                with contextlib.ExitStack() as stack:
                    urls = {}
                    for name in names:
                        urls[name] = stack.enter_context(pg_schema("bench_ack"))
                        safet_db_upgrade(urls[name])
                    pg_servers = ours_set(kids, tmp, fake, urls)
                    try:
                        for child in pg_servers.values():
                            child.wait_ready()
                        s = bench_submissions(fake, pg_servers, n=args.submissions, warmup=args.warmup,
                                              settle=settle, gap=gap, seed=args.seed)
                    finally:
                        for child in pg_servers.values():
                            child.stop()
            else:
                raise SystemExit(f"unknown backend {backend!r}")
            target = TARGET_P99_MS[backend]
            first = next(iter(s.values()))
            print(f"== SAFE-T claim view_submission on {backend}: {args.submissions} requests per app "
                  f"({first['field error'].n} field errors)")
            for per_app in s.values():
                for summary in per_app.values():
                    print("  " + summary.row())
            for name, per_app in s.items():
                met = per_app["all"].p99 < target
                if name == "ours":
                    ok &= met
                print(f"  {name}: p99 {per_app['all'].p99:.2f} ms (target < {target:.0f} ms)  "
                      f"{'OK' if met else 'MISSED'}" + (
                          f";  vs ours: p50 {per_app['all'].p50 / s['ours']['all'].p50:.2f}×, "
                          f"p99 {per_app['all'].p99 / s['ours']['all'].p99:.2f}×" if name != "ours" else ""))
            results[f"submit_{backend}"] = {name: {k: {"p50": v.p50, "p99": v.p99, "n": v.n} for k, v in per.items()}
                                            for name, per in s.items()}

    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
