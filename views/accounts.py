"""The seller account a new case belongs to, asked in the case forms only when the deployment has several."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import InputBlock, Option, PlainTextObject, StaticSelectElement

from views.i18n import Translator

ACCOUNT_BLOCK = "account"


def place_value(account: str, marketplace: str) -> str:
    return f"{account}:{marketplace}"


def account_select(tr: Translator, places: Sequence[tuple[str, str]], initial: str | None) -> list[InputBlock]:
    """``places``: (value, label) of each account and marketplace; no block when there is only one."""
    if len(places) < 2:
        return []
    options = [Option(value=value, label=label[:75]) for value, label in places[:100]]
    chosen = next((o for o in options if o.value == initial), options[0])
    return [InputBlock(
        block_id=ACCOUNT_BLOCK, label=PlainTextObject(text=tr._("Seller account"), emoji=True),
        hint=PlainTextObject(text=tr._("Its marketplace's calendar and rules set the deadlines; its channel gets the "
                                       "card."), emoji=True),
        element=StaticSelectElement(action_id=ACCOUNT_BLOCK, options=options, initial_option=chosen),
    )]
