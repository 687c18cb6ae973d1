"""The App Home tab: published when opened and after a language choice; its buttons open modals."""

from __future__ import annotations

import logging
from decimal import Decimal
from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.after_ack import FORM, POSTED, heard
from handlers.case_card import team_of
from handlers.deps import Deps
from handlers.open_forms import open_chargeback_modal, open_claim_modal
from handlers.payload import ack_only
from rules.ledger import EntryKind
from rules.parsing import currency_decimals
from store.ledger import load_entries
from store.people import load_preference
from store.queries import get_case, home_data
from views import ids
from views.home import FOLLOW_SLACK, case_modal, home_view
from views.i18n import SUPPORTED, translator
from views.metadata import ModalContext

log = logging.getLogger("safet")


def publish_home(deps: Deps, client: WebClient, user: str, account: str | None = None) -> None:
    """Draw the person's Home tab from the store, in their language and time zone; one account's cases
    when ``account`` is chosen (App Home offers the choice when the deployment has several)."""
    person = deps.directory.person(user, client)
    now = deps.clock()
    preference = load_preference(deps.store, user)
    book = deps.settings.accounts
    accounts = [(a.key, a.name) for a in book.accounts] if book.several else []
    account = account if book.several and book.known(account) else None
    view = home_view(home_data(deps.store, user_id=user, now=now, account=account), translator(person.locale),
                     zone=person.zone, now=now, chosen_locale=preference.chosen_locale if preference else None,
                     team_zone=deps.settings.zone, accounts=accounts, account=account)
    client.views_publish(user_id=user, view=view)


def home_opened(deps: Deps, client: WebClient, event: dict[str, Any]) -> None:
    if event.get("tab", "home") == "home":
        publish_home(deps, client, event["user"])


def open_case(deps: Deps, client: WebClient, body: dict[str, Any], action: dict[str, Any]) -> None:
    user = body["user"]["id"]
    person = deps.directory.person(user, client)
    value = str(action.get("value") or "")
    case = get_case(deps.store, int(value)) if value.isascii() and value.isdigit() else None
    team = team_of(deps, case)
    client.views_open(trigger_id=body["trigger_id"], view=case_modal(
        case, translator(person.locale), zone=person.zone, holidays=team.holidays, now=deps.clock(),
        team_zone=team.zone, weekend=team.weekend))


def file_claim(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    open_claim_modal(deps, client, user=body["user"]["id"], trigger_id=body["trigger_id"], context=ModalContext())


def record_chargeback(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    open_chargeback_modal(deps, client, user=body["user"]["id"], trigger_id=body["trigger_id"],
                          context=ModalContext())


def start_claim(deps: Deps, client: WebClient, body: dict[str, Any], action: dict[str, Any]) -> None:
    """A refund from Amazon's ledger: the claim form for a seller-fulfilled order, its order, refund date and
    amount filled in (a key the ledger does not hold opens the empty form)."""
    key = str(action.get("value") or "")[:64]
    entry = load_entries(deps.store, [key]).get(key) if key.isalnum() else None
    if entry is None or entry.kind is not EntryKind.REFUND:
        file_claim(deps, client, body)
        return
    market = deps.settings.accounts.market_of(entry.account)
    refunded = Decimal(-entry.amount_cents).scaleb(-currency_decimals(entry.currency))
    open_claim_modal(deps, client, user=body["user"]["id"], trigger_id=body["trigger_id"], context=ModalContext(),
                     order_id=entry.reference, account_key=entry.account,
                     prefill={"refunded_amount": str(refunded),
                              "refund_on": entry.posted_at.astimezone(market.zone).date().isoformat()})


def choose_locale(deps: Deps, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Store the choice inside the ack (a quick write); the Home tab is redrawn in the lazy listener."""
    value = (action.get("selected_option") or {}).get("value")
    if value == FOLLOW_SLACK:
        deps.directory.choose_locale(body["user"]["id"], None)
    elif value in SUPPORTED:
        deps.directory.choose_locale(body["user"]["id"], value)
    else:
        log.warning("ignored an unknown language choice %r", value)
    ack()


def republish(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    publish_home(deps, client, body["user"]["id"])


def filter_account(deps: Deps, client: WebClient, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Redraw the Home tab with one account's cases (an unknown value shows them all)."""
    value = (action.get("selected_option") or {}).get("value")
    publish_home(deps, client, body["user"]["id"], account=value if isinstance(value, str) else None)


def register(app: App, deps: Deps) -> None:
    app.event("app_home_opened")(ack=ack_only, lazy=[heard(deps, home_opened, POSTED)])
    app.action(ids.ACTION_HOME_OPEN_CASE)(ack=ack_only, lazy=[heard(deps, open_case, FORM)])
    app.action(ids.ACTION_HOME_START_CLAIM)(ack=ack_only, lazy=[heard(deps, start_claim, FORM)])
    app.action(ids.ACTION_HOME_FILE_CLAIM)(ack=ack_only, lazy=[heard(deps, file_claim, FORM)])
    app.action(ids.ACTION_HOME_RECORD_CHARGEBACK)(ack=ack_only, lazy=[heard(deps, record_chargeback, FORM)])
    app.action(ids.ACTION_HOME_LOCALE)(ack=partial(choose_locale, deps), lazy=[heard(deps, republish, POSTED)])
    app.action(ids.ACTION_HOME_ACCOUNT)(ack=ack_only, lazy=[heard(deps, filter_account, POSTED)])
