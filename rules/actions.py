"""Every case action, declared once: who may take it, which deadlines it answers, whether it decides the
case or is a submission in Seller Central, and the fields its form asks for.

The transition table (``rules.transitions``) says from which states an action goes where and which
deadline it opens; the store, the card's buttons, the forms and their submit all read the rest from
here. Adding an action is one entry here, its rows in the table, and its store use case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from .deadlines import DeadlineKind
from .errors import DomainError
from .kinds import Action, CaseKind, ComplaintType
from .parsing import ENTER_AMOUNT, PICK_INSTANT, parse_amount
from .text import N_, n_


class CaseRecord(Protocol):
    """What a form's fields read of a case (``rules.records.CaseRecord`` is one): declared here, so the records,
    which read the transition table, which reads these declarations, are no import of this module."""

    @property
    def kind(self) -> CaseKind: ...
    @property
    def currency(self) -> str: ...
    @property
    def complaint_type(self) -> ComplaintType | None: ...
    @property
    def appeals_used(self) -> int: ...

NOTE_LIMIT = 3000
"""Slack's limit for a plain-text input."""
CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a picked "when it happened" may be (a picker has minutes, clocks drift)."""
IN_THE_FUTURE = N_("That is in the future: pick when it happened.")


class Permission(StrEnum):
    ANYONE = "anyone"
    OWNER_OR_LEAD = "owner_or_lead"
    LEAD = "lead"
    SYSTEM = "system"


class FieldKind(StrEnum):
    TEXT = "text"
    """Free text (``multiline`` for long answers)."""
    AMOUNT = "amount"
    """Money typed as text, read in the case's currency into ``<name>_cents``."""
    INSTANT = "instant"
    """A date and time (Slack's datetime picker)."""
    DATE = "date"
    """A calendar day (Slack's date picker)."""


@dataclass(frozen=True)
class Field:
    """One input of an action's form; ``name`` is its block ID and the store use case's argument."""

    name: str
    kind: FieldKind
    label: str
    hint: str | tuple[str, str] | None = None
    """A message, or a singular/plural pair whose ``{count}`` is the marketplace's ``counts``."""
    counts: str | None = None
    """The ``RuleProfile`` window the hint's ``{count}`` says (each marketplace its own number)."""
    required: str | None = None
    """The refusal when it is left empty (Slack lets a required field through as spaces); None: optional."""
    past: str | None = None
    """When it happened: the refusal when it is in the future."""
    now_by_default: bool = False
    multiline: bool = False
    max_length: int = NOTE_LIMIT
    only_if: Callable[[CaseRecord], bool] | None = None
    """Asked only for cases this holds for."""
    chargeback: Field | None = None
    """The same field as a chargeback's form asks it, when its wording or rule differ."""

    def for_case(self, case: CaseRecord) -> Field | None:
        """The field as this case's form asks it, or None when it does not ask it."""
        if self.only_if is not None and not self.only_if(case):
            return None
        return self.chargeback if case.kind is CaseKind.CHARGEBACK and self.chargeback else self

    @property
    def argument(self) -> str:
        """The store use case's keyword for this field's value."""
        return f"{self.name}_cents" if self.kind is FieldKind.AMOUNT else self.name


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    permission: Permission = Permission.ANYONE
    fulfils: frozenset[DeadlineKind] = frozenset()
    """The deadlines this action is the answer to (met, or missed when late); others it closes are cancelled."""
    decides: bool = False
    """It decides the case: the channel gets a notice and the owner a direct message."""
    submits: bool = False
    """It says something was submitted in Seller Central: the approval gate applies."""
    settles_after: DeadlineKind | None = None
    """The app's own action, taken only once this deadline has passed."""
    fields: tuple[Field, ...] = ()

    def fields_for(self, case: CaseRecord) -> list[Field]:
        return [f for f in (spec.for_case(case) for spec in self.fields) if f is not None]

    def arguments(self, case: CaseRecord, values: Mapping[str, Any], *, now: datetime,
                  zone: ZoneInfo) -> dict[str, Any]:
        """The form's values as the use case's arguments, refusing an empty required field, an amount that
        is not one in the case's currency, or a "when it happened" in the future — on its field."""
        arguments: dict[str, Any] = {}
        for spec in self.fields_for(case):
            value = values.get(spec.name)
            if isinstance(value, str):
                value = value.strip()
            if value in (None, ""):
                if spec.required:
                    raise DomainError(spec.required, field=spec.name)
                arguments[spec.argument] = "" if spec.kind is FieldKind.TEXT else None
                continue
            if spec.kind is FieldKind.AMOUNT:
                value = parse_amount(value, case.currency, field=spec.name)
            elif spec.past and _in_the_future(value, now, zone):
                raise DomainError(spec.past, field=spec.name)
            arguments[spec.argument] = value
        return arguments

    @property
    def has_form(self) -> bool:
        return self.permission is not Permission.SYSTEM


def _in_the_future(value: date | datetime, now: datetime, zone: ZoneInfo) -> bool:
    if isinstance(value, datetime):
        return value > now + CLOCK_SKEW
    return value > now.astimezone(zone).date()


def _note(label: str = N_("Note"), *, required: str | None = None, hint: str | None = None,
          chargeback: Field | None = None) -> Field:
    return Field("note", FieldKind.TEXT, label, hint=hint, required=required, multiline=True, chargeback=chargeback)


def _amount(label: str, hint: str) -> Field:
    return Field("amount", FieldKind.AMOUNT, label, hint=hint, required=ENTER_AMOUNT, max_length=32)


# Refusals a form and its use case both make (the use case is also called without a form).
STATED_DEADLINE = N_("Enter the deadline stated in Amazon's request.")
NEW_EVIDENCE = N_("Say what new information the appeal brings: reopening without it is discouraged.")
DESCRIBE_ITEM = N_("The buyer says the item is materially different: describe the item.")
WHY_WRONG = N_("Say why the debit is wrong.")

A, D, P = Action, DeadlineKind, Permission
INFO_REPLIES = frozenset({D.SAFET_INFO_REPLY, D.CHARGEBACK_INFO_REPLY})


def _materially_different(case: CaseRecord) -> bool:
    return case.complaint_type is ComplaintType.MATERIALLY_DIFFERENT


def _never_appealed(case: CaseRecord) -> bool:
    return case.appeals_used == 0


_SPECS = (
    ActionSpec(A.SUBMIT_FOR_APPROVAL, fields=(_note(N_("Note to the lead")),)),
    ActionSpec(A.APPROVE, P.LEAD, fields=(_note(),)),
    ActionSpec(A.SEND_BACK, P.LEAD, fields=(
        _note(N_("What to change"), required=N_("Say what the owner should change."),
              hint=N_("The owner sees this in the case's thread.")),)),
    ActionSpec(A.FILE, submits=True, fulfils=frozenset({D.FILE_BY}), fields=(
        Field("claim_number", FieldKind.TEXT, N_("SAFE-T claim number"), max_length=64,
              hint=N_("Optional. From the confirmation email or the Manage SAFE-T Claims page, as Amazon writes it.")),
        Field("filed_at", FieldKind.INSTANT, N_("Submitted at"), required=PICK_INSTANT,
              past=IN_THE_FUTURE, now_by_default=True),
    )),
    ActionSpec(A.LOG_INFO_REQUEST, fields=(
        Field("arrived_at", FieldKind.INSTANT, N_("When the request arrived"), required=PICK_INSTANT,
              now_by_default=True,
              hint=n_("The {count} business day to answer counts from this moment; after it Amazon closes the "
                      "claim automatically.",
                      "The {count} business days to answer count from this moment; after them Amazon closes the "
                      "claim automatically."), counts="safet_info_business_days",
              chargeback=Field("arrived_at", FieldKind.INSTANT, N_("When the request arrived"),
                               required=PICK_INSTANT, now_by_default=True)),
        Field("stated_due_at", FieldKind.INSTANT, N_("Amazon's “Reply by”"),
              hint=n_("Optional, from the Awaiting Seller Response tab. The earlier of Amazon's date and {count} "
                      "business day from the request is kept.",
                      "Optional, from the Awaiting Seller Response tab. The earlier of Amazon's date and {count} "
                      "business days from the request is kept."), counts="safet_info_business_days",
              chargeback=Field("stated_due_at", FieldKind.INSTANT, N_("Deadline stated in the request"),
                               required=STATED_DEADLINE,
                               hint=N_("Amazon states the time frame in each request; the case is due then."))),
        _note(N_("What the investigator asked for"), chargeback=_note(N_("What Amazon asked for"))),
    )),
    ActionSpec(A.ANSWER, fulfils=INFO_REPLIES, fields=(_note(N_("What you sent")),)),
    ActionSpec(A.GRANT, P.OWNER_OR_LEAD, decides=True, fields=(
        _amount(N_("Amount reimbursed ({currency})"),
                N_("Amazon decides the value at its sole discretion: enter what it paid.")),
        _note(),
    )),
    ActionSpec(A.DENY, P.OWNER_OR_LEAD, decides=True, fields=(
        Field("appeal_by", FieldKind.INSTANT, N_("Amazon's “Appeal by”"), only_if=_never_appealed,
              hint=N_("Optional, from the Resolved tab. A denied claim can be appealed once, before this date.")),
        _note(N_("Amazon's reason")),
    )),
    ActionSpec(A.APPEAL, fulfils=frozenset({D.APPEAL_BY}), fields=(
        Field("new_evidence", FieldKind.TEXT, N_("New information"), multiline=True,
              required=NEW_EVIDENCE,
              hint=N_("What the appeal adds. Amazon discourages reopening without new information, and a claim can "
                      "be appealed only once.")),
    )),
    ActionSpec(A.AUTO_CLOSE, P.SYSTEM, fulfils=frozenset({D.SAFET_INFO_REPLY}), decides=True,
               settles_after=D.SAFET_INFO_REPLY),
    ActionSpec(A.WITHDRAW, P.OWNER_OR_LEAD, fields=(_note(N_("Why")),)),
    ActionSpec(A.REFUND, fulfils=frozenset({D.CHARGEBACK_REPLY}), submits=True, fields=(_note(),)),
    ActionSpec(A.REPRESENT, fulfils=frozenset({D.CHARGEBACK_REPLY}), submits=True, fields=(
        Field("shipped_on", FieldKind.DATE, N_("Shipping date"), past=N_("The shipping date cannot be in the future."),
              hint=N_("Leave empty only if nothing was shipped.")),
        Field("shipping_method", FieldKind.TEXT, N_("Shipping method or carrier"), max_length=200),
        Field("tracking", FieldKind.TEXT, N_("Tracking number"), max_length=200),
        Field("item_details", FieldKind.TEXT, N_("Item details"), multiline=True, only_if=_materially_different,
              required=DESCRIBE_ITEM,
              hint=N_("The buyer says the item is materially different: describe the item as listed and as sent.")),
        Field("correspondence", FieldKind.TEXT, N_("Buyer correspondence"), multiline=True,
              hint=N_("Every message you exchanged with the buyer.")),
    )),
    ActionSpec(A.RECORD_DEBIT, P.OWNER_OR_LEAD, decides=True, fields=(
        _amount(N_("Amount debited ({currency})"), N_("As in Amazon's email.")),
        Field("reason", FieldKind.TEXT, N_("Reason in Amazon's email"), multiline=True,
              required=N_("Write the reason Amazon's email gives.")),
    )),
    ActionSpec(A.RECORD_WIN, P.OWNER_OR_LEAD, decides=True, fields=(_note(),)),
    ActionSpec(A.PRESUME_NO_DEBIT, P.SYSTEM, decides=True, settles_after=D.OUTCOME_WINDOW),
    ActionSpec(A.DISPUTE, fields=(_note(N_("Why the debit is wrong"), required=WHY_WRONG),)),
    ActionSpec(A.DISPUTE_REVERSED, P.OWNER_OR_LEAD, decides=True, fields=(_note(),)),
    ActionSpec(A.DISPUTE_UPHELD, P.OWNER_OR_LEAD, decides=True, fields=(_note(),)),
    ActionSpec(A.RECORD_PAYMENT, P.SYSTEM, decides=True),
    ActionSpec(A.RECORD_CREDIT, P.SYSTEM, decides=True),
    ActionSpec(A.MISS_FILING_WINDOW, P.SYSTEM, fulfils=frozenset({D.FILE_BY}), decides=True,
               settles_after=D.FILE_BY),
)

ACTIONS: dict[Action, ActionSpec] = {spec.action: spec for spec in _SPECS}
assert set(ACTIONS) == set(Action), "every action is declared"

PERMISSIONS = {a: s.permission for a, s in ACTIONS.items() if s.permission is not Permission.ANYONE}
FULFILS = {a: s.fulfils for a, s in ACTIONS.items() if s.fulfils}
OUTCOME_ACTIONS = frozenset(a for a, s in ACTIONS.items() if s.decides)
SUBMIT_ACTIONS = frozenset(a for a, s in ACTIONS.items() if s.submits)
SETTLED_BY_SYSTEM = {a: s.settles_after for a, s in ACTIONS.items() if s.settles_after is not None}
