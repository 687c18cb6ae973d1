"""Small pieces every view uses: escaping user text, Slack date tokens, state emoji."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import PlainTextObject

from rules.deadlines import BUSINESS_DAY_RULES, COUNTED_RULE_LABELS, RULE_LABELS, SAT_SUN, Deadline
from rules.eligibility import TRIP_CREDIT_CENTS
from rules.kinds import CaseKind, Mood, SafetReason
from rules.records import CaseRecord, DeadlineRecord
from views.i18n import Translator

MOOD_EMOJI = {
    Mood.ON_US: ":large_orange_circle:",
    Mood.ON_AMAZON: ":large_blue_circle:",
    Mood.WON: ":large_green_circle:",
    Mood.LOST: ":red_circle:",
    Mood.CLOSED: ":white_circle:",
}
OVERDUE_EMOJI = ":rotating_light:"
MAX_BLOCKS = 50
"""Slack refuses a message of more blocks."""


def plain(text: str) -> PlainTextObject:
    """Plain text as Slack shows it in labels and buttons, emoji codes drawn."""
    return PlainTextObject(text=text, emoji=True)


def escape(text: str | None) -> str:
    """User text made inert in mrkdwn: ``<!channel>`` or ``<@U…>`` typed in a form pings nobody."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_unescape(text: str | None) -> str:
    """Text as Slack sends it (``&amp;``, ``&lt;``, ``&gt;`` encoded) back to what the person typed."""
    return (text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def date_token(moment: datetime, tr: Translator, fallback_zone: ZoneInfo) -> str:
    """Slack renders this in each viewer's own time zone; the fallback reads in the team's zone."""
    fallback = tr.moment(moment, fallback_zone)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{escape(fallback)}>"


class HasDeadline(Protocol):
    """A deadline as views read it (``DeadlineRecord`` or ``Deadline``)."""

    @property
    def due_at(self) -> datetime: ...
    def ends_on(self, zone: ZoneInfo) -> date | None: ...


END_OF_DAY_SHOWN = timedelta(minutes=1)
"""An end-of-day deadline's token shows 11:59 PM of its day, not 12:00 AM of the next."""


def due_text(deadline: HasDeadline, tr: Translator, team_zone: ZoneInfo, reader_zone: ZoneInfo | None = None) -> str:
    """A deadline as plain text: "end of Sat, Dec 19 — 11:59 PM PST" for an end-of-day deadline (the
    day is the team's, where the rule counts), else the exact instant. Read in ``reader_zone`` when given."""
    zone = reader_zone or team_zone
    day = deadline.ends_on(team_zone)
    if day is None:
        return tr.moment(deadline.due_at, zone)
    shown = deadline.due_at - END_OF_DAY_SHOWN
    time = tr.clock_time(shown, zone) if zone == team_zone else tr.moment(shown, zone)
    return tr._("end of {day} — {time}", day=tr.weekday_day(day), time=time)


def due_token(deadline: HasDeadline, tr: Translator, team_zone: ZoneInfo, reader_zone: ZoneInfo | None = None) -> str:
    """A deadline as mrkdwn: "end of Sat, Dec 19 — <date token>" for an end-of-day deadline, the token
    showing 11:59 PM of that day in each viewer's own zone; else the token of the exact instant.
    The stored instant is untouched: only what people read changes."""
    zone = reader_zone or team_zone
    day = deadline.ends_on(team_zone)
    if day is None:
        return date_token(deadline.due_at, tr, zone)
    shown = deadline.due_at - END_OF_DAY_SHOWN
    fallback = tr.clock_time(shown, zone) if zone == team_zone else tr.moment(shown, zone)
    token = f"<!date^{int(shown.timestamp())}^{{date_short_pretty}} {{time}}|{escape(fallback)}>"
    return tr._("end of {day} — {time}", day=escape(tr.weekday_day(day)), time=token)


def mood_emoji(case: CaseRecord, now: datetime) -> str:
    deadline = case.next_deadline
    if deadline is not None and not deadline.kind.is_window and deadline.due_at <= now:
        return OVERDUE_EMOJI
    return MOOD_EMOJI[case.mood]


def rule_text(deadline: DeadlineRecord, tr: Translator, zone: ZoneInfo, holidays: str,
              weekend: frozenset[int] = SAT_SUN) -> str:
    """The rule that set a deadline, in small print: "2 business days from …; UK bank holidays skipped".

    ``holidays`` names the calendar (a marketplace's label, or a holidays-package code); ``weekend``
    is said only when it is not Saturday and Sunday.
    """
    if deadline.set_by_amazon:
        computed = deadline.computed_due_at
        if computed is None:
            return tr._("Amazon's stated date")
        own = Deadline(deadline.kind, deadline.rule, deadline.basis_at, computed)
        return tr._("Amazon's stated date (earlier than the app's own: {computed})",
                    computed=due_text(own, tr, zone))
    rule = deadline.rule
    # A day rule counts from a date (its basis is 00:00 of it): show the date, not a midnight.
    basis = tr.day(deadline.basis_at.astimezone(zone).date()) if rule.ends_at_day_end else tr.moment(
        deadline.basis_at, zone)
    params = {"basis": basis, "holidays": tr._(holidays) if holidays else "—"}
    if rule in COUNTED_RULE_LABELS:
        singular, plural = COUNTED_RULE_LABELS[rule]
        text = tr.n_(singular, plural, deadline.days or 0, **params)
    else:
        text = tr._(RULE_LABELS[rule], **params)
    if rule in BUSINESS_DAY_RULES and weekend != SAT_SUN:
        text += tr._("; weekend: {days}", days=tr.weekdays(weekend))
    return text


def case_title(case: CaseRecord, tr: Translator) -> str:
    """ "SAFE-T claim · Trip Credit · $50 flat" or "Chargeback · $129.99" (plain text, for headers)."""
    if case.kind is CaseKind.SAFET:
        if case.reason is SafetReason.TRIP_CREDIT:
            return tr._("SAFE-T claim · Trip Credit · {amount} flat",
                        amount=tr.money(TRIP_CREDIT_CENTS, "USD", whole=True))
        return tr._("SAFE-T claim · {reason}", reason=case.reason)
    return tr._("Chargeback · {amount}", amount=tr.money(case.amount_cents, case.currency))
