"""Reading a submitted modal's state without caring which element type each field used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from rules.errors import DomainError
from rules.text import N_


@dataclass(frozen=True)
class Form:
    values: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, view: dict[str, Any]) -> Form:
        return cls(view.get("state", {}).get("values", {}))

    def _element(self, block_id: str) -> dict[str, Any]:
        block = self.values.get(block_id) or {}
        return next(iter(block.values()), {})

    def text(self, block_id: str) -> str:
        return self._element(block_id).get("value") or ""

    def selected(self, block_id: str) -> str | None:
        option = self._element(block_id).get("selected_option")
        return option["value"] if option else None

    def checked(self, block_id: str) -> list[str]:
        return [o["value"] for o in self._element(block_id).get("selected_options") or []]

    def date(self, block_id: str) -> date | None:
        value = self._element(block_id).get("selected_date")
        return date.fromisoformat(value) if value else None

    def time(self, block_id: str) -> time | None:
        """A ``timepicker`` value ("HH:MM"), as a wall-clock time."""
        value = self._element(block_id).get("selected_time")
        return time.fromisoformat(value) if value else None

    def instant(self, block_id: str) -> datetime | None:
        """A ``datetimepicker`` value (a UNIX timestamp, so no zone guessing)."""
        value = self._element(block_id).get("selected_date_time")
        return datetime.fromtimestamp(int(value), UTC) if value else None

    def user(self, block_id: str) -> str | None:
        return self._element(block_id).get("selected_user")

    def files(self, block_id: str) -> list[dict[str, Any]]:
        return list(self._element(block_id).get("files") or [])

    def required_instant(self, block_id: str) -> datetime:
        value = self.instant(block_id)
        if value is None:
            raise DomainError(N_("Pick a date and time."), field=block_id)
        return value
