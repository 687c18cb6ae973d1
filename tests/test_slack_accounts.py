"""Two seller accounts on two marketplaces in one deployment, through signed requests.

Acme US (amazon.com, Los Angeles, US federal holidays, channel CUS, English, summary at 09:00) and
Acme UK (amazon.co.uk, London, England's bank holidays, channel CUK, Chinese, summary at 08:00).

The same information request, Wednesday 25 November 2026 17:00 UTC, is due (2 business days, time
kept) on Friday 27 November 17:00 GMT in the UK, and on Monday 30 November 09:00 PST (17:00 UTC) in
the US, where Thursday 26 November is Thanksgiving and Friday 27 its first business day.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from rules.deadlines import DeadlineKind
from slack_app.accounts import parse_accounts
from store.queries import get_case
from sweep.scheduler import sweep
from tests.case_steps import calls, case_id_of, claim_values, next_call
from tests.slack_harness import Clock, SlackDriver, datetime_input, running_app, select_input, text_input, wait_until
from webapi.posting import Pacer

US_ORDER, UK_ORDER = "111-1111111-1111111", "222-2222222-2222222"
ARRIVED = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
BOOK = parse_accounts({"accounts": {
    "acme-us": {"name": "Acme US", "marketplaces": ["US"], "channel": "CUS", "leads": ["ULEADUS"]},
    "acme-uk": {"name": "Acme UK", "marketplaces": ["UK"], "channel": "CUK", "leads": ["ULEADUK"],
                "locale": "zh_CN", "digest_hour": 8},
}}, "test")


@pytest.fixture
def two(store, fake_slack) -> Iterator[SlackDriver]:  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(datetime(2026, 11, 25, 18, 0, tzinfo=UTC)), book=BOOK) as driver:
        yield driver


def own_messages(slack: SlackDriver, channel: str) -> list[dict]:
    """Top-level messages of a channel: cards, warnings, summaries (no thread lines)."""
    return [m for m in slack.fake.messages(channel) if not m.get("thread_ts") or m.get("thread_ts") == m["ts"]]


def text(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False)


def file_in(slack: SlackDriver, channel: str, order: str, user: str, place: str | None) -> dict:
    """`/safet file` typed in ``channel``; returns the form as opened, submitted with ``place`` chosen."""
    before = calls(slack, "views.open")
    slack.command("file", user=user, channel=channel)
    view = next_call(slack, "views.open", before).args["view"]
    values = claim_values(order) if place is None else claim_values(order, account=select_input(place))
    assert slack.submit(view, values, user=user).json()["response_action"] == "update"
    return view


def card_of(slack: SlackDriver, case_id: int) -> dict:
    case = wait_until(lambda: (c := get_case(slack.store, case_id, history=False)) and c.card_ts and c)
    return next(m for m in slack.fake.messages(case.channel_id) if m["ts"] == case.card_ts)


def press(slack: SlackDriver, case_id: int, action_id: str, user: str) -> None:
    def button() -> tuple[dict, str] | None:  # the card is redrawn a moment after a change
        message = card_of(slack, case_id)
        values = [e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == action_id]
        return (message, values[0]) if values else None

    message, value = wait_until(button)
    channel = get_case(slack.store, case_id, history=False).channel_id
    slack.click(action_id, value, user=user, message={"ts": message["ts"]}, channel=channel)


def act(slack: SlackDriver, case_id: int, action_id: str, values: dict, user: str) -> None:
    version = get_case(slack.store, case_id, history=False).version
    before = calls(slack, "views.open")
    press(slack, case_id, action_id, user)
    form = next_call(slack, "views.open", before).args["view"]
    reply = slack.submit(form, values, user=user)
    assert reply.status == 200 and reply.body == "", reply.body
    wait_until(lambda: get_case(slack.store, case_id, history=False).version > version)


def run_sweep(slack: SlackDriver, at: datetime) -> None:
    runtime = slack.runtime
    report = sweep(slack.store, runtime.client, runtime.deps.settings, now=at, pacer=Pacer(0),
                   directory=runtime.deps.directory)  # the cards redrawn as production does, in bulk
    assert report.ok, report.errors


def info_requested(slack: SlackDriver, case_id: int, user: str) -> None:
    act(slack, case_id, "case_action:file", {"claim_number": text_input("SAFE-T 1"),
                                             "filed_at": datetime_input(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))},
        user)
    act(slack, case_id, "case_action:log_info_request", {"arrived_at": datetime_input(ARRIVED),
                                                         "note": text_input(None)}, user)


def test_two_accounts_file_warn_and_summarise_each_in_its_own_channel_with_its_own_calendar(two) -> None:
    slack = two
    us_form = file_in(slack, "CUS", US_ORDER, "U1", "acme-us:US")
    uk_form = file_in(slack, "CUK", UK_ORDER, "U2", "acme-uk:UK")
    # The form asks for the account (there are two), defaulting from the channel it was opened in.
    for form, initial in ((us_form, "acme-us:US"), (uk_form, "acme-uk:UK")):
        block = next(b for b in form["blocks"] if b.get("block_id") == "account")
        assert block["element"]["initial_option"]["value"] == initial
        assert [o["value"] for o in block["element"]["options"]] == ["acme-us:US", "acme-uk:UK"]
    us, uk = case_id_of(slack, US_ORDER, "safet"), case_id_of(slack, UK_ORDER, "safet")
    assert (get_case(slack.store, us).account, get_case(slack.store, uk).marketplace) == ("acme-us", "UK")

    info_requested(slack, us, "U1")
    info_requested(slack, uk, "U2")
    due = {case_id: next(d for d in get_case(slack.store, case_id).open_deadlines
                         if d.kind is DeadlineKind.SAFET_INFO_REPLY).due_at for case_id in (us, uk)}
    assert due[uk] == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert due[us] == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)

    # Each card is in its account's channel only, in its language, with its marketplace's rule line.
    # (the card is redrawn a moment after the change: wait for the drawing of the latest state)
    us_card = wait_until(lambda: (t := text(card_of(slack, us))) and "Reply to the investigator" in t and t)
    uk_card = wait_until(lambda: (t := text(card_of(slack, uk))) and "英国银行" in t and t)
    assert "US holidays skipped" in us_card and "Reply to the investigator" in us_card
    assert "英国银行" in uk_card and "节假日" in uk_card
    assert UK_ORDER not in text({"m": own_messages(slack, "CUS")})
    assert US_ORDER not in text({"m": own_messages(slack, "CUK")})
    assert slack.fake.messages("CCASES") == [], "nothing goes to the single-account channel of the settings"

    # 08:30 UTC Thursday: 08:30 in London (the UK's summary hour is 8), 00:30 in Los Angeles.
    cus, cuk = len(own_messages(slack, "CUS")), len(own_messages(slack, "CUK"))
    run_sweep(slack, datetime(2026, 11, 26, 8, 30, tzinfo=UTC))
    uk_new = own_messages(slack, "CUK")[cuk:]
    assert len(uk_new) == 1 and "每日汇总" in text(uk_new[0]) and UK_ORDER in text(uk_new[0])
    assert US_ORDER not in text(uk_new[0])
    assert len(own_messages(slack, "CUS")) == cus, "no summary before 09:00 in Los Angeles"

    # 18:00 UTC Thursday: the UK's 24 h warning (due Friday 17:00 UTC); the US summary at 10:00 in LA
    # names no UK case, though the UK's is due within the US's "today or tomorrow".
    cus, cuk = len(own_messages(slack, "CUS")), len(own_messages(slack, "CUK"))
    run_sweep(slack, datetime(2026, 11, 26, 18, 0, tzinfo=UTC))
    uk_new, us_new = own_messages(slack, "CUK")[cuk:], own_messages(slack, "CUS")[cus:]
    assert len(uk_new) == 1 and UK_ORDER in text(uk_new[0]) and "每日汇总" not in text(uk_new[0])
    assert len(us_new) == 1 and "Daily summary" in text(us_new[0])
    assert UK_ORDER not in text(us_new[0]) and US_ORDER not in text(us_new[0]), "the US case is due Monday"
    # The sweep redraws the card it warned about: still in its account's language and calendar.
    assert "英国银行" in text(card_of(slack, uk)) and "Reply to the investigator" not in text(card_of(slack, uk))

    # Sunday 18:00 UTC: the US's 24 h warning (due Monday 17:00 UTC), in the US channel only.
    cus, cuk = len(own_messages(slack, "CUS")), len(own_messages(slack, "CUK"))
    run_sweep(slack, datetime(2026, 11, 29, 18, 0, tzinfo=UTC))
    us_new = [m for m in own_messages(slack, "CUS")[cus:] if "Daily summary" not in text(m)]
    assert len(us_new) == 1 and US_ORDER in text(us_new[0]) and "Reply to the investigator" in text(us_new[0])
    assert all(US_ORDER not in text(m) for m in own_messages(slack, "CUK")[cuk:])
    # By then the UK request (due Friday) went unanswered: the claim closed; the US one still waits for Monday.
    assert (get_case(slack.store, uk).state, get_case(slack.store, us).state) == ("auto_closed", "info_requested")
    # The sweep redraws the cards it touched: still each in its account's language and calendar.
    assert "SAFE-T 索赔" in text(card_of(slack, uk)) and "SAFE-T claim" not in text(card_of(slack, uk))
    assert "US holidays skipped" in text(card_of(slack, us))


def test_a_lead_of_one_account_cannot_act_on_the_others_cases(two) -> None:
    slack = two
    file_in(slack, "CUS", US_ORDER, "U1", "acme-us:US")
    us = case_id_of(slack, US_ORDER, "safet")
    card_of(slack, us)
    refusals, forms = calls(slack, "chat.postEphemeral"), calls(slack, "views.open")
    press(slack, us, "case_action:withdraw", "ULEADUK")
    refusal = next_call(slack, "chat.postEphemeral", refusals).args
    assert refusal["user"] == "ULEADUK" and "<@U1>" in refusal["text"]
    assert calls(slack, "views.open") == forms, "no form for a lead of another account"
    press(slack, us, "case_action:withdraw", "ULEADUS")
    form = next_call(slack, "views.open", forms).args["view"]
    assert json.loads(form["private_metadata"])["lead"] is True
    # A form the other account's lead got hold of is refused on submit too: its lead flag is its own.
    reply = slack.submit({**form, "private_metadata": json.dumps({**json.loads(form["private_metadata"]),
                                                                  "lead": None})},
                         {"note": text_input("not mine")}, user="ULEADUK")
    assert reply.json()["response_action"] == "errors"
    assert get_case(slack.store, us).state == "preparing"


def test_a_forged_account_is_a_field_error_and_one_left_out_is_the_channels(two) -> None:
    slack = two
    before = calls(slack, "views.open")
    slack.command("file", user="U1", channel="CUK")
    view = next_call(slack, "views.open", before).args["view"]
    reply = slack.submit(view, claim_values(US_ORDER, account=select_input("acme-uk:US")), user="U1")
    assert reply.json()["response_action"] == "errors" and "account" in reply.json()["errors"]
    reply = slack.submit(view, claim_values(US_ORDER), user="U1")  # no account field: the channel's account
    assert reply.json()["response_action"] == "update"
    case = get_case(slack.store, case_id_of(slack, US_ORDER, "safet"))
    assert (case.account, case.marketplace, case.channel_id) == ("acme-uk", "UK", "CUK")


def test_safet_list_shows_the_channels_account_or_the_one_named(two) -> None:
    slack = two
    file_in(slack, "CUS", US_ORDER, "U1", "acme-us:US")
    file_in(slack, "CUK", UK_ORDER, "U1", "acme-uk:UK")
    in_us, in_uk = text(slack.answer("list", channel="CUS")), text(slack.answer("list", channel="CUK"))
    assert US_ORDER in in_us and UK_ORDER not in in_us
    assert UK_ORDER in in_uk and US_ORDER not in in_uk
    anywhere = text(slack.answer("list", channel="CWORK"))
    assert US_ORDER in anywhere and UK_ORDER in anywhere
    named = text(slack.answer("list open acme-uk", channel="CWORK"))
    assert UK_ORDER in named and US_ORDER not in named


def test_app_home_filters_by_account(two) -> None:
    slack = two
    file_in(slack, "CUS", US_ORDER, "U1", "acme-us:US")
    file_in(slack, "CUK", UK_ORDER, "U1", "acme-uk:UK")
    published = calls(slack, "views.publish")
    slack.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "DU1"})
    home = next_call(slack, "views.publish", published).args["view"]
    assert US_ORDER in text(home) and UK_ORDER in text(home)
    choice = next(b for b in home["blocks"] if b.get("block_id") == "home_account")
    assert [o["value"] for o in choice["accessory"]["options"]] == ["*", "acme-us", "acme-uk"]
    slack.select({**home, "type": "home"}, "home_account_select", "acme-uk", user="U1", block_id="home_account")
    home = next_call(slack, "views.publish", published + 1).args["view"]
    assert UK_ORDER in text(home) and US_ORDER not in text(home)


def test_choosing_the_reason_redraws_the_form_with_the_account_kept(two) -> None:
    slack = two
    before = calls(slack, "views.open")
    slack.command("file", user="U1", channel="CUS")
    view = next_call(slack, "views.open", before).args["view"]
    updates = calls(slack, "views.update")
    slack.select(view, "safet_reason_select", "second_appointment", user="U1",
                 values={"account": select_input("acme-uk:UK"), "reason": select_input("second_appointment")})
    redrawn = next_call(slack, "views.update", updates).args["view"]
    block = next(b for b in redrawn["blocks"] if b.get("block_id") == "account")
    assert block["element"]["initial_option"]["value"] == "acme-uk:UK"
