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


# Refusals said in more than one place, written once.

def no_such_case() -> NotFound:
    return NotFound(N_("No such case."))


def deadline_closed() -> NotFound:
    return NotFound(N_("That deadline is no longer open."))


def stale_case(state: Any) -> StaleCase:
    return StaleCase(N_("This case changed since you opened it: it is now “{state}”."), state=state)


def not_due_yet() -> DomainError:
    return DomainError(N_("Nothing is due yet: the app acts only once the deadline has passed."))


def only_the_app() -> NotPermitted:
    return NotPermitted(N_("The app does this by itself when a deadline passes."))


def safet_claim_exists(order_id: str) -> AlreadyClaimed:
    return AlreadyClaimed(N_("Order {order_id} already has a SAFE-T claim: Amazon allows one claim per order."),
                          field="order_id", order_id=order_id)


def chargeback_exists(order_id: str) -> AlreadyClaimed:
    return AlreadyClaimed(N_("Order {order_id} already has a chargeback case."), field="order_id", order_id=order_id)


def not_an_account() -> DomainError:
    return DomainError(N_("Pick one of the seller accounts."), field="account")


def invalid_period() -> DomainError:
    return DomainError(N_("That report period is not valid."))


def out_of_date_button() -> DomainError:
    return DomainError(N_("This button is out of date."))
