"""Amazon's emails through the real Bolt app: each corpus email sent to the intake channel (a signed `message`
event with Slack's email file) and read with the shortcut, against the fake Slack. Done when a forwarded
chargeback email, one button and Save record the case with its order, amount and deadline, and the next
email for that order goes to that case."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from rules.deadlines import DeadlineKind, DeadlineRule
from rules.kinds import State
from rules.settings import DEFAULT_INTAKE_SENDERS
from store import cases, opening
from store.intake import unanswered
from store.queries import get_case
from tests.case_steps import case_id_of, settle
from tests.intake_steps import (
    INTAKE,
    all_text,
    as_submitted,
    buttons,
    deliver,
    email_event,
    email_file,
    intake_app,
    replies,
    shortcut,
)
from tests.slack_harness import Clock, running_app, wait_until
from webapi.files import download

CORPUS = Path(__file__).parent / "emails"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def slack(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with intake_app(store, fake_slack, now) as driver:
        yield driver


def thread_of(slack, ts: str, count: int = 1) -> list[dict]:  # type: ignore[no-untyped-def]
    return wait_until(lambda: (found := replies(slack, INTAKE, ts)) and len(found) >= count and found)


def read_finished(slack, file_id: str) -> None:  # type: ignore[no-untyped-def]
    """The lazy listener has asked Slack for the file; give it a moment to (not) answer."""
    slack.fake.wait_for("files.info", predicate=lambda c: c.args.get("file") == file_id)
    time.sleep(0.3)


def is_amazon(expected: dict) -> bool:
    return bool(expected["allowed"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_email_in_the_intake_channel_gets_its_one_reply(slack, name):  # type: ignore[no-untyped-def]
    expected = EXPECTED[name]
    file = email_file(slack, (CORPUS / name).read_bytes(), name=name)
    event = email_event(file)
    assert deliver(slack, event).status == 200
    if expected["refused"]:
        (reply,) = thread_of(slack, event["ts"])
        assert "was not read" in reply["text"] and not reply.get("blocks")
        return
    if not is_amazon(expected):  # decided on the mailbox alone: the body is never fetched
        time.sleep(0.3)
        said = replies(slack, INTAKE, event["ts"])
        assert len(said) <= 1 and all("Not read on its own" in r["text"] and not r.get("blocks") for r in said)
        assert not [c for c in slack.fake.calls("files.info") if c.args.get("file") == file["id"]]
        return
    if expected["kind"] == "none":  # a shipment notice, a newsletter: no noise in the channel
        read_finished(slack, file["id"])
        assert replies(slack, INTAKE, event["ts"]) == []
        return
    (reply,) = thread_of(slack, event["ts"])
    orders = [order for order, _ in expected["orders"]]
    if not orders:  # a claim number alone counts once a case has it
        assert not reply.get("blocks") and "Nothing to record" in reply["text"]
        return
    text = all_text(reply["blocks"])
    for order in orders:
        assert f"`{order}`" in text
    # One button per order (no case exists yet): it opens the right form, prefilled.
    pressed = buttons(reply["blocks"])
    assert len(pressed) == max(len(orders), 1)
    wanted = "intake_record_chargeback" if expected["kind"].startswith("chargeback") else "intake_record_claim"
    assert {b["action_id"] for b in pressed} == {wanted}
    values = [json.loads(b["value"]) for b in pressed]
    assert [v["order_id"] for v in values] == (orders or [v["order_id"] for v in values])
    for value, (_, cents) in zip(values, expected["orders"], strict=False):
        assert value.get("amount_cents") == cents
    if expected["sent_at"]:
        assert values[0]["sent_at"] == int(datetime.fromisoformat(expected["sent_at"]).timestamp())
    if expected["missing"]:
        assert "Not found:" in text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_email_read_with_the_shortcut_shows_what_it_found(slack, name):  # type: ignore[no-untyped-def]
    expected = EXPECTED[name]
    file = email_file(slack, (CORPUS / name).read_bytes(), name=name)
    message = {"type": "message", "user": "U2", "ts": "1763600000.900000", "text": "", "files": [file]}
    assert shortcut(slack, message).status == 200
    view = slack.opened_view()
    text = all_text(view["blocks"])
    if expected["refused"]:
        assert "was not read" in text
        return
    for order, _ in expected["orders"]:
        assert f"`{order}`" in text
    actionable = expected["kind"] != "none" and expected["orders"]
    assert bool(buttons(view["blocks"])) == bool(actionable)
    if actionable:  # the shortcut works on any sender, and the thread gets its one reply too
        thread = wait_until(lambda: replies(slack, "CWORK", message["ts"]))
        assert len(thread) == 1


def test_a_retried_event_and_a_second_look_reply_once(slack):  # type: ignore[no-untyped-def]
    file = email_file(slack, (CORPUS / "cb_notice_en.eml").read_bytes())
    event = email_event(file)
    deliver(slack, event)
    thread_of(slack, event["ts"])
    assert deliver(slack, event, retry=1).status == 200
    shortcut(slack, {**event, "user": "U0MAILER"}, channel=INTAKE)
    slack.opened_view()  # the person still sees what the email says, in a modal
    time.sleep(0.3)
    assert len(replies(slack, INTAKE, event["ts"])) == 1
    assert unanswered(slack.store, now=slack.clock() + timedelta(hours=1)) == []


def test_emails_elsewhere_and_plain_messages_are_not_read(slack):  # type: ignore[no-untyped-def]
    file = email_file(slack, (CORPUS / "cb_notice_en.eml").read_bytes())
    elsewhere = email_event(file, channel="CWORK")
    chat = {"type": "message", "channel": INTAKE, "user": "U2", "ts": "1763600001.000001",
            "text": "111-2223334-4445556"}
    assert deliver(slack, elsewhere).status == 200 and deliver(slack, chat).status == 200
    time.sleep(0.3)
    assert not slack.fake.calls("files.info")
    assert replies(slack, "CWORK", elsewhere["ts"]) == [] and replies(slack, INTAKE, chat["ts"]) == []


def test_email_text_enters_mrkdwn_escaped_and_no_link_from_it_is_drawn(slack):  # type: ignore[no-untyped-def]
    file = email_file(slack, (CORPUS / "cb_notice_injection.eml").read_bytes())
    event = email_event(file)
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    text = all_text(reply["blocks"])
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "evil.example" not in json.dumps(reply["blocks"]).replace("&lt;https://evil.example", "")
    assert "sellercentral.amazon.com/chargebacks" not in json.dumps(reply["blocks"])
    # Only Slack's own file URLs are ever fetched: a link from an email is refused before any request.
    assert download(slack.runtime.client, "https://evil.example/x.eml", limit=10) is None


def test_slacks_own_email_fields_are_read_without_downloading(slack):  # type: ignore[no-untyped-def]
    file = slack.fake.add_file(b"", name="email", filetype="email", mimetype="text/html",
                               subject="Chargeback claim", headers={"date": "Fri, 20 Nov 2026 10:00:00 -0800"},
                               plain_text="Order ID: 111-2223334-4445556\nAmount: $129.99\nYou must respond to this "
                                          "chargeback claim within seven calendar days of the email date.",
                               **{"from": [{"address": "cb-seller-notification@amazon.com", "name": "Amazon",
                                            "original": "Amazon <cb-seller-notification@amazon.com>"}]})
    event = email_event(file)
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    (button,) = buttons(reply["blocks"])
    value = json.loads(button["value"])
    assert value["amount_cents"] == 12999
    assert value["sent_at"] == int(datetime(2026, 11, 20, 18, 0, tzinfo=UTC).timestamp())


def test_a_10_mb_email_is_refused_without_being_read(slack):  # type: ignore[no-untyped-def]
    file = email_file(slack, b"From: a@amazon.com\r\n\r\n" + b"x" * 10_000_000)
    event = email_event(file)
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    assert "too large" in reply["text"]


def forwarded_chargeback(order: str, *, sent: str) -> bytes:
    """A teammate forwards Amazon's notification (Apple Mail's header block, to the second) to the channel."""
    message = EmailMessage()
    message["From"] = "Mei Chen <mei@acme-sellers.com>"
    message["Date"] = "Fri, 20 Nov 2026 14:30:00 -0800"
    message["Subject"] = "Fwd: Chargeback claim"
    message.set_content(
        "Begin forwarded message:\n\nFrom: Amazon <cb-seller-notification@amazon.com>\nSubject: Chargeback claim\n"
        f"Date: {sent}\nTo: support@acme-sellers.com\n\nHello,\n\nOrder ID: {order}\nAmount: $212.40\n"
        "Buyer's claim: the buyer says the item was not received.\n\nYou must respond to this chargeback claim "
        "within seven calendar days of the email date. Click Represent your case in Seller Central.\n")
    return message.as_bytes(policy=SMTP)


def test_a_forwarded_chargeback_is_recorded_with_one_button_and_its_next_email_goes_to_the_case(slack):  # type: ignore[no-untyped-def]
    order = "140-1234567-7654321"
    sent = datetime(2026, 11, 20, 0, 5, 27, tzinfo=UTC)  # Thu Nov 19, 4:05:27 PM PST
    event = email_event(email_file(slack, forwarded_chargeback(order, sent="November 19, 2026 at 4:05:27 PM PST")))
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    (button,) = buttons(reply["blocks"])
    assert button["text"]["text"] == "Record this chargeback"

    slack.click(button["action_id"], button["value"], channel=INTAKE, message=reply)
    form = slack.opened_view()
    submitted = slack.submit(form, as_submitted(form))
    assert submitted.status == 200 and (submitted.json() or {}).get("response_action") == "clear", submitted.body
    case = settle(slack, case_id_of(slack, order, "chargeback"))
    assert (case.order_id, case.amount_cents, case.currency) == (order, 21240, "USD")
    assert case.email_at == sent
    (deadline,) = [d for d in case.open_deadlines if d.kind is DeadlineKind.CHARGEBACK_REPLY]
    assert deadline.rule is DeadlineRule.CHARGEBACK_7X24H
    assert deadline.due_at == sent + timedelta(days=7)  # to the second, though the form's picker has minutes

    # The team represents the case; Amazon's next email asks for more: a line in the case's thread and the
    # next action, never a second case.
    cases.represent(slack.store, case.id, actor="U1", now=slack.clock(), shipped_on=date(2026, 11, 2),
                    shipping_method="UPS Ground", tracking="1Z999AA10123456784")
    info = EmailMessage()
    info["From"], info["Date"], info["Subject"] = (f"Amazon <{'cb-seller-notification@amazon.com'}>",
                                                   "Fri, 20 Nov 2026 13:00:00 -0800", "Chargeback: information")
    info.set_content(f"The investigator needs additional information about the chargeback on order {order}.\n"
                     "Please respond by November 24, 2026 5:00 PM PST.\n")
    second = email_event(email_file(slack, info.as_bytes(policy=SMTP)))
    deliver(slack, second)
    (answer,) = thread_of(slack, second["ts"])
    assert "already has a case" in all_text(answer["blocks"])
    line = wait_until(lambda: [m for m in slack.fake.messages("CCASES") if m.get("thread_ts") == case.card_ts
                               and "Amazon's email about this case" in m["text"]])
    (next_action,) = buttons(line[0]["blocks"])
    assert next_action["text"]["text"] == f"Log the information request on case {order}"
    slack.click(next_action["action_id"], next_action["value"], channel="CCASES", message=line[0])
    form = slack.fake.wait_for("views.open", count=2)[1].args["view"]
    initial = {b["block_id"]: b["element"].get("initial_date_time") for b in form["blocks"] if b["type"] == "input"}
    assert initial["arrived_at"] == int(datetime(2026, 11, 20, 21, 0, tzinfo=UTC).timestamp())
    assert initial["stated_due_at"] == int(datetime(2026, 11, 25, 1, 0, tzinfo=UTC).timestamp())
    assert (slack.submit(form, as_submitted(form)).json() or {}).get("response_action") in (None, "clear")
    case = wait_until(lambda: (c := get_case(slack.store, case.id)) and c.state is State.INFO_REQUESTED and c)
    assert [c.id for c in [case]] == [case_id_of(slack, order, "chargeback")]  # still the one case
    due = next(d for d in case.open_deadlines if d.kind is DeadlineKind.CHARGEBACK_INFO_REPLY)
    assert due.due_at == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_the_allow_list_is_amazons_domains_unless_configured(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(now), intake_channel=INTAKE) as driver:
        assert driver.runtime.deps.settings.intake_senders == DEFAULT_INTAKE_SENDERS


def test_a_safet_email_naming_only_its_claim_number_goes_to_the_claim_with_that_number(slack):  # type: ignore[no-untyped-def]
    from rules.kinds import SafetReason

    now = slack.clock()
    opened = opening.open_safet_claim(slack.store, actor="U1", order_id="150-1111111-2222222",
                                    reason=SafetReason.PENALTY_FEE, now=now, explanation="The penalty is wrong.")
    cases.record_filing(slack.store, opened.case.id, actor="U1", now=now, claim_number="SC-88001234")
    event = email_event(email_file(slack, (CORPUS / "safet_info_html_claim_only.eml").read_bytes()))
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    assert "`150-1111111-2222222` already has a case" in all_text(reply["blocks"])
    (button,) = buttons(reply["blocks"])
    value = json.loads(button["value"])
    assert (button["action_id"], value["case_id"], value["action"]) == ("intake_case_action", opened.case.id,
                                                                        "log_info_request")


def test_an_email_as_slack_really_holds_it_html_rendering_and_cut_text_is_read(slack):  # type: ignore[no-untyped-def]
    """Slack's email file: mimetype text/html, served as its HTML rendering, plain text cut short (has_more)."""
    html = (CORPUS / "cb_notice_en_html.eml").read_bytes()
    from email import message_from_bytes, policy

    rendering = message_from_bytes(html, policy=policy.default).get_body(("html",)).get_content().encode()
    file = slack.fake.add_file(rendering, name="Action Required", filetype="email", mimetype="text/html",
                               subject="Action Required: Chargeback Claim", has_more=True, plain_text="We have…",
                               headers={"date": "Sat, 31 Oct 2026 18:30:05 -0700"},
                               **{"from": [{"address": "cb-seller-notification@amazon.com", "name": "Amazon.com",
                                            "original": "Amazon.com <cb-seller-notification@amazon.com>"}]})
    event = {**email_event(file), "user": "USLACKBOT", "subtype": None}
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    (button,) = buttons(reply["blocks"])
    value = json.loads(button["value"])
    assert (value["order_id"], value["amount_cents"], value["complaint"]) == ("112-9876543-2101234", 123456,
                                                                              "materially_different")
    assert value["sent_at"] == int(datetime(2026, 11, 1, 1, 30, 5, tzinfo=UTC).timestamp())


def _filed_claim(slack, order: str, claim_number: str) -> int:  # type: ignore[no-untyped-def]
    from rules.kinds import SafetReason

    now = slack.clock()
    opened = opening.open_safet_claim(slack.store, actor="U1", order_id=order, reason=SafetReason.TRIP_CREDIT,
                                    now=now, explanation="The customer was not home.")
    cases.record_filing(slack.store, opened.case.id, actor="U1", now=now, claim_number=claim_number)
    return opened.case.id


def test_a_safet_decision_opens_the_decision_form_prefilled_and_records_the_grant(slack):  # type: ignore[no-untyped-def]
    case_id = _filed_claim(slack, "121-1212121-3434343", "8123456789")
    event = email_event(email_file(slack, (CORPUS / "safet_grant_en.eml").read_bytes()))
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    (button,) = buttons(reply["blocks"])
    assert button["text"]["text"] == "Record the decision on case 121-1212121-3434343"
    slack.click(button["action_id"], button["value"], channel=INTAKE, message=reply)
    form = slack.opened_view()
    amount = next(b for b in form["blocks"] if b.get("block_id") == "amount")
    assert amount["element"]["initial_value"] == "50.00"
    slack.submit(form, as_submitted(form))
    case = wait_until(lambda: (c := get_case(slack.store, case_id)) and c.state is State.REIMBURSED and c)
    assert case.outcome_amount_cents == 5000


def test_a_no_grant_prefills_amazons_appeal_by(slack):  # type: ignore[no-untyped-def]
    _filed_claim(slack, "123-1234567-1234567", "8123456700")
    event = email_event(email_file(slack, (CORPUS / "safet_nogrant_en.eml").read_bytes()))
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    (button,) = buttons(reply["blocks"])
    slack.click(button["action_id"], button["value"], channel=INTAKE, message=reply)
    form = slack.opened_view()
    appeal_by = next(b for b in form["blocks"] if b.get("block_id") == "appeal_by")
    assert appeal_by["element"]["initial_date_time"] == int(datetime(2026, 12, 11, 7, 59, tzinfo=UTC).timestamp())


def test_a_safet_confirmation_without_a_case_opens_the_claim_form_with_its_order_and_claim_number(slack):  # type: ignore[no-untyped-def]
    event = email_event(email_file(slack, (CORPUS / "safet_confirm_en.eml").read_bytes()))
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    (button,) = buttons(reply["blocks"])
    assert button["text"]["text"] == "Record this SAFE-T claim"
    slack.click(button["action_id"], button["value"], channel=INTAKE, message=reply)
    form = slack.opened_view()
    initial = {b["block_id"]: b["element"].get("initial_value") for b in form["blocks"] if b["type"] == "input"}
    assert (initial["order_id"], initial["claim_number"]) == ("121-1212121-3434343", "8123456789")


def test_the_shortcut_reads_a_pasted_email_and_its_buttons_push_the_prefilled_form(slack):  # type: ignore[no-untyped-def]
    pasted = (CORPUS / "cb_notice_several_zh.txt").read_text(encoding="utf-8").replace("&", "&amp;")
    message = {"type": "message", "user": "U2", "ts": "1763600002.000001", "text": pasted}
    shortcut(slack, message)
    summary = slack.opened_view()
    assert summary["callback_id"] == "intake_summary_modal"
    first, second = buttons(summary["blocks"])
    assert [json.loads(b["value"])["order_id"] for b in (first, second)] == ["119-1000000-2000000",
                                                                             "119-3000000-4000000"]
    slack.click(second["action_id"], second["value"], view=summary)
    form = slack.fake.wait_for("views.push")[0].args["view"]
    initial = {b["block_id"]: b["element"].get("initial_value") for b in form["blocks"] if b["type"] == "input"}
    assert (initial["order_id"], initial["amount"]) == ("119-3000000-4000000", "25.00")
    assert len(wait_until(lambda: replies(slack, "CWORK", message["ts"]))) == 1


def test_the_reply_speaks_the_channels_language(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(now), intake_channel=INTAKE, channel_locale="zh_CN") as slack:
        event = email_event(email_file(slack, (CORPUS / "cb_notice_zh.eml").read_bytes()))
        deliver(slack, event)
        (reply,) = thread_of(slack, event["ts"])
        assert "信用卡拒付通知" in all_text(reply["blocks"])
        assert buttons(reply["blocks"])[0]["text"]["text"] == "记录此信用卡拒付"


def test_the_same_notification_again_points_to_its_case_and_offers_no_second_one(slack):  # type: ignore[no-untyped-def]
    from rules.kinds import ComplaintType

    opening.open_chargeback(slack.store, actor="U1", order_id="111-2223334-4445556", amount_cents=12999,
                          currency="USD", now=slack.clock(), complaint_type=ComplaintType.NOT_RECEIVED,
                          email_at=datetime(2026, 11, 2, 17, 15, 27, tzinfo=UTC))
    event = email_event(email_file(slack, (CORPUS / "cb_notice_en.eml").read_bytes()))
    deliver(slack, event)
    (reply,) = thread_of(slack, event["ts"])
    assert "already has a case" in all_text(reply["blocks"]) and "nothing new to record" in all_text(reply["blocks"])
    assert buttons(reply["blocks"]) == []
