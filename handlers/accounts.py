"""Which seller account a form is for: the choices, the default from the channel, and reading the answer."""

from __future__ import annotations

from handlers.deps import Deps
from handlers.forms import Form
from rules.accounts import Account
from rules.errors import not_an_account
from rules.marketplaces import Marketplace
from views.accounts import ACCOUNT_BLOCK, place_value


def places(deps: Deps) -> list[tuple[str, str]]:
    """(value, label) for each account and each of its marketplaces: "Acme UK · UK (amazon.co.uk)"."""
    book = deps.settings.accounts
    return [(place_value(a.key, code), f"{a.name} · {code} ({book.marketplace(code).site})")
            for a in book.accounts for code in a.marketplaces]


def default_place(deps: Deps, channel: str | None) -> tuple[Account, Marketplace]:
    """The account whose channel the command came from, else the default account; its own marketplace."""
    book = deps.settings.accounts
    account = book.for_channel(channel) or book.default
    return account, book.marketplace(account.marketplace)


def read_place(form: Form, deps: Deps, channel: str | None) -> tuple[str, str]:
    """The (account, marketplace) chosen in the form; without the field (one account), the default.
    A value the form did not offer is refused on the field."""
    chosen = form.selected(ACCOUNT_BLOCK)
    if chosen is None:
        account, market = default_place(deps, channel)
        return account.key, market.code
    if chosen not in {value for value, _ in places(deps)}:
        raise not_an_account()
    key, _, code = chosen.partition(":")
    return key, code
