"""Typed context that travels through Slack: modal ``private_metadata`` and button values."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class ModalContext:
    """What a modal needs to remember between opening and submit (Slack keeps ≤ 3000 chars)."""

    case_id: int | None = None
    action: str | None = None
    version: int | None = None
    deadline_id: int | None = None
    channel_id: str | None = None
    """Where the command was typed, for ephemeral replies."""
    order_id: str | None = None
    email_at: int | None = None
    """The exact instant (Unix seconds) of the email a form was prefilled from; the time picker has minutes."""

    def dumps(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> ModalContext:
        if not text:
            return cls()
        data = json.loads(text)
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class CaseRef:
    """A button's value: which case, and the version the card showed when it was drawn."""

    case_id: int
    version: int

    def dumps(self) -> str:
        return f"{self.case_id}:{self.version}"

    @classmethod
    def loads(cls, text: str) -> CaseRef:
        case_id, _, version = text.partition(":")
        return cls(int(case_id), int(version or 0))
