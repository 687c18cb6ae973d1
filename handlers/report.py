"""`/safet report [week|month|quarter|YYYY-MM]` and the report's Export CSV button.

The figures are read inside the ack (a few grouped queries); the CSV is built and uploaded to the person's
direct message in a lazy listener, with ``files_upload_v2``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.after_ack import POSTED, heard
from handlers.deps import Deps
from handlers.payload import ack_only
from rules.errors import DomainError, invalid_period
from rules.report_records import Period, parse_label, parse_period
from store import reports as store_reports
from views import ids
from views.export_csv import Export
from views.i18n import Translator
from views.report import export_notice, report_message
from views.text import escape

log = logging.getLogger("safet")


def report_reply(deps: Deps, tr: Translator, argument: str, *, channel: str | None = None) -> dict[str, Any]:
    """What `/safet report [period] [account]` answers (privately): the figures, or a clear refusal.

    With several seller accounts the report is one account's — the one named, else the one whose case
    channel this is, else the default one — in that account's marketplace zone; it says which."""
    now = deps.clock()
    book = deps.settings.accounts
    account, zone, words = None, deps.settings.zone, argument.split()
    if book.several:
        named = [w for w in words if book.known(w)]
        chosen = book.account(named[0]) if named else (book.for_channel(channel) or book.default)
        words = [w for w in words if w not in named]
        account, zone = chosen.key, book.market_of(chosen.key).zone
    try:
        period = parse_period(" ".join(words), today=now.astimezone(zone).date(), zone=zone)
    except DomainError as refusal:  # the period typed is echoed: made inert in mrkdwn first
        return {"text": _refusal(tr, refusal)}
    message = report_message(store_reports.report(deps.store, period, now=now, account=account), tr,
                             account=book.account(account).name if account else None, account_key=account)
    return message


def _refusal(tr: Translator, refusal: DomainError) -> str:
    return tr._(refusal.message, **{k: escape(str(v)) for k, v in refusal.params.items()})


def export_files(deps: Deps, period: Period, account: str | None = None) -> Export:
    export = Export()
    for chunk in store_reports.export_cases(deps.store, period.start, period.end, account=account):
        export.add(chunk)
    return export


def upload_export(deps: Deps, body: dict[str, Any], client: WebClient) -> None:
    user = body["user"]["id"]
    tr = deps.tr(user, client)
    label, _, account = str((body.get("actions") or [{}])[0].get("value", ""))[:80].partition("|")
    book = deps.settings.accounts
    zone = book.market_of(account).zone if book.known(account) else deps.settings.zone
    try:
        if account and not book.known(account):
            raise invalid_period()
        period = parse_label(label, zone=zone)
    except DomainError as refusal:  # a forged value: say so, build nothing
        client.chat_postMessage(channel=user, text=_refusal(tr, refusal))
        return
    export = export_files(deps, period, account or None)
    try:
        channel = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(
            channel=channel, initial_comment=export_notice(tr, period),
            file_uploads=[
                {"content": export.cases_bytes(), "filename": f"cases-{period.label}.csv",
                 "title": f"cases {period.label}"},
                {"content": export.events_bytes(), "filename": f"events-{period.label}.csv",
                 "title": f"events {period.label}"},
            ],
        )
    except SlackApiError as error:
        log.warning("could not send the export to %s: %s", user, error.response.get("error"))


def register(app: App, deps: Deps) -> None:
    app.action(ids.ACTION_REPORT_EXPORT)(ack=ack_only, lazy=[heard(deps, upload_export, POSTED)])
