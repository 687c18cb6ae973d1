"""The report: `/safet report` (ephemeral, the person's language), the weekly channel post, the chart's
words and alt text. Pure functions from ``rules.report_records`` to Block Kit; no two currencies added."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
)

from rules.kinds import CaseKind
from rules.report_records import ChartData, Money, Period, PeriodKind, Report, TimeLeft, WinRate, add_money
from rules.text import N_
from views import ids
from views.case_list import as_kwargs, sections
from views.i18n import Translator
from views.notices import Message

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$", re.ASCII)

KIND_HEADINGS = {CaseKind.SAFET: N_("SAFE-T claims"), CaseKind.CHARGEBACK: N_("Chargebacks")}
TIME_LEFT_LABELS = {
    TimeLeft.OVERDUE: N_("Overdue"),
    TimeLeft.DAY: N_("< 24 h"),
    TimeLeft.TWO_DAYS: N_("24–48 h"),
    TimeLeft.WEEK: N_("2–7 days"),
    TimeLeft.LATER: N_("> 7 days"),
}
CHART_WORDS = (N_("Recovered"), N_("Lost"), N_("Recovered vs lost per week ({currency})"),
               N_("Open cases by time left to their deadline"), N_("Cases"), N_("Week of"))
"""Every word the chart draws (with TIME_LEFT_LABELS): the bundled font must hold their glyphs."""


def money_text(money: Money, tr: Translator) -> str:
    """ "$123.45 · €80.00", each currency on its own, or "—" when there is none."""
    return " · ".join(tr.money(cents, currency) for currency, cents in sorted(money.items())) or "—"


def duration_text(value: timedelta | None, tr: Translator) -> str:
    if value is None:
        return "—"
    hours = round(value.total_seconds() / 3600)
    if hours < 48:
        return tr._("{hours} h", hours=hours)
    return tr._("{days} d {hours} h", days=hours // 24, hours=hours % 24)


def period_title(period: Period, tr: Translator) -> str:
    span = tr._("{first} – {last}", first=tr.day(period.first_day), last=tr.day(period.last_day))
    if period.kind is PeriodKind.MONTH:
        return tr._("Report for {month} ({span})", month=period.label, span=span)
    if period.kind is PeriodKind.QUARTER:
        return tr._("Report for {quarter} ({span})", quarter=period.label, span=span)
    if period.kind is PeriodKind.WEEK:
        return tr._("Report for the week {span}", span=span)
    return tr._("Weekly report: {span}", span=span)


def _rate(rate: WinRate, tr: Translator) -> str:
    percent = "—" if rate.rate is None else f"{rate.rate:.0%}"
    return tr._("{won} of {decided} ({percent})", won=rate.won, decided=rate.won + rate.lost, percent=percent)


def _owner(user_id: str) -> str:
    return f"<@{user_id}>" if _USER_ID.match(user_id) else "`?`"


def report_lines(report: Report, tr: Translator) -> list[list[str]]:
    """The report as groups of mrkdwn lines: money first, then each kind, deadlines, win rates."""
    risk = report.at_risk
    money = [
        tr._(":large_green_circle: *Recovered*: {money}", money=money_text(report.recovered(), tr)),
        tr._(":red_circle: *Lost*: {money}", money=money_text(report.lost(), tr)),
        tr._(":alarm_clock: *At risk in the next 48 h*: {money} ({cases} cases, {overdue} already overdue)",
             money=money_text(risk.money, tr), cases=risk.cases, overdue=risk.overdue),
    ]
    missed = add_money(*(k.missed_window for k in report.kinds.values()))
    if missed:
        money.append(tr._(":hourglass: *Lost to missed filing windows*: {money}", money=money_text(missed, tr)))
    if report.ledger is not None:
        money.append(tr._(":bank: *Confirmed by Amazon's ledger*: recovered {recovered}, debited {debited} · "
                          "recovered on record only (not in the ledger): {only}",
                          recovered=money_text(report.ledger.recovered, tr),
                          debited=money_text(report.ledger.debited, tr),
                          only=money_text(report.ledger.recorded_only, tr)))
        if report.ledger.unmatched:
            money.append(tr.n_(":grey_question: {count} payment in the ledger matches no case yet",
                               ":grey_question: {count} payments in the ledger match no case yet",
                               report.ledger.unmatched))
    kinds = []
    for kind, figures in report.kinds.items():
        kinds.append(tr._(
            "*{heading}*: {opened} opened (claimed {claimed}), {still_open} of them still open; {closed} closed "
            "({won} won, {lost} lost) · recovered {recovered} · lost {lost_money}",
            heading=tr._(KIND_HEADINGS[kind]), opened=figures.opened, claimed=money_text(figures.claimed, tr),
            still_open=figures.still_open, closed=figures.closed, won=figures.won, lost=figures.lost,
            recovered=money_text(figures.recovered, tr), lost_money=money_text(figures.lost_money, tr)))
    deadlines = report.deadlines
    timing = [
        tr._("*Deadlines due*: {met} met, {missed} missed (money on the missed ones: {money})",
             met=deadlines.met, missed=deadlines.missed, money=money_text(deadlines.missed_money, tr)),
        tr._("*Median time from Amazon's email or request to our answer*: {median} ({count} answers)",
             median=duration_text(deadlines.median_response, tr), count=deadlines.responses),
    ]
    rates = [tr._("*Win rate* (won ÷ decided)")]
    named = [*((tr.label(k), r) for k, r in report.by_reason.items()),
             *((tr.label(k), r) for k, r in report.by_claim.items()),
             *((_owner(k), r) for k, r in report.by_owner.items())]
    rates += [tr._("{what}: {rate}", what=what, rate=_rate(r, tr)) for what, r in named]
    if len(rates) == 1:
        rates.append(tr._("Nothing was decided in this period."))
    return [money, kinds, timing, rates]


def _blocks(report: Report, tr: Translator, title: str, account_key: str | None = None) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title[:150], emoji=True))]
    for i, group in enumerate(report_lines(report, tr)):
        if i:
            blocks.append(DividerBlock())
        blocks += sections(group)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr._(
        "Money per currency, never added across currencies. Periods start at the team's midnight. A case counts "
        "in the period of its outcome: a debit reversed later counts as recovered then."))]))
    blocks.append(ActionsBlock(block_id="report_actions", elements=[ButtonElement(
        text=PlainTextObject(text=tr._("Export CSV"), emoji=True), action_id=ids.ACTION_REPORT_EXPORT,
        value=f"{report.period.label}|{account_key}" if account_key else report.period.label)]))
    return blocks


def summary_text(report: Report, tr: Translator, title: str) -> str:
    return tr._("{title}: recovered {recovered}, lost {lost}, at risk in the next 48 h {at_risk}",
                title=title, recovered=money_text(report.recovered(), tr), lost=money_text(report.lost(), tr),
                at_risk=money_text(report.at_risk.money, tr))


def report_message(report: Report, tr: Translator, *, account: str | None = None,
                   account_key: str | None = None) -> dict[str, Any]:
    """`/safet report`: kwargs for an ephemeral reply (``account``: the seller account's name, when several;
    its key travels on the Export CSV button so the file holds the same cases)."""
    title = period_title(report.period, tr)
    if account:
        title = tr._("{title} · {account}", title=title, account=account)
    return as_kwargs(summary_text(report, tr, title), _blocks(report, tr, title, account_key), tr)


def weekly_message(report: Report, tr: Translator, *, account_key: str | None = None) -> Message:
    """The weekly channel post (its chart follows as an image)."""
    title = period_title(report.period, tr)
    return Message(text=summary_text(report, tr, title), blocks=tuple(_blocks(report, tr, title, account_key)))


def chart_alt_text(chart: ChartData, tr: Translator) -> str:
    """What the chart shows, in words and the same numbers (Slack caps alt text at 1,000 characters)."""
    weeks = "; ".join(tr._("{week}: recovered {recovered}, lost {lost}", week=tr.day(p.period.first_day),
                           recovered=money_text(p.recovered, tr), lost=money_text(p.lost, tr))
                      for p in chart.weeks if p.recovered or p.lost) or tr._("nothing decided")
    left = ", ".join(f"{tr._(TIME_LEFT_LABELS[b])}: {n}" for b, n in chart.time_left.items())
    text = tr._("Recovered vs lost per week: {weeks}. Open cases by time left to their deadline: {left}.",
                weeks=weeks, left=left)
    return text if len(text) <= 1000 else text[:999] + "…"


def chart_words(tr: Translator, currency: str) -> dict[str, str]:
    """The chart's labels in ``tr``'s language."""
    recovered, lost, weekly, time_left, cases, week_of = CHART_WORDS
    return {"recovered": tr._(recovered), "lost": tr._(lost), "weekly": tr._(weekly, currency=currency),
            "time_left": tr._(time_left), "cases": tr._(cases), "week_of": tr._(week_of),
            **{str(b): tr._(label) for b, label in TIME_LEFT_LABELS.items()}}


def export_notice(tr: Translator, period: Period) -> str:
    return tr._("Cases and events of {period}, for the finance sheet (UTF-8; opens in Excel).", period=period.label)
