"""Dates as emails write them: a forwarded header block's ``Date:``/``Sent:``/``日期:``, Amazon's "Reply by".

Only the formats listed here are read, never a guess: an unknown format is "no date found". A time
without a zone is read in the team's zone (and said so); a date without a time means the end of that
day there, as the rules count calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from rules.deadlines import end_of_day, local_instant
from rules.parsing import normalize

from .letter import header_instant

# North American zone abbreviations as Amazon US and mail clients print them; "PT" etc. follow DST.
_FIXED = {"UTC": 0, "GMT": 0, "Z": 0, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CST": -6, "CDT": -5,
          "EST": -5, "EDT": -4, "BST": 1, "CET": 1, "CEST": 2, "JST": 9, "北京时间": 8}
_NAMED = {"PT": "America/Los_Angeles", "MT": "America/Denver", "CT": "America/Chicago", "ET": "America/New_York",
          "PACIFIC TIME": "America/Los_Angeles"}
_ZONE = re.compile(
    r"(?:\(?\s*(?P<abbr>PACIFIC TIME|北京时间|[A-Z]{1,4})\s*\)?"
    r"|(?:GMT|UTC)?\s*(?P<sign>[+-])(?P<hh>[0-9]{1,2}):?(?P<mm>[0-9]{2})?)\s*$", re.IGNORECASE)
_WEEKDAYS = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\b\.?|星期[一二三四五六日天]|周[一二三四五六日天]",
    re.IGNORECASE)
_FORMATS_WITH_TIME = (
    "%B %d %Y %I:%M:%S %p", "%B %d %Y %I:%M %p", "%b %d %Y %I:%M:%S %p", "%b %d %Y %I:%M %p",
    "%d %B %Y %I:%M %p", "%d %b %Y %I:%M %p", "%B %d %Y %H:%M:%S", "%B %d %Y %H:%M", "%b %d %Y %H:%M:%S",
    "%b %d %Y %H:%M", "%d %B %Y %H:%M:%S", "%d %B %Y %H:%M", "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日 %I:%M %p",
)
_FORMATS_DATE = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y年%m月%d日")


@dataclass(frozen=True)
class Stated:
    """An instant read from text, and how sure it is."""

    at: datetime
    has_time: bool
    zone_assumed: bool
    """No zone was written: the time was read in the team's zone."""


def _zone_of(text: str) -> tuple[str, timezone | ZoneInfo | None]:
    match = _ZONE.search(text)
    if not match:
        return text, None
    if match["abbr"]:
        abbr = match["abbr"].upper()
        if abbr in _FIXED:
            return text[: match.start()], timezone(timedelta(hours=_FIXED[abbr]))
        if abbr in _NAMED:
            return text[: match.start()], ZoneInfo(_NAMED[abbr])
        return text, None  # AM, PM or a month: not a zone
    offset = timedelta(hours=int(match["hh"]), minutes=int(match["mm"] or 0))
    if offset > timedelta(hours=14):
        return text, None
    return text[: match.start()], timezone(-offset if match["sign"] == "-" else offset)


def _clean(text: str) -> str:
    text = normalize(text)
    text = text.replace("上午", " AM ").replace("下午", " PM ").replace("晚上", " PM ")
    text = _WEEKDAYS.sub(" ", text)
    text = re.sub(r"\bat\b|,|(?<=\d)(?:st|nd|rd|th)\b|\.(?=\s|$)", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*\)|（\s*）", " ", text)
    text = re.sub(r"\b([AP]M)\s+([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)", r"\2 \1", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<=日)(?=\d)", " ", text)
    text = re.sub(r"(?<=\d)(?=[AP]M\b)", " ", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


def _instant(day: date, at: time, zone: timezone | ZoneInfo) -> datetime:
    if isinstance(zone, ZoneInfo):
        return local_instant(day, at, zone)
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def parse_stated(raw: str, team_zone: ZoneInfo | timezone) -> Stated | None:
    """A date (and time) as an email writes it, as an exact UTC instant; ``None`` when not one of the formats."""
    if not raw or len(raw) > 80:
        return None
    rfc = header_instant(raw) if re.search(r"[+-][0-9]{4}\b|\bGMT\b|\bUTC\b", raw) else None
    if rfc is not None and re.search(r"[0-9]{1,2}:[0-9]{2}", raw):
        return Stated(rfc, True, False)
    text, zone = _zone_of(_clean(raw))
    text = text.strip()
    for pattern in _FORMATS_WITH_TIME:
        try:
            wall = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return Stated(_instant(wall.date(), wall.time(), zone or team_zone), True, zone is None)
    for pattern in _FORMATS_DATE:
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        in_zone = zone or team_zone
        if isinstance(in_zone, ZoneInfo):
            return Stated(end_of_day(day, in_zone), False, zone is None)
        return Stated(_instant(day + timedelta(days=1), time(0, 0), in_zone), False, zone is None)
    return None


def first_stated(fragment: str, team_zone: ZoneInfo | timezone) -> Stated | None:
    """The longest leading run of words in ``fragment`` that reads as a date ("Dec 4, 2026 3:00 PM PST to …")."""
    words = normalize(fragment).split()[:10]
    for end in range(len(words), 0, -1):
        found = parse_stated(" ".join(words[:end]).rstrip(".;:,。，；"), team_zone)
        if found is not None:
            return found
    return None
