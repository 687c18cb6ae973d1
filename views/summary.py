"""The digest that groups one channel's notices, and the daily summary. Pure functions from records
to Block Kit (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, PlainTextObject

from rules.records import CaseRecord, DailyFacts, DeadlineRecord
from views.i18n import Translator
from views.notices import SECTION_CHARS, Message, Reader, _lines, _section, _when, mention, task
from views.text import MAX_BLOCKS, case_title, escape, mood_emoji

# ---------------------------------------------------------------- the digest


def digest(messages: Sequence[Message], tr: Translator) -> list[tuple[Message, int]]:
    """Notices for one channel as grouped messages, in the order given (most urgent first), each
    within Slack's 50 blocks; returns (message, how many notices it carries) in order."""
    per_notice = [list(m.blocks) for m in messages]
    chunks: list[list[int]] = [[]]
    size = 1  # the header
    for index, blocks in enumerate(per_notice):
        cost = len(blocks) + (1 if chunks[-1] else 0)  # a divider between notices
        if chunks[-1] and size + cost > MAX_BLOCKS:
            chunks.append([])
            size, cost = 1, len(blocks)
        chunks[-1].append(index)
        size += cost
    parts = len(chunks)
    result = []
    for part, chunk in enumerate(chunks, start=1):
        if parts == 1:
            header = tr.n_("{count} notice, most urgent first", "{count} notices, most urgent first", len(messages))
        else:
            header = tr.n_("{count} notice, most urgent first (part {part} of {parts})",
                           "{count} notices, most urgent first (part {part} of {parts})",
                           len(messages), part=part, parts=parts)
        blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=header[:150], emoji=True))]
        for index in chunk:
            if index != chunk[0]:
                blocks.append(DividerBlock())
            blocks.extend(per_notice[index])
        text = _lines(header, *(messages[i].text for i in chunk[:3]))
        result.append((Message(text=text[:3000], blocks=tuple(blocks)), len(chunk)))
    return result


# ---------------------------------------------------------------- the daily summary


def _item(case: CaseRecord, deadline: DeadlineRecord, r: Reader) -> str:
    return r.tr._("• {emoji} `{order_id}` {title} — *{task}* by {due} ({relative}) · {owner}",
                  emoji=mood_emoji(case, r.now), order_id=case.order_id, title=escape(case_title(case, r.tr)),
                  task=task(deadline.kind, r.tr), owner=mention(case.owner_id), **_when(deadline, r))


def _sections(heading: str, lines: Sequence[str], more: int, tr: Translator) -> list[Block]:
    if more > 0:
        lines = [*lines, tr.n_("… and {count} more", "… and {count} more", more)]
    blocks: list[Block] = []
    chunk = heading
    for line in lines:
        if len(chunk) + 1 + len(line) > SECTION_CHARS:
            blocks.append(_section(chunk))
            chunk = line
        else:
            chunk = f"{chunk}\n{line}"
    blocks.append(_section(chunk))
    return blocks


def daily_summary(facts: DailyFacts, r: Reader) -> Message:
    """Once a day per channel: what is overdue, what is due today and tomorrow, which notices could
    not be posted, and the nudge to look at Seller Central's Action Required tab."""
    tr = r.tr
    day = tr.day(r.now.astimezone(r.zone).date())
    header = tr._("Daily summary · {day}", day=day)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=header[:150], emoji=True))]
    if facts.overdue_total:
        blocks += _sections(tr.n_(":rotating_light: *{count} overdue*", ":rotating_light: *{count} overdue*",
                                  facts.overdue_total),
                            [_item(c, d, r) for c, d in facts.overdue], facts.overdue_total - len(facts.overdue), tr)
    if facts.due_total:
        blocks += _sections(tr.n_(":alarm_clock: *{count} due today or tomorrow*",
                                  ":alarm_clock: *{count} due today or tomorrow*", facts.due_total),
                            [_item(c, d, r) for c, d in facts.due], facts.due_total - len(facts.due), tr)
    if not facts.overdue_total and not facts.due_total:
        blocks.append(_section(tr._(":white_check_mark: Nothing is overdue, and nothing is due today or tomorrow.")))
    if facts.failed_total:
        lines = [tr._("• `{key}` to {target}: {error}", key=escape(f.key), target=escape(f.target),
                      error=escape(f.error)) for f in facts.failed]
        blocks += _sections(tr.n_(":warning: *{count} notice could not be posted* since yesterday (App Home counts "
                                  "them): fix the channel, or invite the app.",
                                  ":warning: *{count} notices could not be posted* since yesterday (App Home counts "
                                  "them): fix the channel, or invite the app.", facts.failed_total),
                            lines, facts.failed_total - len(facts.failed), tr)
    if facts.refunds_closing:
        blocks.append(_section(tr.n_(
            ":hourglass: *{count} refund* in Amazon's ledger could still be claimed, and its filing window closes "
            "within 7 days: App Home lists it, with *Start a claim*.",
            ":hourglass: *{count} refunds* in Amazon's ledger could still be claimed, and their filing windows close "
            "within 7 days: App Home lists them, with *Start a claim*.", facts.refunds_closing)))
    blocks.append(_section(tr.n_(
        ":mag: Check Seller Central → Performance → Chargeback Claims → *Action Required (需操作)*: a chargeback can "
        "be answered there even when no email arrived. The team believes {count} chargeback is open.",
        ":mag: Check Seller Central → Performance → Chargeback Claims → *Action Required (需操作)*: a chargeback can "
        "be answered there even when no email arrived. The team believes {count} chargebacks are open.",
        facts.open_chargebacks)))
    text = tr._("Daily summary · {day}: {overdue} overdue, {due} due today or tomorrow", day=day,
                overdue=facts.overdue_total, due=facts.due_total)
    return Message(text=text, blocks=tuple(blocks[:MAX_BLOCKS]))
