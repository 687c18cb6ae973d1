"""`/safet report` and its Export CSV button through signed requests against the fake Slack.

The story is tests/report_story.py; the app's clock is Friday 2026-11-20 15:00 in Los Angeles (the
``now`` fixture), the figures are those worked by hand in tests/test_reports.py.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from rules.kinds import SafetReason
from store import cases, opening
from tests.report_story import OWNER, order, tell_story, utc
from tests.slack_harness import wait_until
from views import ids


def blocks_text(reply: dict) -> str:
    return json.dumps(reply.get("blocks", []), ensure_ascii=False)


@pytest.fixture
def told(slack):  # type: ignore[no-untyped-def]
    tell_story(slack.store)
    # A claim number typed to run in a spreadsheet: the CSV must show it, never run it.
    evil = opening.open_safet_claim(slack.store, actor=OWNER, order_id=order(11), reason=SafetReason.TRIP_CREDIT,
                                  now=utc(2026, 11, 19, 18), explanation="The appointment could not be completed.")
    cases.record_filing(slack.store, evil.case.id, actor=OWNER, now=utc(2026, 11, 19, 19),
                        claim_number="=HYPERLINK(\"http://x\")")
    return slack


def test_report_month_shows_recovered_lost_and_at_risk_money(told) -> None:  # type: ignore[no-untyped-def]
    reply = told.answer("report month")
    assert reply["response_type"] == "ephemeral"
    text = blocks_text(reply)
    assert "Report for 2026-11 (Nov 1, 2026 – Nov 30, 2026)" in text
    assert "*Recovered*: €80.00 · $123.45" in text
    assert "*Lost*: $120.00" in text
    # F (£30.00) due in 33 h, I ($50 flat) overdue, and the evil claim has no deadline.
    assert "*At risk in the next 48 h*: £30.00 · $50.00 (2 cases, 1 already overdue)" in text
    assert "2 met, 2 missed (money on the missed ones: $120.00)" in text
    assert "41 h (2 answers)" in text
    assert "<@UOWNER>: 2 of 4 (50%)" in text
    assert reply["text"].startswith("Report for 2026-11")
    assert ids.ACTION_REPORT_EXPORT in text


def test_report_speaks_the_persons_language(told) -> None:  # type: ignore[no-untyped-def]
    told.fake.set_user("U2", locale="zh-CN")
    text = blocks_text(told.answer("report 2026-10", user="U2"))
    assert "2026-10 报告" in text and "*已追回*: US$50.00" in text


@pytest.mark.parametrize("argument", ["2026-13", "yesterday", "2027-01", "<!channel>"])
def test_a_bad_period_is_refused_clearly(told, argument: str) -> None:  # type: ignore[no-untyped-def]
    reply = told.answer(f"report {argument}")
    assert reply["response_type"] == "ephemeral" and "blocks" not in reply
    assert "period" in reply["text"] or "not begun" in reply["text"]
    assert "<!channel>" not in reply["text"]


def test_export_csv_uploads_both_files_to_the_person_who_asked(told) -> None:  # type: ignore[no-untyped-def]
    told.click(ids.ACTION_REPORT_EXPORT, "2026-11", user="U1")
    uploads = wait_until(lambda: len(told.fake.uploads("U1")) == 2 and told.fake.uploads("U1"))
    by_name = {u.filename: u for u in uploads}
    assert set(by_name) == {"cases-2026-11.csv", "events-2026-11.csv"}
    assert all(u.channel == "DU1" for u in uploads)
    raw = by_name["cases-2026-11.csv"].content or b""
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # Opened in November (B, C, E, F, G, H, I, J, the evil claim) or decided then (D); not A (Oct 31 PDT).
    assert sorted(r["order_id"][-2:] for r in rows) == ["02", "03", "04", "05", "06", "07", "08", "09", "10", "11"]
    evil = next(r for r in rows if r["order_id"] == order(11))
    assert evil["claim_number"] == "'=HYPERLINK(\"http://x\")"
    h = next(r for r in rows if r["order_id"] == order(8))
    assert (h["state"], h["currency"], h["claimed"], h["lost"], h["deadlines_missed"]) == (
        "debited", "USD", "70.00", "70.00", "1")
    d = next(r for r in rows if r["order_id"] == order(4))
    assert (d["state"], d["recovered"], d["lost"]) == ("debit_reversed", "80.00", "0.00")
    events = list(csv.DictReader(io.StringIO((by_name["events-2026-11.csv"].content or b"").decode("utf-8-sig"))))
    assert [e["action"] for e in events if e["order_id"] == order(4)] == [
        "open", "record_debit", "dispute", "dispute_reversed"]
    for row in [*rows, *events]:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_a_forged_export_period_builds_nothing(told) -> None:  # type: ignore[no-untyped-def]
    before = len(told.fake.calls("chat.postMessage"))
    told.click(ids.ACTION_REPORT_EXPORT, "../../etc", user="U1")
    told.fake.wait_for("chat.postMessage", count=before + 1, predicate=lambda c: c.args.get("channel") == "U1")
    assert told.fake.uploads("U1") == []


def test_app_home_shows_money_at_risk_and_recovered_this_month(told) -> None:  # type: ignore[no-untyped-def]
    told.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    view = told.fake.wait_for("views.publish")[-1].args["view"]
    texts = [b["text"]["text"] for b in view["blocks"] if b.get("block_id") in ("home_at_risk", "home_recovered")]
    assert texts == [":alarm_clock: *At risk in the next 48 h*: £30.00 · $50.00 (2 cases)",
                     ":large_green_circle: *Recovered this month*: €80.00 · $123.45"]
