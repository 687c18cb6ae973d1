"""Every `/safet` subcommand through signed requests: file, chargeback, list (each filter, English and
Chinese tab names), show (by order and by claim number), help, and an unknown subcommand."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from rules.kinds import ComplaintType, SafetReason
from store import cases, opening
from store.db import Store

# Orders of the seeded cases (see `seed_team_cases`).
PREPARING = "111-0000001-0000001"  # SAFE-T, U1, not in Seller Central yet, no deadline
FILED = "222-0000002-0000002"  # SAFE-T, U2, under investigation, claim number 3141592653
INFO = "333-0000003-0000003"  # SAFE-T, U1, awaiting seller response, overdue by 2 hours
GRANTED = "444-0000004-0000004"  # SAFE-T, U2, reimbursed (resolved, closed)
CB_OPEN = "555-0000005-0000005"  # chargeback, U1, action required, due in 7 days
CB_REFUNDED = "666-0000006-0000006"  # chargeback, U2, refunded (closed)
CB_SOON = "777-0000007-0000007"  # chargeback, U2, action required, due in 33 hours
ALL_ORDERS = [PREPARING, FILED, INFO, GRANTED, CB_OPEN, CB_REFUNDED, CB_SOON]
CLAIM_NUMBER = "3141592653"


@dataclass(frozen=True)
class Seeded:
    ids: dict[str, int]


def seed_team_cases(store: Store, now: datetime) -> Seeded:
    """Seven cases in different states, owned by U1 and U2 (``now`` is Friday 15:00 in Los Angeles)."""
    tuesday = now - timedelta(days=3)
    ids: dict[str, int] = {}

    def claim(order_id: str, actor: str) -> int:
        change = opening.open_safet_claim(store, actor=actor, order_id=order_id, reason=SafetReason.TRIP_CREDIT,
                                        now=tuesday, explanation="The customer was not home.")
        ids[order_id] = change.case.id
        return change.case.id

    def chargeback(order_id: str, actor: str, email_on: date) -> int:
        change = opening.open_chargeback(store, actor=actor, order_id=order_id, amount_cents=12999, currency="USD",
                                       now=now - timedelta(hours=1), complaint_type=ComplaintType.NOT_RECEIVED,
                                       email_on=email_on)
        ids[order_id] = change.case.id
        return change.case.id

    claim(PREPARING, "U1")
    cases.record_filing(store, claim(FILED, "U2"), actor="U2", now=tuesday, claim_number=CLAIM_NUMBER)
    info = claim(INFO, "U1")
    cases.record_filing(store, info, actor="U1", now=tuesday)
    # Wednesday 13:00 in Los Angeles: due Friday 13:00, two hours ago.
    arrived = now - timedelta(days=2, hours=2)
    cases.log_info_request(store, info, actor="U1", now=arrived, arrived_at=arrived)
    granted = claim(GRANTED, "U2")
    cases.record_filing(store, granted, actor="U2", now=tuesday)
    cases.record_grant(store, granted, actor="U2", is_lead=False, now=now - timedelta(days=1), amount_cents=5000)
    chargeback(CB_OPEN, "U1", date(2026, 11, 20))
    cases.refund(store, chargeback(CB_REFUNDED, "U2", date(2026, 11, 19)), actor="U2", now=now - timedelta(minutes=30))
    chargeback(CB_SOON, "U2", date(2026, 11, 14))  # due Saturday 24:00 in Los Angeles
    return Seeded(ids)


def rendered(answer: dict[str, Any]) -> str:
    return json.dumps(answer.get("blocks", []), ensure_ascii=False)


def orders_in(answer: dict[str, Any]) -> list[str]:
    """The seeded orders an answer mentions, in the order it shows them."""
    text = rendered(answer)
    found = [(text.index(order), order) for order in ALL_ORDERS if order in text]
    return [order for _, order in sorted(found)]




@pytest.fixture
def seeded(slack, now) -> Seeded:  # type: ignore[no-untyped-def]
    return seed_team_cases(slack.store, now)


def ask(slack, text: str, user: str = "U1") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    answer = slack.answer(text, user=user)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"], "every answer carries a text fallback"
    return answer


# ---------------------------------------------------------------- file and chargeback


def test_chargeback_opens_the_chargeback_modal_with_the_order_prefilled(slack):  # type: ignore[no-untyped-def]
    view = slack.modal_of("chargeback 123-1234567-1234567")
    assert view["callback_id"] == "chargeback_modal"
    assert "123-1234567-1234567" in json.dumps(view["blocks"])


# ---------------------------------------------------------------- list


@pytest.mark.parametrize(("words", "expected"), [
    ("list", [INFO, CB_SOON, CB_OPEN]),
    ("list open", [INFO, CB_SOON, CB_OPEN]),
    ("list mine", [INFO, CB_OPEN]),
    ("list due", [INFO, CB_SOON]),
    ("list awaiting", [INFO]),
    ("list 等待卖家回复", [INFO]),
    ("list investigation", [FILED]),
    ("list 正在进行调查", [FILED]),
    ("list resolved", [GRANTED]),
    ("list 已解决", [GRANTED]),
    ("list action-required", [CB_SOON, CB_OPEN]),
    ("list 需操作", [CB_SOON, CB_OPEN]),
    ("list all", [CB_SOON, CB_OPEN]),
    ("list 全部", [CB_SOON, CB_OPEN]),
])
def test_list_filters_show_their_cases_with_a_deadline_soonest_first(slack, seeded, words, expected):  # type: ignore[no-untyped-def]
    shown = orders_in(ask(slack, words))
    assert shown[: len(expected)] == expected


@pytest.mark.parametrize(("words", "members", "absent"), [
    ("list open", {PREPARING, FILED, INFO, CB_OPEN, CB_SOON}, {GRANTED, CB_REFUNDED}),
    ("list mine", {PREPARING, INFO, CB_OPEN}, {FILED, GRANTED, CB_REFUNDED, CB_SOON}),
    ("list due", {INFO, CB_SOON}, {PREPARING, FILED, GRANTED, CB_OPEN, CB_REFUNDED}),
    ("list closed", {GRANTED, CB_REFUNDED}, {PREPARING, FILED, INFO, CB_OPEN, CB_SOON}),
    ("list resolved", {GRANTED}, set(ALL_ORDERS) - {GRANTED}),
    ("list all", {CB_OPEN, CB_REFUNDED, CB_SOON}, {PREPARING, FILED, INFO, GRANTED}),
    ("list 全部", {CB_OPEN, CB_REFUNDED, CB_SOON}, {PREPARING, FILED, INFO, GRANTED}),
])
def test_each_list_filter_shows_exactly_its_cases_and_counts_them(slack, seeded, words, members, absent):  # type: ignore[no-untyped-def]
    answer = ask(slack, words)
    shown = set(orders_in(answer))
    assert shown == members and not shown & absent
    assert f"{len(members)} case" in answer["blocks"][0]["text"]["text"]


def test_list_lines_carry_state_emoji_kind_state_date_token_relative_hint_and_owner(slack, seeded):  # type: ignore[no-untyped-def]
    answer = ask(slack, "list due")
    lines = rendered(answer)
    info_line = next(line for line in lines.split("\\n") if INFO in line)
    assert ":rotating_light:" in info_line and "SAFE-T claim" in info_line and "Information requested" in info_line
    assert "<!date^" in info_line and "overdue by 2 hours" in info_line and "<@U1>" in info_line
    soon_line = next(line for line in lines.split("\\n") if CB_SOON in line)
    assert ":large_orange_circle:" in soon_line and "Chargeback" in soon_line and "in 1 day" in soon_line
    assert "<@U2>" in soon_line


def test_the_list_header_names_the_seller_central_tab_of_a_chinese_filter(slack, seeded):  # type: ignore[no-untyped-def]
    answer = ask(slack, "list 正在进行调查")
    assert "Under Investigation" in answer["blocks"][0]["text"]["text"]
    assert "Under Investigation" in answer["text"]


def test_list_with_no_match_says_there_are_no_cases(slack, seeded):  # type: ignore[no-untyped-def]
    answer = ask(slack, "list mine", user="U3")
    assert "no cases" in answer["text"]
    assert "no cases" in rendered(answer)
    assert not orders_in(answer)


def test_an_unknown_list_name_is_refused_with_the_names_to_try(slack, seeded):  # type: ignore[no-untyped-def]
    answer = ask(slack, "list someday")
    assert "Unknown list" in answer["text"] and "awaiting" in answer["text"]


def test_a_list_of_fifty_cases_keeps_slack_limits_and_shows_every_case(slack, now):  # type: ignore[no-untyped-def]
    orders = [f"900-{n:07d}-0000000" for n in range(50)]
    for n, order in enumerate(orders):
        opening.open_chargeback(slack.store, actor="U1", order_id=order, amount_cents=100 + n, currency="USD",
                              now=now, complaint_type=ComplaintType.OTHER, email_on=date(2026, 11, 20))
    answer = ask(slack, "list")
    assert len(answer["blocks"]) <= 50
    sections = [b for b in answer["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert len(sections) > 2, "fifty lines need more than one section"
    text = rendered(answer)
    assert all(order in text for order in orders)
    assert "Showing the first 50" in text


# ---------------------------------------------------------------- show


def test_show_by_order_gives_details_deadline_rule_tab_and_history(slack, seeded):  # type: ignore[no-untyped-def]
    answer = ask(slack, f"show {INFO}")
    text = rendered(answer)
    assert INFO in answer["text"]
    assert answer["blocks"][0]["type"] == "header"
    assert "Reply to the investigator" in text and "<!date^" in text and "overdue by 2 hours" in text
    rule = next(b for b in answer["blocks"] if b["type"] == "context" and "business days" in json.dumps(b))
    assert "US holidays skipped" in rule["elements"][0]["text"]
    assert "Awaiting Seller Response" in text and "Manage SAFE-T Claims" in text
    assert "opened the case" in text and "Information requested" in text
    assert text.index("opened the case") < text.index("marked the claim as submitted"), "oldest to newest"
    assert "The customer was not home." in text


def test_show_by_full_width_order_finds_the_case(slack, seeded):  # type: ignore[no-untyped-def]
    full_width = INFO.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    answer = ask(slack, f"show  {full_width} ")
    assert INFO in rendered(answer)


def test_show_by_safet_claim_number_finds_the_claim(slack, seeded):  # type: ignore[no-untyped-def]
    answer = ask(slack, f"show {CLAIM_NUMBER}")
    text = rendered(answer)
    assert FILED in text and CLAIM_NUMBER in text and "Under Investigation" in text


def test_show_of_a_chargeback_gives_its_amount_complaint_and_seller_central_place(slack, seeded):  # type: ignore[no-untyped-def]
    text = rendered(ask(slack, f"show {CB_SOON}"))
    assert "$129.99" in text and "Item not received" in text and "Chargeback Claims" in text
    assert "Respond to the chargeback" in text and "7 calendar days" in text


def test_show_keeps_the_last_fifteen_events_and_counts_the_earlier_ones(slack, seeded, now):  # type: ignore[no-untyped-def]
    case_id = seeded.ids[FILED]
    moment = now - timedelta(days=2)
    for _ in range(10):
        moment += timedelta(minutes=10)
        cases.log_info_request(slack.store, case_id, actor="U2", now=moment, arrived_at=moment)
        moment += timedelta(minutes=10)
        cases.record_answer(slack.store, case_id, actor="U2", now=moment, note="sent photos")
    answer = ask(slack, f"show {FILED}")
    text = rendered(answer)
    # 22 events: opened, submitted, then ten requests and ten answers.
    assert "… 7 earlier events" in text
    assert "opened the case" not in text
    assert text.count("<@U2> logged Amazon's request") + text.count("<@U2> answered Amazon's request") == 15


def test_show_of_an_unknown_case_says_what_to_give(slack, seeded):  # type: ignore[no-untyped-def]
    answer = ask(slack, "show 999-9999999-9999999")
    assert "No case for" in answer["text"] and "123-1234567-1234567" in answer["text"]


# ---------------------------------------------------------------- help


def test_help_lists_every_subcommand_and_every_filter_in_english_and_chinese(slack):  # type: ignore[no-untyped-def]
    answer = ask(slack, "help")
    text = rendered(answer)
    for words in ("/safet file", "/safet chargeback", "/safet list", "/safet show", "/safet help"):
        assert words in text
    for word in ("`open`", "`mine`", "`due`", "`closed`", "`awaiting`", "`investigation`", "`resolved`",
                 "`action-required`", "`all`", "等待卖家回复", "正在进行调查", "已解决", "需操作", "全部"):
        assert word in text
    for tab in ("Awaiting Seller Response", "Under Investigation", "Resolved", "Action Required"):
        assert tab in text
    assert "Unknown command" not in text


def test_an_empty_command_shows_the_help(slack):  # type: ignore[no-untyped-def]
    assert "/safet list" in rendered(ask(slack, ""))


def test_an_unknown_subcommand_is_named_first_then_the_help(slack):  # type: ignore[no-untyped-def]
    answer = ask(slack, "frobnicate now")
    assert answer["text"].startswith("Unknown command “frobnicate”.")
    assert "Unknown command “frobnicate”." in answer["blocks"][0]["text"]["text"]
    assert "/safet show" in rendered(answer)


def test_an_unknown_subcommand_that_looks_like_a_mention_is_echoed_escaped(slack):  # type: ignore[no-untyped-def]
    answer = ask(slack, "<!channel>")
    assert "&lt;!channel&gt;" in answer["text"]
    assert "<!channel>" not in json.dumps(answer)
