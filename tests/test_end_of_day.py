"""An end-of-day deadline (a chargeback's 7 calendar days, the 90-day outcome window) is stored as
00:00 of the next day in the team's zone, and shown as the end of the day it belongs to — "end of
Wed, Nov 25 — 11:59 PM PST" — on the card, in notices, digests and the daily summary, App Home,
`/safet list` and `/safet show`, the chargeback confirmation and the demo, in English and Chinese.
Each reader still reads the time in their own zone; the stored instant and the sweep do not change."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.deadlines import DeadlineKind, DeadlineRule, DeadlineStatus, chargeback_reply, outcome_window
from rules.kinds import ComplaintType
from rules.records import DailyFacts, DeadlineRecord
from store import cases
from store.db import Policy, Store, upgrade
from store.queries import get_case
from sweep import demo
from tests.case_steps import ORDER, calls, card, next_call, open_chargeback, settle
from tests.slack_harness import Clock, running_app
from views.i18n import Translator
from views.notices import Reader, deadline_notice
from views.plain_text import message_text
from views.summary import daily_summary, digest
from views.text import due_text, due_token

LA = ZoneInfo("America/Los_Angeles")
SHANGHAI = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en"), Translator("zh_CN")
NNBSP = "\u202f"  # Babel's space before AM/PM
DUE = datetime(2026, 11, 26, 0, 0, tzinfo=LA)  # email on Wed Nov 18 + 7 days: the end of Wed, Nov 25
LAST_MINUTE = int(DUE.timestamp()) - 60
END_EN = f"end of Wed, Nov 25 — <!date^{LAST_MINUTE}^{{date_short_pretty}} {{time}}|11:59{NNBSP}PM PST>"
END_ZH = f"11月25日周三当天结束 — <!date^{LAST_MINUTE}^{{date_short_pretty}} {{time}}|23:59 PST>"
MIDNIGHT_TOKEN = f"<!date^{int(DUE.timestamp())}^"


def record(deadline, *, id: int = 1) -> DeadlineRecord:  # type: ignore[no-untyped-def]
    return DeadlineRecord(id, deadline.kind, deadline.rule, deadline.basis_at, deadline.computed_due_at,
                          deadline.stated_due_at, DeadlineStatus.OPEN)


# ---------------------------------------------------------------- the rule and the words


def test_the_stored_instant_stays_midnight_of_the_next_day_and_the_day_it_ends_is_the_seventh():
    reply = chargeback_reply(email_on=date(2026, 11, 18), zone=LA)
    assert reply.due_at == DUE.astimezone(UTC)
    assert reply.ends_on(LA) == date(2026, 11, 25)
    assert outcome_window(represented_on=date(2026, 9, 20), zone=LA).ends_on(LA) == date(2026, 12, 19)


def test_exact_time_deadlines_are_not_end_of_day():
    exact = chargeback_reply(email_at=datetime(2026, 11, 18, 9, 30, tzinfo=LA), zone=LA)
    assert exact.rule is DeadlineRule.CHARGEBACK_7X24H and exact.ends_on(LA) is None
    assert due_token(exact, EN, LA) == (f"<!date^{int(exact.due_at.timestamp())}^{{date_short_pretty}} {{time}}"
                                        f"|Nov 25, 2026 9:30{NNBSP}AM PST>")
    # Amazon's earlier "Reply by" is an exact time too, even on an end-of-day rule.
    stated = datetime(2026, 11, 24, 17, 0, tzinfo=LA).astimezone(UTC)
    amazon = chargeback_reply(email_on=date(2026, 11, 18), zone=LA).__class__(
        DeadlineKind.CHARGEBACK_REPLY, DeadlineRule.CHARGEBACK_7CD, DUE.astimezone(UTC) - timedelta(days=7),
        DUE.astimezone(UTC), stated)
    assert amazon.ends_on(LA) is None and "end of" not in due_token(amazon, EN, LA)


def test_a_team_zone_where_the_instant_is_not_a_midnight_shows_the_exact_time():
    # Computed in Los Angeles, read by a team now set to New York: "end of" would be a lie there.
    reply = chargeback_reply(email_on=date(2026, 11, 18), zone=LA)
    assert reply.ends_on(ZoneInfo("America/New_York")) is None


def test_a_skipped_midnight_still_names_the_right_day():
    santiago = ZoneInfo("America/Santiago")  # clocks jump from 00:00 to 01:00 on Sun, Sep 6, 2026
    reply = chargeback_reply(email_on=date(2026, 8, 29), zone=santiago)
    assert reply.ends_on(santiago) == date(2026, 9, 5)
    assert due_text(reply, EN, santiago).startswith("end of Sat, Sep 5 — 11:59")


@pytest.mark.parametrize(("tr", "expected"), [(EN, END_EN), (ZH, END_ZH)])
def test_an_end_of_day_deadline_reads_as_the_end_of_its_own_day_in_both_languages(tr, expected):
    reply = chargeback_reply(email_on=date(2026, 11, 18), zone=LA)
    assert due_token(reply, tr, LA) == expected
    assert MIDNIGHT_TOKEN not in due_token(reply, tr, LA)


def test_a_reader_elsewhere_gets_the_teams_day_and_the_instant_in_their_own_zone():
    reply = chargeback_reply(email_on=date(2026, 11, 18), zone=LA)
    assert due_text(reply, EN, LA, SHANGHAI) == f"end of Wed, Nov 25 — Nov 26, 2026 3:59{NNBSP}PM CST"
    assert due_text(reply, EN, LA) == f"end of Wed, Nov 25 — 11:59{NNBSP}PM PST"
    assert due_text(reply, ZH, LA) == "11月25日周三当天结束 — 23:59 PST"


@pytest.mark.parametrize(("tr", "end", "words"), [(EN, END_EN, "Respond to the chargeback"),
                                                   (ZH, END_ZH, "回应信用卡拒付索赔")])
def test_notices_digests_and_the_daily_summary_say_end_of_day(tr, end, words, store):  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    change = cases.open_chargeback(store, actor="U1", order_id=ORDER, amount_cents=12999, currency="USD",
                                   now=now, complaint_type=ComplaintType.NOT_RECEIVED, email_on=date(2026, 11, 18))
    case = change.case
    deadline = case.next_deadline
    assert deadline is not None and deadline.due_at == DUE
    r = Reader(tr=tr, zone=LA, now=now)
    notices = [deadline_notice(case, deadline, stage, r) for stage in ("warn-48h", "overdue")]
    for notice in notices:
        assert end in json.dumps([b.to_dict() for b in notice.blocks], ensure_ascii=False)
        assert MIDNIGHT_TOKEN not in notice.text + str([b.to_dict() for b in notice.blocks])
    grouped = digest(notices * 2, tr)[0][0]
    assert json.dumps([b.to_dict() for b in grouped.blocks], ensure_ascii=False).count(end) == 4
    summary = daily_summary(DailyFacts(overdue=[], overdue_total=0, due=[(case, deadline)], due_total=1, failed=[],
                                       failed_total=0, open_chargebacks=1), r)
    assert end in json.dumps([b.to_dict() for b in summary.blocks], ensure_ascii=False)
    # The terminal reads the fallback: the day and 11:59 PM, no midnight.
    terminal = message_text(notices[0])
    assert ("end of Wed, Nov 25 — 11:59" if tr is EN else "11月25日周三当天结束 — 23:59 PST") in terminal


# ---------------------------------------------------------------- through Slack


def _section_texts(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_card_list_show_home_and_confirmation_say_end_of_day_in_english(slack):  # type: ignore[no-untyped-def]
    slack.fake.set_user("U1", tz="Asia/Shanghai")
    ephemerals = calls(slack, "chat.postEphemeral")
    case_id = open_chargeback(slack)
    case = get_case(slack.store, case_id)
    assert case is not None and case.open_deadlines[0].due_at == DUE  # the stored instant is untouched
    confirmation = next_call(slack, "chat.postEphemeral", ephemerals).args["text"]
    # The team's day, and the instant in the reader's own zone as the fallback.
    shanghai = (f"end of Wed, Nov 25 — <!date^{LAST_MINUTE}^{{date_short_pretty}} {{time}}"
                f"|Nov 26, 2026 3:59{NNBSP}PM CST>")
    assert f"by {shanghai}" in confirmation

    card_blocks = _section_texts(card(slack, case_id)["blocks"])
    assert f"Respond to the chargeback by {END_EN}" in card_blocks and MIDNIGHT_TOKEN not in card_blocks
    assert "7 calendar days from the email date (Nov 18, 2026), end of day" in card_blocks

    for words in ("list", f"show {ORDER}"):
        before = calls(slack, "chat.postEphemeral")
        reply = slack.command(words)
        answer = reply.json() if reply.body else next_call(slack, "chat.postEphemeral", before).args
        shown = _section_texts(answer["blocks"])
        assert END_EN in shown and MIDNIGHT_TOKEN not in shown, words

    slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home", "event_ts": "1.0"})
    home = _section_texts(slack.fake.wait_for("views.publish")[0].args["view"]["blocks"])
    assert shanghai in home


def test_card_home_and_show_say_end_of_day_in_chinese(store, fake_slack, now):  # type: ignore[no-untyped-def]
    fake_slack.set_user("U1", locale="zh-CN")
    with running_app(store, fake_slack, Clock(now), channel_locale="zh_CN") as slack:
        case_id = open_chargeback(slack)
        settle(slack, case_id)
        card_blocks = _section_texts(card(slack, case_id)["blocks"])
        assert f"截止 {END_ZH}" in card_blocks and MIDNIGHT_TOKEN not in card_blocks
        reply = slack.command(f"show {ORDER}")
        assert END_ZH in _section_texts(reply.json()["blocks"])
        slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home", "event_ts": "1.0"})
        home = _section_texts(slack.fake.wait_for("views.publish")[0].args["view"]["blocks"])
        assert END_ZH in home


# ---------------------------------------------------------------- the demo


@pytest.mark.parametrize(("locale", "pattern"), [
    ("en", r"Respond to the chargeback end of \w{3}, \w{3} \d+ — 11:59\u202fPM PST"),
    ("zh_CN", r"回应信用卡拒付索赔 \d+月\d+日周.当天结束 — 23:59 PST"),
])
def test_the_demo_shows_chargeback_deadlines_as_the_end_of_their_day(tmp_path, locale, pattern):  # type: ignore[no-untyped-def]
    settings = demo.demo_settings(locale, f"sqlite:///{tmp_path}/demo.sqlite3")
    upgrade(settings.database_url)
    store = Store.from_url(settings.database_url, Policy.of(settings))
    out = io.StringIO()
    try:
        demo.play_demo(store, settings, start=datetime(2026, 11, 20, 16, 0, tzinfo=UTC),
                       holiday_name="Thanksgiving Day", days=2, out=out)
    finally:
        store.dispose()
    text = out.getvalue()
    assert re.search(pattern, text), text[:3000]
    assert not re.search(r"(Respond to the chargeback|回应信用卡拒付索赔)[^\n]*(12:00\u202fAM|00:00)", text)
