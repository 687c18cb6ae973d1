"""Views render: the action forms; /safet list, show, help; App Home; notices; end to end: the real Bolt app
(split from tests/test_views_render.py, whose helpers it uses)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from rules.deadlines import DeadlineKind
from rules.kinds import Action, CaseKind, State
from rules.ladder import OVERDUE
from rules.records import CaseRecord, DailyFacts, EventRecord, FailedNotice, HomeData, ListFilter
from rules.transitions import is_open
from tests.slack_harness import Clock, running_app, select_input, text_input
from tests.test_views_render import (
    CASES,
    CJK,
    LA,
    NOW,
    ORDER,
    TEAM,
    at,
    case_where,
    check,
    deadline,
    make_case,
    modal_fits,
    options_of,
    texts,
    tr,  # noqa: F401 (a fixture)
)
from views import (
    action_modals,
    case_list,
    home,
    notices,
    plain_text,
    summary,
)
from views.i18n import Translator
from views.metadata import ModalContext

# ---------------------------------------------------------------- the action forms


def _form_cases() -> list[tuple[CaseRecord, Action]]:
    pairs = [(case, action) for case in CASES for action in case.legal_actions() if action in action_modals.FORMS]
    return pairs


FORM_CASES = _form_cases()


def test_every_form_is_drawn():
    assert {action for _case, action in FORM_CASES} == set(action_modals.FORMS)


@pytest.mark.parametrize(("case", "action"), FORM_CASES, ids=lambda x: f"{x.kind}-{x.state}-{x.id}"
                         if isinstance(x, CaseRecord) else str(x))
def test_every_action_form(tr, case, action):  # noqa: F811
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
def test_the_amazon_date_modal(tr, case):  # noqa: F811
    view = action_modals.stated_date_modal(tr, case, context=ModalContext(case_id=case.id), now=NOW, team=TEAM)
    check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Amazon's date"))


def test_the_amazon_date_modal_with_two_deadlines_offers_a_choice(tr):  # noqa: F811
    case = make_case(CaseKind.CHARGEBACK, State.INFO_REQUESTED, 31, deadlines=(
        deadline(1, DeadlineKind.CHARGEBACK_REPLY, at(days=1)), deadline(2, DeadlineKind.CHARGEBACK_INFO_REPLY,
                                                                         at(days=2))))
    view = action_modals.stated_date_modal(tr, case, context=ModalContext(), now=NOW, team=TEAM)
    check(view, tr, max_blocks=100)
    choices = options_of(view)
    assert len(choices) == 2 and all(len(c) <= 75 for c in choices)
    assert choices[0].startswith(tr._("Respond to the chargeback"))


@pytest.mark.parametrize("case", [c for c in CASES if c.is_open], ids=lambda c: f"{c.kind}-{c.state}-{c.id}")
def test_the_reassign_modal(tr, case):  # noqa: F811
    view = action_modals.reassign_modal(tr, case, context=ModalContext(case_id=case.id))
    check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Reassign"))


# ---------------------------------------------------------------- /safet list, show, help


@pytest.mark.parametrize("which", list(ListFilter))
def test_every_list(tr, which):  # noqa: F811
    open_cases = [c for c in CASES if c.is_open]
    shown = check(case_list.case_list(open_cases, which, tr, zone=LA, now=NOW), tr)
    assert case_list.list_title(which, tr) in shown
    empty = check(case_list.case_list([], which, tr, zone=LA, now=NOW), tr)
    if tr.locale == "zh_CN":
        assert "没有案件。" in empty and f"{len(open_cases)} 个案件" in shown
        assert "*已逾期" in shown  # the overdue case's hint, in bold


def test_a_long_list_says_how_to_see_the_rest(tr):  # noqa: F811
    many = [replace(CASES[0], id=1000 + i, order_id=f"{i:03d}-1111111-1111111") for i in range(60)]
    result = case_list.case_list(many, ListFilter.OPEN, tr, zone=LA, now=NOW)
    shown = check(result, tr)
    assert tr._("Showing the first {count}; a narrower filter shows the rest.", count=60) in shown


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}-{c.state}-{c.id}")
def test_show_every_case(tr, case):  # noqa: F811
    shown = check(case_list.case_detail(case, tr, zone=LA, holidays="US", now=NOW), tr)
    if tr.locale == "zh_CN":
        assert "*历史记录*" in shown and "创建了案件" in shown


def test_show_a_case_with_a_long_history(tr):  # noqa: F811
    events = tuple(EventRecord(i, at(hours=-i), "U0OWNER", "answer", State.INFO_REQUESTED, State.ANSWERED,
                               {"note": f"Reply {i}"}) for i in range(20))
    case = replace(case_where(CaseKind.SAFET, State.ANSWERED), events=events)
    shown = check(case_list.case_detail(case, tr, zone=LA, holidays="US", now=NOW), tr)
    assert tr.n_("… {count} earlier event", "… {count} earlier events", 5) in shown


@pytest.mark.parametrize("unknown", [None, "frobnicate", "<!channel>"])
def test_help(tr, unknown):  # noqa: F811
    shown = check(case_list.help_message(tr, unknown=unknown), tr)
    if tr.locale == "zh_CN":
        assert "`/safet file [订单编号]`" in shown and "【等待卖家回复】" in shown
        assert "*File a SAFE-T claim*" in shown  # Slack shows the manifest's English shortcut names
    if unknown == "<!channel>":
        assert "<!channel>" not in shown


# ---------------------------------------------------------------- App Home


@pytest.mark.parametrize("failed", [0, 3])
def test_app_home(tr, failed):  # noqa: F811
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


def test_app_home_with_many_cases_of_yours(tr):  # noqa: F811
    mine = [replace(CASES[0], id=2000 + i) for i in range(home.MINE_SHOWN)]
    view = home.home_view(HomeData(mine, mine, {}, 0), tr, zone=LA, now=NOW, chosen_locale="en")
    shown = check(view, tr, max_blocks=100)
    assert "`/safet list mine`" in shown


@pytest.mark.parametrize("case", [None, *CASES[:6]], ids=lambda c: f"{c.kind}-{c.state}" if c else "gone")
def test_the_case_modal_of_app_home(tr, case):  # noqa: F811
    view = home.case_modal(case, tr, zone=LA, holidays="US", now=NOW)
    check(view, tr, max_blocks=100)
    modal_fits(view, tr, tr._("Case {order_id}", order_id=case.order_id) if case else tr._("Case"))


# ---------------------------------------------------------------- notices


def reader(tr: Translator) -> notices.Reader:  # noqa: F811
    return notices.Reader(tr=tr, zone=LA, now=NOW)


DEADLINE_CASES = [(c, d) for c in CASES for d in c.open_deadlines]


@pytest.mark.parametrize("stage", ["warn-24h", OVERDUE])
@pytest.mark.parametrize(("case", "due"), DEADLINE_CASES, ids=lambda x: str(getattr(x, "kind", x)))
def test_deadline_warnings_and_overdue_notices(tr, case, due, stage):  # noqa: F811
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
def test_outcome_notices(tr, case, event):  # noqa: F811
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
def test_approval_notices(tr, action, kind):  # noqa: F811
    case = replace(case_where(kind, State.APPROVED if action is Action.APPROVE else State.PREPARING
                              if kind is CaseKind.SAFET else State.ACTION_REQUIRED), needs_approval=True)
    event = EventRecord(5, at(minutes=-5), "U0LEAD", str(action), State.AWAITING_APPROVAL, case.state,
                        {"note": "Attach the penalty notice."})
    shown = check(notices.approval_notice(case, event, reader(tr)), tr)
    if tr.locale == "zh_CN":
        assert "组长备注" in shown and ("退回了您的案件" if action is Action.SEND_BACK else "审核通过您的案件") in shown


@pytest.mark.parametrize("count", [1, 4, 40])
def test_the_digest(tr, count):  # noqa: F811
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


def test_the_daily_summary(tr):  # noqa: F811
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
