"""The store with several accounts: each case takes its account's channel and its marketplace's calendar and
counts (chargeback reply, outcome window, Amazon.ae's appeal window), rosters are per account, and a key or
marketplace the deployment does not have is a field error.

Expected instants are worked out by hand: Amazon.ae counts Saturdays as business days (only Sunday off).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from rules.deadlines import DeadlineKind, DeadlineRule
from rules.errors import DomainError
from rules.kinds import ComplaintType, SafetReason
from rules.records import ListFilter
from slack_app.accounts import parse_accounts
from store import cases
from store.db import Policy, Store
from store.queries import get_case, list_cases
from store.roster import clear_roster, import_roster
from views.chargeback_modal import chargeback_modal
from views.i18n import Translator
from views.metadata import ModalContext
from views.notices import Reader, outcome_notice

BOOK = parse_accounts({
    "accounts": {
        "default": {"name": "Acme US", "marketplaces": ["US"], "channel": "CUS"},
        "acme-ae": {"name": "Acme UAE", "marketplaces": ["AE", "JP"], "channel": "CAE"},
    },
    "marketplaces": {"JP": {"chargeback_reply_days": 10, "outcome_days": 60}},
}, "test")
NOW = datetime(2026, 10, 22, 8, 0, tzinfo=UTC)  # Thursday 12:00 in Dubai
ORDER_A, ORDER_B = "111-1111111-1111111", "222-2222222-2222222"


@pytest.fixture
def accounts_store(store: Store) -> Store:
    store.policy = replace(Policy(), book=BOOK)
    return store


def test_cases_take_their_accounts_channel_and_marketplace(accounts_store: Store) -> None:
    us = cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_A, reason=SafetReason.TRIP_CREDIT,
                                now=NOW, explanation="not home").case
    ae = cases.open_chargeback(accounts_store, actor="U1", order_id=ORDER_B, amount_cents=5000, currency="AED",
                               now=NOW, complaint_type=ComplaintType.NOT_RECEIVED, email_on=date(2026, 10, 20),
                               account="acme-ae").case
    assert (us.account, us.marketplace, us.channel_id) == ("default", "US", "CUS")
    assert (ae.account, ae.marketplace, ae.channel_id) == ("acme-ae", "AE", "CAE")
    # 20 October + 7 = 27 October, ends 24:00 in Dubai (UTC+4) = 20:00 UTC.
    assert ae.open_deadlines[0].due_at == datetime(2026, 10, 27, 20, 0, tzinfo=UTC)
    assert [c.order_id for c in list_cases(accounts_store, ListFilter.OPEN, user_id="U1", now=NOW,
                                           account="acme-ae")] == [ORDER_B]


def test_another_marketplace_of_the_account_uses_its_own_overridden_counts(accounts_store: Store) -> None:
    jp = cases.open_chargeback(accounts_store, actor="U1", order_id=ORDER_B, amount_cents=5000, currency="JPY",
                               now=NOW, complaint_type=ComplaintType.NOT_RECEIVED, email_on=date(2026, 10, 20),
                               account="acme-ae", marketplace="JP").case
    reply = jp.open_deadlines[0]
    # 20 October + 10 = 30 October, ends 24:00 JST = 15:00 UTC.
    assert reply.due_at == datetime(2026, 10, 30, 15, 0, tzinfo=UTC)
    assert (reply.rule, reply.days) == (DeadlineRule.CHARGEBACK_CD, 10)
    represented = cases.represent(accounts_store, jp.id, actor="U1", now=NOW, shipped_on=date(2026, 10, 1),
                                  shipping_method="EMS", tracking="EJ1").case
    window = next(d for d in represented.open_deadlines if d.kind is DeadlineKind.OUTCOME_WINDOW)
    # Represented 22 October (17:00 JST): + 60 days = 21 December, ends 24:00 JST = 15:00 UTC.
    assert window.due_at == datetime(2026, 12, 21, 15, 0, tzinfo=UTC) and window.days == 60


def test_amazon_ae_information_request_and_appeal_window(accounts_store: Store) -> None:
    claim = cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_A, reason=SafetReason.TRIP_CREDIT,
                                   now=NOW, explanation="not home", account="acme-ae").case
    cases.record_filing(accounts_store, claim.id, actor="U1", now=NOW, claim_number="S-1")
    # Thursday 12:00 Dubai: Friday 1, Saturday 2, (Sunday off), Monday 3 → Monday 26 October 12:00 = 08:00 UTC.
    asked = cases.log_info_request(accounts_store, claim.id, actor="U1", now=NOW, arrived_at=NOW).case
    reply = asked.open_deadlines[0]
    assert reply.due_at == datetime(2026, 10, 26, 8, 0, tzinfo=UTC) and reply.days == 3
    cases.record_answer(accounts_store, claim.id, actor="U1", now=NOW + timedelta(hours=1))
    decided_at = NOW + timedelta(hours=2)  # Thursday 14:00 Dubai
    denied = cases.record_denial(accounts_store, claim.id, actor="U1", is_lead=False, now=decided_at).case
    appeal = next(d for d in denied.open_deadlines if d.kind is DeadlineKind.APPEAL_BY)
    # Five business days: Fri, Sat, Mon, Tue, Wed → Wednesday 28 October 14:00 Dubai = 10:00 UTC.
    assert appeal.due_at == datetime(2026, 10, 28, 10, 0, tzinfo=UTC)
    assert (appeal.rule, appeal.days, appeal.set_by_amazon) == (DeadlineRule.APPEAL_BD, 5, False)


def test_amazons_earlier_appeal_by_wins_over_the_marketplaces_window(accounts_store: Store) -> None:
    claim = cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_A, reason=SafetReason.TRIP_CREDIT,
                                   now=NOW, explanation="not home", account="acme-ae").case
    cases.record_filing(accounts_store, claim.id, actor="U1", now=NOW, claim_number="S-1")
    stated = datetime(2026, 10, 25, 10, 0, tzinfo=UTC)
    denied = cases.record_denial(accounts_store, claim.id, actor="U1", is_lead=False, now=NOW, appeal_by=stated).case
    appeal = next(d for d in denied.open_deadlines if d.kind is DeadlineKind.APPEAL_BY)
    assert appeal.due_at == stated and appeal.set_by_amazon
    assert appeal.computed_due_at == datetime(2026, 10, 28, 8, 0, tzinfo=UTC)


def test_a_us_denial_without_appeal_by_opens_no_deadline(accounts_store: Store) -> None:
    claim = cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_A, reason=SafetReason.TRIP_CREDIT,
                                   now=NOW, explanation="not home").case
    cases.record_filing(accounts_store, claim.id, actor="U1", now=NOW, claim_number="S-1")
    denied = cases.record_denial(accounts_store, claim.id, actor="U1", is_lead=False, now=NOW).case
    assert not denied.open_deadlines


def test_unknown_account_or_marketplace_is_a_field_error(accounts_store: Store) -> None:
    for account, market, field in (("acme-xx", None, "account"), ("default", "AE", "marketplace")):
        with pytest.raises(DomainError) as caught:
            cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_A, reason=SafetReason.TRIP_CREDIT,
                                   now=NOW, explanation="x", account=account, marketplace=market)
        assert caught.value.field == field
    assert get_case(accounts_store, 1) is None


def test_each_account_has_its_own_roster(accounts_store: Store) -> None:
    import_roster(accounts_store, f"order-id\n{ORDER_B}\n", now=NOW, account="acme-ae")
    # The default account has no roster: any order; acme-ae's holds only ORDER_B.
    cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_A, reason=SafetReason.TRIP_CREDIT, now=NOW,
                           explanation="x")
    with pytest.raises(DomainError):
        cases.open_safet_claim(accounts_store, actor="U1", order_id="333-3333333-3333333",
                               reason=SafetReason.TRIP_CREDIT, now=NOW, explanation="x", account="acme-ae")
    cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_B, reason=SafetReason.TRIP_CREDIT, now=NOW,
                           explanation="x", account="acme-ae")
    assert clear_roster(accounts_store, "default") == 0, "the default account never had one"
    assert clear_roster(accounts_store, "acme-ae") == 1


def test_an_amazon_ae_claim_closed_automatically_says_three_business_days(accounts_store: Store) -> None:
    claim = cases.open_safet_claim(accounts_store, actor="U1", order_id=ORDER_A, reason=SafetReason.TRIP_CREDIT,
                                   now=NOW, explanation="not home", account="acme-ae").case
    cases.record_filing(accounts_store, claim.id, actor="U1", now=NOW, claim_number="S-1")
    cases.log_info_request(accounts_store, claim.id, actor="U1", now=NOW, arrived_at=NOW)
    closed = cases.auto_close(accounts_store, claim.id, now=datetime(2026, 10, 26, 9, 0, tzinfo=UTC))
    reader = Reader(Translator("en"), BOOK.marketplace("AE").zone, closed.event.at, "UAE public")
    said = json.dumps([b.to_dict() for b in outcome_notice(closed.case, closed.event, reader).blocks])
    assert "unanswered for 3 business days" in said and "2 business days" not in said


def test_the_chargeback_form_says_the_marketplaces_window() -> None:
    tr = Translator("en")
    jp = BOOK.marketplace("JP")
    view = json.dumps(chargeback_modal(tr, context=ModalContext(), order_id=None, today=date(2026, 10, 22),
                                       currency=jp.currency, zone=jp.zone,
                                       reply_days=jp.profile.chargeback_reply_days).to_dict(), ensure_ascii=False)
    assert "10 calendar days" in view and "10 × 24 hours" in view and "7 calendar days" not in view
    us = json.dumps(chargeback_modal(tr, context=ModalContext(), order_id=None, today=date(2026, 10, 22)).to_dict())
    assert "7 calendar days" in us
