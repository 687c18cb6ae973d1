"""What one sweep did (or, in a dry run, would do), and the notices it carries between its jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from views.notices import Message


@dataclass
class SweepResult:
    """What one sweep did (or, in a dry run, would do)."""

    posted: int = 0
    """Notices delivered (a digest delivers several in one message)."""
    skipped: int = 0
    """Missed warnings whose later stage already applied."""
    failed: int = 0
    """Notices Slack refused for good."""
    closed: int = 0
    """SAFE-T claims closed automatically (information request unanswered)."""
    presumed: int = 0
    """Chargebacks presumed in the seller's favour (outcome window ended with no debit)."""
    expired: int = 0
    """“Appeal by” dates that passed: settled missed, the case unchanged (its overdue notice still posted)."""
    left: int = 0
    """Due notices still queued after the sweep."""
    errors: list[str] = field(default_factory=list)
    """Why the sweep stopped early (Slack out of reach, token refused, lease lost); empty when all went out."""
    messages: int = 0
    recovered: int = 0
    """Notices of unknown fate found in Slack by their metadata and marked sent, not posted again."""
    unknown: int = 0
    """Notices whose reply was lost: looked up in the history by the next sweep before any re-send."""
    conflicts: int = 0
    """Cases another writer changed while this sweep settled them: skipped, tried again next sweep."""
    cancelled: int = 0
    cards: int = 0
    """Case cards redrawn (only those whose shown content changed)."""
    busy: bool = False
    """Another process held the sweep lock: this one did nothing."""
    dry_run: bool = False
    preview: list[str] = field(default_factory=list)
    """Dry run: every notice it would post and every case it would close, as terminal text."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.busy:
            return "another sweep is running on this database: nothing done"
        verb = "would post" if self.dry_run else "posted"
        parts = [f"{verb} {self.posted} notices in {self.messages} messages"]
        for count, words in (
                (self.skipped, "stale warnings skipped"), (self.failed, "refused by Slack"),
                (self.recovered, "found already posted"), (self.unknown, "of unknown fate (looked up next)"),
                (self.closed, "SAFE-T claims closed"), (self.presumed, "chargebacks presumed no debit"),
                (self.expired, "appeal windows closed"), (self.conflicts, "cases busy, left for next sweep"),
                (self.left, "left queued")):
            if count:
                parts.append(f"{words}: {count}")
        return "; ".join(parts)


@dataclass
class Item:
    """One notice ready to post: its outbox rows, rendered once."""

    key: str
    target: str
    kind: str
    rank: tuple[Any, ...]
    message: Message
    ids: tuple[int, ...] = ()
    case_id: int | None = None
    uncertain_since: datetime | None = None
    """Its fate is unknown since then (a lost reply, a dead sweep): it may be in Slack already."""
