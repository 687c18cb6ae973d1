"""The card's *Evidence packet* button, through signed requests against the fake Slack: one ZIP uploaded
to the case's thread, with a summary PDF (read back with pypdf) and every file attached in Slack; a file
that is gone or too large is listed in the summary, never fatal. And the PDF module on its own."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from rules.kinds import ComplaintType
from store import opening
from store.queries import get_case
from tests.case_steps import CASES, ORDER, act, card, file_claim, open_chargeback, press, settle
from tests.slack_harness import Clock, date_input, running_app, text_input
from views.evidence_packet import PacketFile, summary_pdf
from views.i18n import Translator
from views.market_view import MarketView

LA = ZoneInfo("America/Los_Angeles")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def packet_of(slack, case_id: int, *, count: int = 1):  # type: ignore[no-untyped-def]
    """Press the button; wait for the upload to the case's thread; the ZIP's entries and the upload."""
    case = get_case(slack.store, case_id)
    assert case is not None
    press(slack, case_id, "case_evidence_packet")
    from tests.slack_harness import wait_until

    upload = wait_until(lambda: len(found := slack.fake.uploads(CASES)) >= count and found[count - 1])
    assert upload.thread_ts == case.card_ts
    archive = zipfile.ZipFile(io.BytesIO(upload.content))
    return {name: archive.read(name) for name in archive.namelist()}, upload


def file_input(*files: dict) -> dict:
    return {"a": {"type": "file_input", "files": list(files)}}


def test_the_packet_of_a_claim_holds_the_summary_and_every_attached_file_and_lists_the_missing(slack):  # type: ignore[no-untyped-def]
    photo = slack.fake.add_file(PNG, name="technician-at-door.png", mimetype="image/png", filetype="png")
    chat = slack.fake.add_file("买家消息: 师傅已到门口".encode(), name="买家消息.txt")
    gone = slack.fake.add_file(b"deleted later", name="old-invoice.pdf")
    huge = slack.fake.add_file(b"not really big", name="walkthrough.mov", size=900 * 1024 * 1024)
    case_id = file_claim(slack, attachments=file_input(photo, chat, gone, huge),
                         explanation=text_input("Customer absent & phone off; see <photos>."))
    slack.fake.remove_file(gone["id"])
    assert "case_evidence_packet" in str(card(slack, case_id)["blocks"])

    entries, upload = packet_of(slack, case_id)

    assert upload.filename == f"evidence-{ORDER}.zip"
    assert upload.initial_comment.startswith("<@U1> asked for the evidence packet: the summary PDF and 2 attached")
    assert "2 files could not be included" in upload.initial_comment
    assert sorted(entries) == [f"{ORDER}-summary.pdf", "files/01-technician-at-door.png", "files/02-买家消息.txt"]
    assert entries["files/01-technician-at-door.png"] == PNG
    assert entries["files/02-买家消息.txt"] == "买家消息: 师傅已到门口".encode()
    text = pdf_text(entries[f"{ORDER}-summary.pdf"])
    for expected in (f"Order {ORDER}", "Trip Credit", "Text to paste in Seller Central",
                     "Customer absent & phone off; see <photos>.", "Checklist", "Service order ID",
                     "technician-at-door.png", "old-invoice.pdf: not included: the file is no longer in Slack",
                     "walkthrough.mov: not included: too large for the packet (900.0 MB)", "History",
                     "@u1 opened the case"):
        assert expected in text, expected


def test_after_representing_the_packet_carries_the_representation_and_the_outcome_window(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    act(slack, case_id, "case_action:represent", {
        "shipped_on": date_input("2026-11-11"), "shipping_method": text_input("UPS Ground"),
        "tracking": text_input("1Z999AA10123456784"), "correspondence": text_input("Buyer: it arrived & is fine.")})
    entries, _ = packet_of(slack, case_id)
    assert list(entries) == [f"{ORDER}-summary.pdf"]
    text = pdf_text(entries[f"{ORDER}-summary.pdf"])
    for expected in ("Representation sent to Amazon", "Carrier: UPS Ground", "Tracking: 1Z999AA10123456784",
                     "Shipped: Nov 11, 2026", "Buyer: it arrived & is fine.", "No file was attached",
                     "Outcome window ends: end of Thu, Feb 18", "90 days from the representation date"):
        assert expected in text, expected


def test_a_chinese_channel_gets_a_chinese_summary(store, fake_slack, now):  # type: ignore[no-untyped-def]
    with running_app(store, fake_slack, Clock(now), channel_locale="zh_CN") as slack:
        case_id = open_chargeback(slack)
        settle(slack, case_id)
        entries, _ = packet_of(slack, case_id)
    text = pdf_text(entries[f"{ORDER}-summary.pdf"])
    assert "信用卡拒付索赔" in text and "11月25日周三当天结束" in text and ORDER in text


def test_every_card_has_the_button_open_or_closed(slack):  # type: ignore[no-untyped-def]
    case_id = open_chargeback(slack)
    assert _last_button(slack, case_id) == "case_evidence_packet"
    act(slack, case_id, "case_action:refund")
    assert not get_case(slack.store, case_id).is_open
    assert _last_button(slack, case_id) == "case_evidence_packet"


def _last_button(slack, case_id: int) -> str:  # type: ignore[no-untyped-def]
    actions = [b for b in card(slack, case_id)["blocks"] if b["type"] == "actions"]
    return actions[-1]["elements"][-1]["action_id"]


def test_the_summary_pdf_is_built_from_records_alone(store):  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    change = opening.open_chargeback(store, actor="U1", order_id=ORDER, amount_cents=12999, currency="USD", now=now,
                                   complaint_type=ComplaintType.MATERIALLY_DIFFERENT, email_on=now.date(),
                                   notes="Photos of the item as sent.")
    case = get_case(store, change.case.id)
    files = [PacketFile("a.png", b"x"), PacketFile("b.mov", None, 10**9, "too_large")]
    data = summary_pdf(case, Translator("en"), team=MarketView(LA, "US"), now=now, files=files, names={"U1": "mei"})
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "owner @mei" in text and "Chargeback · $129.99" in text and "Photos of the item as sent." in text
    assert "a.png (1 B)" in text and "b.mov: not included: too large" in text
    assert "[ ] The item as listed and as sent" in text
