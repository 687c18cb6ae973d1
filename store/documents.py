"""Documents added to a case after it was opened: files attached in Slack, checklist items ticked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rules.checklists import CHARGEBACK_CHECKLISTS, SAFET_CHECKLISTS
from rules.errors import DomainError, no_such_case, stale_case
from rules.kinds import CaseKind, ComplaintType, SafetReason
from rules.text import N_

from .db import Store
from .models import Case, Evidence
from .opening import Attachment
from .unit import Change, audit, finish


def _checklist_of(case: Case) -> tuple[str, ...]:
    if case.kind == CaseKind.SAFET and case.reason:
        return SAFET_CHECKLISTS[SafetReason(case.reason)]
    if case.kind == CaseKind.CHARGEBACK and case.complaint_type:
        return CHARGEBACK_CHECKLISTS[ComplaintType(case.complaint_type)]
    return ()


def add_documents(store: Store, case_id: int, *, actor: str, now: datetime, ticked: Sequence[str],
                  attachments: Sequence[Attachment] = (), expected_version: int | None = None) -> Change:
    """Attach files and say which checklist documents are ready (``ticked`` replaces the earlier answer);
    the state does not change. Anyone on the team may add documents, open or closed."""
    with store.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise no_such_case()
        if expected_version is not None and case.version != expected_version:
            raise stale_case(case.state)
        items = _checklist_of(case)
        before = [item for item in (case.details or {}).get("checklist") or [] if item in items]
        after = [item for item in items if item in set(ticked)]
        if not attachments and after == before:
            raise DomainError(N_("Attach a file or change which documents are ready."), field="attachments")
        for item in attachments:
            session.add(Evidence(case_id=case.id, label=item.label, slack_file_id=item.slack_file_id,
                                 url=item.url, added_by=actor, added_at=now))
        case.details = {**(case.details or {}), "checklist": after}
        case.updated_at = now  # bumps the version: cards drawn before this change are stale
        event = audit(session, case, actor, "add_documents", case.state, now, {
            "files": [item.label for item in attachments] or None,
            "ready": [item for item in after if item not in before] or None,
            "not_ready": [item for item in before if item not in after] or None,
        })
        return finish(session, case, event)
