"""The catalogs: complete (the checker finds nothing), Seller Central's own Chinese terms, Slack mrkdwn
that still renders once translated, locale negotiation and per-locale formatting; and the checker
itself, which must catch a broken catalog."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from rules.kinds import Action, SafetReason, State
from tools import i18n_check
from views.i18n import LOCALE_DIR, Translator, negotiate, translator

ZH_PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po"


def _catalog(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _pairs(catalog: Catalog) -> list[tuple[str, str]]:
    """(English message ID, its translation) for every entry and every plural form."""
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings)]
    return pairs


ZH_PAIRS = _pairs(_catalog(ZH_PO, "zh_CN"))


# ---------------------------------------------------------------- the catalogs are complete


def test_the_catalogs_are_complete():
    """THE check: every message in the code is in both catalogs, translated in zh_CN with the same
    placeholders, and the compiled .mo files match their .po files."""
    assert i18n_check.problems() == []


def test_the_english_catalog_keeps_the_source_text():
    """English is the source: its entries are present and left empty (gettext falls back to the ID)."""
    entries = [m for m in _catalog(EN_PO, "en") if m.id]
    assert entries and all(not any(m.string) if isinstance(m.string, tuple) else not m.string for m in entries)


def test_chinese_translations_keep_slack_markup_and_tokens():
    """Emoji codes, mentions, channel links and the number of mrkdwn markers survive translation."""
    for msgid, text in ZH_PAIRS:
        for token in re.findall(r":[a-z_]+:|<[@#!][^>]*>", msgid):
            assert token in text, (msgid, text)
        for marker in "*`":
            assert text.count(marker) == msgid.count(marker), (msgid, text)
        assert text.count("\n") == msgid.count("\n"), (msgid, text)


# ---------------------------------------------------------------- Slack mrkdwn next to Chinese text

_FENCE = re.compile(r"```.*?```", re.S)
_CODE = re.compile(r"`[^`\n]+`")
_BOLD = re.compile(r"\*[^*\n]+\*")


def _edge_ok(char: str) -> bool:
    """Slack formats ``*bold*`` and ``code`` only between half-width boundaries: a CJK character or
    full-width punctuation right outside the marker (or a placeholder that may become one) shows the
    asterisks or backticks literally."""
    return char == "" or char.isspace() or (char.isascii() and not char.isalnum() and char != "}")


def mrkdwn_edge_problems(text: str) -> list[str]:
    """The ``*bold*`` and ``code`` spans of ``text`` that Slack would not format."""
    found = []
    masked = _FENCE.sub(lambda m: "a" * len(m[0]), text)
    for pattern in (_CODE, _BOLD):
        for match in pattern.finditer(masked):
            before = masked[match.start() - 1] if match.start() else ""
            after = masked[match.end()] if match.end() < len(masked) else ""
            if not (_edge_ok(before) and _edge_ok(after)):
                found.append(text[max(0, match.start() - 2):match.end() + 2])
        if pattern is _CODE:  # bold is looked for outside code spans
            masked = _CODE.sub(lambda m: "a" * len(m[0]), masked)
    return found


def test_the_mrkdwn_edge_check_catches_markers_against_chinese_text():
    assert mrkdwn_edge_problems("请按 *已回复* 按钮。\n`/safet help`: 本帮助") == []
    assert mrkdwn_edge_problems("按钮。`/safet help`") == ["钮。`/safet help`"]
    assert mrkdwn_edge_problems("请按*已回复*按钮") == ["请按*已回复*按钮"]
    assert mrkdwn_edge_problems("*{title}*: 没有案件") == []
    assert mrkdwn_edge_problems("*{title}*\uff1a没有案件") == ["*{title}*\uff1a没"]
    assert mrkdwn_edge_problems("使用 `/safet chargeback`。") == ["用 `/safet chargeback`。"]
    assert mrkdwn_edge_problems("{what}*{relative}*") == ["t}*{relative}*"]
    assert mrkdwn_edge_problems("```粘贴*文字*```") == []


def test_chinese_translations_keep_mrkdwn_formatting_working():
    problems = [(msgid, text, mrkdwn_edge_problems(text)) for msgid, text in ZH_PAIRS if mrkdwn_edge_problems(text)]
    assert problems == []


def test_chinese_punctuation_follows_the_seller_central_pages():
    """The seeds write ( ) , : ; half-width next to 。、“”【】; full-width ones would also break mrkdwn edges."""
    full_width = set("（），：；！？")
    assert [text for _msgid, text in ZH_PAIRS if full_width & set(text)] == []
    assert [text for _msgid, text in ZH_PAIRS if "你" in text] == [], "Seller Central says 您"


# ---------------------------------------------------------------- Seller Central's own Chinese terms

GLOSSARY = [
    # (English in the message ID, Chinese the translation must use, case-insensitive match)
    ("Seller Central", "卖家平台", False),
    ("SAFE-T claim", "SAFE-T 索赔", True),
    ("Manage SAFE-T Claims", "管理 SAFE-T 索赔", False),
    ("File a new SAFE-T Claim", "提出新的 SAFE-T 索赔", False),
    ("Check Eligibility", "检查资格", False),
    ("penalty", "罚款", True),
    ("chargeback", "信用卡拒付", True),
    ("Represent your case", "反映您的情况", False),
    ("Action Required", "需操作", False),
    ("Awaiting Seller Response", "等待卖家回复", False),
    ("Under Investigation", "正在进行调查", False),
    ("Resolved", "已解决", False),
    ("2 business days", "2 个工作日", False),
    ("7 calendar days", "七个日历日", False),
    ("assigned to you", "分配给您的订单", False),
    ("investigator", "调查员", True),
    ("issuing bank", "发卡银行", True),
    ("Trip Credit", "运费款项(Trip Credit", False),
    ("(Grant)", "(Grant)", False),
    ("No-Grant", "No-Grant", False),
]


@pytest.mark.parametrize(("english", "chinese", "any_case"), GLOSSARY, ids=[g[0] for g in GLOSSARY])
def test_chinese_uses_seller_centrals_terms(english, chinese, any_case):
    def names(msgid: str) -> bool:
        return english.lower() in msgid.lower() if any_case else english in msgid

    wrong = [(msgid, text) for msgid, text in ZH_PAIRS if names(msgid) and chinese not in text]
    assert wrong == []


def test_trip_credit_is_never_left_as_a_bare_shipping_payment():
    """运费款项 alone reads as shipping costs: it always comes with the English term."""
    tr = Translator("zh_CN")
    assert tr.label(SafetReason.TRIP_CREDIT) == "运费款项(Trip Credit,上门服务未能完成的补偿)"
    assert all("运费款项(Trip Credit" in text for _msgid, text in ZH_PAIRS if "运费款项" in text)


def test_grant_and_no_grant_keep_amazons_english_term():
    tr = Translator("zh_CN")
    assert tr.label(State.REIMBURSED) == "已赔偿(Grant)"
    assert tr.label(State.DENIED) == "不批准(No-Grant)"
    assert tr.label(Action.DENY) == "不批准"


# ---------------------------------------------------------------- negotiation and formatting


@pytest.mark.parametrize(("requested", "expected"), [
    ("zh-CN", "zh_CN"), ("zh_CN", "zh_CN"), ("zh-Hans-CN", "zh_CN"), ("en-GB", "en"), ("en-US", "en"),
    ("fr-FR", "en"), (None, "en"), ("", "en"),
])
def test_slack_locales_negotiate_to_a_shipped_catalog(requested, expected):
    assert negotiate(requested) == expected


def test_an_unsupported_locale_falls_back_to_the_configured_default():
    assert negotiate("fr-FR", default="zh_CN") == "zh_CN"
    assert negotiate(None, default="zh_CN") == "zh_CN"
    assert negotiate("de-DE", default="tlh") == "en"


def test_money_and_dates_are_formatted_per_locale():
    en, zh = translator("en-US"), translator("zh-CN")
    assert (en.locale, zh.locale) == ("en", "zh_CN")
    assert en.money(12999, "USD") == "$129.99"
    assert zh.money(12999, "USD") == "US$129.99"
    assert en.money(None) == zh.money(None) == "—"
    assert en.day(date(2026, 11, 24)) == "Nov 24, 2026"
    assert zh.day(date(2026, 11, 24)) == "2026年11月24日"


def test_relative_times_read_naturally_in_each_language():
    now = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    en, zh = Translator("en"), Translator("zh_CN")
    assert en.relative(now + timedelta(days=2), now) == "in 2 days"
    assert zh.relative(now + timedelta(days=2), now) == "2天后"
    assert en.relative(now - timedelta(hours=3), now) == "overdue by 3 hours"
    assert zh.relative(now - timedelta(hours=3), now) == "已逾期 3小时"


def test_messages_keep_their_placeholders_filled_in_chinese():
    zh = Translator("zh_CN")
    assert zh._("Case {order_id}", order_id="123-1234567-1234567") == "案件 123-1234567-1234567"
    assert zh.n_("*{title}*: {count} case", "*{title}*: {count} cases", 3, title="未结案件") == "*未结案件*: 3 个案件"
    assert zh._("Seller Central: {tab}", tab=State.ACTION_REQUIRED) == "卖家平台:需操作"


# ---------------------------------------------------------------- the checker catches a broken catalog

_SOURCE = {
    "Amount: {amount}": "views/case_list.py:1",
    "No such case.": "store/cases.py:1",
    "Order {order_id} already has a chargeback case.": "store/cases.py:2",
}
_GOOD_ZH = {
    "Amount: {amount}": "金额:{amount}",
    "No such case.": "找不到该案件。",
    "Order {order_id} already has a chargeback case.": "订单 {order_id} 已有信用卡拒付索赔案件。",
}


@pytest.fixture
def planted(tmp_path, monkeypatch):
    """A tiny project for the checker: three messages in the code, an en and a zh_CN catalog, compiled."""
    locale_dir = tmp_path / "slack_app" / "locale"
    monkeypatch.setattr(i18n_check, "ROOT", tmp_path)
    monkeypatch.setattr(i18n_check, "LOCALE_DIR", locale_dir)
    monkeypatch.setattr(i18n_check, "source_messages", lambda: dict(_SOURCE))

    def write(locale: str, strings: dict[str, str], *, compile_mo: bool = True) -> None:
        catalog = Catalog(locale=locale)
        for msgid, text in strings.items():
            catalog.add(msgid, text, flags=("python-brace-format",) if "{" in msgid else ())
        folder = locale_dir / locale / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "messages.po").open("wb") as handle:
            write_po(handle, catalog)
        if compile_mo:
            with (folder / "messages.mo").open("wb") as handle:
                write_mo(handle, catalog)

    write("en", dict.fromkeys(_SOURCE, ""))
    return write


def test_the_planted_project_is_clean(planted):
    planted("zh_CN", _GOOD_ZH)
    assert i18n_check.problems() == []


def test_the_checker_catches_a_changed_placeholder(planted):
    planted("zh_CN", {**_GOOD_ZH, "Order {order_id} already has a chargeback case.": "订单 {order} 已有案件。"})
    found = i18n_check.problems()
    assert len(found) == 1 and "placeholders differ" in found[0] and "['order']" in found[0]


def test_the_checker_catches_a_missing_and_an_untranslated_message(planted):
    strings = {**_GOOD_ZH, "No such case.": ""}
    del strings["Amount: {amount}"]
    planted("zh_CN", strings)
    found = i18n_check.problems()
    assert any("not in the catalog" in line and "Amount: {amount}" in line for line in found)
    assert any("untranslated" in line and "No such case." in line for line in found)


def test_the_checker_catches_a_stale_compiled_catalog(planted):
    planted("zh_CN", _GOOD_ZH)
    planted("zh_CN", {**_GOOD_ZH, "No such case.": "没有这个案件。"}, compile_mo=False)
    assert any("stale" in line for line in i18n_check.problems())


def test_the_checker_accepts_compiled_plural_messages(planted, monkeypatch):
    """A plural entry compiled by pybabel reads back from the .mo with list IDs: it must count as up to date."""
    monkeypatch.setattr(i18n_check, "source_messages",
                        lambda: {**_SOURCE, "… {count} earlier event": "views/case_list.py:2"})
    locale_dir = i18n_check.LOCALE_DIR
    for locale, forms in (("en", ("", "")), ("zh_CN", ("… 更早的 {count} 条记录",))):
        folder = locale_dir / locale / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=locale)
        for msgid, text in (_GOOD_ZH.items() if locale == "zh_CN" else dict.fromkeys(_SOURCE, "").items()):
            catalog.add(msgid, text)
        catalog.add(("… {count} earlier event", "… {count} earlier events"), forms)
        with (folder / "messages.po").open("wb") as handle:
            write_po(handle, catalog)
        with (folder / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)
    assert i18n_check.problems() == []


def test_the_real_catalog_with_one_broken_placeholder_is_caught(tmp_path, monkeypatch):
    """The shipped zh_CN catalog, copied, with one msgstr's placeholder renamed."""
    copy = tmp_path / "slack_app" / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    po = copy / "zh_CN" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "案件 {order_id}"' in text
    po.write_text(text.replace('msgstr "案件 {order_id}"', 'msgstr "案件 {order}"'), encoding="utf-8")
    for compiled in copy.glob("*/LC_MESSAGES/messages.mo"):
        compiled.unlink()  # only the .po is under test here
    monkeypatch.setattr(i18n_check, "ROOT", tmp_path)
    monkeypatch.setattr(i18n_check, "LOCALE_DIR", copy)
    monkeypatch.setattr(i18n_check, "source_messages", lambda: {"Case {order_id}": "views/home.py:1"})
    found = i18n_check.problems()
    assert any("placeholders differ in 'Case {order_id}'" in line for line in found)
    assert any("messages.mo is missing" in line for line in found)


def test_placeholders_are_compared_by_name_not_order():
    assert i18n_check.placeholders("{due} ({relative}) {what}") == {"what", "due", "relative"}
    assert i18n_check.placeholders("{amount:>10}") == {"amount"}
