"""The issue's "done when": a month of Amazon's ledger for two accounts, synced, then the scheduled job — every
amount on its case, every unknown debit a case someone owns, every grant never paid warned about once, a second
sync changing nothing, and the report's confirmed figures equal to what the fake posted. Then "Match to a case"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rules.kinds import State
from rules.report_records import days_period
from store.queries import get_case
from store.reports import report
from tests.case_steps import case_id_of
from tests.fake_amazon import chargeback, refund, safet_reimbursement
from tests.ledger_fixtures import NOW, SELLER, SELLER_TWO
from tests.ledger_steps import (
    ACME_CHANNEL,
    BETA_CHANNEL,
    chargeback_case,
    entries,
    granted_claim,
    posted,
    sweep_at,
    sync,
)

pytest.importorskip("sp_api")
DAY = timedelta(days=1)


@pytest.fixture
def slack(ledger_slack):  # type: ignore[no-untyped-def]
    return ledger_slack


def a_month(slack, amazon) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Each account's cases and Amazon's events over November; what the fake posted, per account."""
    posted_money = {"acme": {"back": Decimal(0), "debited": Decimal(0)}, "beta": {"back": Decimal(0),
                                                                                   "debited": Decimal(0)}}
    for seller, account, base in ((SELLER, "acme", 100), (SELLER_TWO, "beta", 200)):
        claims, debits = [], []
        for i in range(4):  # granted and paid in full
            granted_claim(slack, f"{base}-000000{i}-0000001", f"{account.upper()}-{i}", 4000, account=account,
                          at=NOW - DAY * 25)
            claims.append(safet_reimbursement(f"{account.upper()}-{i}", "40.00", posted=NOW - DAY * (20 - i)))
        granted_claim(slack, f"{base}-0000010-0000001", f"{account.upper()}-LESS", 9000, account=account,
                      at=NOW - DAY * 25)
        claims.append(safet_reimbursement(f"{account.upper()}-LESS", "75.00", posted=NOW - DAY * 15))
        granted_claim(slack, f"{base}-0000011-0000001", f"{account.upper()}-FILED", None, account=account,
                      at=NOW - DAY * 25)
        claims.append(safet_reimbursement(f"{account.upper()}-FILED", "33.10", posted=NOW - DAY * 12))
        granted_claim(slack, f"{base}-0000012-0000001", f"{account.upper()}-UNPAID", 2500, account=account,
                      at=NOW - DAY * 20)
        claims.append(safet_reimbursement(f"{account.upper()}-NOBODY", "18.00", posted=NOW - DAY * 9))
        chargeback_case(slack, f"{base}-0000020-0000001", 5000, account=account, at=NOW - DAY * 28)
        debits.append(chargeback(f"{base}-0000020-0000001", principal="-45.00", tax="-3.71", posted=NOW - DAY * 8))
        for j in range(2):  # debits nobody recorded
            debits.append(chargeback(f"{base}-000003{j}-0000001", principal="-20.00", shipping="-5.00",
                                     posted=NOW - DAY * (6 - j)))
        amazon.add_events(seller, "SAFETReimbursementEventList", claims)
        amazon.add_events(seller, "ChargebackEventList", debits)
        amazon.add_events(seller, "RefundEventList", [refund(f"{base}-0000040-0000001", "19.99", posted=NOW - DAY * 3)])
        posted_money[account]["back"] = sum((Decimal(str(c["ReimbursedAmount"]["CurrencyAmount"])) for c in claims),
                                            Decimal(0))
        posted_money[account]["debited"] = -sum(
            (Decimal(str(charge["ChargeAmount"]["CurrencyAmount"])) for d in debits
             for item in d["ShipmentItemAdjustmentList"] for charge in item["ItemChargeAdjustmentList"]), Decimal(0))
    return posted_money


def test_a_month_for_two_accounts(slack, amazon):  # type: ignore[no-untyped-def]
    money = a_month(slack, amazon)
    first = sync(slack)
    # each: 7 reimbursements, 3 debits, 1 refund
    assert {r.account: r.recorded.new for r in first} == {"acme": 11, "beta": 11}
    sweep_at(slack)
    sweep_at(slack, NOW + timedelta(minutes=3))
    for account, base, channel in (("acme", 100, ACME_CHANNEL), ("beta", 200, BETA_CHANNEL)):
        less = get_case(slack.store, case_id_of(slack, f"{base}-0000010-0000001", "safet"), history=False)
        assert less.ledger_cents == 7500 and less.outcome_amount_cents == 9000  # told, not taken
        filed = get_case(slack.store, case_id_of(slack, f"{base}-0000011-0000001", "safet"), history=False)
        assert filed.state is State.REIMBURSED and filed.outcome_amount_cents == 3310
        known = get_case(slack.store, case_id_of(slack, f"{base}-0000020-0000001", "chargeback"), history=False)
        assert known.state is State.DEBITED and known.outcome_amount_cents == 4871
        for j in range(2):
            opened = get_case(slack.store, case_id_of(slack, f"{base}-000003{j}-0000001", "chargeback"), history=False)
            assert opened.state is State.DEBITED and opened.outcome_amount_cents == 2500 and opened.account == account
            assert opened.card_ts, "its card is posted"
        texts = posted(slack, channel)
        assert len([t for t in texts if "Granted, not paid" in t]) == 1
        assert len([t for t in texts if "Amounts differ" in t]) == 1
        assert len([t for t in texts if "A payment with no case" in t]) == 1
    again = sync(slack)
    assert [r.recorded.new for r in again] == [0, 0]
    before = entries(slack)
    sweep_at(slack, NOW + timedelta(hours=2))
    assert entries(slack) == before
    for account, channel in (("acme", ACME_CHANNEL), ("beta", BETA_CHANNEL)):
        assert len([t for t in posted(slack, channel) if "Granted, not paid" in t]) == 1
        zone = slack.runtime.deps.settings.accounts.market_of(account).zone
        figures = report(slack.store, days_period((NOW - DAY * 30).date(), NOW.date(), zone), now=NOW,
                         account=account).ledger
        assert figures is not None
        assert figures.recovered == {"USD": int(money[account]["back"] * 100)}
        assert figures.debited == {"USD": int(money[account]["debited"] * 100)}
        assert figures.unmatched == 1


def test_match_to_a_case_records_the_payment_on_the_claim_named(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = granted_claim(slack, "111-0000050-0000001", "", None)  # filed without its claim number
    amazon.add_events(SELLER, "SAFETReimbursementEventList",
                      [safet_reimbursement("C-7777", "64.00", posted=NOW - DAY * 2)])
    sync(slack)
    sweep_at(slack)
    (notice,) = [m for m in slack.fake.messages(ACME_CHANNEL) if "A payment with no case" in str(m.get("text"))]
    key = next(e["value"] for b in notice["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == "ledger_match")
    slack.click("ledger_match", key, user="U1", channel=ACME_CHANNEL)
    view = slack.opened_view()
    refused = slack.submit(view, {"claim": {"value": {"type": "plain_text_input", "value": "999-9999999-9999999"}}})
    assert "No SAFE-T claim" in str(refused.json())
    assert slack.submit(view, {"claim": {"value": {"type": "plain_text_input",
                                                    "value": "111-0000050-0000001"}}}).status == 200
    case = get_case(slack.store, case_id, history=False)
    assert case.state is State.REIMBURSED and case.outcome_amount_cents == 6400 and case.claim_number == "C-7777"
    again = slack.submit(view, {"claim": {"value": {"type": "plain_text_input", "value": "111-0000050-0000001"}}})
    assert "already matched" in str(again.json())
