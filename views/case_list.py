"""`/safet list`, `/safet show` and `/safet help` as ephemeral messages (only the person who typed sees them).

Each returns the keyword arguments of the ack: ``text`` (the notification and screen-reader fallback)
and ``blocks``. Slack's limits are kept here: at most 50 blocks per message and 3000 characters per
section, so long lists are cut into several sections rather than truncated mid-line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from rules.deadlines import DEADLINE_LABELS, SAT_SUN
from rules.kinds import CaseKind, SellerCentralTab
from rules.records import LIST_WORDS, TAB_LISTS, CaseRecord, ListFilter
from rules.text import N_
from views.case_card import card_text
from views.history import IN_PACKET, SHOW_NOTE_SHOWN, history_line
from views.i18n import Translator
from views.market_view import MarketView
from views.recorded import quoted_sections, recorded_blocks
from views.text import MAX_BLOCKS, OVERDUE_EMOJI, case_title, due_token, escape, mood_emoji, rule_text, slack_unescape

SECTION_LIMIT = 3000
"""Slack's limit for a section's text."""
HISTORY_SHOWN = 15
LIST_LIMIT = 50
"""What ``store.queries.list_cases`` returns at most by default."""

_FILTER_TITLES = {
    ListFilter.OPEN: N_("Open cases"),
    ListFilter.MINE: N_("Your open cases"),
    ListFilter.DUE: N_("Open cases due in the next 48 h"),
    ListFilter.CLOSED: N_("Closed cases"),
    ListFilter.AWAITING_SELLER_RESPONSE: N_("SAFE-T claims in Seller Central's “{tab}” tab"),
    ListFilter.UNDER_INVESTIGATION: N_("SAFE-T claims in Seller Central's “{tab}” tab"),
    ListFilter.RESOLVED: N_("SAFE-T claims in Seller Central's “{tab}” tab"),
    ListFilter.ACTION_REQUIRED: N_("Chargebacks in Seller Central's “{tab}” tab"),
    ListFilter.ALL: N_("Chargebacks in Seller Central's “{tab}” tab"),
}

_FILTER_TABS = {
    ListFilter.AWAITING_SELLER_RESPONSE: SellerCentralTab.AWAITING_SELLER_RESPONSE,
    ListFilter.UNDER_INVESTIGATION: SellerCentralTab.UNDER_INVESTIGATION,
    ListFilter.RESOLVED: SellerCentralTab.RESOLVED,
    ListFilter.ACTION_REQUIRED: SellerCentralTab.ACTION_REQUIRED,
    ListFilter.ALL: SellerCentralTab.ALL,
}

# What a person can type after `/safet list` for each Seller Central tab (English and Chinese, as
# Seller Central names them); handlers/commands.py maps the same words.
# ---------------------------------------------------------------- building blocks


def chunk_lines(lines: Iterable[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Join lines into texts of at most ``limit`` characters, never splitting a line (a longer line is cut)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        if len(line) > limit:
            line = line[: limit - 1] + "…"
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def sections(lines: Iterable[str]) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in chunk_lines(lines)]


def fit(blocks: list[Block], tr: Translator, limit: int = MAX_BLOCKS) -> list[Block]:
    """At most ``limit`` blocks; what does not fit is counted in a last line instead of being dropped silently."""
    if len(blocks) <= limit:
        return blocks
    hidden = len(blocks) - (limit - 1)
    return [*blocks[: limit - 1], ContextBlock(elements=[MarkdownTextObject(
        text=tr.n_("… {count} more block not shown.", "… {count} more blocks not shown.", hidden))])]


def small(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def as_kwargs(text: str, blocks: Sequence[Block], tr: Translator) -> dict[str, Any]:
    return {"text": text[:SECTION_LIMIT], "blocks": [b.to_dict() for b in fit(list(blocks), tr)]}


def is_overdue(case: CaseRecord, now: datetime) -> bool:
    deadline = case.next_deadline
    return deadline is not None and not deadline.kind.is_window and deadline.due_at <= now


def case_line(case: CaseRecord, tr: Translator, *, zone: ZoneInfo, now: datetime,
              team_zone: ZoneInfo | None = None) -> str:
    """One line per case: state emoji, kind, order, state, next deadline (date token and hint), owner.

    ``zone`` is the reader's (token fallbacks), ``team_zone`` the one the rules count in (default: the same)."""
    deadline = case.next_deadline
    common = {"emoji": mood_emoji(case, now), "kind": case.kind, "order_id": escape(case.order_id),
              "state": case.state, "owner": case.owner_id}
    if deadline is None:
        return tr._("{emoji} {kind} `{order_id}` · *{state}* · no open deadline · <@{owner}>", **common)
    relative = tr.relative(deadline.due_at, now)
    if is_overdue(case, now):
        relative = f"*{relative}*"
    return tr._("{emoji} {kind} `{order_id}` · *{state}* · {what} {due} ({relative}) · <@{owner}>", **common,
                what=tr._(DEADLINE_LABELS[deadline.kind]), due=due_token(deadline, tr, team_zone or zone, zone),
                relative=relative)


# ---------------------------------------------------------------- /safet list


def list_title(which: ListFilter, tr: Translator) -> str:
    tab = _FILTER_TABS.get(which)
    return tr._(_FILTER_TITLES[which], tab=tab) if tab else tr._(_FILTER_TITLES[which])


def case_list(cases: Sequence[CaseRecord], which: ListFilter, tr: Translator, *, zone: ZoneInfo,
              now: datetime) -> dict[str, Any]:
    """`/safet list …`: a header with the filter and count, then one line per case, soonest deadline first."""
    title = list_title(which, tr)
    if not cases:
        header = tr._("*{title}*: no cases.", title=title)
        return as_kwargs(header, [SectionBlock(text=MarkdownTextObject(text=header)),
                                  small(tr._("`/safet help` lists every filter."))], tr)
    header = tr.n_("*{title}*: {count} case", "*{title}*: {count} cases", len(cases), title=title)
    order = (tr._("Most recently changed first.") if which is ListFilter.CLOSED
             else tr._("Soonest deadline first; deadlines show in your own time zone."))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=header)), small(order)]
    blocks += sections(case_line(case, tr, zone=zone, now=now) for case in cases)
    if len(cases) >= LIST_LIMIT:
        blocks.append(small(tr._("Showing the first {count}; a narrower filter shows the rest.", count=len(cases))))
    return as_kwargs(header, blocks, tr)


# ---------------------------------------------------------------- /safet show


def _where_in_seller_central(case: CaseRecord, tr: Translator) -> str:
    if case.tab is SellerCentralTab.NOT_FILED:
        return tr._("Seller Central: {tab}", tab=case.tab)
    if case.kind is CaseKind.SAFET:
        return tr._("Seller Central: *{tab}* tab, under Orders → Manage SAFE-T Claims", tab=case.tab)
    return tr._("Seller Central: *{tab}* tab, under Performance → Chargeback Claims", tab=case.tab)


def _detail_lines(case: CaseRecord, tr: Translator) -> list[str]:
    lines: list[str] = []
    if case.kind is CaseKind.SAFET:
        if case.reason is not None:
            lines.append(tr._("Reason: {reason}", reason=case.reason))
        if case.product_order_id:
            lines.append(tr._("Product order `{order_id}`", order_id=escape(case.product_order_id)))
        if case.expected_amount_cents is not None:
            lines.append(tr._("Expected: {amount}", amount=tr.money(case.expected_amount_cents, case.currency)))
        if case.second_appointment_completed_on is not None:
            lines.append(tr._("The pre-approved second appointment was completed on {day}.",
                              day=tr.day(case.second_appointment_completed_on)))
    else:
        lines.append(tr._("Amount: {amount}", amount=tr.money(case.amount_cents, case.currency)))
        if case.complaint_type is not None:
            lines.append(tr._("Buyer's claim: {complaint}", complaint=case.complaint_type))
        if case.email_on is not None:
            lines.append(tr._("Amazon's email: {day}", day=tr.day(case.email_on)))
    if case.outcome_amount_cents is not None and not case.is_open:
        lines.append(tr._("Outcome: {amount}", amount=tr.money(case.outcome_amount_cents, case.currency)))
    if case.appeals_used:
        lines.append(tr._("Appealed once (no further appeal)"))
    if case.needs_approval and case.approved_by:
        lines.append(tr._("Approved by <@{user}>", user=case.approved_by))
    return lines


def case_detail_blocks(case: CaseRecord, tr: Translator, *, zone: ZoneInfo, holidays: str,
                       now: datetime, team_zone: ZoneInfo | None = None,
                       weekend: frozenset[int] = SAT_SUN) -> list[Block]:
    """The case with its details, open deadlines (and the rule behind each), and its history.

    Also the body of the modal App Home's *Open* button shows."""
    team = MarketView(zone=zone, holidays=holidays, weekend=weekend)
    summary = [tr._("Order `{order_id}` · owner <@{user}> · *{state}*", order_id=escape(case.order_id),
                    user=case.owner_id, state=case.state),
               _where_in_seller_central(case, tr)]
    if case.claim_number:
        summary.append(tr._("SAFE-T claim number {number}", number=escape(case.claim_number)))
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"{mood_emoji(case, now)} {case_title(case, tr)}"[:150], emoji=True)),
        *sections(summary),
        *sections(_detail_lines(case, tr)),
    ]
    if case.kind is CaseKind.SAFET and case.explanation:
        blocks += quoted_sections(tr._("*Explanation for Amazon*"), case.explanation)
    if case.kind is CaseKind.CHARGEBACK and case.notes:
        blocks += quoted_sections(tr._("*Notes*"), case.notes)
    blocks += recorded_blocks(case, tr, zone=team_zone or zone)
    deadlines = case.open_deadlines
    for deadline in deadlines:
        relative = tr.relative(deadline.due_at, now)
        emoji = OVERDUE_EMOJI if not deadline.kind.is_window and deadline.due_at <= now else ":alarm_clock:"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr._(
            "{emoji} {what} by {due} ({relative})", emoji=emoji, what=tr._(DEADLINE_LABELS[deadline.kind]),
            due=due_token(deadline, tr, team_zone or zone, zone), relative=relative))))
        blocks.append(small(escape(rule_text(deadline, tr, zone, holidays, weekend))))
    if not deadlines:
        blocks.append(small(tr._("No open deadline.")))
    blocks.append(DividerBlock())
    events = case.events
    history = [tr._("*History*")]
    if len(events) > HISTORY_SHOWN:
        hidden = len(events) - HISTORY_SHOWN
        history.append(tr.n_("… {count} earlier event", "… {count} earlier events", hidden))
    history += [history_line(event, tr, team=team, currency=case.currency, note_limit=SHOW_NOTE_SHOWN,
                             pointer=IN_PACKET) for event in events[-HISTORY_SHOWN:]]
    if not events:
        history.append(tr._("No history yet."))
    blocks += sections(history)
    if case.channel_id:
        blocks.append(small(tr._("The case card is in <#{channel}>.", channel=case.channel_id)))
    return fit(blocks, tr)


def case_detail(case: CaseRecord, tr: Translator, *, zone: ZoneInfo, holidays: str, now: datetime,
                weekend: frozenset[int] = SAT_SUN, team_zone: ZoneInfo | None = None) -> dict[str, Any]:
    """`/safet show <order | claim number>`."""
    return as_kwargs(card_text(case, tr), case_detail_blocks(case, tr, zone=zone, holidays=holidays, now=now,
                                                             weekend=weekend, team_zone=team_zone), tr)


# ---------------------------------------------------------------- /safet help


def _words(words: Iterable[str]) -> str:
    return " / ".join(f"`{word}`" for word in words)


def help_message(tr: Translator, unknown: str | None = None, *, reply_days: int = 7) -> dict[str, Any]:
    """How to use `/safet`: every subcommand and every list filter; an unknown subcommand is named first.
    ``reply_days``: the chargeback reply window of the channel's marketplace."""
    blocks: list[Block] = []
    first = None
    if unknown is not None:
        # Decoded first, so text Slack already encoded is not shown with its entities doubled.
        first = tr._("Unknown command “{name}”.", name=escape(slack_unescape(unknown)[:40]))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":grey_question: {first}")))
    commands = [
        tr._("*`/safet` commands* (only you see these replies)"),
        tr._("`/safet file [order ID]`: file a SAFE-T claim; checks eligibility, then gives the text to paste "
             "in Seller Central"),
        tr.n_("`/safet chargeback [order ID]`: record Amazon's chargeback email; the reply is due in {count} calendar "
              "day", "`/safet chargeback [order ID]`: record Amazon's chargeback email; the reply is due in {count} "
              "calendar days", reply_days),
        tr._("`/safet list [filter]`: cases, soonest deadline first"),
        tr._("`/safet show` and an order ID or a SAFE-T claim number: one case with its deadlines and history"),
        tr._("`/safet report [week|month|quarter|YYYY-MM]`: recovered, lost and at-risk money, deadlines, win rates"),
        tr._("`/safet help`: this help"),
    ]
    filters = [
        tr._("*List filters*"),
        tr._("{words}: every open case (the default)", words=_words(["open"])),
        tr._("{words}: your open cases", words=_words(["mine"])),
        tr._("{words}: open cases due in the next 48 h", words=_words(["due"])),
        tr._("{words}: decided, withdrawn or automatically closed cases", words=_words(["closed"])),
    ]
    for which, (tab, kind) in TAB_LISTS.items():
        words = LIST_WORDS[which]
        if kind is CaseKind.SAFET:
            filters.append(tr._("{words}: SAFE-T claims in Seller Central's “{tab}” tab", words=_words(words), tab=tab))
        else:
            filters.append(tr._("{words}: chargebacks in Seller Central's “{tab}” tab", words=_words(words), tab=tab))
    blocks += sections(commands)
    blocks += sections(filters)
    blocks.append(small(tr._("Shortcuts: *File a SAFE-T claim*, *Record a chargeback*, and *Start SAFE-T claim* "
                             "on a message. Your cases are also on the app's Home tab.")))
    text = first or tr._("How to use /safet")
    return as_kwargs(text, blocks, tr)
