"""Translations (gettext catalogs managed with Babel) and locale-aware formatting.

Views receive a ``Translator`` for the person or channel they draw for; message IDs are the
English text with ``{named}`` placeholders, so a translation can reorder them freely.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, format_timedelta
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

from rules import deadlines, emails, kinds
from rules.errors import DomainError

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
"""Each shipped language in its own words, for the pickers."""
DOMAIN = "messages"
SUPPORTED = ("en", "zh_CN")

_LABELS: dict[type[StrEnum], dict[Any, str]] = {
    kinds.CaseKind: kinds.KIND_LABELS,
    kinds.SafetReason: kinds.REASON_LABELS,
    kinds.SafetProgram: kinds.PROGRAM_LABELS,
    kinds.ComplaintType: kinds.COMPLAINT_LABELS,
    kinds.State: kinds.STATE_LABELS,
    kinds.Action: kinds.ACTION_LABELS,
    kinds.SellerCentralTab: kinds.TAB_LABELS,
    deadlines.DeadlineKind: deadlines.DEADLINE_LABELS,
    emails.EmailKind: emails.KIND_LABELS,
    emails.Missing: emails.MISSING_LABELS,
}


def negotiate(requested: str | None, default: str = "en") -> str:
    """Slack's ``zh-CN`` / ``en-US`` (or a stored choice) to one of the catalogs we ship."""
    if not requested:
        return default if default in SUPPORTED else "en"
    tag = requested.replace("-", "_")
    if tag.lower().startswith("zh"):
        return "zh_CN"
    if tag.lower().startswith("en"):
        return "en"
    return default if default in SUPPORTED else "en"


@lru_cache(maxsize=8)
def _catalog(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [locale], DOMAIN)


class Translator:
    """Everything a view needs to speak one locale."""

    def __init__(self, locale: str = "en") -> None:
        self.locale = negotiate(locale)
        self._translations = _catalog(self.locale)
        self._babel = Locale.parse(self.locale)

    def __repr__(self) -> str:
        return f"Translator({self.locale!r})"

    def _(self, message: str, **params: Any) -> str:
        """Translate ``message`` and fill its placeholders (enum values become their labels)."""
        text = self._translations.gettext(message)
        return text.format(**{k: self.value(v) for k, v in params.items()}) if params else text

    def n_(self, singular: str, plural: str, count: int, **params: Any) -> str:
        text = self._translations.ngettext(singular, plural, count)
        return text.format(count=count, **{k: self.value(v) for k, v in params.items()})

    def label(self, value: StrEnum) -> str:
        return self._translations.gettext(_LABELS[type(value)][value])

    def value(self, value: Any) -> Any:
        if isinstance(value, StrEnum) and type(value) in _LABELS:
            return self.label(value)
        return value

    def error(self, error: DomainError) -> str:
        return self._(error.message, **error.params)

    # ------------------------------------------------------------ formatting

    def money(self, cents: int | None, currency: str = "USD", *, whole: bool = False) -> str:
        """An amount in this locale; ``whole`` drops ``.00`` from a round amount ("$50 flat")."""
        if cents is None:
            return "—"
        from decimal import Decimal

        from rules.parsing import currency_decimals

        decimals = currency_decimals(currency)
        amount = Decimal(cents).scaleb(-decimals)
        if whole and cents % 10**decimals == 0:
            return format_currency(amount, currency, locale=self._babel, format="¤#,##0", currency_digits=False)
        return format_currency(amount, currency, locale=self._babel)

    def weekdays(self, days: frozenset[int]) -> str:
        """Weekday numbers (Monday 0) as this locale abbreviates them: "Sun", "周日"."""
        names = self._babel.days["format"]["abbreviated"]
        return ", ".join(names[d] for d in sorted(days)) or "—"

    def day(self, value: date) -> str:
        return format_date(value, "medium", locale=self._babel)

    def weekday_day(self, value: date) -> str:
        """ "Sat, Dec 19" / "12月19日周六": the day a deadline ends, with its weekday."""
        return format_skeleton("MMMEd", value, locale=self._babel)

    def clock_time(self, value: datetime, zone: ZoneInfo) -> str:
        """ "11:59 PM PST" / "23:59 PST": a time of day with the zone's abbreviation."""
        local = value.astimezone(zone)
        return f"{format_time(local, 'short', tzinfo=zone, locale=self._babel)} {local.tzname() or ''}".strip()

    def moment(self, value: datetime, zone: ZoneInfo) -> str:
        """An instant as the viewer's zone reads it, with the zone's abbreviation."""
        local = value.astimezone(zone)
        return self._("{day} {time} {zone}", day=format_date(local.date(), "medium", locale=self._babel),
                      time=format_time(local, "short", tzinfo=zone, locale=self._babel), zone=local.tzname() or "")

    def relative(self, due: datetime, now: datetime) -> str:
        """ "in 2 days" or "overdue by 3 hours", in this locale."""
        delta = due - now
        if delta.total_seconds() >= 0:
            return self._("in {duration}", duration=format_timedelta(delta, locale=self._babel, threshold=1.1))
        return self._("overdue by {duration}", duration=format_timedelta(-delta, locale=self._babel, threshold=1.1))


def translator(locale: str | None) -> Translator:
    return _translator(negotiate(locale))


@lru_cache(maxsize=8)
def _translator(locale: str) -> Translator:
    return Translator(locale)
