"""Amazon's ledger through the real app: each entry recorded on its case once, told once, whatever is read twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rules.kinds import State
from store.queries import get_case
from tests.fake_amazon import chargeback, safet_reimbursement
from tests.ledger_fixtures import NOW, SELLER, SELLER_TWO
from tests.ledger_steps import (
    ACME_CHANNEL,
    chargeback_case,
    entries,
    granted_claim,
    ledger_notices,
    posted,
    sweep_at,
    sync,
)

pytest.importorskip("sp_api")
DAY = timedelta(days=1)


@pytest.fixture
def slack(ledger_slack):  # type: ignore[no-untyped-def]
    return ledger_slack


def pay(amazon, claim: str, amount: str, days_ago: float = 2, seller: str = SELLER) -> None:  # type: ignore[no-untyped-def]
    amazon.add_events(seller, "SAFETReimbursementEventList",
                      [safet_reimbursement(claim, amount, posted=NOW - DAY * days_ago)])


def test_a_claim_paid_in_full_is_confirmed_on_its_card_and_tells_nobody(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = granted_claim(slack, "111-0000001-0000001", "C-0001", 12000)
    slack.runtime.deps.cards.refresh(slack.runtime.client, case_id)  # its card, drawn before the ledger is read
    pay(amazon, " c-0001 ", "120.00")  # Amazon's spelling: trimmed and case-folded
    (result,) = [r for r in sync(slack) if r.account == "acme"]
    assert result.recorded.new == 1 and result.recorded.steps == {"confirm": 1}
    case = get_case(slack.store, case_id, history=False)
    assert case.ledger_cents == 12000 and case.ledger_posted_at is not None
    assert ledger_notices(slack) == []
    sweep_at(slack)  # the card the sync changed is redrawn
    (card,) = [m for m in slack.fake.messages(ACME_CHANNEL) if m["ts"] == case.card_ts]
    assert "Amazon's ledger: $120.00 posted" in str(card["blocks"])


def test_a_filed_claim_paid_is_recorded_granted_with_amazons_amount_and_told_once(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = granted_claim(slack, "111-0000002-0000002", "C-0002", None)
    pay(amazon, "C-0002", "87.50")
    sync(slack)
    case = get_case(slack.store, case_id, history=True)
    assert case.state is State.REIMBURSED and case.outcome_amount_cents == 8750
    assert case.events[-1].actor == "amazon-ledger"
    sweep_at(slack)
    sweep_at(slack, NOW + timedelta(minutes=5))
    told = [t for t in posted(slack, ACME_CHANNEL) if "$87.50" in t and "granted" in t]
    assert len(told) == 1


def test_a_claim_paid_less_says_both_figures_and_takes_amazons_on_request(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = granted_claim(slack, "111-0000003-0000003", "C-0003", 12000)
    pay(amazon, "C-0003", "100.00")
    sync(slack)
    assert get_case(slack.store, case_id, history=False).outcome_amount_cents == 12000  # nothing taken unasked
    sweep_at(slack)
    (notice,) = [m for m in slack.fake.messages(ACME_CHANNEL) if "Amounts differ" in str(m.get("text"))]
    text = str(notice["blocks"])
    assert "$100.00" in text and "$120.00" in text
    block = next(b for b in notice["blocks"] if b["type"] == "actions")
    key = next(e["value"] for e in block["elements"] if e["action_id"] == "ledger_take_figure")
    assert slack.click("ledger_take_figure", key, user="U1", channel=ACME_CHANNEL, message=notice,
                       block_id=block["block_id"]).status == 200
    slack.fake.wait_for("chat.postEphemeral")
    assert get_case(slack.store, case_id, history=False).outcome_amount_cents == 10000
    (now_shown,) = [m for m in slack.fake.messages(ACME_CHANNEL) if m["ts"] == notice["ts"]]
    assert "ledger_take_figure" not in str(now_shown["blocks"])  # the button is gone, who took it is said
    assert "<@U1> recorded Amazon's figure." in str(now_shown["blocks"])
    slack.click("ledger_take_figure", key, user="U1", channel=ACME_CHANNEL)
    said = slack.fake.wait_for("chat.postEphemeral", count=2)[1].args["text"]
    assert "already" in said
    events = get_case(slack.store, case_id, history=True).events
    assert [e.action for e in events].count("take_ledger_figure") == 1


def test_someone_not_the_owner_nor_a_lead_cannot_take_the_figure(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = granted_claim(slack, "111-0000004-0000004", "C-0004", 12000)
    pay(amazon, "C-0004", "100.00")
    sync(slack)
    sweep_at(slack)
    (notice,) = [m for m in slack.fake.messages(ACME_CHANNEL) if "Amounts differ" in str(m.get("text"))]
    key = next(e["value"] for b in notice["blocks"] if b["type"] == "actions" for e in b["elements"])
    reply = slack.click("ledger_take_figure", key, user="U9STRANGER", channel=ACME_CHANNEL)
    assert reply.status == 200 and "owner" in str(reply.json())
    assert get_case(slack.store, case_id, history=False).outcome_amount_cents == 12000


def test_a_forged_button_value_is_refused_not_a_500(slack):  # type: ignore[no-untyped-def]
    reply = slack.click("ledger_take_figure", "../../etc", user="U1", channel=ACME_CHANNEL)
    assert reply.status == 200 and "out of date" in str(reply.json())


def test_a_grant_never_paid_is_warned_about_once(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = granted_claim(slack, "111-0000005-0000005", "C-0005", 5000, at=NOW - DAY * 10)
    sync(slack)  # the ledger read back 60 days: nothing for C-0005
    sweep_at(slack)
    sweep_at(slack, NOW + timedelta(hours=2))
    told = [t for t in posted(slack, ACME_CHANNEL) if "Granted, not paid" in t]
    assert len(told) == 1
    case = get_case(slack.store, case_id, history=False)
    card = slack.runtime.deps.cards.drawing(case, NOW)
    assert "Amazon's ledger: not paid yet" in str(card.blocks)


def test_a_grant_recorded_yesterday_is_not_warned_about_yet(slack, amazon):  # type: ignore[no-untyped-def]
    granted_claim(slack, "111-0000006-0000006", "C-0006", 5000, at=NOW - DAY)
    sync(slack)
    sweep_at(slack)
    assert not [t for t in posted(slack, ACME_CHANNEL) if "Granted, not paid" in t]


def test_a_payment_on_a_denied_claim_records_it_reimbursed(slack, amazon):  # type: ignore[no-untyped-def]
    from store import cases

    case_id = granted_claim(slack, "111-0000007-0000007", "C-0007", None)
    cases.record_denial(slack.store, case_id, actor="U1", is_lead=False, now=NOW - DAY * 5)
    pay(amazon, "C-0007", "50.00")
    sync(slack)
    case = get_case(slack.store, case_id, history=False)
    assert case.state is State.REIMBURSED and case.outcome_amount_cents == 5000


def test_a_reversal_is_recorded_on_its_claim_and_announced(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = granted_claim(slack, "111-0000008-0000008", "C-0008", 5000)
    pay(amazon, "C-0008", "50.00", days_ago=3)
    pay(amazon, "C-0008", "-50.00", days_ago=1)
    sync(slack)
    assert get_case(slack.store, case_id, history=False).ledger_cents == 0
    sweep_at(slack)
    assert len([t for t in posted(slack, ACME_CHANNEL) if "taken back" in t]) == 1


def test_a_debit_for_a_known_chargeback_records_amazons_amount(slack, amazon):  # type: ignore[no-untyped-def]
    case_id = chargeback_case(slack, "111-0000009-0000009", 2500)
    amazon.add_events(SELLER, "ChargebackEventList", [chargeback(
        "111-0000009-0000009", principal="-20.00", tax="-1.65", shipping="-4.99", posted=NOW - DAY)])
    sync(slack)
    case = get_case(slack.store, case_id, history=False)
    assert case.state is State.DEBITED and case.outcome_amount_cents == 2664  # the negated sum of every charge


def test_a_debit_nobody_saw_opens_a_case_posts_its_card_and_a_later_credit_reverses_it(slack, amazon):  # type: ignore[no-untyped-def]
    amazon.add_events(SELLER, "ChargebackEventList", [chargeback(
        "111-0000010-0000010", principal="-30.00", posted=NOW - DAY * 4)])
    sync(slack)
    opened = [r for r in sync(slack) if r.account == "acme"]
    assert opened[0].recorded.new == 0  # read twice, kept once
    sweep_at(slack)
    cards = [m for m in slack.fake.messages(ACME_CHANNEL) if "111-0000010-0000010" in str(m.get("text"))]
    assert cards, "the opened case's card is posted"
    from tests.case_steps import case_id_of

    case_id = case_id_of(slack, "111-0000010-0000010", "chargeback")
    case = get_case(slack.store, case_id, history=True)
    assert case.state is State.DEBITED and case.outcome_amount_cents == 3000 and case.owner_id == "U0LEAD"
    amazon.add_events(SELLER, "ChargebackEventList", [chargeback(
        "111-0000010-0000010", principal="30.00", posted=NOW - DAY)])
    amazon.clock = lambda: NOW + timedelta(hours=1)
    sync(slack, at=NOW + timedelta(hours=1))
    assert get_case(slack.store, case_id, history=False).state is State.DEBIT_REVERSED


def test_the_same_window_synced_twice_records_and_tells_nothing_twice(slack, amazon):  # type: ignore[no-untyped-def]
    granted_claim(slack, "111-0000011-0000011", "C-0011", 12000)
    pay(amazon, "C-0011", "100.00")
    pay(amazon, "C-9999", "10.00")  # no case: posted for a person to match
    first = sync(slack)
    again = sync(slack)
    assert sum(r.recorded.new for r in first) == 2 and sum(r.recorded.new for r in again) == 0
    sweep_at(slack)
    sweep_at(slack, NOW + timedelta(minutes=1))
    assert entries(slack) == 2
    assert sorted(stage for stage, _, status in ledger_notices(slack)) == ["differs", "unmatched"]
    assert len([t for t in posted(slack, ACME_CHANNEL) if "Amounts differ" in t or "no case" in t]) == 2


def test_a_sync_killed_between_two_pages_then_run_again_records_every_figure_once(slack, amazon):  # type: ignore[no-untyped-def]
    from ledger.sync import sync_all
    from tests.ledger_steps import ENV, readers

    for i in range(150):
        granted_claim(slack, f"111-{i:07d}-0000012", f"K-{i:04d}", None, at=NOW - DAY * 20)
    amazon.add_events(SELLER, "SAFETReimbursementEventList", [
        safet_reimbursement(f"K-{i:04d}", "10.00", posted=NOW - DAY * 3 + timedelta(minutes=i)) for i in range(150)])

    def killed_after_one_page(connection):  # type: ignore[no-untyped-def]
        client = readers(connection)
        pages = client.pages

        def one_then_die(after, before, **kwargs):  # type: ignore[no-untyped-def]
            for n, page in enumerate(pages(after, before, **kwargs)):
                if n == 1:
                    raise SystemExit("killed")
                yield page
        client.pages = one_then_die
        return client

    with pytest.raises(SystemExit):
        sync_all(slack.store, slack.runtime.deps.settings, ENV, now=NOW, account="acme", reader=killed_after_one_page)
    assert entries(slack) == 100
    sync(slack, account="acme")
    assert entries(slack) == 150
    sweep_at(slack)
    from sqlalchemy import func, select

    from store.models import Case

    with slack.store.reading() as session:
        assert session.scalar(select(func.sum(Case.outcome_amount_cents)).where(Case.account == "acme")) == 150000
    outcomes = [m for m in slack.fake.messages(ACME_CHANNEL) if "granted" in str(m.get("text"))]
    assert len(outcomes) <= 150  # a digest may group them; never more than one each


def test_refused_credentials_are_told_to_the_leads_once_and_shown_in_the_status(slack, amazon):  # type: ignore[no-untyped-def]
    from store.ledger_syncs import sync_states

    amazon.forbid(SELLER_TWO)
    sync(slack)
    amazon.clock = lambda: NOW + timedelta(hours=1)
    sync(slack, at=NOW + timedelta(hours=1))
    sweep_at(slack, NOW + timedelta(hours=2))
    state = sync_states(slack.store)["beta"]
    assert state.error and "403" in state.error and "lwa-secret" not in state.error
    told = [m for m in slack.fake.messages("U0BETA") if "refused" in str(m.get("text"))]
    assert len(told) == 1


def test_a_grant_recorded_without_its_amount_takes_the_ledgers(slack, amazon):  # type: ignore[no-untyped-def]
    from store import cases

    case_id = granted_claim(slack, "111-0000013-0000013", "C-0013", None)
    cases.record_grant(slack.store, case_id, actor="U1", is_lead=False, now=NOW - DAY * 4, amount_cents=None)
    pay(amazon, "C-0013", "61.25")
    sync(slack)
    case = get_case(slack.store, case_id, history=True)
    assert case.outcome_amount_cents == 6125 and case.events[-1].actor == "amazon-ledger"
    assert ledger_notices(slack) == []
