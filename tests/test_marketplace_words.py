"""Every count a person reads beside a deadline is the case's marketplace's: each built-in marketplace's
modal hints, notices, card rule lines and help say its own numbers (an AE claim: 3 business days, with
Saturdays worked; never the US "2 business days")."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from rules.deadlines import DeadlineKind, DeadlineRule, DeadlineStatus
from rules.kinds import Action, CaseKind, State
from rules.marketplaces import BUILT_IN
from rules.records import DeadlineRecord, EventRecord
from tests.test_views_render import NOW, make_case
from views.action_modals import action_modal
from views.case_card import case_card
from views.case_list import help_message
from views.i18n import Translator
from views.market_view import MarketView
from views.metadata import ModalContext
from views.notices import Reader, outcome_notice

MARKETS = sorted(BUILT_IN)
LANGUAGES = [("en", "{n} business day", "{n}-day", "{n} calendar day", "up to {n} day"),
             ("zh_CN", "{n} 个工作日", "{n} 天", "{n} 个日历日", "{n} 天")]


def shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=lambda block: block.to_dict())


def modal(market: str, kind: CaseKind, state: State, action: Action, locale: str) -> str:
    case = replace(make_case(kind, state, 7), marketplace=market)
    context = ModalContext(case_id=case.id, action=action.value, version=case.version)
    return shown(action_modal(Translator(locale), case, action, context=context, now=NOW,
                              team=MarketView.of(BUILT_IN[market])))


@pytest.mark.parametrize("locale,business,_window,_calendar,_outcome", LANGUAGES)
@pytest.mark.parametrize("market", MARKETS)
def test_the_information_request_form_says_the_marketplaces_business_days(market, locale, business, _window,
                                                                           _calendar, _outcome):
    days = BUILT_IN[market].profile.safet_info_business_days
    text = modal(market, CaseKind.SAFET, State.FILED, Action.LOG_INFO_REQUEST, locale)
    assert text.count(business.format(n=days)) == 2  # the arrival hint and the "Reply by" hint
    if days != 2:
        assert business.format(n=2) not in text


@pytest.mark.parametrize("locale,_business,_window,_calendar,outcome", LANGUAGES)
@pytest.mark.parametrize("market", MARKETS)
def test_the_representation_form_says_the_marketplaces_outcome_window(market, locale, _business, _window,
                                                                      _calendar, outcome):
    days = BUILT_IN[market].profile.outcome_days
    text = modal(market, CaseKind.CHARGEBACK, State.ACTION_REQUIRED, Action.REPRESENT, locale)
    assert outcome.format(n=days) in text


def _reader(market: str, locale: str) -> Reader:
    m = BUILT_IN[market]
    return Reader(Translator(locale), m.zone, NOW, m.holidays_label, m.weekend, m.profile)


@pytest.mark.parametrize("locale,business,window,_calendar,_outcome", LANGUAGES)
@pytest.mark.parametrize("market", MARKETS)
def test_the_automatic_close_and_the_presumed_no_debit_say_the_marketplaces_days(market, locale, business, window,
                                                                                 _calendar, _outcome):
    profile = BUILT_IN[market].profile
    closed = replace(make_case(CaseKind.SAFET, State.AUTO_CLOSED, 3), marketplace=market, deadlines=())
    event = EventRecord(1, NOW, "system", Action.AUTO_CLOSE.value, State.INFO_REQUESTED, State.AUTO_CLOSED)
    text = shown(list(outcome_notice(closed, event, _reader(market, locale)).blocks))
    assert business.format(n=profile.safet_info_business_days) in text
    ended = DeadlineRecord(9, DeadlineKind.OUTCOME_WINDOW, DeadlineRule.OUTCOME_D, NOW - timedelta(days=90),
                           NOW, None, DeadlineStatus.ELAPSED, days=None)
    no_debit = replace(make_case(CaseKind.CHARGEBACK, State.NO_DEBIT, 4), marketplace=market, deadlines=(ended,))
    event = EventRecord(2, NOW, "system", Action.PRESUME_NO_DEBIT.value, State.REPRESENTED, State.NO_DEBIT)
    text = shown(list(outcome_notice(no_debit, event, _reader(market, locale)).blocks))
    assert window.format(n=profile.outcome_days) in text


@pytest.mark.parametrize("locale,_business,_window,calendar,_outcome", LANGUAGES)
@pytest.mark.parametrize("market", MARKETS)
def test_help_says_the_channels_chargeback_window(market, locale, _business, _window, calendar, _outcome):
    days = BUILT_IN[market].profile.chargeback_reply_days
    text = shown(help_message(Translator(locale), reply_days=days))
    assert calendar.format(n=days) in text


@pytest.mark.parametrize("market", MARKETS)
def test_the_cards_rule_line_names_the_marketplaces_count_holidays_and_weekend(market):
    m = BUILT_IN[market]
    request = m.safet_info_reply(NOW - timedelta(hours=3))
    deadline = DeadlineRecord(5, DeadlineKind.SAFET_INFO_REPLY, request.rule, request.basis_at, request.due_at,
                              None, DeadlineStatus.OPEN, days=request.days)
    case = replace(make_case(CaseKind.SAFET, State.INFO_REQUESTED, 5), marketplace=market, deadlines=(deadline,))
    tr = Translator("en")
    text = shown(case_card(case, tr, team=MarketView.of(m), now=NOW))
    assert f"{m.profile.safet_info_business_days} business days from the request" in text
    assert f"{tr._(m.holidays_label)} holidays skipped" in text
    assert ("weekend: Sun" in text) is (m.weekend == frozenset({6}))
