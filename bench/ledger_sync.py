"""Amazon's ledger at scale: 10 000 events over 100 pages from the fake Amazon (``tests/fake_amazon.py``),
synced into a fresh SQLite store that holds the claims and chargebacks they match, then one sweep posting what
the sync changed to the fake Slack. Printed beside a baseline of only reading the same pages (the library, the
fake, the JSON): the time the app adds to record and match every entry, and the Web API calls it makes.

    python bench/ledger_sync.py                   # 10 000 events
    python bench/ledger_sync.py --events 2000     # quicker
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from sqlalchemy import insert  # noqa: E402

from ledger.client import Bucket, Connection, FinancesReader  # noqa: E402
from ledger.events import read_page  # noqa: E402
from ledger.sync import sync_all  # noqa: E402
from rules.accounts import Account, AccountBook, LedgerLink  # noqa: E402
from rules.marketplaces import BUILT_IN  # noqa: E402
from rules.settings import Settings  # noqa: E402
from store.db import Policy, Store, upgrade  # noqa: E402
from store.models import Case  # noqa: E402
from sweep.ledger import ledger_job  # noqa: E402
from sweep.scheduler import sweep  # noqa: E402
from tests.fake_amazon import FakeAmazon, chargeback, refund, safet_reimbursement  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from webapi.client import make_client  # noqa: E402

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
SELLER, TOKEN = "A1BENCHSELLER", "Atzr|bench"
ENV = {"SAFET_LWA_CLIENT_ID": "amzn1.application-oa2-client.test", "SAFET_LWA_CLIENT_SECRET": "lwa-secret",
       "BENCH_TOKEN": TOKEN}


def no_sleep(_seconds: float) -> None:
    """Amazon's rate (0.5 requests a second) would make 100 pages take minutes: paced, never waited for."""


def reader(connection: Connection) -> FinancesReader:
    return FinancesReader(connection, sleep=no_sleep, bucket=Bucket(rate=1e9, burst=10**9, sleep=no_sleep))


def fill(store: Store, amazon: FakeAmazon, events: int) -> None:
    """Half the events pay claims on record, a tenth are debits on recorded chargebacks, a tenth debits nobody
    recorded, the rest refunds; every claim and chargeback is inserted in bulk (not the subject here)."""
    paid, debits, unknown = events // 2, events // 10, events // 10
    refunds = events - paid - debits - unknown
    start = NOW - timedelta(days=20)
    cases = [dict(kind="safet", order_id=f"111-{i:07d}-0000001", state="filed", owner_id="U1", created_by="U1",
                  created_at=start, updated_at=start, claim_number=f"C-{i:06d}", currency="USD", channel_id="CBENCH",
                  account="bench", marketplace="US", details={}, explanation="", notes="", reason="trip_credit")
             for i in range(paid)]
    cases += [dict(kind="chargeback", order_id=f"222-{i:07d}-0000001", state="represented", owner_id="U1",
                   created_by="U1", created_at=start, updated_at=start, amount_cents=2500, currency="USD",
                   channel_id="CBENCH", account="bench", marketplace="US", details={}, explanation="", notes="",
                   complaint_type="not_received") for i in range(debits)]
    with store.transaction() as session:
        session.execute(insert(Case), cases)
    minute = timedelta(seconds=100)
    amazon.add_events(SELLER, "SAFETReimbursementEventList", [
        safet_reimbursement(f"C-{i:06d}", "50.00", posted=start + minute * i) for i in range(paid)])
    amazon.add_events(SELLER, "ChargebackEventList", [
        chargeback(f"222-{i:07d}-0000001", principal="-25.00", posted=start + minute * i) for i in range(debits)]
        + [chargeback(f"333-{i:07d}-0000001", principal="-19.99", posted=start + minute * i) for i in range(unknown)])
    amazon.add_events(SELLER, "RefundEventList", [
        refund(f"444-{i:07d}-0000001", "12.00", posted=start + minute * i) for i in range(refunds)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    book = AccountBook((Account("bench", "Bench", ("US",), channel="CBENCH", leads=("U0LEAD",),
                                ledger=LedgerLink(SELLER, "na", "BENCH_TOKEN", first_sync_days=30)),),
                       (BUILT_IN["US"],), "bench")
    with tempfile.TemporaryDirectory() as tmp, FakeAmazon(clock=lambda: NOW) as amazon, FakeSlack() as slack:
        amazon.add_seller(SELLER, TOKEN)
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        settings = Settings(bot_token="xoxb-bench", api_url=slack.base_url, book=book, spapi_endpoint=amazon.endpoint,
                            lwa_token_url=amazon.token_url, database_url=url)
        store = Store.from_url(url, Policy.of(settings))
        fill(store, amazon, args.events)
        connection = Connection("bench", SELLER, "na", ENV["SAFET_LWA_CLIENT_ID"], ENV["SAFET_LWA_CLIENT_SECRET"],
                                TOKEN, amazon.endpoint, amazon.token_url)

        began = time.perf_counter()
        baseline = reader(connection)
        pages = read = 0
        for payload in baseline.pages(NOW - timedelta(days=30), NOW - timedelta(minutes=2)):
            pages += 1
            read += len(read_page(payload).entries)
        base_seconds = time.perf_counter() - began

        began = time.perf_counter()
        (result,) = sync_all(store, settings, ENV, now=NOW, reader=reader)
        sync_seconds = time.perf_counter() - began
        calls_before = len(slack.calls())
        began = time.perf_counter()
        job = ledger_job(store, settings, ENV, clock=lambda: NOW, reader=reader)
        report = sweep(store, make_client(settings), settings, now=NOW, before=[job])
        sweep_seconds = time.perf_counter() - began
        web_calls = len(slack.calls()) - calls_before
        later = NOW + timedelta(minutes=5)
        amazon.clock = lambda: later
        again = sync_all(store, settings, ENV, now=later, reader=reader)[0]
        store.dispose()

    print(f"events {read} over {pages} pages")
    print(f"{'':32} {'seconds':>9} {'× baseline':>11}")
    print(f"{'baseline: read the pages only':32} {base_seconds:9.2f} {1.0:11.1f}")
    print(f"{'sync: read, match, record':32} {sync_seconds:9.2f} {sync_seconds / base_seconds:11.1f}")
    print(f"{'the sweep after it (paced)':32} {sweep_seconds:9.2f} {sweep_seconds / base_seconds:11.1f}")
    print(f"recorded {result.recorded.new} ({dict(sorted(result.recorded.steps.items()))}); "
          f"{result.calls} SP-API calls; a second sync recorded {again.recorded.new}")
    print(f"Web API calls by the sweep: {web_calls} ({report.messages} messages, {report.posted} notices)")
    return 0 if again.recorded.new == 0 and result.recorded.new == read else 1


if __name__ == "__main__":
    sys.exit(main())
