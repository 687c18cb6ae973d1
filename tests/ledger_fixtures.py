"""Shared pieces of the ledger tests: a fake Amazon with a clock, and a connection to it."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.client import Bucket, Connection, FinancesReader
from tests.fake_amazon import FakeAmazon

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
SELLER, TOKEN = "A1SELLER0001", "Atzr|refresh-token-one"
SELLER_TWO, TOKEN_TWO = "A2SELLER0002", "Atzr|refresh-token-two"


def connection(fake: FakeAmazon, *, account: str = "default", token: str = TOKEN, secret: str = "lwa-secret") \
        -> Connection:
    return Connection(account=account, selling_partner_id=SELLER, region="na",
                      client_id="amzn1.application-oa2-client.test", client_secret=secret, refresh_token=token,
                      endpoint=fake.endpoint, token_url=fake.token_url)


class Sleeps:
    """Recorded instead of slept: backoff and pacing are asserted, never waited for."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.now = 0.0

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def reader(conn: Connection, sleeps: Sleeps | None = None) -> FinancesReader:
    sleeps = sleeps or Sleeps()
    return FinancesReader(conn, sleep=sleeps, bucket=Bucket(clock=sleeps.clock, sleep=sleeps), timeout=5)
