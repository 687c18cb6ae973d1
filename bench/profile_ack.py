"""Profile the ack path of a SAFE-T claim submission in-process (no HTTP): Bolt's ``dispatch`` on the
production app, with the Web API on the fake Slack. Prints the time per request, the SQL statements
each one runs, and (with --pyinstrument) a profile of the ack path.

    python bench/profile_ack.py --backend sqlite --n 300
    python bench/profile_ack.py --backend postgresql --n 300 --pyinstrument
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: a patched copy wins

from bench.common import (
    SIGNING_SECRET,
    Summary,
    claim_values,
    command_body,
    order_id,
    pg_schema,
    sign,
    temp_dir,
    view_submission_body,
    wait_until,
)
from tests.fake_slack import FakeSlack

SHOW_ALL = "--all" in sys.argv


def run(url: str, fake: FakeSlack, n: int, profile: bool, show_sql: bool, lazy_work: bool = True) -> None:
    from slack_bolt.request import BoltRequest
    from sqlalchemy import event

    from slack_app.app import create_runtime
    from slack_app.config import Settings
    from store.db import Policy, Store, upgrade
    from webapi.client import make_client

    settings = Settings(bot_token="xoxb-bench", signing_secret=SIGNING_SECRET, api_url=fake.base_url,
                        alert_channel="CBENCH", sweep_seconds=0, database_url=url)
    upgrade(url)
    store = Store.from_url(url, Policy.of(settings))
    runtime = create_runtime(settings, store, client=make_client(settings))
    app = runtime.app
    statements: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement.split("\n")[0][:90])

    def dispatch(body: str):  # type: ignore[no-untyped-def]
        headers = {"content-type": ["application/x-www-form-urlencoded"],
                   **{k.lower(): [v] for k, v in sign(body, secret=SIGNING_SECRET).items()}}
        return app.dispatch(BoltRequest(body=body, headers=headers))

    if not lazy_work:  # the ack path alone: the card is not drawn
        import handlers.safet_claims

        handlers.safet_claims.after_change = lambda *args, **kwargs: None
    dispatch(command_body("file", trigger_id="t0"))
    assert wait_until(lambda: fake.calls("views.open"), timeout=5)
    view = dict(fake.calls("views.open")[-1].args["view"], id="V1")

    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    total = Summary("ack (dispatch) wall")
    cpu = Summary("ack (dispatch) thread CPU")
    per_request: list[int] = []
    for i in range(n + 20):
        body = view_submission_body(view, claim_values(order_id(i + 1)), trigger_id=f"t{i}")
        before_posts = len(fake.calls("chat.postMessage"))
        statements.clear()
        if profiler and i >= 20:
            profiler.start()
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = dispatch(body)
        elapsed, elapsed_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        if profiler and i >= 20:
            profiler.stop()
        ack_sql = list(statements)
        assert response.status == 200 and '"update"' in response.body, response.body[:300]
        if lazy_work:
            wait_until(lambda b=before_posts: len(fake.calls("chat.postMessage")) >= b + 2, timeout=5)
        if i >= 20:
            total.add(elapsed)
            cpu.add(elapsed_cpu)
            per_request.append(len(ack_sql))
        if i == 20 and show_sql:
            print("SQL of one ack:")
            for line, count in Counter(ack_sql).items():
                print(f"  {count}× {line}")
    print(total.row())
    print(cpu.row())
    print(f"SQL statements per ack: median {statistics.median(per_request)}")
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=SHOW_ALL))
    runtime.stop_background()
    store.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--no-lazy-work", action="store_true", help="replace the lazy listener's work by nothing")
    parser.add_argument("--all", action="store_true", help="show every frame of the profile")
    parser.add_argument("--sql", action="store_true", help="list the SQL of one ack")
    args = parser.parse_args()
    with FakeSlack() as fake, temp_dir("safet-prof-") as tmp:
        if args.backend == "sqlite":
            run(f"sqlite:///{tmp}/p.sqlite3", fake, args.n, args.pyinstrument, args.sql,
                not args.no_lazy_work)
        else:
            with pg_schema("bench_prof") as url:
                run(url, fake, args.n, args.pyinstrument, args.sql,
                not args.no_lazy_work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
