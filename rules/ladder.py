"""The warning ladder: when, before each kind of deadline, the channel is warned."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from .deadlines import DeadlineKind

Ladder = dict[DeadlineKind, tuple[timedelta, ...]]

DEFAULT_LADDER: Ladder = {
    DeadlineKind.CHARGEBACK_REPLY: (timedelta(hours=48), timedelta(hours=24), timedelta(hours=4)),
    DeadlineKind.CHARGEBACK_INFO_REPLY: (timedelta(hours=24), timedelta(hours=4)),
    DeadlineKind.SAFET_INFO_REPLY: (timedelta(hours=24), timedelta(hours=4)),
    DeadlineKind.APPEAL_BY: (timedelta(hours=48), timedelta(hours=24)),
    DeadlineKind.OUTCOME_WINDOW: (),
    # A week ahead, two days ahead, and as the last day begins (its end is the deadline).
    DeadlineKind.FILE_BY: (timedelta(days=7), timedelta(days=2), timedelta(hours=24)),
}

OVERDUE = "overdue"
MAX_OFFSET = timedelta(days=90)
_OFFSET = re.compile(r"([0-9]+)\s*([hmd])", re.ASCII)
_UNITS = {"h": "hours", "m": "minutes", "d": "days"}

# Kinds the sweep settles by itself when due: the claim closes, the window ends. The rest get
# an overdue notice and stay open, since a late answer can still save the money.
SELF_SETTLING = frozenset({DeadlineKind.SAFET_INFO_REPLY, DeadlineKind.OUTCOME_WINDOW, DeadlineKind.FILE_BY})

# Kinds that lapse when due: nothing late can still be done (Seller Central takes no appeal after
# its "Appeal by" date). Their overdue notice is posted once, as for any task, and the sweep settles
# the deadline as missed with no change of state, so it is not listed as overdue day after day.
EXPIRING = frozenset({DeadlineKind.APPEAL_BY})


def stage_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"warn-{minutes // 60}h" if minutes % 60 == 0 else f"warn-{minutes}m"


SPANS = {
    DeadlineKind.SAFET_INFO_REPLY: timedelta(days=2),
    DeadlineKind.CHARGEBACK_REPLY: timedelta(days=7),
    DeadlineKind.OUTCOME_WINDOW: timedelta(days=90),
    DeadlineKind.FILE_BY: timedelta(days=30),
}
"""The shortest time each kind of deadline leaves (2 business days are at least 48 hours): a warning
further ahead would be due before the deadline even exists. Kinds whose date Amazon states keep ``MAX_OFFSET``."""


def _describe(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def check_ladder(kind: DeadlineKind, offsets: list[tuple[str, timedelta]]) -> tuple[timedelta, ...]:
    """Refuse two warnings at the same instant (``1d`` and ``24h`` are one stage), a warning at the
    deadline itself (that is the overdue notice), and one further ahead than the deadline's span."""
    span = SPANS.get(kind, MAX_OFFSET)
    seen: dict[str, str] = {}
    for item, offset in offsets:
        if offset <= timedelta(0):
            raise ValueError(f"SAFET_WARNINGS: {kind.value} warning {item!r} is at the deadline itself "
                             "(the overdue notice is sent then); use an offset before it")
        if offset > span:
            raise ValueError(f"SAFET_WARNINGS: {kind.value} warning {item!r} is further ahead than the deadline "
                             f"leaves ({_describe(span)}); use a shorter offset")
        stage = stage_name(offset)
        if stage in seen:
            raise ValueError(f"SAFET_WARNINGS: {kind.value} has two warnings at the same time ({seen[stage]} and "
                             f"{item}); give each warning its own offset")
        seen[stage] = item
    return tuple(sorted((offset for _, offset in offsets), reverse=True))


def parse_ladder(text: str | None) -> Ladder:
    """``SAFET_WARNINGS``: ``chargeback_reply=48h,24h,4h;safet_info_reply=24h,4h`` (kinds not named
    keep their defaults; an empty list turns warnings off for that kind). Bad values raise
    ``ValueError`` with one line naming the variable."""
    ladder = dict(DEFAULT_LADDER)
    named: set[DeadlineKind] = set()
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        name, equals, offsets = part.partition("=")
        if not equals:
            raise ValueError(f"write {part}=<offsets> in SAFET_WARNINGS (e.g. {part}=24h,4h; empty turns it off)")
        try:
            kind = DeadlineKind(name.strip())
        except ValueError:
            raise ValueError(f"unknown deadline kind {name.strip()!r} in SAFET_WARNINGS; use one of "
                             + ", ".join(k.value for k in DeadlineKind)) from None
        if kind in named:
            raise ValueError(f"SAFET_WARNINGS names {kind.value} twice; give all its offsets in one place")
        named.add(kind)
        values: list[tuple[str, timedelta]] = []
        for item in filter(None, (o.strip() for o in offsets.split(","))):
            match = _OFFSET.fullmatch(item)
            if not match:
                raise ValueError(f"bad offset {item!r} in SAFET_WARNINGS; write e.g. 48h, 30m or 2d")
            offset = timedelta(**{_UNITS[match[2]]: min(int(match[1]), 10**6)})
            if offset > MAX_OFFSET:
                raise ValueError(f"offset {item!r} in SAFET_WARNINGS is longer than {MAX_OFFSET.days} days")
            values.append((item, offset))
        ladder[kind] = check_ladder(kind, values)
    return ladder


def stages(kind: DeadlineKind, due_at: datetime, ladder: Ladder) -> list[tuple[str, datetime]]:
    """Every (stage, post instant) for a deadline, earliest first; the overdue stage last."""
    planned = [(stage_name(offset), due_at - offset) for offset in ladder.get(kind, ())]
    if kind not in SELF_SETTLING:
        planned.append((OVERDUE, due_at))
    return planned
