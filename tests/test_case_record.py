"""What the team recorded is shown where people look, through signed requests against the fake Slack:
the card's summary (what was sent to Amazon, files, documents still missing), thread lines in words,
`/safet show` with everything, the checklist answered in the claim modal and completed later with
*Add documents*, and the evidence packet carrying the files added that way."""

from __future__ import annotations

import io
import json
import zipfile

from store.queries import get_case
from tests.case_steps import (
    CASES,
    EVIL,
    EVIL_ESCAPED,
    ORDER,
    act,
    calls,
    card,
    file_claim,
    next_call,
    open_chargeback,
    open_form,
    press,
    settle,
    thread,
)
from tests.slack_harness import date_input, text_input, wait_until

TRACKING = "1Z999AA10123456784"
PROOF = "Proof the work was done (customer-approved photos or videos, messages)"


def checkboxes(*values: str) -> dict:
    return {"a": {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}}


def file_input(*files: dict) -> dict:
    return {"a": {"type": "file_input", "files": list(files)}}


def card_text(slack, case_id: int) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(card(slack, case_id)["blocks"], ensure_ascii=False)


def show(slack, words: str) -> str:  # type: ignore[no-untyped-def]
    reply = slack.command(f"show {words}")
    return json.dumps(reply.json()["blocks"], ensure_ascii=False)


def card_buttons(slack, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["action_id"] for b in card(slack, case_id)["blocks"] if b["type"] == "actions" for e in b["elements"]]


def represented(slack, **extra) -> int:  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    act(slack, case_id, "case_action:represent", {
        "shipped_on": date_input("2026-11-11"), "shipping_method": text_input("UPS"),
        "tracking": text_input(TRACKING), **extra})
    return case_id


def test_after_representing_the_card_and_the_thread_show_carrier_tracking_and_ship_date(slack):  # type: ignore[no-untyped-def]
    case_id = represented(slack, correspondence=text_input("Buyer: “arrived, thanks” (Nov 12)"))
    assert (f":package: Sent to Amazon: UPS {TRACKING}, shipped Nov 11, 2026, buyer messages attached"
            in card_text(slack, case_id))
    line = thread(slack, get_case(slack.store, case_id))[-1]["text"]
    assert line.startswith(f"<@U1> represented the case: UPS {TRACKING}, shipped Nov 11, 2026, buyer messages "
                           "attached · <!date^")


def test_safet_show_has_everything_recorded_whole_and_escaped(slack):  # type: ignore[no-untyped-def]
    messages = "\n".join(f"Message {n}: buyer & seller <talk> about the parcel, all fine." for n in range(80))
    case_id = represented(slack, correspondence=text_input(messages), tracking=text_input(f"{TRACKING} {EVIL}"))
    shown = show(slack, ORDER)
    for expected in ("*Sent to Amazon*", "Carrier: UPS", f"Tracking: {TRACKING} {EVIL_ESCAPED}",
                     "Shipped: Nov 11, 2026", "Represented: Nov 20, 2026", "Buyer messages:",
                     "*Documents*", "All correspondence with the buyer", "Outcome window ends by end of"):
        assert expected in shown, expected
    assert EVIL not in shown
    # The buyer's messages whole (over several sections), never cut: every line is there, escaped.
    blocks = json.loads(shown)
    quoted = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    for n in (0, 41, 79):
        assert f"> Message {n}: buyer &amp; seller &lt;talk&gt; about the parcel, all fine." in quoted, n
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    # The card says it in short and escaped, too.
    assert EVIL_ESCAPED in card_text(slack, case_id) and EVIL not in card_text(slack, case_id)


def test_a_long_note_is_folded_in_the_thread_with_where_to_read_it_all(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    note = "Refunded after a long call. " * 40 + "THE END"
    act(slack, case_id, "case_action:refund", {"note": text_input(note)})
    line = thread(slack, get_case(slack.store, case_id))[-1]["text"]
    assert line.endswith("… see the full text in `/safet show`") and "THE END" not in line
    assert "THE END" in show(slack, ORDER)


def test_the_saved_claim_says_which_required_documents_are_not_ready(slack):  # type: ignore[no-untyped-def]
    from tests.case_steps import claim_values

    slack.command("file")
    reply = slack.submit(slack.opened_view(), claim_values(checklist=checkboxes("2")))
    shown = json.dumps(reply.json()["view"]["blocks"], ensure_ascii=False)
    assert ":warning: Not ready yet, and required: Service order ID. The case card says so" in shown


def test_the_claims_checklist_is_kept_and_the_card_says_what_is_missing_until_it_is_added(slack):  # type: ignore[no-untyped-def]
    case_id = file_claim(slack, checklist=checkboxes("0", "4"))  # service order ID, anything else
    case = get_case(slack.store, case_id)
    assert case.details["checklist"] == ["Service order ID", "Anything else that supports the claim"]
    shown = card_text(slack, case_id)
    assert ":paperclip: 0 files attached · 2 of 5 documents ready" in shown
    assert f":warning: Required documents missing: {PROOF}. Press *Add documents* when you have them." in shown
    details = show(slack, ORDER)
    assert ":white_check_mark: Service order ID" in details and f":warning: {PROOF} — missing, required" in details

    photo = slack.fake.add_file(b"\x89PNG fake", name="done.png", mimetype="image/png")
    form = open_form(slack, case_id, "case_add_documents")
    checklist = next(b for b in form["blocks"] if b.get("block_id") == "checklist")
    assert [o["value"] for o in checklist["element"]["initial_options"]] == ["0", "4"]
    reply = slack.submit(form, {"checklist": checkboxes("0", "2", "4"), "attachments": file_input(photo)})
    assert reply.status == 200 and reply.body == ""
    case = wait_until(lambda: (c := settle(slack, case_id)) and len(c.events) == 2 and c)
    assert PROOF in case.details["checklist"] and [e.label for e in case.evidence] == ["done.png"]
    shown = card_text(slack, case_id)
    assert "Required documents missing" not in shown and "1 file attached · 3 of 5 documents ready" in shown
    line = thread(slack, case)[-1]["text"]
    assert line.startswith(f"<@U1> added documents · files: done.png · now ready: {PROOF} · <!date^")
    assert "done.png" in show(slack, ORDER)


def test_a_forged_checklist_value_gets_a_field_error_and_nothing_is_stored(slack):  # type: ignore[no-untyped-def]
    from tests.case_steps import claim_values

    slack.command("file")
    reply = slack.submit(slack.opened_view(), claim_values(checklist=checkboxes("0", "99")))
    assert reply.json() == {"response_action": "errors",
                            "errors": {"checklist": "This value is not one the form offers: pick it again."}}


def test_adding_nothing_is_refused_on_the_form(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    reply = slack.submit(open_form(slack, case_id, "case_add_documents"), {}).json()
    assert reply == {"response_action": "errors",
                     "errors": {"attachments": "Attach a file or change which documents are ready."}}


def test_add_documents_is_offered_while_the_case_is_open_and_the_packet_always(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    assert card_buttons(slack, case_id)[-2:] == ["case_add_documents", "case_evidence_packet"]
    act(slack, case_id, "case_action:refund")
    assert card_buttons(slack, case_id) == ["case_evidence_packet"]


def test_files_added_after_representing_are_in_the_evidence_packet(slack):  # type: ignore[no-untyped-def]
    case_id = represented(slack, correspondence=text_input("See the chat export."))
    chat = slack.fake.add_file(b"buyer: thanks!", name="chat-export.txt")
    label = slack.fake.add_file(b"%PDF-1.4 label", name="ups-label.pdf", mimetype="application/pdf")
    before = calls(slack, "chat.postMessage")
    form = open_form(slack, case_id, "case_add_documents")
    assert slack.submit(form, {"checklist": checkboxes("0", "2"), "attachments": file_input(chat, label)}).body == ""
    next_call(slack, "chat.postMessage", before)
    assert ":paperclip: 2 files attached" in wait_until(lambda: "2 files" in card_text(slack, case_id) and
                                                         card_text(slack, case_id))
    press(slack, case_id, "case_evidence_packet")
    upload = wait_until(lambda: slack.fake.uploads(CASES) and slack.fake.uploads(CASES)[0])
    assert upload.thread_ts == get_case(slack.store, case_id).card_ts
    names = zipfile.ZipFile(io.BytesIO(upload.content)).namelist()
    assert names == [f"{ORDER}-summary.pdf", "files/01-chat-export.txt", "files/02-ups-label.pdf"]
    archive = zipfile.ZipFile(io.BytesIO(upload.content))
    assert archive.read("files/02-ups-label.pdf") == b"%PDF-1.4 label"
    from pypdf import PdfReader

    summary = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(names[0]))).pages)
    assert f"Tracking: {TRACKING}" in summary and "Carrier: UPS" in summary and "chat-export.txt" in summary
    assert "[x] Shipping date, shipping method and tracking information" in summary


def test_a_chinese_channel_reads_the_card_and_the_thread_line_in_chinese(store, fake_slack, now):  # type: ignore[no-untyped-def]
    from tests.slack_harness import Clock, running_app

    with running_app(store, fake_slack, Clock(now), channel_locale="zh_CN") as slack:
        case_id = represented(slack, correspondence=text_input("买家确认收货"))
        assert (f":package: 已提交给亚马逊:UPS {TRACKING}, 发货日期 2026年11月11日, 已附买家消息"
                in card_text(slack, case_id))
        line = thread(slack, get_case(slack.store, case_id))[-1]["text"]
        assert line.startswith(f"<@U1> 已反映情况:UPS {TRACKING}, 发货日期 2026年11月11日, 已附买家消息 · <!date^")
