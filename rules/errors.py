"""Domain refusals: a message ID plus its parameters, translated where they are shown."""

from __future__ import annotations

from typing import Any

from .text import N_


class DomainError(Exception):
    """A request the rules refuse, with a reason a person can act on.

    ``message`` is an English message ID with ``{named}`` placeholders; ``field`` names the
    form field at fault, when there is one, so a modal can show the error beside it.
    """

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        self.message = message
        self.field = field
        self.params = params
        super().__init__(message.format(**params) if params else message)


class IllegalTransition(DomainError):
    """The case's state does not allow that action."""


class AlreadyClaimed(DomainError):
    """The order already has a case of this kind (one claim per order)."""


class StaleCase(DomainError):
    """The case changed since the person last saw it."""


class NotPermitted(DomainError):
    """The person may not do this on this case."""


class NotFound(DomainError):
    """No such case."""


def not_offered(field: str) -> DomainError:
    """A value Slack's own form could never send (forged or garbled): refused on its field."""
    return DomainError(N_("This value is not one the form offers: pick it again."), field=field)
