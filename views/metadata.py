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
    lead: bool | None = None
    """Whether the person was a lead when the form opened (Slack was asked then, outside any ack)."""
    account: str | None = None
    """The seller account of the case the form is for: whose leads count on submit."""
    email_at: int | None = None
    """The exact instant (Unix seconds) of the email a form was prefilled from; the time picker has minutes."""
    email: str | None = None
    """The intake button's value (``views.intake.Prefill``) a new case's form was opened from: an email about
    a case nobody recorded opens it in the state the email shows."""

    def dumps(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> ModalContext:
        """The context written by ``dumps``; anything else (forged, garbled) reads as an empty context,
        which the handlers then refuse as an out-of-date form."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        kept = {}
        for name in _INT_FIELDS | _STR_FIELDS | {"lead"}:
            value = data.get(name)
            wanted = int if name in _INT_FIELDS else bool if name == "lead" else str
            if value is not None and (type(value) is not wanted):
                return cls()
            kept[name] = value
        return cls(**kept)


_INT_FIELDS = frozenset({"case_id", "version", "deadline_id", "email_at"})
_STR_FIELDS = frozenset({f.name for f in fields(ModalContext)}) - _INT_FIELDS - {"lead"}


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
