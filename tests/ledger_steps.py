"""The real app with two seller accounts reading Amazon's ledger from the fake Amazon: how the ledger tests
open cases, sync (as ``safet ledger sync`` does), sweep (as the scheduled job does) and read what was posted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ledger.sync import sync_all
from rules.accounts import Account, AccountBook, LedgerLink
from rules.kinds import ComplaintType, SafetReason
from rules.marketplaces import BUILT_IN
from store import cases, opening
from store.models import LedgerEntryRow, OutboxNotice
from sweep.ledger import ledger_job
from sweep.scheduler import sweep
from tests.fake_amazon import FakeAmazon
from tests.ledger_fixtures import NOW, SELLER, SELLER_TWO, TOKEN, TOKEN_TWO, Sleeps, reader
from tests.slack_harness import Clock, SlackDriver, running_app

ACME, BETA = "acme", "beta"
ACME_CHANNEL, BETA_CHANNEL = "CACME", "CBETA"
LEAD = "U0LEAD"
ENV = {"SAFET_LWA_CLIENT_ID": "amzn1.application-oa2-client.test", "SAFET_LWA_CLIENT_SECRET": "lwa-secret",
       "ACME_SPAPI_TOKEN": TOKEN, "BETA_SPAPI_TOKEN": TOKEN_TWO}
BOOK = AccountBook((
    Account(ACME, "Acme US", ("US",), channel=ACME_CHANNEL, leads=(LEAD,),
            ledger=LedgerLink(SELLER, "na", "ACME_SPAPI_TOKEN", first_sync_days=60)),
    Account(BETA, "Beta US", ("US",), channel=BETA_CHANNEL, leads=("U0BETA",),
            ledger=LedgerLink(SELLER_TWO, "na", "BETA_SPAPI_TOKEN", first_sync_days=60)),
), (BUILT_IN["US"],), "test")


@contextmanager
def ledger_app(store: Any, fake_slack: Any, amazon: FakeAmazon, *, book: AccountBook = BOOK) -> Iterator[SlackDriver]:
    with running_app(store, fake_slack, Clock(NOW), book=book, spapi_endpoint=amazon.endpoint,
                     lwa_token_url=amazon.token_url) as driver:
        yield driver


def readers(connection: Any) -> Any:
    return reader(connection, Sleeps())


def sync(slack: SlackDriver, *, at: datetime = NOW, account: str | None = None) -> list[Any]:
    """``safet ledger sync`` (the same function, the same store)."""
    return sync_all(slack.store, slack.runtime.deps.settings, ENV, now=at, account=account, reader=readers)


def sweep_at(slack: SlackDriver, at: datetime = NOW) -> Any:
    """The scheduled job: ledger syncs that are due first, then every due notice."""
    deps = slack.runtime.deps
    job = ledger_job(slack.store, deps.settings, ENV, clock=lambda: at, reader=readers)
    return sweep(slack.store, slack.runtime.client, deps.settings, now=at, before=[job])


def granted_claim(slack: SlackDriver, order: str, claim: str, cents: int | None, *, account: str = ACME,
                  at: datetime = NOW - timedelta(days=10)) -> int:
    """A SAFE-T claim filed with Amazon's claim number; recorded granted at ``cents`` unless that is None."""
    case = opening.open_safet_claim(slack.store, actor="U1", order_id=order, reason=SafetReason.TRIP_CREDIT, now=at,
                                    explanation="The technician came; the customer was not home.", account=account)
    cases.record_filing(slack.store, case.case.id, actor="U1", now=at, claim_number=claim)
    if cents is not None:
        cases.record_grant(slack.store, case.case.id, actor="U1", is_lead=False, now=at, amount_cents=cents)
    return case.case.id


def chargeback_case(slack: SlackDriver, order: str, cents: int, *, account: str = ACME,
                    at: datetime = NOW - timedelta(days=20)) -> int:
    change = opening.open_chargeback(slack.store, actor="U1", order_id=order, amount_cents=cents, currency="USD",
                                     now=at, complaint_type=ComplaintType.NOT_RECEIVED, email_at=at, account=account)
    cases.represent(slack.store, change.case.id, actor="U1", now=at, shipped_on=None, shipping_method="UPS",
                    tracking="1Z999", represented_at=at)
    return change.case.id


def posted(slack: SlackDriver, channel: str) -> list[str]:
    """Every message posted to ``channel`` (notices, digests and cards) as text and blocks, oldest first."""
    return [str(m.get("text", "")) + str(m.get("blocks", "")) for m in slack.fake.messages(channel)]


def ledger_notices(slack: SlackDriver) -> list[tuple[str, str | None, str]]:
    with slack.store.reading() as session:
        return [(n.stage or "", n.ledger_key, n.status) for n in
                session.scalars(select(OutboxNotice).where(OutboxNotice.kind == "ledger").order_by(OutboxNotice.id))]


def entries(slack: SlackDriver) -> int:
    with slack.store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0)
