"""The case card's buttons and their follow-up forms.

A button press is acknowledged at once; the lazy listener checks it against the store (is the card
current, is the action still legal, may this person do it) and opens the action's form, or says
why not to the person alone. The form's submit writes the change inside the ack, so a refusal
lands on the form; Slack hears about the change (card, thread) in a lazy listener.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from handlers.after_ack import FORM, SAVED, heard
from handlers.case_card import announcer, refresh_card, team_of
from handlers.deps import Deps
from handlers.forms import Form
from handlers.intake import intake_case_button
from handlers.payload import ack_only, channel_of
from handlers.tell import tell
from rules.actions import ACTIONS, OUTCOME_ACTIONS, PERMISSIONS, Permission
from rules.checklists import chosen_items
from rules.errors import DomainError, NotPermitted, deadline_closed, no_such_case
from rules.kinds import Action
from rules.records import CaseRecord
from rules.refusals import refusal
from rules.text import N_
from rules.transitions import check_permission
from store import cases
from store.cases import Change
from store.documents import add_documents
from store.queries import get_case
from views import ids
from views.action_modals import (
    ADD_DOCUMENTS,
    REASSIGN,
    SET_STATED_DUE,
    action_modal,
    documents_modal,
    reassign_modal,
    stated_date_modal,
)
from views.case_facts import checklist_items
from views.i18n import Translator, translator
from views.metadata import CaseRef, ModalContext

log = logging.getLogger("safet")


def permission_refusal(tr: Translator, action: Action | None, case: CaseRecord, error: NotPermitted) -> str:
    """Why this person may not press the button, naming who may."""
    if action is None:
        return tr._("Only the case owner (<@{owner}>) or a lead can reassign this case.", owner=case.owner_id)
    if PERMISSIONS.get(action) is Permission.OWNER_OR_LEAD:
        if action in OUTCOME_ACTIONS:
            return tr._("Only the case owner (<@{owner}>) or a lead can record an outcome (“{action}”).",
                        owner=case.owner_id, action=action)
        return tr._("Only the case owner (<@{owner}>) or a lead can “{action}” this case.", owner=case.owner_id,
                    action=action)
    return tr.error(error)


# ---------------------------------------------------------------- submitting a form


@dataclass(frozen=True)
class Submission:
    """One submitted action form, read inside the ack."""

    deps: Deps
    form: Form
    context: ModalContext
    actor: str
    is_lead: bool
    now: datetime

    @property
    def case_id(self) -> int:
        if self.context.case_id is None:
            raise no_such_case()
        return self.context.case_id

    @cached_property
    def case(self) -> CaseRecord:
        case = get_case(self.deps.store, self.case_id, history=False)
        if case is None:
            raise no_such_case()
        return case


def _perform(action: Action) -> Callable[[Submission], Change]:
    """Any declared action: its fields read as Slack sent them, then checked and written by the store."""
    def submit(s: Submission) -> Change:
        values = {f.name: s.form.value(f) for f in ACTIONS[action].fields_for(s.case)}
        return cases.perform(s.deps.store, s.case, action, values, actor=s.actor, is_lead=s.is_lead, now=s.now,
                             expected_version=s.context.version)
    return submit


def _set_stated_due(s: Submission) -> Change:
    chosen = s.form.selected_id("deadline")
    deadline_id = chosen if chosen is not None else s.context.deadline_id
    deadline = next((d for d in s.case.open_deadlines if d.id == deadline_id), None)
    if deadline is None:
        raise deadline_closed()
    stated_at = s.form.required_instant("stated_at")
    return cases.set_stated_due(s.deps.store, deadline.id, actor=s.actor, now=s.now, stated_at=stated_at)


def _reassign(s: Submission) -> Change:
    return cases.reassign(s.deps.store, s.case_id, actor=s.actor, is_lead=s.is_lead,
                          new_owner=s.form.user("new_owner") or "", now=s.now)


def _add_documents(s: Submission) -> Change:
    ticked = chosen_items(checklist_items(s.case), s.form.checked("checklist"))
    return add_documents(s.deps.store, s.case_id, actor=s.actor, now=s.now, ticked=ticked,
                         attachments=s.form.attachments("attachments"),
                         expected_version=s.context.version)


SUBMITTERS: dict[str, Callable[[Submission], Change]] = {
    **{action: _perform(action) for action, spec in ACTIONS.items() if spec.has_form},
    SET_STATED_DUE: _set_stated_due,
    REASSIGN: _reassign,
    ADD_DOCUMENTS: _add_documents,
}
"""The store use case behind each form (``ModalContext.action``)."""


def error_block(error: DomainError, view: dict[str, Any]) -> str:
    """The input block an error belongs on: its field, or the form's first input."""
    inputs = [block["block_id"] for block in view.get("blocks", []) if block.get("type") == "input"]
    if error.field in inputs:
        return error.field
    return inputs[0] if inputs else "note"


# ---------------------------------------------------------------- pressing a button


def button_action(action_id: str) -> str | None:
    """``case_action:answer`` → ``answer``; the date and reassign buttons → their form's name."""
    if action_id.startswith(ids.ACTION_CASE_PREFIX):
        value = action_id.removeprefix(ids.ACTION_CASE_PREFIX)
        return value if value in set(Action) else None
    return {ids.ACTION_CASE_SET_DATE: SET_STATED_DUE, ids.ACTION_CASE_REASSIGN: REASSIGN,
            ids.ACTION_CASE_DOCUMENTS: ADD_DOCUMENTS}.get(action_id)


def open_form(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    """Check the press against the store, then open the form (the trigger_id lives 3 s) or refuse."""
    user = body["user"]["id"]
    pressed = body["actions"][0]
    channel = channel_of(body)
    name = button_action(pressed.get("action_id", ""))
    prefill: dict[str, Any] = {}
    try:
        ref = CaseRef.loads(pressed.get("value") or "")
    except ValueError:
        ref = None
    if pressed.get("action_id") == ids.ACTION_INTAKE_CASE_ACTION:  # an email's reply: the form prefilled
        name, ref, prefill = intake_case_button(pressed) or (None, None, {})
    if name is None or ref is None:
        log.warning("ignored a case button with action %r and value %r", pressed.get("action_id"),
                    pressed.get("value"))
        return
    person = deps.directory.person(user, client)
    tr = translator(person.locale)
    case = get_case(deps.store, ref.case_id, history=False)
    if case is None:
        tell(client, user=user, channel=channel, text=tr._("That case no longer exists."))
        return
    action = Action(name) if name in set(Action) else None
    is_lead = deps.directory.is_lead(user, client, account=case.account)
    refused = None
    if action is not None:  # the rules answer: an illegal step (the card is behind), or not theirs to take
        refused = refusal(case, action, actor=user, is_lead=is_lead, now=deps.clock())
    elif name not in (SET_STATED_DUE, ADD_DOCUMENTS):  # reassigning: the owner or a lead; the rest: anyone
        try:
            check_permission(None, actor=user, owner=case.owner_id, is_lead=is_lead)
        except NotPermitted as error:
            refused = error
    behind = None
    if ref.version != case.version:
        behind = tr._("This case changed since the card was drawn: it is now “{state}”. The card has been "
                      "refreshed.", state=case.state)
    elif refused is not None and not isinstance(refused, NotPermitted):
        behind = tr._("{reason} The card has been refreshed.", reason=tr.error(refused))
    elif name == SET_STATED_DUE and not [d for d in case.open_deadlines if not d.kind.is_window]:
        behind = tr._("This case has no open deadline to enter Amazon's date for. The card has been refreshed.")
    if behind is not None:
        tell(client, user=user, channel=channel, text=behind)
        refresh_card(deps, client, case.id)
        return
    if isinstance(refused, NotPermitted):
        tell(client, user=user, channel=channel, text=permission_refusal(tr, action, case, refused))
        return
    if action is not None and not ACTIONS[action].has_form:
        return  # the app's own actions (automatic close, presumed no debit) have no form
    open_deadlines = [d for d in case.open_deadlines if not d.kind.is_window]
    context = ModalContext(case_id=case.id, action=name, version=case.version, channel_id=channel,
                           deadline_id=open_deadlines[0].id if len(open_deadlines) == 1 else None,
                           lead=is_lead or None, account=case.account)
    now, team = deps.clock(), team_of(deps, case)
    if action is not None:
        view = action_modal(tr, case, action, context=context, now=now, team=team, prefill=prefill)
    elif name == SET_STATED_DUE:
        view = stated_date_modal(tr, case, context=context, now=now, team=team)
    elif name == ADD_DOCUMENTS:
        view = documents_modal(tr, case, context=context)
    else:
        view = reassign_modal(tr, case, context=context)
    in_modal = (body.get("container") or {}).get("type") == "view"  # the intake shortcut's summary
    (client.views_push if in_modal else client.views_open)(trigger_id=body["trigger_id"], view=view)


def submit(deps: Deps, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext,
           client: WebClient) -> None:
    """Write the change inside the ack: a refusal goes back onto the form, beside the field at fault."""
    user = body["user"]["id"]
    tr = deps.tr(user)
    modal = ModalContext.loads(view.get("private_metadata"))
    submitter = SUBMITTERS.get(modal.action or "")
    try:
        if submitter is None:
            raise DomainError(N_("This form is out of date: close it and press the button on the card again."))
        # No Web API call inside the ack: a lead in a user group was recognised when the form opened
        # (carried in the form's context, which only this app writes); IDs and cached groups count too.
        is_lead = bool(modal.lead) or deps.directory.is_lead(user, None, account=modal.account)
        change = submitter(Submission(deps, Form.of(view), modal, user, is_lead, deps.clock()))
    except DomainError as error:
        ack(response_action="errors", errors={error_block(error, view): tr.error(error)})
        return
    ack()
    context["change"] = change


def register(app: App, deps: Deps) -> None:
    opening = heard(deps, open_form, FORM)
    app.block_action(re.compile("^" + re.escape(ids.ACTION_CASE_PREFIX)))(ack=ack_only, lazy=[opening])
    app.block_action(ids.ACTION_INTAKE_CASE_ACTION)(ack=ack_only, lazy=[opening])
    app.block_action(ids.ACTION_CASE_SET_DATE)(ack=ack_only, lazy=[opening])
    app.block_action(ids.ACTION_CASE_REASSIGN)(ack=ack_only, lazy=[opening])
    app.block_action(ids.ACTION_CASE_DOCUMENTS)(ack=ack_only, lazy=[opening])
    app.view(ids.MODAL_CASE_ACTION)(ack=partial(submit, deps), lazy=[heard(deps, announcer(deps), SAVED)])
