"""The evidence packet: one ZIP with a summary PDF (the case, its dates and rules, the text to paste, the
checklist, the representation, the history) and every file attached to the case in Slack.

Pure: records and bytes in, bytes out. The PDF is drawn with ReportLab; its built-in CID font
``STSong-Light`` renders Simplified Chinese without a font file to ship (Latin text uses Helvetica).
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from rules.deadlines import DEADLINE_LABELS, DeadlineStatus
from rules.kinds import CaseKind
from rules.parsing import visible
from rules.records import CaseRecord
from rules.text import N_
from views.case_facts import Fact, case_facts, checklist, representation, representation_facts
from views.history import history_line
from views.i18n import Translator
from views.market_view import MarketView
from views.paste_text import claim_text
from views.plain_text import blocks_text
from views.text import case_title, due_text, rule_text

CJK_FONT = "STSong-Light"
LATIN_FONT, LATIN_BOLD = "Helvetica", "Helvetica-Bold"

PROBLEM_GONE = "gone"
PROBLEM_TOO_LARGE = "too_large"
PROBLEM_UNREADABLE = "unreadable"
_PROBLEMS = {
    PROBLEM_GONE: N_("not included: the file is no longer in Slack"),
    PROBLEM_TOO_LARGE: N_("not included: too large for the packet ({size})"),
    PROBLEM_UNREADABLE: N_("not included: Slack did not send it (try again later)"),
}
_STATUS = {
    DeadlineStatus.OPEN: N_("open"),
    DeadlineStatus.MET: N_("met"),
    DeadlineStatus.MISSED: N_("missed"),
    DeadlineStatus.ELAPSED: N_("ended"),
    DeadlineStatus.CANCELLED: N_("no longer needed"),
}


@dataclass(frozen=True)
class PacketFile:
    """A file attached to the case: its bytes, or why they are not in the packet."""

    name: str
    content: bytes | None
    size: int | None = None
    problem: str | None = None


def size_text(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1024 * 1024:
        return f"{max(size, 1) / 1024:.0f} KB" if size >= 1024 else f"{size} B"
    return f"{size / 1024 / 1024:.1f} MB"


def file_line(item: PacketFile, tr: Translator) -> str:
    if item.problem is None:
        return f"{item.name} ({size_text(len(item.content or b''))})"
    return f"{item.name}: {tr._(_PROBLEMS[item.problem], size=size_text(item.size))}"


# ---------------------------------------------------------------- the PDF


@lru_cache(maxsize=1)
def _styles():  # type: ignore[no-untyped-def]
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontName=LATIN_FONT, fontSize=10, leading=14)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=LATIN_BOLD, fontSize=16, leading=22, spaceAfter=6),
        "heading": ParagraphStyle("heading", parent=body, fontName=LATIN_BOLD, fontSize=12, leading=16,
                                  spaceBefore=10, spaceAfter=4),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor="#555555"),
        "quote": ParagraphStyle("quote", parent=body, leftIndent=12, textColor="#333333"),
    }


def _latin(char: str) -> bool:
    try:
        char.encode("cp1252")  # what Helvetica's WinAnsi encoding can draw
        return True
    except UnicodeEncodeError:
        return False


def _markup(text: str) -> str:
    """Plain text as ReportLab paragraph markup: escaped, Chinese (and anything past Latin) in the CID font."""
    out = []
    for latin, chars in itertools.groupby(text, key=_latin):
        chunk = xml_escape("".join(chars)).replace("\n", "<br/>")
        out.append(chunk if latin else f'<font name="{CJK_FONT}">{chunk}</font>')
    return "".join(out)


def _plain(mrkdwn: str, names: dict[str, str]) -> str:
    """A thread line (mrkdwn with mentions and date tokens) as plain text."""
    return blocks_text([SectionBlock(text=MarkdownTextObject(text=mrkdwn))], names=names)


def _fact_rows(facts: list[Fact]) -> list[tuple[str, str, str]]:
    return [("quote" if f.free_text else "body", f.label, f.value) for f in facts]


def summary_pdf(case: CaseRecord, tr: Translator, *, team: MarketView, now: datetime, files: list[PacketFile],
                names: dict[str, str] | None = None, filing_tr: Translator | None = None) -> bytes:
    """The summary document of the packet, in ``tr``'s language (the text to paste in ``filing_tr``'s)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = _styles()
    names = names or {}
    zone: ZoneInfo = team.zone
    story: list = []

    def para(text: str, style: str = "body") -> None:
        story.append(Paragraph(_markup(text), styles[style]))

    def heading(text: str) -> None:
        para(text, "heading")

    def facts(rows: list[tuple[str, str, str]]) -> None:
        for style, label, value in rows:
            if style == "quote":
                para(f"{label}:")
                para(value, "quote")
            else:
                para(f"{label}: {value}")

    owner = names.get(case.owner_id, case.owner_id)
    para(tr._("Evidence packet · {title}", title=case_title(case, tr)), "title")
    para(tr._("Order {order_id} · {state} · owner @{owner}", order_id=case.order_id, state=case.state,
              owner=owner))
    para(tr._("Built {moment} by the app, from what the team recorded.", moment=tr.moment(now, zone)), "small")

    heading(tr._("The case"))
    facts(_fact_rows(case_facts(case, tr)))
    para(tr._("Seller Central: {tab}", tab=case.tab))

    heading(tr._("Dates and rules"))
    if not case.deadlines:
        para(tr._("No deadline yet."))
    for deadline in sorted(case.deadlines, key=lambda d: d.id):
        para(tr._("{what}: {due} ({status})", what=tr._(DEADLINE_LABELS[deadline.kind]),
                  due=due_text(deadline, tr, zone), status=tr._(_STATUS[deadline.status])))
        para(rule_text(deadline, tr, zone, team.holidays, team.weekend), "small")

    if case.kind is CaseKind.SAFET:
        heading(tr._("Text to paste in Seller Central"))
        para(claim_text(case, filing_tr or tr), "quote")
    elif case.notes.strip():
        heading(tr._("Notes"))
        para(case.notes.strip(), "quote")

    heading(tr._("Checklist"))
    items = checklist(case)
    if not items:
        para(tr._("No checklist for this case."))
    for item, ticked, required in items:
        mark = "[x]" if ticked else "[ ]"
        state = tr._("ready") if ticked else tr._("missing (required)") if required else tr._("not ticked")
        para(f"{mark} {tr._(item)} — {state}")

    sent = representation(case)
    if sent is not None:
        heading(tr._("Representation sent to Amazon"))
        facts(_fact_rows(representation_facts(sent, tr, zone)))

    heading(tr._("Files attached in Slack"))
    if not files:
        para(tr._("No file was attached to this case in Slack."))
    for item in files:
        para(f"• {file_line(item, tr)}")

    heading(tr._("History"))
    for event in case.events:
        para(_plain(history_line(event, tr, team=team, currency=case.currency, note_limit=None), names))
        story.append(Spacer(1, 2))

    buffer = io.BytesIO()
    title = f"{case_title(case, tr)} · {case.order_id}"
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=16 * mm, title=title, author="safet")
    document.build(story)
    return buffer.getvalue()


# ---------------------------------------------------------------- the ZIP

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", visible(name)).strip(" .") or "file"
    return cleaned[:120]


def packet_name(case: CaseRecord) -> str:
    return f"evidence-{case.order_id}.zip"


def packet_zip(case: CaseRecord, summary: bytes, files: list[PacketFile]) -> bytes:
    """The ZIP: ``summary.pdf`` first, then each attached file that could be fetched, numbered so two
    files of the same name both stay."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as packet:
        packet.writestr(f"{case.order_id}-summary.pdf", summary)
        for number, item in enumerate((f for f in files if f.content is not None), start=1):
            packet.writestr(f"files/{number:02d}-{_safe_name(item.name)}", item.content or b"")
    return buffer.getvalue()
