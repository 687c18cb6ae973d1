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
from rules.kinds import Action, CaseKind, ComplaintType, SafetReason, State
from rules.ladder import OVERDUE
from rules.records import CaseRecord, DailyFacts, DeadlineRecord, EventRecord, FailedNotice, HomeData, ListFilter
from rules.transitions import INITIAL_STATE, TRANSITIONS, is_open
from tests.slack_harness import Clock, running_app, select_input, text_input
from tests.test_i18n import mrkdwn_edge_problems
from views import (
    action_modals,
    case_card,
    case_list,
    chargeback_modal,
    claim_modal,
    home,
    notices,
    paste_text,
    plain_text,
    summary,
)
from views.case_card import Team
from views.history import history_line
from views.i18n import LOCALE_DIR, Translator
from views.metadata import ModalContext

NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # Friday 15:00 in Los Angeles
LA = ZoneInfo("America/Los_Angeles")
TEAM = Team(zone=LA, holidays="US")
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
    assert [tr.label(r) for r in SafetReason] == labels[:len(SafetReason)]  # no reason cut at 75
    if reason is not None:
        for item in SAFET_CHECKLISTS[reason]:
            assert tr._(item)[:75] in labels
    if tr.locale == "zh_CN":
        assert "检查资格" in shown and "运费款项(Trip Credit,上门服务未能完成的补偿)" in shown
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


@pytest.mark.parametrize("reason", list(SafetReason))
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


# ---------------------------------------------------------------- the action forms


def _form_cases() -> list[tuple[CaseRecord, Action]]:
    pairs = [(case, action) for case in CASES for action in case.legal_actions() if action in action_modals.FORMS]
    return pairs


FORM_CASES = _form_cases()


def test_every_form_is_drawn():
    assert {action for _case, action in FORM_CASES} == set(action_modals.FORMS)


@pytest.mark.parametrize(("case", "action"), FORM_CASES, ids=lambda x: f"{x.kind}-{x.state}-{x.id}"
                         if isinstance(x, CaseRecord) else str(x))
def test_every_action_form(tr, case, action):
    view = action_modals.action_modal(tr, case, action, context=ModalContext(case_id=case.id, action=action),
                                      now=NOW, team=TEAM)
    shown = check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr.label(action))
    if tr.locale == "zh_CN":
        assert "Seller Central" not in shown
        if action is Action.REPRESENT:
            assert "反映您的情况" in shown and "仅供亚马逊调查员查看" in shown
        if action is Action.GRANT:
            assert "赔偿金额由亚马逊自行决定" in shown


@pytest.mark.parametrize("case", [c for c in CASES if any(not d.kind.is_window for d in c.open_deadlines)],
                         ids=lambda c: f"{c.kind}-{c.state}-{c.id}")
def test_the_amazon_date_modal(tr, case):
    view = action_modals.stated_date_modal(tr, case, context=ModalContext(case_id=case.id), now=NOW, team=TEAM)
    check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Amazon's date"))


def test_the_amazon_date_modal_with_two_deadlines_offers_a_choice(tr):
    case = make_case(CaseKind.CHARGEBACK, State.INFO_REQUESTED, 31, deadlines=(
        deadline(1, DeadlineKind.CHARGEBACK_REPLY, at(days=1)), deadline(2, DeadlineKind.CHARGEBACK_INFO_REPLY,
                                                                         at(days=2))))
    view = action_modals.stated_date_modal(tr, case, context=ModalContext(), now=NOW, team=TEAM)
    check(view, tr, max_blocks=100)
    choices = options_of(view)
    assert len(choices) == 2 and all(len(c) <= 75 for c in choices)
    assert choices[0].startswith(tr._("Respond to the chargeback"))


@pytest.mark.parametrize("case", [c for c in CASES if c.is_open], ids=lambda c: f"{c.kind}-{c.state}-{c.id}")
def test_the_reassign_modal(tr, case):
    view = action_modals.reassign_modal(tr, case, context=ModalContext(case_id=case.id))
    check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Reassign"))


# ---------------------------------------------------------------- /safet list, show, help


@pytest.mark.parametrize("which", list(ListFilter))
def test_every_list(tr, which):
    open_cases = [c for c in CASES if c.is_open]
    shown = check(case_list.case_list(open_cases, which, tr, zone=LA, now=NOW), tr)
    assert case_list.list_title(which, tr) in shown
    empty = check(case_list.case_list([], which, tr, zone=LA, now=NOW), tr)
    if tr.locale == "zh_CN":
        assert "没有案件。" in empty and f"{len(open_cases)} 个案件" in shown
        assert "*已逾期" in shown  # the overdue case's hint, in bold


def test_a_long_list_says_how_to_see_the_rest(tr):
    many = [replace(CASES[0], id=1000 + i, order_id=f"{i:03d}-1111111-1111111") for i in range(60)]
    result = case_list.case_list(many, ListFilter.OPEN, tr, zone=LA, now=NOW)
    shown = check(result, tr)
    assert tr._("Showing the first {count}; a narrower filter shows the rest.", count=60) in shown


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}-{c.state}-{c.id}")
def test_show_every_case(tr, case):
    shown = check(case_list.case_detail(case, tr, zone=LA, holidays="US", now=NOW), tr)
    if tr.locale == "zh_CN":
        assert "*历史记录*" in shown and "创建了案件" in shown


def test_show_a_case_with_a_long_history(tr):
    events = tuple(EventRecord(i, at(hours=-i), "U0OWNER", "answer", State.INFO_REQUESTED, State.ANSWERED,
                               {"note": f"Reply {i}"}) for i in range(20))
    case = replace(case_where(CaseKind.SAFET, State.ANSWERED), events=events)
    shown = check(case_list.case_detail(case, tr, zone=LA, holidays="US", now=NOW), tr)
    assert tr.n_("… {count} earlier event", "… {count} earlier events", 5) in shown


@pytest.mark.parametrize("unknown", [None, "frobnicate", "<!channel>"])
def test_help(tr, unknown):
    shown = check(case_list.help_message(tr, unknown=unknown), tr)
    if tr.locale == "zh_CN":
        assert "`/safet file [订单编号]`" in shown and "【等待卖家回复】" in shown
        assert "*File a SAFE-T claim*" in shown  # Slack shows the manifest's English shortcut names
    if unknown == "<!channel>":
        assert "<!channel>" not in shown


# ---------------------------------------------------------------- App Home


@pytest.mark.parametrize("failed", [0, 3])
def test_app_home(tr, failed):
    mine = [c for c in CASES if c.is_open][:8]
    due = [c for c in CASES if c.next_deadline and c.next_deadline.due_at <= at(hours=48)]
    counts = {state: 2 for state in State if is_open(state)}
    data = HomeData(mine=mine, team_due=due, counts=counts, failed_notices=failed)
    view = home.home_view(data, tr, zone=LA, now=NOW, chosen_locale=None)
    shown = check(view, tr, max_blocks=100)
    if tr.locale == "zh_CN":
        assert "您的案件" in shown and "跟随 Slack 的语言" in shown and "简体中文" in shown
    empty = home.home_view(HomeData([], [], {}, 0), tr, zone=LA, now=NOW, chosen_locale="zh_CN")
    check(empty, tr, max_blocks=100)


def test_app_home_with_many_cases_of_yours(tr):
    mine = [replace(CASES[0], id=2000 + i) for i in range(home.MINE_SHOWN)]
    view = home.home_view(HomeData(mine, mine, {}, 0), tr, zone=LA, now=NOW, chosen_locale="en")
    shown = check(view, tr, max_blocks=100)
    assert "`/safet list mine`" in shown


@pytest.mark.parametrize("case", [None, *CASES[:6]], ids=lambda c: f"{c.kind}-{c.state}" if c else "gone")
def test_the_case_modal_of_app_home(tr, case):
    view = home.case_modal(case, tr, zone=LA, holidays="US", now=NOW)
    check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Case {order_id}", order_id=case.order_id) if case else tr._("Case"))


# ---------------------------------------------------------------- notices


def reader(tr: Translator) -> notices.Reader:
    return notices.Reader(tr=tr, zone=LA, now=NOW)


DEADLINE_CASES = [(c, d) for c in CASES for d in c.open_deadlines]


@pytest.mark.parametrize("stage", ["warn-24h", OVERDUE])
@pytest.mark.parametrize(("case", "due"), DEADLINE_CASES, ids=lambda x: str(getattr(x, "kind", x)))
def test_deadline_warnings_and_overdue_notices(tr, case, due, stage):
    message = notices.deadline_notice(case, due, stage, reader(tr), permalink="https://acme.slack.com/archives/C/p1")
    shown = check(message, tr)
    assert "<@U0OWNER>" in shown
    if tr.locale == "zh_CN":
        assert "打开案件卡片" in shown
        if stage == OVERDUE:
            assert "已逾期" in shown


def _outcome_events() -> list[tuple[CaseRecord, EventRecord]]:
    def event(action: Action, state: State, actor: str = "U0OWNER", **details: Any) -> EventRecord:
        return EventRecord(77, at(hours=-1), actor, str(action), State.FILED, state, details)

    safet = case_where(CaseKind.SAFET, State.REIMBURSED)
    denied = case_where(CaseKind.SAFET, State.DENIED)
    auto = case_where(CaseKind.SAFET, State.AUTO_CLOSED)
    debited = case_where(CaseKind.CHARGEBACK, State.DEBITED)
    no_debit = case_where(CaseKind.CHARGEBACK, State.NO_DEBIT)
    return [
        (safet, event(Action.GRANT, State.REIMBURSED, amount_cents=5000, note="Paid in full.")),
        (safet, event(Action.GRANT, State.REIMBURSED)),
        (replace(safet, outcome_amount_cents=None), event(Action.GRANT, State.REIMBURSED)),
        (denied, event(Action.DENY, State.DENIED, note="Photos were not accepted.")),
        (replace(denied, deadlines=()), event(Action.DENY, State.DENIED)),
        (replace(denied, deadlines=(), appeals_used=1), event(Action.DENY, State.DENIED)),
        (auto, event(Action.AUTO_CLOSE, State.AUTO_CLOSED, actor="system")),
        (replace(auto, deadlines=(), expected_amount_cents=5000), event(Action.AUTO_CLOSE, State.AUTO_CLOSED,
                                                                        actor="system")),
        (debited, event(Action.RECORD_DEBIT, State.DEBITED, amount_cents=12999,
                        reason="The buyer's bank sided with the cardholder.")),
        (debited, event(Action.RECORD_DEBIT, State.DEBITED)),
        (case_where(CaseKind.CHARGEBACK, State.WON), event(Action.RECORD_WIN, State.WON)),
        (no_debit, event(Action.PRESUME_NO_DEBIT, State.NO_DEBIT, actor="system")),
        (replace(no_debit, deadlines=()), event(Action.PRESUME_NO_DEBIT, State.NO_DEBIT, actor="system")),
        (case_where(CaseKind.CHARGEBACK, State.DEBIT_REVERSED), event(Action.DISPUTE_REVERSED, State.DEBIT_REVERSED)),
        (case_where(CaseKind.CHARGEBACK, State.DEBIT_UPHELD), event(Action.DISPUTE_UPHELD, State.DEBIT_UPHELD)),
        (case_where(CaseKind.CHARGEBACK, State.REFUNDED), event(Action.REFUND, State.REFUNDED)),
    ]


@pytest.mark.parametrize(("case", "event"), _outcome_events(), ids=lambda x: str(getattr(x, "action", "")))
def test_outcome_notices(tr, case, event):
    message = notices.outcome_notice(case, event, reader(tr), permalink="https://acme.slack.com/archives/C/p2")
    shown = check(message, tr)
    if tr.locale == "zh_CN":
        assert tr.label(event.to_state) in shown
        if event.action == Action.GRANT:
            assert "(Grant)" in shown
        if event.action == Action.DENY:
            assert "不批准该索赔(No-Grant)" in shown
        if event.action == Action.AUTO_CLOSE:
            assert "2 个工作日" in shown and "本应用自动记录" in shown


@pytest.mark.parametrize("action", [Action.SEND_BACK, Action.APPROVE])
@pytest.mark.parametrize("kind", list(CaseKind))
def test_approval_notices(tr, action, kind):
    case = replace(case_where(kind, State.APPROVED if action is Action.APPROVE else State.PREPARING
                              if kind is CaseKind.SAFET else State.ACTION_REQUIRED), needs_approval=True)
    event = EventRecord(5, at(minutes=-5), "U0LEAD", str(action), State.AWAITING_APPROVAL, case.state,
                        {"note": "Attach the penalty notice."})
    shown = check(notices.approval_notice(case, event, reader(tr)), tr)
    if tr.locale == "zh_CN":
        assert "组长备注" in shown and ("退回了您的案件" if action is Action.SEND_BACK else "审核通过您的案件") in shown


@pytest.mark.parametrize("count", [1, 4, 40])
def test_the_digest(tr, count):
    pairs = DEADLINE_CASES * 10
    messages = [notices.deadline_notice(c, d, "warn-24h", reader(tr)) for c, d in pairs[:count]]
    parts = summary.digest(messages, tr)
    assert sum(carried for _message, carried in parts) == count
    for message, _carried in parts:
        shown = check(message, tr)
        if tr.locale == "zh_CN":
            assert f"{count} 条通知" in shown
    if count == 40:
        assert len(parts) > 1


def test_the_daily_summary(tr):
    overdue = [(c, c.open_deadlines[0]) for c in CASES if c.id == 901]
    due = [(c, d) for c in CASES for d in c.open_deadlines if not d.kind.is_window][:3]
    failed = [FailedNotice("warn-24h:7", "deadline", "CCASES", "not_in_channel", ORDER, NOW)]
    facts = DailyFacts(overdue=overdue, overdue_total=4, due=due, due_total=3, failed=failed, failed_total=1,
                       open_chargebacks=5)
    shown = check(summary.daily_summary(facts, reader(tr)), tr)
    quiet = check(summary.daily_summary(DailyFacts([], 0, [], 0, [], 0, 1), reader(tr)), tr)
    if tr.locale == "zh_CN":
        assert "每日汇总" in shown and "还有 3 个" in shown and "*需操作*" in shown
        assert "没有逾期的案件" in quiet
    text = plain_text.message_text(summary.daily_summary(facts, reader(tr)), names={"U0OWNER": "mei"})
    assert "@mei" in text and "<!date" not in text


# ---------------------------------------------------------------- end to end: the real Bolt app


def test_a_chinese_user_gets_chinese_and_an_english_user_english(store, fake_slack):
    """Slack says U1 reads zh-CN: help, the SAFE-T form and its confirmation are Chinese. U2, in English,
    looks at the same case and reads English."""
    fake_slack.set_user("U1", locale="zh-CN", tz="Asia/Shanghai")
    fake_slack.set_user("U2", locale="en-US", tz="America/Los_Angeles")
    with running_app(store, fake_slack, Clock(NOW)) as slack:
        helped = slack.answer("help", user="U1")
        shown = "\n".join(texts(helped))
        assert "如何使用 /safet" in shown and "`/safet file [订单编号]`" in shown
        assert "lists every filter" not in shown and "How to use" not in shown

        slack.command(f"file {ORDER}", user="U1")
        view = slack.opened_view()
        assert view["title"]["text"] == "提出 SAFE-T 索赔"
        assert view["submit"]["text"] == "检查并保存" and view["close"]["text"] == "取消"
        form = "\n".join(texts(view))
        assert "检查资格" in form and "服务订单编号" in form and "运费款项(Trip Credit,上门服务未能完成的补偿)" in form

        reply = slack.submit(view, {
            "order_id": text_input(ORDER), "product_order_id": text_input(None),
            "reason": select_input("trip_credit"), "explanation": text_input("师傅上门时客户不在家(附照片)。"),
            "claim_number": text_input(None), "filing_locale": select_input("zh_CN"),
        }, user="U1").json()
        assert reply["response_action"] == "update"
        saved = "\n".join(texts(reply["view"]))
        assert reply["view"]["title"]["text"] == "索赔已保存"
        assert "*订单 → 管理 SAFE-T 索赔 → 提出新的 SAFE-T 索赔*" in saved
        assert f"服务订单编号:{ORDER}" in saved and "索赔原因:运费款项(Trip Credit,上门服务未能完成的补偿)" in saved
        assert "Saved." not in saved

        refused = slack.submit(view, {
            "order_id": text_input(ORDER), "product_order_id": text_input(None),
            "reason": select_input("penalty_fee"), "explanation": text_input("x"),
            "claim_number": text_input(None), "filing_locale": select_input("zh_CN"),
        }, user="U1").json()
        assert refused["errors"]["order_id"] == f"订单 {ORDER} 已有 SAFE-T 索赔:亚马逊规定每个订单只能申请一次索赔。"

        english = slack.answer(f"show {ORDER}", user="U2")
        shown = "\n".join(texts(english))
        assert f"Order `{ORDER}`" in shown and "SAFE-T claim · Trip Credit" in shown
        assert "*Explanation for Amazon*" in shown and "师傅上门时客户不在家" in shown  # the team's words as typed
        stripped = shown.replace("师傅上门时客户不在家(附照片)。", "")
        assert not CJK.search(stripped)

        chinese = "\n".join(texts(slack.answer(f"show {ORDER}", user="U1")))
        assert f"订单 `{ORDER}` · 负责人 <@U1>" in chinese and "*给亚马逊的说明*" in chinese
