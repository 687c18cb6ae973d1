"""App Home through signed requests: what is published when the tab opens, its buttons, and the language choice."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest

from store.models import OutboxNotice
from store.people import load_preference
from tests.test_slack_commands import CB_OPEN, CB_SOON, FILED, INFO, PREPARING, seed_team_cases


@pytest.fixture
def seeded(slack, now):  # type: ignore[no-untyped-def]
    return seed_team_cases(slack.store, now)


def open_home(slack, user: str = "U1", count: int = 1) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    reply = slack.event({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
                         "event_ts": f"{time.time():.6f}"})
    assert reply.status == 200
    call = slack.fake.wait_for("views.publish", count=count)[count - 1]
    assert call.args["user_id"] == user
    return call.args["view"]


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def my_case_blocks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if (b.get("accessory") or {}).get("action_id") == "home_open_case"]


def test_the_home_tab_lists_your_open_cases_most_urgent_first_each_with_an_open_button(slack, seeded):  # type: ignore[no-untyped-def]
    view = open_home(slack)
    assert view["type"] == "home"
    assert view["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Your cases (3 open)",
                                                             "emoji": True}}
    mine = my_case_blocks(view)
    assert [b["accessory"]["value"] for b in mine] == [str(seeded.ids[o]) for o in (INFO, CB_OPEN, PREPARING)]
    assert all(b["accessory"]["text"]["text"] == "Open" for b in mine)


def test_an_overdue_case_of_yours_is_flagged(slack, seeded):  # type: ignore[no-untyped-def]
    overdue, later, _ = my_case_blocks(open_home(slack))
    assert INFO in overdue["text"]["text"]
    assert ":rotating_light:" in overdue["text"]["text"] and "*Reply to the investigator: overdue by 2 hours*" in \
        overdue["text"]["text"]
    assert overdue["accessory"]["style"] == "danger"
    assert "overdue" not in later["text"]["text"] and "style" not in later["accessory"]


def test_the_home_tab_shows_what_the_team_has_due_counts_by_state_and_no_failed_notices(slack, seeded):  # type: ignore[no-untyped-def]
    text = texts(open_home(slack)["blocks"])
    assert "Team: due in the next 48 h (2)" in text
    team = text[text.index("Team: due"):]
    assert INFO in team and CB_SOON in team and FILED not in team and "<@U2>" in team
    for line in ("Information requested: 1", "Action required: 2", "Being prepared: 1", "Filed in Seller Central: 1"):
        assert line in text
    assert "Reimbursed" not in text, "closed cases are not counted"
    assert "Failed notices (0)" in text and "/invite" not in text


def test_failed_notices_are_counted_with_what_to_check(slack, seeded, now):  # type: ignore[no-untyped-def]
    with slack.store.transaction() as session:
        for n in range(2):
            session.add(OutboxNotice(key=f"failed-{n}", kind="warning", target="CGONE", post_at=now, status="failed",
                                     created_at=now, error="not_in_channel"))
    text = texts(open_home(slack)["blocks"])
    assert "Failed notices (2)" in text and "bot is a member" in text and "/invite @safet" in text


def test_the_home_tab_offers_both_forms_and_a_language_choice(slack, seeded):  # type: ignore[no-untyped-def]
    view = open_home(slack)
    buttons = next(b for b in view["blocks"] if b["type"] == "actions")["elements"]
    assert [(b["action_id"], b["text"]["text"]) for b in buttons] == [
        ("home_file_claim", "File a SAFE-T claim"), ("home_record_chargeback", "Record a chargeback")]
    select = next(b for b in view["blocks"] if b.get("block_id") == "home_locale")["accessory"]
    assert select["action_id"] == "home_locale_select"
    assert [o["text"]["text"] for o in select["options"]] == ["Slack's language", "English", "简体中文"]
    assert select["initial_option"]["value"] == "slack"


def test_someone_without_cases_is_told_so(slack, seeded):  # type: ignore[no-untyped-def]
    view = open_home(slack, user="U3")
    assert view["blocks"][0]["text"]["text"] == "Your cases (0 open)"
    assert not my_case_blocks(view)
    assert "No open case is yours" in texts(view["blocks"])


def test_deadlines_on_the_home_tab_fall_back_to_the_viewers_own_zone(slack, seeded):  # type: ignore[no-untyped-def]
    slack.fake.set_user("U1", tz="Asia/Shanghai")
    overdue = my_case_blocks(open_home(slack))[0]["text"]["text"]
    assert "GMT+8" in overdue or "CST" in overdue
    assert "PST" not in overdue


def test_opening_the_messages_tab_publishes_nothing(slack, seeded):  # type: ignore[no-untyped-def]
    reply = slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "messages",
                         "event_ts": f"{time.time():.6f}"})
    assert reply.status == 200
    time.sleep(0.5)
    assert slack.fake.calls("views.publish") == []


def test_the_open_button_shows_the_case_in_a_modal(slack, seeded):  # type: ignore[no-untyped-def]
    view = open_home(slack)
    reply = slack.click("home_open_case", str(seeded.ids[INFO]), view=view)
    assert reply.status == 200
    modal = slack.opened_view()
    assert modal["type"] == "modal" and modal["title"]["text"] == f"Case {INFO}"
    text = texts(modal["blocks"])
    assert "Reply to the investigator" in text and "<!date^" in text and "business days" in text
    assert "opened the case" in text and "Awaiting Seller Response" in text


def test_the_open_button_of_a_case_that_is_gone_says_so(slack, seeded):  # type: ignore[no-untyped-def]
    slack.click("home_open_case", "999999", view=open_home(slack))
    assert "No such case." in texts(slack.opened_view()["blocks"])


def test_the_file_button_opens_the_claim_modal(slack, seeded):  # type: ignore[no-untyped-def]
    view = open_home(slack)
    slack.click("home_file_claim", "file", view=view)
    call = slack.fake.wait_for("views.open")[0]
    assert call.args["view"]["callback_id"] == "safet_claim_modal"
    assert call.args["trigger_id"].startswith("trigger-")


def test_the_chargeback_button_opens_the_chargeback_modal_dated_the_teams_today(slack, seeded):  # type: ignore[no-untyped-def]
    slack.fake.set_user("U1", tz="Asia/Shanghai")  # already Saturday there; still Friday for the team
    slack.click("home_record_chargeback", "chargeback", view=open_home(slack))
    modal = slack.opened_view()
    assert modal["callback_id"] == "chargeback_modal"
    email_on = next(b for b in modal["blocks"] if b.get("block_id") == "email_on")
    assert email_on["element"]["initial_date"] == "2026-11-20"


def test_choosing_chinese_stores_the_choice_and_republishes_the_home_tab(slack, seeded):  # type: ignore[no-untyped-def]
    view = open_home(slack)
    reply = slack.select(view, "home_locale_select", "zh_CN", block_id="home_locale")
    assert reply.status == 200
    preference = load_preference(slack.store, "U1")
    assert preference is not None and preference.chosen_locale == "zh_CN"
    assert slack.runtime.deps.directory.cached_locale("U1") == "zh_CN"
    republished = slack.fake.wait_for("views.publish", count=2)[1].args["view"]
    select = next(b for b in republished["blocks"] if b.get("block_id") == "home_locale")["accessory"]
    assert select["initial_option"]["value"] == "zh_CN"
    assert len(my_case_blocks(republished)) == 3


def test_choosing_slacks_language_again_drops_the_choice(slack, seeded):  # type: ignore[no-untyped-def]
    slack.runtime.deps.directory.choose_locale("U1", "zh_CN")
    view = open_home(slack)
    select = next(b for b in view["blocks"] if b.get("block_id") == "home_locale")["accessory"]
    assert select["initial_option"]["value"] == "zh_CN"
    slack.select(view, "home_locale_select", "slack", block_id="home_locale")
    assert load_preference(slack.store, "U1").chosen_locale is None
    republished = slack.fake.wait_for("views.publish", count=2)[1].args["view"]
    select = next(b for b in republished["blocks"] if b.get("block_id") == "home_locale")["accessory"]
    assert select["initial_option"]["value"] == "slack"


def test_an_unknown_language_value_changes_nothing(slack, seeded):  # type: ignore[no-untyped-def]
    slack.runtime.deps.directory.choose_locale("U1", "en")
    slack.select(open_home(slack), "home_locale_select", "tlh", block_id="home_locale")
    slack.fake.wait_for("views.publish", count=2)
    assert load_preference(slack.store, "U1").chosen_locale == "en"


def test_the_home_tab_keeps_within_slacks_block_limit_with_many_cases(slack, now):  # type: ignore[no-untyped-def]
    from datetime import date

    from rules.kinds import ComplaintType
    from store import opening

    for n in range(60):
        opening.open_chargeback(slack.store, actor="U1", order_id=f"901-{n:07d}-0000000", amount_cents=100 + n,
                              currency="USD", now=now - timedelta(minutes=n), complaint_type=ComplaintType.OTHER,
                              email_on=date(2026, 11, 14))
    view = open_home(slack)
    assert len(view["blocks"]) <= 100
    assert len(my_case_blocks(view)) == 20
    assert view["blocks"][0]["text"]["text"] == "Your cases (20+ open)"
    assert "Team: due in the next 48 h (20+)" in texts(view["blocks"])
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")
