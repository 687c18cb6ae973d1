"""The card's *Evidence packet* button: one ZIP (summary PDF + the files attached in Slack) uploaded to
the case's thread. Acked at once; fetching, building and uploading run in a lazy listener."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.after_ack import POSTED, heard
from handlers.case_card import team_of
from handlers.deps import Deps
from handlers.payload import ack_only, channel_of
from handlers.tell import tell
from rules.records import CaseRecord
from store.queries import get_case
from views import ids
from views.evidence_packet import PacketFile, packet_name, packet_zip, summary_pdf
from views.i18n import Translator, translator
from views.metadata import CaseRef
from webapi.files import MAX_FILE_BYTES, fetch_file
from webapi.posting import Fate, fate_of

log = logging.getLogger("safet")

MAX_PACKET_BYTES = 200 * 1024 * 1024
"""All files together; past this the rest are listed as too large (Slack takes up to 1 GB per file)."""


def _names(client: WebClient, case: CaseRecord) -> dict[str, str]:
    """Display names for the people in the case's history (the PDF cannot render a mention)."""
    names: dict[str, str] = {}
    for user in {case.owner_id, *(e.actor for e in case.events if e.actor != "system")}:
        try:
            found = client.users_info(user=user)["user"]
        except SlackApiError:
            continue
        profile = found.get("profile") or {}
        names[user] = profile.get("display_name") or found.get("real_name") or found.get("name") or user
    return names


def _files(client: WebClient, case: CaseRecord) -> list[PacketFile]:
    files: list[PacketFile] = []
    total = 0
    for evidence in case.evidence:
        if not evidence.slack_file_id:
            continue
        room = max(0, min(MAX_FILE_BYTES, MAX_PACKET_BYTES - total))
        fetched = fetch_file(client, evidence.slack_file_id, name=evidence.label, max_bytes=room)
        total += len(fetched.content or b"")
        files.append(PacketFile(fetched.name, fetched.content, fetched.size, fetched.problem))
    return files


def build_and_upload(deps: Deps, client: WebClient, case: CaseRecord, *, user: str) -> None:
    """Build the packet from what the store holds and upload it to the case's thread."""
    tr: Translator = deps.channel_tr(case.account)  # the language of the case's account's channel
    files = _files(client, case)
    summary = summary_pdf(case, tr, team=team_of(deps, case), now=deps.clock(), files=files,
                          names=_names(client, case), filing_tr=translator(case.filing_locale or tr.locale))
    included = sum(1 for f in files if f.content is not None)
    comment = tr.n_("<@{user}> asked for the evidence packet: the summary PDF and {count} attached file.",
                    "<@{user}> asked for the evidence packet: the summary PDF and {count} attached files.",
                    included, user=user)
    left_out = len(files) - included
    if left_out:
        comment += " " + tr.n_("{count} file could not be included: the summary lists it.",
                               "{count} files could not be included: the summary lists them.", left_out)
    client.files_upload_v2(channel=case.channel_id, thread_ts=case.card_ts, file=packet_zip(case, summary, files),
                           filename=packet_name(case), title=tr._("Evidence packet · {order_id}",
                                                                  order_id=case.order_id),
                           initial_comment=comment)


def packet(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    user = body["user"]["id"]
    channel = channel_of(body)
    try:
        ref = CaseRef.loads(str(body["actions"][0].get("value") or ""))
    except ValueError:
        log.warning("ignored an evidence packet button with value %r", body["actions"][0].get("value"))
        return
    case = get_case(deps.store, ref.case_id)
    if case is None or not case.channel_id or not case.card_ts:
        tell(client, user=user, channel=channel, text=deps.tr(user, client)._("That case no longer exists."))
        return
    try:
        build_and_upload(deps, client, case, user=user)
    except SlackApiError as error:
        log.warning("evidence packet of case %s not uploaded: %s", case.id, error.response.get("error"))
        tr = deps.tr(user, client)
        if fate_of(error) is Fate.UNKNOWN:  # Slack may have it: pressing again could post a second packet
            text = tr._("Slack did not answer whether the evidence packet arrived ({error}). Look in the case's "
                        "thread before pressing again.", error=str(error.response.get("error")))
        else:
            text = tr._("The evidence packet could not be uploaded ({error}). Try again in a minute.",
                        error=str(error.response.get("error")))
        tell(client, user=user, channel=channel, text=text)


def register(app: App, deps: Deps) -> None:
    app.action(ids.ACTION_CASE_EVIDENCE)(ack=ack_only, lazy=[heard(deps, packet, POSTED)])
