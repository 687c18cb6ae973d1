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
}

OVERDUE = "overdue"
MAX_OFFSET = timedelta(days=90)
_OFFSET = re.compile(r"([0-9]+)\s*([hmd])", re.ASCII)
_UNITS = {"h": "hours", "m": "minutes", "d": "days"}

# Kinds the sweep settles by itself when due: the claim closes, the window ends. The rest get
# an overdue notice and stay open, since a late answer can still save the money.
SELF_SETTLING = frozenset({DeadlineKind.SAFET_INFO_REPLY, DeadlineKind.OUTCOME_WINDOW})

# Kinds that lapse when due: nothing late can still be done (Seller Central takes no appeal after
# its "Appeal by" date). Their overdue notice is posted once, as for any task, and the sweep settles
# the deadline as missed with no change of state, so it is not listed as overdue day after day.
EXPIRING = frozenset({DeadlineKind.APPEAL_BY})


def stage_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"warn-{minutes // 60}h" if minutes % 60 == 0 else f"warn-{minutes}m"


def parse_ladder(text: str | None) -> Ladder:
    """``SAFET_WARNINGS``: ``chargeback_reply=48h,24h,4h;safet_info_reply=24h,4h`` (kinds not named
    keep their defaults; an empty list turns warnings off for that kind)."""
    ladder = dict(DEFAULT_LADDER)
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        name, equals, offsets = part.partition("=")
        if not equals:
            raise ValueError(f"write {part}=<offsets> in SAFET_WARNINGS (e.g. {part}=24h,4h; empty turns it off)")
        try:
            kind = DeadlineKind(name.strip())
        except ValueError:
            raise ValueError(f"unknown deadline kind {name.strip()!r} in SAFET_WARNINGS; use one of "
                             + ", ".join(k.value for k in DeadlineKind)) from None
        values = []
        for item in filter(None, (o.strip() for o in offsets.split(","))):
            match = _OFFSET.fullmatch(item)
            if not match:
                raise ValueError(f"bad offset {item!r} in SAFET_WARNINGS; write e.g. 48h, 30m or 2d")
            offset = timedelta(**{_UNITS[match[2]]: min(int(match[1]), 10**6)})
            if offset > MAX_OFFSET:
                raise ValueError(f"offset {item!r} in SAFET_WARNINGS is longer than {MAX_OFFSET.days} days")
            values.append(offset)
        ladder[kind] = tuple(sorted(values, reverse=True))
    return ladder


def stages(kind: DeadlineKind, due_at: datetime, ladder: Ladder) -> list[tuple[str, datetime]]:
    """Every (stage, post instant) for a deadline, earliest first; the overdue stage last."""
    planned = [(stage_name(offset), due_at - offset) for offset in ladder.get(kind, ())]
    if kind not in SELF_SETTLING:
        planned.append((OVERDUE, due_at))
    return planned
