"""What the sweep posts: deadline warnings, overdue notices, outcomes and approvals (the digest that
groups them and the daily summary are in ``views.summary``). Pure functions from records to Block
Kit (no I/O).

Every notice mentions the case owner (never ``@channel``), escapes all user text, says what to do
next and by when with a Slack date token and a relative hint, and links the case card when there
is one. ``views.plain_text`` turns them back into text for the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from rules.deadlines import DEADLINE_LABELS, SAT_SUN, DeadlineKind, DeadlineStatus
from rules.kinds import Action, CaseKind
from rules.ladder import OVERDUE
from rules.marketplaces import US_PROFILE, RuleProfile
from rules.parsing import USER_ID
from rules.records import LEDGER_ACTOR, SYSTEM_ACTOR, CaseRecord, DeadlineRecord, EventRecord
from rules.transitions import mood
from views.i18n import Translator
from views.next_steps import NEXT_STEP as _NEXT_STEP
from views.next_steps import OVERDUE_STEP as _OVERDUE_STEP
from views.text import (
    MOOD_EMOJI,
    OVERDUE_EMOJI,
    case_title,
    date_token,
    due_token,
    escape,
    rule_text,
)

DIGEST_OVER = 3
"""More notices than this for one channel in one sweep go out as one digest."""
SECTION_CHARS = 2900
NOTE_CHARS = 300
WARNING_EMOJI = ":alarm_clock:"


@dataclass(frozen=True)
class Message:
    """One Slack message: the notification ``text`` and the blocks that show it."""

    text: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Reader:
    """Who reads the notice: their language, the zone a date token falls back to, the instant."""

    tr: Translator
    zone: ZoneInfo
    now: datetime
    holidays: str = "US"
    weekend: frozenset[int] = SAT_SUN
    profile: RuleProfile = US_PROFILE
    """The marketplace's windows, for every count said in words."""


# ---------------------------------------------------------------- small pieces


def mention(user_id: str | None) -> str:
    """``<@U…>`` for a Slack user ID; anything else is shown as inert text."""
    if user_id and USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return escape(user_id or "")


def quote(text: str | None, limit: int = NOTE_CHARS) -> str:
    """User text, shortened and made inert, as a mrkdwn quote (every line)."""
    clean = (text or "").strip()
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return "\n".join(f">{escape(line)}" for line in clean.splitlines())


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text[:SECTION_CHARS]))


def _context(*parts: str | None) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=p[:SECTION_CHARS]) for p in parts if p])


_TITLES: dict[tuple[Any, ...], str] = {}


def _title(case: CaseRecord, tr: Translator) -> str:
    """The case's title, formatted once per kind, reason, amount and language (Babel's money
    formatting is the costliest part of a notice; a sweep draws hundreds)."""
    key = (case.kind, case.reason, case.amount_cents, case.currency, tr.locale)
    title = _TITLES.get(key)
    if title is None:
        if len(_TITLES) > 4096:
            _TITLES.clear()
        title = _TITLES[key] = case_title(case, tr)
    return title


@lru_cache(maxsize=4096)
def _token(moment: datetime, tr: Translator, zone: ZoneInfo) -> str:
    """A date token, formatted once per instant, language and zone (a channel and a DM share it)."""
    return date_token(moment, tr, zone)


def _card_link(permalink: str | None, tr: Translator) -> str | None:
    if not permalink:
        return None
    label = escape(tr._("Open the case card"))
    return f"<{permalink}|{label}>"


def _when(due: DeadlineRecord | datetime, r: Reader) -> dict[str, str]:
    """A deadline's token ("end of <day>" for an end-of-day one) or an instant's, with a relative hint."""
    moment = due if isinstance(due, datetime) else due.due_at
    passed = r.now - moment
    relative = r.tr._("just now") if timedelta(0) <= passed < timedelta(minutes=1) else r.tr.relative(moment, r.now)
    token = _token(moment, r.tr, r.zone) if isinstance(due, datetime) else due_token(due, r.tr, r.zone)
    return {"due": token, "relative": relative}


def task(kind: DeadlineKind, tr: Translator) -> str:
    """What the deadline asks for, as a verb phrase that reads before "by {date}"."""
    if kind is DeadlineKind.APPEAL_BY:
        return tr._("Appeal the denial")  # "Appeal by {date}" would read as Amazon's own label
    return tr._(DEADLINE_LABELS[kind])


def _subject(case: CaseRecord, tr: Translator) -> str:
    """ "*Chargeback · $129.99* · order `111-…`" with Amazon's claim number when known."""
    if case.claim_number:
        return tr._("*{title}* · order `{order_id}` · SAFE-T claim {number}", title=escape(_title(case, tr)),
                    order_id=case.order_id, number=escape(case.claim_number))
    return tr._("*{title}* · order `{order_id}`", title=escape(_title(case, tr)), order_id=case.order_id)


def _lines(*lines: str | None) -> str:
    """Whole translated sentences, one per line (layout, never grammar)."""
    return "\n".join(line for line in lines if line)


def _message(headline: str, body: str, context: ContextBlock) -> Message:
    blocks: list[Block] = [_section(body)]
    if context.elements:
        blocks.append(context)
    return Message(text=headline, blocks=tuple(blocks))


# ---------------------------------------------------------------- deadline warnings and overdue notices

def _buttons(tr: Translator) -> dict[str, str]:
    """Button names as the card shows them, for "press *Answered*"."""
    return {"answered": tr.label(Action.ANSWER), "refund": tr.label(Action.REFUND),
            "represent": tr.label(Action.REPRESENT), "appeal": tr.label(Action.APPEAL),
            "debited": tr.label(Action.RECORD_DEBIT), "file": tr.label(Action.FILE),
            "submit": tr.label(Action.SUBMIT_FOR_APPROVAL)}


def _step(message: str, tr: Translator) -> str:
    return tr._(message, **_buttons(tr))


def deadline_notice(case: CaseRecord, deadline: DeadlineRecord, stage: str, r: Reader, *,
                    permalink: str | None = None) -> Message:
    """A warning before ``deadline`` (``stage`` ``warn-24h`` …) or, with ``stage == "overdue"``, the
    notice that it passed: who, what, by when, what to do next, and the rule in small print."""
    tr = r.tr
    owner = mention(case.owner_id)
    when = _when(deadline, r)
    if stage == OVERDUE:
        headline = tr._("{emoji} {owner} Overdue: *{task}* was due {due} ({relative})", emoji=OVERDUE_EMOJI,
                        owner=owner, task=task(deadline.kind, tr), **when)
        step = _step(_OVERDUE_STEP[deadline.kind], tr)
    else:
        headline = tr._("{emoji} {owner} *{task}* by {due} ({relative})", emoji=WARNING_EMOJI, owner=owner,
                        task=task(deadline.kind, tr), **when)
        step = _step(_NEXT_STEP[deadline.kind], tr)
    note = tr._("Team note: {note}", note="\n" + quote(case.notes)) if case.notes.strip() else None
    body = _lines(headline, _subject(case, tr), step, note)
    context = _context(rule_text(deadline, tr, r.zone, r.holidays, r.weekend), _card_link(permalink, tr))
    return _message(headline, body, context)


# ---------------------------------------------------------------- outcomes


def _settled(case: CaseRecord, kind: DeadlineKind, event: EventRecord) -> DeadlineRecord | None:
    """The deadline of ``kind`` that the event settled: the latest one due by then."""
    found = [d for d in case.deadlines
             if d.kind is kind and d.status is not DeadlineStatus.CANCELLED and d.due_at <= event.at]
    return max(found, key=lambda d: d.id) if found else None


def _instant(value: Any) -> datetime | None:
    """An instant the event recorded (ISO text), or None."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _amount(cents: Any, currency: str, tr: Translator) -> str:
    return tr.money(cents if isinstance(cents, int) else None, currency)


def _outcome_lines(case: CaseRecord, event: EventRecord, r: Reader) -> tuple[str, str | None, str | None]:
    """(what happened, what was lost or won, what to do next) for an outcome event, as the event said it
    (its amount, its "Appeal by" date, the appeals made before it), never the case's later state."""
    tr, owner, buttons = r.tr, mention(case.owner_id), _buttons(r.tr)
    action = event.action
    details = event.details
    if action == Action.GRANT:
        amount = details.get("amount_cents", case.outcome_amount_cents)
        if isinstance(amount, int):
            said = tr._("{owner} Amazon granted the claim and reimbursed {amount}.", owner=owner,
                        amount=_amount(amount, case.currency, tr))
        else:
            said = tr._("{owner} Amazon granted the claim; the amount was not recorded.", owner=owner)
        return said, None, tr._("Nothing more to do on this claim.")
    if action == Action.DENY:
        said = tr._("{owner} Amazon denied the claim (No-Grant).", owner=owner)
        appeal_by = _instant(details.get("appeal_by"))
        if details.get("appeals_before", case.appeals_used):
            step = tr._("This claim was already appealed once: the decision is final.")
        elif appeal_by is not None:
            step = tr._("Next: if you have new information, appeal once by {due} ({relative}) through Seller "
                        "Central's message centre, then press *{appeal}* on the card.",
                        appeal=buttons["appeal"], **_when(appeal_by, r))
        else:
            step = tr._("Next: if you have new information, appeal once before the “Appeal by” date Seller "
                        "Central shows, then press *{appeal}* on the card.", appeal=buttons["appeal"])
        return said, None, step
    if action == Action.AUTO_CLOSE:
        request = _settled(case, DeadlineKind.SAFET_INFO_REPLY, event)
        days = request.days if request is not None and request.days else r.profile.safet_info_business_days
        if request is not None:
            said = tr.n_("{owner} The investigator's request for information went unanswered for {count} business "
                         "day (due {due}), so Amazon closed the claim automatically.",
                         "{owner} The investigator's request for information went unanswered for {count} business "
                         "days (due {due}), so Amazon closed the claim automatically.", days, owner=owner,
                         due=due_token(request, tr, r.zone))
        else:
            said = tr.n_("{owner} The investigator's request for information went unanswered for {count} business "
                         "day, so Amazon closed the claim automatically.",
                         "{owner} The investigator's request for information went unanswered for {count} business "
                         "days, so Amazon closed the claim automatically.", days, owner=owner)
        expected = case.expected_amount_cents
        lost = (tr._("Lost: the reimbursement this claim asked for ({amount}).",
                     amount=_amount(expected, case.currency, tr)) if expected
                else tr._("Lost: the reimbursement this claim asked for."))
        step = tr._("What can still be done: look the claim up in Seller Central → Manage SAFE-T Claims → Resolved; "
                    "if Amazon still offers a reply or an “Appeal by” date, send the requested information there. "
                    "A new claim for this order is not possible: Amazon allows one claim per order.")
        return said, lost, step
    if action == Action.RECORD_DEBIT:
        amount = _amount(details.get("amount_cents", case.outcome_amount_cents), case.currency, tr)
        said = tr._("{owner} Amazon debited {amount} for this chargeback.", owner=owner, amount=amount)
        reason = tr._("Amazon's reason: {reason}", reason="\n" + quote(details.get("reason"))) \
            if details.get("reason") else None
        step = tr._("Next: if the debit is wrong, dispute it by replying to Amazon's email, then press *{dispute}* "
                    "on the card. The bank's decision is usually final.", dispute=tr.label(Action.DISPUTE))
        return said, reason, step
    if action == Action.RECORD_WIN:
        return (tr._("{owner} The chargeback was decided in the seller's favour.", owner=owner), None,
                tr._("Nothing more to do on this chargeback."))
    if action == Action.PRESUME_NO_DEBIT:
        window = _settled(case, DeadlineKind.OUTCOME_WINDOW, event)
        days = window.days if window is not None and window.days else r.profile.outcome_days
        said = tr.n_("{owner} No debit came: the {count}-day outcome window after the representation ended {due} "
                     "with no email from Amazon, so the chargeback is presumed decided in the seller's favour (Amazon "
                     "emails the outcome only when the seller is financially responsible).",
                     "{owner} No debit came: the {count}-day outcome window after the representation ended {due} "
                     "with no email from Amazon, so the chargeback is presumed decided in the seller's favour (Amazon "
                     "emails the outcome only when the seller is financially responsible).", days, owner=owner,
                     due=due_token(window, tr, r.zone) if window else "—")
        return said, None, tr._("If a debit email arrives later after all, press *{debited}* on the card.",
                                debited=buttons["debited"])
    if action == Action.DISPUTE_REVERSED:
        return (tr._("{owner} The dispute succeeded: the debit was reversed.", owner=owner), None,
                tr._("Nothing more to do on this chargeback."))
    if action == Action.RECORD_PAYMENT:
        return (tr._("{owner} Amazon's ledger shows {amount} paid on this claim, recorded as lost: it is now "
                     "reimbursed (an appeal won, or a late decision).", owner=owner,
                     amount=_amount(details.get("amount_cents"), case.currency, tr)), None,
                tr._("Nothing more to do on this claim."))
    if action == Action.MISS_FILING_WINDOW:
        window = _settled(case, DeadlineKind.FILE_BY, event)
        said = tr._("{owner} The claim was not filed in Seller Central before its filing window closed ({due}): "
                    "Amazon refuses it now.", owner=owner, due=due_token(window, tr, r.zone) if window else "—")
        lost = tr._("Lost: the refund this claim would have recovered ({amount}).",
                    amount=_amount(case.expected_amount_cents, case.currency, tr))
        return said, lost, tr._("The report counts it as lost to a missed filing window.")
    if action == Action.RECORD_CREDIT:
        return (tr._("{owner} Amazon's ledger shows the debit credited back: the debit is reversed.", owner=owner),
                None, tr._("Nothing more to do on this chargeback."))
    if action == Action.DISPUTE_UPHELD:
        return (tr._("{owner} The dispute failed: the debit stands. The bank's decision is usually final.",
                     owner=owner), None, None)
    return tr._("{owner} The case is now “{state}”.", owner=owner, state=case.state), None, None


def _recorded_by(event: EventRecord, r: Reader) -> str:
    at = _token(event.at, r.tr, r.zone)
    if event.actor == SYSTEM_ACTOR:
        return r.tr._("Recorded automatically by the app {at}", at=at)
    if event.actor == LEDGER_ACTOR:
        return r.tr._("Recorded from Amazon's ledger {at}", at=at)
    return r.tr._("Recorded by {person} {at}", person=mention(event.actor), at=at)


def outcome_notice(case: CaseRecord, event: EventRecord, r: Reader, *, permalink: str | None = None) -> Message:
    """A decided case: what the outcome is, what was won or lost, and what can still be done."""
    tr = r.tr
    state = event.to_state or case.state
    emoji = MOOD_EMOJI[mood(state)]
    title = tr._("{emoji} *{outcome}* · {subject}", emoji=emoji, outcome=state, subject=_subject(case, tr))
    said, detail, step = _outcome_lines(case, event, r)
    note = event.details.get("note")
    note_line = tr._("Note: {note}", note="\n" + quote(note)) if isinstance(note, str) and note.strip() else None
    body = _lines(title, said, detail, step, note_line)
    context = _context(_recorded_by(event, r), _card_link(permalink, tr))
    return _message(_lines(title, said).replace("\n", " "), body, context)


def approval_notice(case: CaseRecord, event: EventRecord, r: Reader, *, permalink: str | None = None) -> Message:
    """A direct message to the preparer: a lead approved the case, or sent it back with a note."""
    tr = r.tr
    lead = mention(event.actor)
    subject = _subject(case, tr)
    buttons = _buttons(tr)
    note = event.details.get("note")
    deadline = case.next_deadline
    if event.action == Action.SEND_BACK:
        headline = tr._(":leftwards_arrow_with_hook: {lead} sent back your {subject}.", lead=lead, subject=subject)
        step = tr._("Next: make the changes, then press *{submit}* on the card again.", submit=buttons["submit"])
    else:
        headline = tr._(":white_check_mark: {lead} approved your {subject}.", lead=lead, subject=subject)
        if case.kind is CaseKind.SAFET:
            step = tr._("Next: submit it in Seller Central → Orders → Manage SAFE-T Claims → File a new SAFE-T "
                        "Claim, then press *{file}* on the card.", file=buttons["file"])
        else:
            step = tr._("Next: respond in Seller Central → Performance → Chargeback Claims, then press *{refund}* "
                        "or *{represent}* on the card.", refund=buttons["refund"], represent=buttons["represent"])
    due = (tr._("Deadline: *{task}* by {due} ({relative})", task=task(deadline.kind, tr),
                **_when(deadline, r))
           if deadline is not None and not deadline.kind.is_window else None)
    note_line = tr._("Their note: {note}", note="\n" + quote(note)) if isinstance(note, str) and note.strip() else None
    body = _lines(headline, note_line, step, due)
    context = _context(rule_text(deadline, tr, r.zone, r.holidays, r.weekend) if due and deadline else None,
                       _card_link(permalink, tr))
    return _message(headline, body, context)
