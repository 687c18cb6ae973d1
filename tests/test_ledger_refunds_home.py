"""Refunds Amazon's ledger shows on seller-fulfilled orders with no claim: App Home lists those whose filing
window is open, newest deadline first, each with "Start a claim" opening the form prefilled; the daily summary
counts those closing within 7 days."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from store.ledger_refunds import claimable_refunds
from tests.case_steps import calls, next_call
from tests.fake_amazon import refund
from tests.ledger_fixtures import NOW, SELLER
from tests.ledger_steps import granted_claim, sync

pytest.importorskip("sp_api")
DAY = timedelta(days=1)


@pytest.fixture
def slack(ledger_slack):  # type: ignore[no-untyped-def]
    return ledger_slack


def refunds(amazon) -> None:  # type: ignore[no-untyped-def]
    amazon.add_events(SELLER, "RefundEventList", [
        refund("113-0000020-0000001", "24.99", posted=NOW - DAY * 25),   # 5 days left
        refund("113-0000021-0000001", "49.00", posted=NOW - DAY * 3),    # 27 days left
        refund("113-0000022-0000001", "15.00", posted=NOW - DAY * 31),   # closed
        refund("113-0000023-0000001", "80.00", posted=NOW - DAY * 4, fulfilled_by_amazon=True),  # Amazon's to claim
        refund("111-0000024-0000001", "12.00", posted=NOW - DAY * 2),    # already claimed
    ])


def test_app_home_lists_the_refunds_that_could_still_be_claimed_and_starts_a_claim(slack, amazon):  # type: ignore[no-untyped-def]
    refunds(amazon)
    granted_claim(slack, "111-0000024-0000001", "C-24", None)
    sync(slack)
    listed, closing = claimable_refunds(slack.store, now=NOW)
    assert [r.order_id for r in listed] == ["113-0000021-0000001", "113-0000020-0000001"]  # newest deadline first
    assert closing == 1 and listed[1].amount_cents == 2499
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home",
                 "event_ts": f"{time.time():.6f}"})
    view = slack.fake.wait_for("views.publish")[0].args["view"]
    shown = str(view["blocks"])
    assert "Refunds you could still claim (2)" in shown and "113-0000022-0000001" not in shown
    key = next(b["accessory"]["value"] for b in view["blocks"] if b.get("block_id", "").startswith("refund:")
               and "113-0000020-0000001" in str(b))
    before = calls(slack, "views.open")
    slack.click("home_start_claim", key, user="U1", channel="DU1")
    form = next_call(slack, "views.open", before).args["view"]
    by_block = {b.get("block_id"): b for b in form["blocks"]}
    assert by_block["order_id"]["element"]["initial_value"] == "113-0000020-0000001"
    assert by_block["refunded_amount"]["element"]["initial_value"] == "24.99"
    assert by_block["refund_on"]["element"]["initial_date"] == "2026-11-08"
    assert by_block["program"]["element"]["initial_option"]["value"] == "seller_fulfilled"


def test_the_daily_summary_counts_the_refunds_closing_within_a_week(slack, amazon):  # type: ignore[no-untyped-def]
    from sweep.scheduler import sweep

    refunds(amazon)
    sync(slack)
    morning = NOW.replace(hour=17, minute=30) + DAY  # 09:30 in Los Angeles, after the digest hour
    sweep(slack.store, slack.runtime.client, slack.runtime.deps.settings, now=morning)
    summary = [m for m in slack.fake.messages("CACME") if "Daily summary" in str(m.get("text"))]
    assert summary and "1 refund* in Amazon's ledger could still be claimed" in str(summary[0]["blocks"])
