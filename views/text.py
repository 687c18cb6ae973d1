"""Small pieces every view uses: escaping user text, Slack date tokens, state emoji."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import PlainTextObject

from rules.deadlines import BUSINESS_DAY_RULES, COUNTED_RULE_LABELS, RULE_LABELS, SAT_SUN
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
        return tr._("Amazon's stated date (earlier than the app's own: {computed})",
                    computed=tr.moment(computed, zone))
    rule = deadline.rule
    basis = tr.moment(deadline.basis_at, zone)
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
