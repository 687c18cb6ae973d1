"""The App Home tab: your cases most urgent first, what the team has due, counts, failed notices, the two forms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from rules.deadlines import DEADLINE_LABELS
from rules.kinds import CaseKind, State
from rules.records import CaseRecord, HomeData
from views import ids
from views.case_list import case_detail_blocks, case_line, fit, is_overdue, sections
from views.i18n import LANGUAGE_NAMES, Translator
from views.report import money_text
from views.text import date_token, due_token, escape, mood_emoji, plain

HOME_BLOCKS = 100
"""Slack's limit for a Home tab (and a modal)."""
MINE_SHOWN = 20
"""What ``store.queries.home_data`` returns at most for "your cases" and for the team's."""
FOLLOW_SLACK = "slack"
"""The language option that drops the person's own choice and follows Slack's locale again."""
"""Each language named in itself, whatever the language of the page."""


def _small(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _count(shown: list[CaseRecord]) -> str:
    """ "20+" when the store gave as many as it gives at most (there may be more)."""
    return f"{len(shown)}+" if len(shown) >= MINE_SHOWN else str(len(shown))


def my_case_line(case: CaseRecord, tr: Translator, *, zone: ZoneInfo, now: datetime,
                 team_zone: ZoneInfo | None = None) -> str:
    """ ":red_circle: `111-…` Chargeback · Action required / Respond … <date> (*overdue by 2 hours*)"."""
    deadline = case.next_deadline
    common = {"emoji": mood_emoji(case, now), "kind": case.kind, "order_id": escape(case.order_id),
              "state": case.state}
    if deadline is None:
        return tr._("{emoji} `{order_id}` {kind} · *{state}*\nNo open deadline", **common)
    relative = tr.relative(deadline.due_at, now)
    if is_overdue(case, now):
        return tr._("{emoji} `{order_id}` {kind} · *{state}*\n*{what}: {relative}* ({due})", **common,
                    what=tr._(DEADLINE_LABELS[deadline.kind]), relative=relative,
                    due=due_token(deadline, tr, team_zone or zone, zone))
    return tr._("{emoji} `{order_id}` {kind} · *{state}*\n{what} {due} ({relative})", **common,
                what=tr._(DEADLINE_LABELS[deadline.kind]), relative=relative,
                due=due_token(deadline, tr, team_zone or zone, zone))


def _tiles(data: HomeData, tr: Translator) -> list[Block]:
    """Money at a glance, for the whole team: at risk in the next 48 h, recovered this month."""
    if data.tiles is None:
        return []
    risk = data.tiles.at_risk
    return [
        SectionBlock(block_id="home_at_risk", text=MarkdownTextObject(text=tr._(
            ":alarm_clock: *At risk in the next 48 h*: {money} ({count} cases)",
            money=money_text(risk.money, tr), count=risk.cases))),
        SectionBlock(block_id="home_recovered", text=MarkdownTextObject(text=tr._(
            ":large_green_circle: *Recovered this month*: {money}",
            money=money_text(data.tiles.recovered_this_month, tr)))),
    ]


def language_options(tr: Translator) -> list[Option]:
    return [Option(value=FOLLOW_SLACK, label=tr._("Slack's language")),
            *(Option(value=code, label=name) for code, name in LANGUAGE_NAMES.items())]


def account_filter(tr: Translator, accounts: Sequence[tuple[str, str]], account: str | None) -> list[Block]:
    """Which seller account's cases the Home tab shows (offered only when there are several)."""
    if len(accounts) < 2:
        return []
    options = [Option(value=ids.ALL_ACCOUNTS, label=tr._("All accounts")[:75]),
               *(Option(value=key, label=name[:75]) for key, name in accounts[:99])]
    initial = next((o for o in options if o.value == account), options[0])
    return [SectionBlock(
        block_id="home_account", text=MarkdownTextObject(text=tr._("*Seller account*")),
        accessory=StaticSelectElement(action_id=ids.ACTION_HOME_ACCOUNT, options=options, initial_option=initial),
    )]


def home_view(data: HomeData, tr: Translator, *, zone: ZoneInfo, now: datetime, chosen_locale: str | None,
              team_zone: ZoneInfo | None = None, accounts: Sequence[tuple[str, str]] = (),
              account: str | None = None) -> View:
    """The Home tab for one person, in their language; date tokens read in their own zone (``zone``),
    end-of-day deadlines name the day of the team's zone (``team_zone``, default the same). ``accounts``
    (key, name) offers a filter when there are several; ``account`` is the one shown."""
    blocks: list[Block] = [*account_filter(tr, accounts, account),
                           HeaderBlock(text=plain(tr._("Your cases ({count} open)", count=_count(data.mine))))]
    for case in data.mine:
        blocks.append(SectionBlock(
            block_id=f"mine:{case.id}",
            text=MarkdownTextObject(text=my_case_line(case, tr, zone=zone, now=now, team_zone=team_zone)),
            accessory=ButtonElement(text=plain(tr._("Open")), action_id=ids.ACTION_HOME_OPEN_CASE,
                                    value=str(case.id), style="danger" if is_overdue(case, now) else None),
        ))
    if not data.mine:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr._("No open case is yours. :tada:"))))
    elif len(data.mine) >= MINE_SHOWN:
        blocks.append(_small(tr._("Your {count} most urgent cases; `/safet list mine` shows more.",
                                  count=len(data.mine))))

    blocks += [DividerBlock(), *_tiles(data, tr),
               HeaderBlock(text=plain(tr._("Team: due in the next 48 h ({count})", count=_count(data.team_due))))]
    if data.team_due:
        blocks += sections(case_line(case, tr, zone=zone, now=now, team_zone=team_zone) for case in data.team_due)
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr._("Nothing is due in the next 48 h."))))

    blocks += refund_blocks(data, tr, zone=zone, now=now)

    counts = [tr._("{state}: {count}", state=state, count=data.counts[state]) for state in State
              if data.counts.get(state)]
    blocks.append(SectionBlock(text=MarkdownTextObject(text=tr._("*Open cases by state*"))))
    blocks += sections(counts) if counts else [_small(tr._("No open cases."))]

    if data.failed_notices:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=tr._(
            ":warning: *Failed notices ({count})*: some warnings could not be posted. Check that the case channel "
            "still exists and that the bot is a member of it (`/invite @safet`).", count=data.failed_notices))))
    else:
        blocks.append(_small(tr._("Failed notices ({count})", count=0)))

    blocks += [
        DividerBlock(),
        ActionsBlock(block_id="home_forms", elements=[
            ButtonElement(text=plain(tr._("File a SAFE-T claim")), action_id=ids.ACTION_HOME_FILE_CLAIM,
                          value=CaseKind.SAFET.value, style="primary"),
            ButtonElement(text=plain(tr._("Record a chargeback")), action_id=ids.ACTION_HOME_RECORD_CHARGEBACK,
                          value=CaseKind.CHARGEBACK.value),
        ]),
    ]
    options = language_options(tr)
    initial = next((o for o in options if o.value == (chosen_locale or FOLLOW_SLACK)), options[0])
    blocks.append(SectionBlock(
        block_id="home_locale", text=MarkdownTextObject(text=tr._("*Language of this app for you*")),
        accessory=StaticSelectElement(action_id=ids.ACTION_HOME_LOCALE, options=options, initial_option=initial),
    ))
    return View(type="home", blocks=fit(blocks, tr, HOME_BLOCKS))


def case_modal(case: CaseRecord | None, tr: Translator, *, zone: ZoneInfo, holidays: str, now: datetime,
               team_zone: ZoneInfo | None = None, weekend: frozenset[int] = frozenset({5, 6})) -> View:
    """What App Home's *Open* button shows: the same content as `/safet show`, privately."""
    if case is None:
        blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=tr._("No such case.")))]
        title = tr._("Case")
    else:
        blocks = case_detail_blocks(case, tr, zone=zone, holidays=holidays, now=now, team_zone=team_zone,
                                    weekend=weekend)
        title = tr._("Case {order_id}", order_id=case.order_id)
    return View(type="modal", title=plain(title[:24]), close=plain(tr._("Close")[:24]),
                blocks=fit(blocks, tr, HOME_BLOCKS))


def refund_blocks(data: HomeData, tr: Translator, *, zone: ZoneInfo, now: datetime) -> list[Block]:
    """Refunds Amazon's ledger shows that no claim covers yet, with the day each window closes."""
    if not data.refunds:
        return []
    blocks: list[Block] = [HeaderBlock(text=plain(tr._("Refunds you could still claim ({count})",
                                                       count=len(data.refunds))))]
    for refund in data.refunds:
        due = tr._("end of {day}", day=tr.day(refund.last_day)) if refund.last_day else \
            date_token(refund.file_by, tr, zone)
        blocks.append(SectionBlock(
            block_id=f"refund:{refund.key[:40]}",
            text=MarkdownTextObject(text=tr._(
                "`{order_id}` · {amount} refunded {day} · *File by* {due} ({relative})",
                order_id=escape(refund.order_id), amount=tr.money(refund.amount_cents, refund.currency),
                day=tr.day(refund.refunded_on), due=due,
                relative=tr.relative(refund.file_by, now))),
            accessory=ButtonElement(text=plain(tr._("Start a claim")), action_id=ids.ACTION_HOME_START_CLAIM,
                                    value=refund.key)))
    blocks.append(_small(tr._("From Amazon's ledger: refunds on seller-fulfilled orders with no SAFE-T claim. The "
                              "window counts from the refund; a return scanned later leaves more time.")))
    return blocks
