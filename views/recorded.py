"""Everything the team recorded on a case, for `/safet show` (and App Home's *Open*): what was sent to
Amazon, the checklist, the files attached in Slack. Free text is shown whole, in as many sections as
Slack needs, never cut."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from rules.records import CaseRecord
from views.case_facts import checklist, representation, representation_facts
from views.i18n import Translator
from views.paste_text import paste_parts
from views.text import escape

QUOTE_PART = 950
"""Raw characters per quoted section: escaping and a "> " per line at most triple them, within 3000."""
FILES_PER_SECTION = 5
_LINK = re.compile(r"https://[^\s<>|]+", re.ASCII)


def quoted_sections(heading: str | None, text: str) -> list[Block]:
    """``text`` as escaped mrkdwn quotes, whole, cut at line ends into sections that fit."""
    blocks: list[Block] = []
    for number, part in enumerate(paste_parts(text.strip(), QUOTE_PART)):
        quoted = "> " + escape(part.rstrip("\n")).replace("\n", "\n> ")
        shown = f"{heading}\n{quoted}" if heading and number == 0 else quoted
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shown)))
    return blocks


def _file_link(label: str, url: str | None) -> str:
    name = escape(label).replace("|", "¦")
    return f"<{url}|{name}>" if url and _LINK.fullmatch(url) else name


def recorded_blocks(case: CaseRecord, tr: Translator, *, zone: ZoneInfo) -> list[Block]:
    """The representation with every field, the checklist ticked or missing, and the files attached."""
    blocks: list[Block] = []
    sent = representation(case)
    if sent is not None:
        lines = [tr._("*Sent to Amazon*")]
        long_facts = []
        for fact in representation_facts(sent, tr, zone):
            if fact.free_text:
                long_facts.append(fact)
            else:
                lines.append(tr._("{label}: {value}", label=fact.label, value=escape(fact.value)))
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines))))
        for fact in long_facts:
            blocks += quoted_sections(tr._("{label}:", label=fact.label), fact.value)
    items = checklist(case)
    if items:
        lines = [tr._("*Documents*")]
        for item, ticked, required in items:
            if ticked:
                lines.append(tr._(":white_check_mark: {item}", item=escape(tr._(item))))
            elif required:
                lines.append(tr._(":warning: {item} — missing, required", item=escape(tr._(item))))
            else:
                lines.append(tr._(":white_square: {item}", item=escape(tr._(item))))
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines))))
    if case.evidence:
        files = [tr._("• {file} · added by <@{user}>", file=_file_link(e.label, e.url), user=escape(e.added_by))
                 for e in case.evidence]
        lines = [tr.n_("*{count} file attached in Slack*", "*{count} files attached in Slack*", len(files)), *files]
        for start in range(0, len(lines), FILES_PER_SECTION):  # a label is at most 200 characters, a link 300
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines[start:start + FILES_PER_SECTION]))))
    return blocks
