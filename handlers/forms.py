"""Reading a submitted modal's state without caring which element type each field used.

Slack's own pickers never send a malformed value, so one that arrives was forged or garbled: it
becomes a field error (``DomainError``), never an exception that reaches Bolt as a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from rules.actions import Field, FieldKind
from rules.errors import DomainError, not_offered
from rules.parsing import PICK_INSTANT, USER_ID, visible
from store.opening import Attachment

E = TypeVar("E", bound=StrEnum)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_HH_MM = re.compile(r"\d{2}:\d{2}", re.ASCII)
_TIMESTAMP = re.compile(r"\d{1,11}", re.ASCII)


@dataclass(frozen=True)
class Form:
    values: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, view: dict[str, Any]) -> Form:
        values = (view.get("state") or {}).get("values") or {}
        return cls(values if isinstance(values, dict) else {})

    def _element(self, block_id: str) -> dict[str, Any]:
        block = self.values.get(block_id) or {}
        element = next(iter(block.values()), {}) if isinstance(block, dict) else {}
        return element if isinstance(element, dict) else {}

    def _string(self, block_id: str, key: str) -> str | None:
        value = self._element(block_id).get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise not_offered(block_id)
        return value

    def text(self, block_id: str) -> str:
        """What a person typed, without invisible characters; spaces alone are nothing typed."""
        typed = visible(self._string(block_id, "value") or "")
        return typed if typed.strip() else ""

    def required_text(self, block_id: str, refusal: str) -> str:
        """A text Slack marks required (it lets spaces through): refused on its field when blank."""
        typed = self.text(block_id).strip()
        if not typed:
            raise DomainError(refusal, field=block_id)
        return typed

    def selected(self, block_id: str) -> str | None:
        option = self._element(block_id).get("selected_option")
        if not option:
            return None
        if not isinstance(option, dict) or not isinstance(option.get("value"), str):
            raise not_offered(block_id)
        return option["value"]

    def choice(self, block_id: str, options: type[E]) -> E | None:
        """The selected option as one of ``options``; any other value is refused on its field."""
        value = self.selected(block_id)
        if value is None:
            return None
        if value not in set(options):
            raise not_offered(block_id)
        return options(value)

    def selected_id(self, block_id: str) -> int | None:
        """A selected option whose value is a row's ID (a deadline, say)."""
        value = self.selected(block_id)
        if value is None:
            return None
        if not (value.isascii() and value.isdigit()):
            raise not_offered(block_id)
        return int(value)

    def date(self, block_id: str) -> date | None:
        value = self._string(block_id, "selected_date")
        if value is None:
            return None
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise not_offered(block_id) from None

    def time(self, block_id: str) -> time | None:
        """A ``timepicker`` value ("HH:MM"), as a wall-clock time."""
        value = self._string(block_id, "selected_time")
        if value is None:
            return None
        try:
            if not _HH_MM.fullmatch(value):
                raise ValueError(value)
            return time.fromisoformat(value)
        except ValueError:
            raise not_offered(block_id) from None

    def instant(self, block_id: str) -> datetime | None:
        """A ``datetimepicker`` value (a UNIX timestamp, so no zone guessing)."""
        value = self._element(block_id).get("selected_date_time")
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not _TIMESTAMP.fullmatch(str(value)):
            raise not_offered(block_id)
        try:
            return datetime.fromtimestamp(int(value), UTC)
        except (OverflowError, OSError, ValueError):
            raise not_offered(block_id) from None

    def user(self, block_id: str) -> str | None:
        value = self._string(block_id, "selected_user")
        if value is not None and not USER_ID.fullmatch(value):
            raise not_offered(block_id)
        return value

    def checked(self, block_id: str) -> list[str]:
        """The values of the ticked checkboxes."""
        options = self._element(block_id).get("selected_options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) and isinstance(o.get("value"), str)
                                                    for o in options):
            raise not_offered(block_id)
        return [o["value"] for o in options]

    def files(self, block_id: str) -> list[dict[str, Any]]:
        files = self._element(block_id).get("files") or []
        if not isinstance(files, list) or not all(isinstance(f, dict) and isinstance(f.get("id"), str)
                                                  for f in files):
            raise not_offered(block_id)
        return list(files)

    def attachments(self, block_id: str) -> list[Attachment]:
        """The files picked, each named as Slack names it, without invisible characters."""
        return [Attachment(label=visible(f.get("name") or f.get("title") or "") or f["id"], slack_file_id=f["id"],
                           url=f.get("permalink")) for f in self.files(block_id)]

    def value(self, field: Field) -> str | datetime | date | None:
        """A declared field's value as Slack sent it (checked by the store against the declaration)."""
        if field.kind is FieldKind.INSTANT:
            return self.instant(field.name)
        if field.kind is FieldKind.DATE:
            return self.date(field.name)
        return self.text(field.name)

    def required_instant(self, block_id: str) -> datetime:
        value = self.instant(block_id)
        if value is None:
            raise DomainError(PICK_INSTANT, field=block_id)
        return value
