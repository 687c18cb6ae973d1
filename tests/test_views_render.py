"""Every view drawn in English and in Simplified Chinese from realistic records: every state of both
kinds with its deadlines, every action form, every notice. Each drawing goes through slack_sdk's own
validation (Slack's limits), must be in the reader's language (Chinese text, no English sentence where a
translation exists), keep Slack's mrkdwn working next to Chinese text, and fit titles and labels without
being cut. One end-to-end test runs the real Bolt app for a Chinese and an English user."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from rules.checklists import SAFET_CHECKLISTS
from rules.deadlines import DEADLINE_LABELS, DeadlineKind, DeadlineRule, DeadlineStatus
from rules.kinds import Action, CaseKind, ComplaintType, SafetProgram, SafetReason, State, reasons_of
from rules.records import CaseRecord, DeadlineRecord, EventRecord
from rules.transitions import INITIAL_STATE, TRANSITIONS
from tests.test_i18n import mrkdwn_edge_problems
from views import (
    case_card,
    chargeback_modal,
    claim_modal,
    notices,
    paste_text,
)
from views.history import history_line
from views.i18n import LOCALE_DIR, Translator
from views.market_view import MarketView
from views.metadata import ModalContext

NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # Friday 15:00 in Los Angeles
LA = ZoneInfo("America/Los_Angeles")
TEAM = MarketView(zone=LA, holidays="US")
LOCALES = ("en", "zh_CN")
CJK = re.compile(r"[\u3400-\u9fff]")
EN_ALLOWED_CJK = ("简体中文", "需操作", "等待卖家回复", "正在进行调查", "已解决", "全部")
"""Chinese that English drawings show on purpose: the language's own name, and Seller Central's Chinese tab
names (the `/safet list` words, and "Action Required (需操作)")."""
ORDER = "113-4567890-1234567"


# ---------------------------------------------------------------- realistic records


def states_of(kind: CaseKind) -> list[State]:
    """Every state a case of ``kind`` can be in, read from the transition table."""
    found = {INITIAL_STATE[kind]}
    for (row_kind, source, _action), transition in TRANSITIONS.items():
        if row_kind is kind:
            found |= {source, transition.target}
    return [state for state in State if state in found]


def at(**delta: float) -> datetime:
    return NOW + timedelta(**delta)


def deadline(ident: int, kind: DeadlineKind, due: datetime, *, status: DeadlineStatus = DeadlineStatus.OPEN,
             stated: datetime | None = None) -> DeadlineRecord:
    rule = {
        DeadlineKind.SAFET_INFO_REPLY: DeadlineRule.SAFET_INFO_2BD,
        DeadlineKind.CHARGEBACK_REPLY: DeadlineRule.CHARGEBACK_7CD,
        DeadlineKind.CHARGEBACK_INFO_REPLY: DeadlineRule.AMAZON_STATED,
        DeadlineKind.OUTCOME_WINDOW: DeadlineRule.OUTCOME_90D,
        DeadlineKind.APPEAL_BY: DeadlineRule.AMAZON_STATED,
        DeadlineKind.FILE_BY: DeadlineRule.FILING_30D,
    }[kind]
    if rule is DeadlineRule.AMAZON_STATED:
        return DeadlineRecord(ident, kind, rule, due - timedelta(days=3), None, due, status)
    return DeadlineRecord(ident, kind, rule, due - timedelta(days=2), due, stated, status)


def _deadlines(kind: CaseKind, state: State, ident: int) -> tuple[DeadlineRecord, ...]:
    d = DeadlineKind
    if kind is CaseKind.SAFET:
        return {
            State.INFO_REQUESTED: (deadline(ident, d.SAFET_INFO_REPLY, at(hours=20)),),
            State.DENIED: (deadline(ident, d.APPEAL_BY, at(days=10)),),
            State.AUTO_CLOSED: (deadline(ident, d.SAFET_INFO_REPLY, at(hours=-4), status=DeadlineStatus.MISSED),),
        }.get(state, ())
    window = deadline(ident + 1, d.OUTCOME_WINDOW, at(days=80))
    return {
        State.ACTION_REQUIRED: (deadline(ident, d.CHARGEBACK_REPLY, at(days=3)),),
        State.AWAITING_APPROVAL: (deadline(ident, d.CHARGEBACK_REPLY, at(hours=30)),),
        # Amazon's "respond by" is earlier than the app's own 7 calendar days.
        State.APPROVED: (deadline(ident, d.CHARGEBACK_REPLY, at(days=4), stated=at(days=2)),),
        State.REPRESENTED: (window,),
        State.INFO_REQUESTED: (deadline(ident, d.CHARGEBACK_INFO_REPLY, at(days=2)), window),
        State.ANSWERED: (window,),
        State.NO_DEBIT: (deadline(ident + 1, d.OUTCOME_WINDOW, at(days=-1), status=DeadlineStatus.ELAPSED),),
    }.get(state, ())


def make_case(kind: CaseKind, state: State, ident: int, **changes: Any) -> CaseRecord:
    """A case as the store would read it, with what a team records in that state."""
    reasons = list(SafetReason)
    complaints = list(ComplaintType)
    safet = kind is CaseKind.SAFET
    reason = reasons[ident % len(reasons)] if safet else None
    filed = state not in (State.PREPARING, State.AWAITING_APPROVAL, State.APPROVED, State.ACTION_REQUIRED,
                          State.WITHDRAWN)
    case = CaseRecord(
        id=ident, kind=kind, order_id=f"{ident:03d}-4567890-1234567", state=state, owner_id="U0OWNER",
        created_by="U0OWNER", created_at=at(days=-5), updated_at=at(hours=-1), version=3,
        reason=reason,
        product_order_id="114-7654321-7654321" if safet and ident % 2 else None,
        explanation="Technician arrived; the customer was not home (photos attached)." if safet else "",
        second_appointment_completed_on=date(2026, 11, 18) if reason is SafetReason.SECOND_APPOINTMENT else None,
        expected_amount_cents=5000 if reason is SafetReason.TRIP_CREDIT else None,
        amount_cents=None if safet else 12999,
        outcome_amount_cents={State.REIMBURSED: 5000, State.DEBITED: 12999, State.DEBIT_UPHELD: 12999}.get(state),
        complaint_type=None if safet else complaints[ident % len(complaints)],
        email_on=None if safet else date(2026, 11, 17),
        notes="" if safet else "Buyer says the parcel never came.",
        claim_number="1234567890" if safet and filed else None,
        appeals_used=1 if state is State.APPEALED else 0,
        needs_approval=state in (State.AWAITING_APPROVAL, State.APPROVED),
        approved_by="U0LEAD" if state is State.APPROVED else None,
        channel_id="CCASES", card_ts="1700000000.000100", filing_locale="zh_CN" if ident % 2 else "en",
        deadlines=_deadlines(kind, state, ident * 10),
        events=(EventRecord(ident * 10, at(days=-5), "U0OWNER", "open", None, INITIAL_STATE[kind]),),
    )
    return replace(case, **changes)


def every_case() -> list[CaseRecord]:
    every_state = [(kind, state) for kind in CaseKind for state in states_of(kind)]
    cases = [make_case(kind, state, ident) for ident, (kind, state) in enumerate(every_state, start=1)]
    # The variants the views draw differently.
    safet_info = next(c for c in cases if c.kind is CaseKind.SAFET and c.state is State.INFO_REQUESTED)
    cases.append(replace(safet_info, id=901, deadlines=(deadline(9010, DeadlineKind.SAFET_INFO_REPLY,
                                                                 at(hours=-3)),)))  # overdue
    cases.append(make_case(CaseKind.CHARGEBACK, State.REPRESENTED, 902,
                           complaint_type=ComplaintType.MATERIALLY_DIFFERENT))
    cases.append(make_case(CaseKind.SAFET, State.PREPARING, 903, reason=SafetReason.TRIP_CREDIT,
                           expected_amount_cents=5000, needs_approval=True))
    cases.append(make_case(CaseKind.SAFET, State.FILED, 904, reason=SafetReason.PENALTY_FEE,
                           expected_amount_cents=None))
    cases.append(make_case(CaseKind.SAFET, State.DENIED, 905, appeals_used=1, deadlines=()))
    # A seller-fulfilled order's claim being prepared, its filing window open.
    cases.append(make_case(CaseKind.SAFET, State.PREPARING, 906, reason=SafetReason.RETURNED_DAMAGED,
                           expected_amount_cents=8999, details={"refund_on": "2026-11-10"},
                           deadlines=(deadline(9060, DeadlineKind.FILE_BY, at(days=9)),)))
    return cases


CASES = every_case()


def case_where(kind: CaseKind, state: State) -> CaseRecord:
    return next(c for c in CASES if c.kind is kind and c.state is state)


# ---------------------------------------------------------------- what a drawing says, and the checks


def as_dicts(drawing: Any) -> list[dict[str, Any]]:
    """slack_sdk objects through their own validation (``to_dict`` runs ``validate_json``)."""
    if isinstance(drawing, View):
        return [drawing.to_dict()]
    if isinstance(drawing, notices.Message):
        return [{"text": drawing.text, "blocks": [b.to_dict() for b in drawing.blocks]}]
    if isinstance(drawing, dict):  # the ack keyword arguments of /safet list, show, help
        for block in drawing.get("blocks", []):
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.to_dict()
        return [drawing]
    if isinstance(drawing, str):
        return [{"text": drawing}]
    return [{"blocks": [b.to_dict() for b in drawing]}]


def texts(node: Any, *, mrkdwn_only: bool = False) -> Iterator[str]:
    """Every text a person reads (text objects, fallbacks), or only the mrkdwn ones."""
    if isinstance(node, dict):
        text = node.get("text")
        if isinstance(text, str) and (not mrkdwn_only or node.get("type") == "mrkdwn"):
            yield text
        for key, value in node.items():
            if key not in ("private_metadata", "value", "action_id", "block_id", "callback_id"):
                yield from texts(value, mrkdwn_only=mrkdwn_only)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item, mrkdwn_only=mrkdwn_only)


def _english_fragments() -> set[str]:
    """English sentences of the catalog that a Chinese drawing must not show (those the Chinese
    translations quote on purpose, like the shortcut names, are left out)."""
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    chinese = "\n".join(s for m in catalog if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    fragments = set()
    for message in catalog:
        for msgid in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for part in re.split(r"\{[^}]*\}|[*`\n“”()]|:[a-z_]+:", msgid or ""):
                part = part.strip(" .,:;·—→•…")
                if len(part) >= 12 and " " in part and part not in chinese:
                    fragments.add(part)
    return fragments


ENGLISH = _english_fragments()


def check(drawing: Any, tr: Translator, *, max_blocks: int = 50) -> str:
    """Validate one drawing for ``tr``'s reader; return all its text (for further asserts)."""
    payloads = as_dicts(drawing)
    for payload in payloads:
        assert len(payload.get("blocks", [])) <= max_blocks
    shown = "\n".join(itertools.chain.from_iterable(texts(p) for p in payloads))
    assert shown.strip()
    if tr.locale == "zh_CN":
        assert CJK.search(shown), shown
        leaked = sorted(fragment for fragment in ENGLISH if fragment in shown)
        assert leaked == [], shown
        for text in itertools.chain.from_iterable(texts(p, mrkdwn_only=True) for p in payloads):
            assert mrkdwn_edge_problems(text) == [], text
    else:
        stripped = shown
        for allowed in EN_ALLOWED_CJK:
            stripped = stripped.replace(allowed, "")
        assert not CJK.search(stripped), shown
    return shown


def modal_fits(view: View, tr: Translator, title: str) -> None:
    """The modal's title, submit and close are the whole translation (the views cut at 24 silently)."""
    data = view.to_dict()
    assert data["title"]["text"] == title and len(title) <= 24
    for key in ("submit", "close"):
        if key in data:
            assert len(data[key]["text"]) <= 24


def options_of(view: View) -> list[str]:
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for option in node.get("options", []) or []:
                found.append(option["text"]["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(view.to_dict())
    return found


@pytest.fixture(params=LOCALES)
def tr(request: pytest.FixtureRequest) -> Translator:
    return Translator(request.param)


# ---------------------------------------------------------------- the records themselves


def test_the_records_cover_every_state_of_both_kinds_with_their_deadlines():
    for kind in CaseKind:
        assert {c.state for c in CASES if c.kind is kind} == set(states_of(kind))
    drawn = {d.kind for c in CASES for d in c.open_deadlines}
    assert drawn == set(DeadlineKind)
    assert any(d.set_by_amazon for c in CASES for d in c.deadlines)


# ---------------------------------------------------------------- the SAFE-T claim modal


@pytest.mark.parametrize("reason", [None, *SafetReason])
def test_the_claim_modal_for_each_reason(tr, reason):
    view = claim_modal.claim_modal(tr, context=ModalContext(channel_id="CWORK"), order_id=ORDER, reason=reason,
                                   explanation="Technician arrived; the customer was not home.")
    shown = check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("File a SAFE-T claim"))
    labels = options_of(view)
    # First the kind of order, then its reasons (before a choice: both kinds', in two groups), none cut at 75.
    assert labels[:len(SafetProgram)] == [tr.label(p) for p in SafetProgram]
    programs = [reason.program] if reason is not None else list(SafetProgram)
    reasons = [tr.label(r) for p in programs for r in reasons_of(p)]
    assert labels[len(SafetProgram):len(SafetProgram) + len(reasons)] == reasons
    if reason is not None:
        for item in SAFET_CHECKLISTS[reason]:
            assert tr._(item)[:75] in labels
    if tr.locale == "zh_CN":
        assert "检查资格" in shown
        if reason is None or reason.program is SafetProgram.SELLING_SERVICES:
            assert "运费款项(Trip Credit,上门服务未能完成的补偿)" in shown
        if reason is SafetReason.TRIP_CREDIT:
            assert "按统一费率支付 US$50。" in shown


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_checklist_item_fits_a_checkbox_uncut(locale):
    tr = Translator(locale)
    items = {item for checklist in SAFET_CHECKLISTS.values() for item in checklist}
    assert [tr._(item) for item in items if len(tr._(item)) > 75] == []


def test_the_saved_claim_shows_the_paste_text_and_documents(tr):
    case = make_case(CaseKind.SAFET, State.PREPARING, 7, reason=SafetReason.TRIP_CREDIT)
    view = claim_modal.claim_saved(tr, paste_text=paste_text.claim_text(case, tr),
                                   documents=paste_text.claim_documents(case, tr), order_id=case.order_id)
    shown = check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Claim saved"))
    if tr.locale == "zh_CN":
        assert "*订单 → 管理 SAFE-T 索赔 → 提出新的 SAFE-T 索赔*" in shown and "*检查资格*" in shown
        assert "服务订单编号:007-4567890-1234567" in shown
    empty = claim_modal.claim_saved(tr, paste_text="x", documents=[], order_id=ORDER)
    assert tr._("(none listed)") in check(empty, tr, max_blocks=100)


@pytest.mark.parametrize("reason", list(SafetReason.__members__.values())[:4])
def test_the_paste_text_is_plain_text_in_the_filing_language(reason):
    case = make_case(CaseKind.SAFET, State.PREPARING, 11, reason=reason, product_order_id="114-7654321-7654321",
                     second_appointment_completed_on=date(2026, 11, 18))
    en, zh = paste_text.claim_text(case, Translator("en")), paste_text.claim_text(case, Translator("zh_CN"))
    assert en.startswith("Service order ID: 011-4567890-1234567\nProduct order ID: 114-7654321-7654321\nReason: ")
    assert zh.startswith("服务订单编号:011-4567890-1234567\n商品订单编号:114-7654321-7654321\n索赔原因:")
    assert "Technician arrived" in en and "Technician arrived" in zh  # the team's own words, as typed
    assert "Attached:" in en and "附件:" in zh and not CJK.search(en)
    assert "已预先批准的第二次服务预约已于 2026年11月18日 完成。" in zh
    for text in (en, zh):
        assert "*" not in text and "`" not in text and "<" not in text
    if reason is SafetReason.TRIP_CREDIT:
        assert "索赔原因:运费款项(Trip Credit,上门服务未能完成的补偿)" in zh



# ---------------------------------------------------------------- the chargeback modal


@pytest.mark.parametrize("zone", [LA, None])
def test_the_chargeback_modal(tr, zone):
    view = chargeback_modal.chargeback_modal(tr, context=ModalContext(), order_id=ORDER, today=date(2026, 11, 20),
                                             zone=zone)
    shown = check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Record a chargeback"))
    assert options_of(view)[-len(ComplaintType):] == [tr.label(c) for c in ComplaintType]  # none cut at 75
    if tr.locale == "zh_CN":
        assert "七个日历日" in shown and "仅供亚马逊调查员查看" in shown


# ---------------------------------------------------------------- the case card and its thread


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}-{c.state}-{c.id}")
def test_the_case_card_in_every_state(tr, case):
    blocks = case_card.case_card(case, tr, team=TEAM, now=NOW)
    shown = check(blocks, tr)
    check(case_card.card_text(case, tr), tr)
    for button in blocks[-1].to_dict().get("elements", []) if case.is_open else []:
        assert len(button["text"]["text"]) <= 75
    labels = [tr.label(a) for a in case.legal_actions()]
    assert all(label in shown for label in labels)
    for d in case.open_deadlines:
        assert tr._(DEADLINE_LABELS[d.kind]) in shown
    if tr.locale == "zh_CN":
        assert "Reply to the investigator" not in shown and "Seller Central" not in shown
        assert tr.label(case.state) in shown and "卖家平台" in shown
        if case.state is State.INFO_REQUESTED and case.kind is CaseKind.SAFET:
            assert "回复调查员 · 截止" in shown and "2 个工作日" in shown


@pytest.mark.parametrize("action", ["open", "reassign", "set_stated_due", *Action])
def test_a_thread_line_for_every_action(tr, action):
    system = action in (Action.AUTO_CLOSE, Action.PRESUME_NO_DEBIT)
    event = EventRecord(1, at(hours=-2), "system" if system else "U0LEAD", str(action), State.FILED,
                        None if action in ("open", "reassign", "set_stated_due") else State.ANSWERED,
                        {"to": "U0NEW", "note": "Sent the delivery photo."})
    line = history_line(event, tr, team=TEAM)
    assert "<!date^" in line
    shown = check(line, tr)
    if isinstance(action, Action):
        assert "→" not in shown, "said in words, not as an arrow between labels"
        assert ("> Sent the delivery photo." in line) is not system
    if tr.locale == "zh_CN" and system:
        assert line.startswith("本应用:")
