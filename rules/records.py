"""Plain records of a case as the store reads it: what views render and handlers pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from .deadlines import Deadline, DeadlineKind, DeadlineRule, DeadlineStatus
from .kinds import CaseKind, ComplaintType, Mood, SafetReason, SellerCentralTab, State
from .report_records import HomeTiles
from .transitions import Gate, is_open, legal_actions, mood, seller_central_tab

SYSTEM_ACTOR = "system"
"""The actor of the changes the app makes by itself (automatic close, presumed outcome, a lapsed date)."""
LEDGER_ACTOR = "amazon-ledger"
"""The actor of what the app records from Amazon's ledger (SP-API Finances): "from Amazon's ledger"."""
APP_ACTORS = frozenset({SYSTEM_ACTOR, LEDGER_ACTOR})
OPENED = "open"
"""The audit action of a case's first event (the actions after it are ``rules.kinds.Action`` values, or the
changes that are no action: a reassignment, Amazon's date entered, a deadline lapsed, documents added)."""
"""Actors that are not people: no permission to check, no direct message to send."""


@dataclass(frozen=True)
class DeadlineRecord:
    id: int
    kind: DeadlineKind
    rule: DeadlineRule
    basis_at: datetime
    computed_due_at: datetime | None
    stated_due_at: datetime | None
    status: DeadlineStatus
    settled_at: datetime | None = None
    days: int | None = None

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.kind, self.rule, self.basis_at, self.computed_due_at, self.stated_due_at, self.days)

    @property
    def due_at(self) -> datetime:
        return self.deadline.due_at

    @property
    def set_by_amazon(self) -> bool:
        return self.deadline.set_by_amazon

    def ends_on(self, zone: ZoneInfo) -> date | None:
        return self.deadline.ends_on(zone)


@dataclass(frozen=True)
class EventRecord:
    id: int
    at: datetime
    actor: str
    action: str
    from_state: State | None
    to_state: State | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceRecord:
    """A document attached to the case: a Slack file (``slack_file_id``) or a link."""

    id: int
    label: str
    slack_file_id: str | None
    url: str | None
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class CaseRecord:
    id: int
    kind: CaseKind
    order_id: str
    state: State
    owner_id: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    reason: SafetReason | None = None
    product_order_id: str | None = None
    explanation: str = ""
    second_appointment_completed_on: date | None = None
    expected_amount_cents: int | None = None
    amount_cents: int | None = None
    currency: str = "USD"
    outcome_amount_cents: int | None = None
    complaint_type: ComplaintType | None = None
    email_on: date | None = None
    email_at: datetime | None = None
    notes: str = ""
    claim_number: str | None = None
    appeals_used: int = 0
    needs_approval: bool = False
    approved_by: str | None = None
    channel_id: str | None = None
    card_ts: str | None = None
    filing_locale: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    deadlines: tuple[DeadlineRecord, ...] = ()
    events: tuple[EventRecord, ...] = ()
    account: str = "default"
    marketplace: str = "US"
    evidence: tuple[EvidenceRecord, ...] = ()
    ledger_cents: int | None = None
    """What Amazon's ledger moved on the case, signed as posted (``None``: nothing posted yet)."""
    ledger_posted_at: datetime | None = None
    """Loaded by ``store.queries.get_case`` (the card, `/safet show`, the packet), not for lists."""

    @property
    def gate(self) -> Gate:
        return self.gate_at(None)

    def gate_at(self, now: datetime | None) -> Gate:
        """The facts beyond the state; at ``now``, an "Appeal by" already past counts as closed even before
        the sweep settled it missed."""
        closed = any(d.kind is DeadlineKind.APPEAL_BY and (
            d.status is DeadlineStatus.MISSED or (now is not None and d.status is DeadlineStatus.OPEN
                                                  and d.due_at < now)) for d in self.deadlines)
        return Gate(needs_approval=self.needs_approval, appeals_used=self.appeals_used, appeal_window_closed=closed)

    @property
    def is_open(self) -> bool:
        return is_open(self.state)

    @property
    def mood(self) -> Mood:
        return mood(self.state)

    @property
    def tab(self) -> SellerCentralTab:
        return seller_central_tab(self.kind, self.state)

    @property
    def open_deadlines(self) -> list[DeadlineRecord]:
        return sorted((d for d in self.deadlines if d.status is DeadlineStatus.OPEN), key=lambda d: d.due_at)

    @property
    def next_deadline(self) -> DeadlineRecord | None:
        deadlines = self.open_deadlines
        return deadlines[0] if deadlines else None

    def legal_actions(self):
        return legal_actions(self.kind, self.state, self.gate)


class ListFilter(StrEnum):
    """What `/safet list` and App Home can show."""

    OPEN = "open"
    MINE = "mine"
    DUE = "due"
    CLOSED = "closed"
    AWAITING_SELLER_RESPONSE = "awaiting_seller_response"
    UNDER_INVESTIGATION = "under_investigation"
    RESOLVED = "resolved"
    ACTION_REQUIRED = "action_required"
    ALL = "all"


LIST_WORDS: dict[ListFilter, tuple[str, ...]] = {
    ListFilter.OPEN: ("open",),
    ListFilter.MINE: ("mine",),
    ListFilter.DUE: ("due",),
    ListFilter.CLOSED: ("closed",),
    ListFilter.AWAITING_SELLER_RESPONSE: ("awaiting", "awaiting-seller-response", "等待卖家回复"),
    ListFilter.UNDER_INVESTIGATION: ("investigation", "under-investigation", "正在进行调查"),
    ListFilter.RESOLVED: ("resolved", "已解决"),
    ListFilter.ACTION_REQUIRED: ("action-required", "action", "需操作"),
    ListFilter.ALL: ("all", "全部"),
}
"""What a person may type after `/safet list`, in both languages (the first word is the one shown in help)."""

TAB_LISTS: dict[ListFilter, tuple[SellerCentralTab, CaseKind]] = {
    ListFilter.AWAITING_SELLER_RESPONSE: (SellerCentralTab.AWAITING_SELLER_RESPONSE, CaseKind.SAFET),
    ListFilter.UNDER_INVESTIGATION: (SellerCentralTab.UNDER_INVESTIGATION, CaseKind.SAFET),
    ListFilter.RESOLVED: (SellerCentralTab.RESOLVED, CaseKind.SAFET),
    ListFilter.ACTION_REQUIRED: (SellerCentralTab.ACTION_REQUIRED, CaseKind.CHARGEBACK),
    ListFilter.ALL: (SellerCentralTab.ALL, CaseKind.CHARGEBACK),
}
"""The lists that are Seller Central tabs, and whose page the tab is on."""


def list_filter(word: str) -> ListFilter | None:
    """The list a typed word names (``""`` is the open cases); ``None`` when it names none."""
    word = word.strip().lower()
    if not word:
        return ListFilter.OPEN
    for which, words in LIST_WORDS.items():
        if word in words or word == which.value:
            return which
    return None


@dataclass(frozen=True)
class HomeData:
    mine: list[CaseRecord]
    team_due: list[CaseRecord]
    counts: dict[State, int]
    failed_notices: int
    tiles: HomeTiles | None = None
    """Money at a glance: at risk in the next 48 h, recovered this month."""
    refunds: list[ClaimableRefund] = field(default_factory=list)
    """Refunds Amazon's ledger shows that could still be claimed, newest deadline first."""


@dataclass(frozen=True)
class ClaimableRefund:
    """A refund on a seller-fulfilled order (Amazon's ledger) that no claim covers, its filing window open."""

    key: str
    account: str
    order_id: str
    amount_cents: int
    """What the buyer was refunded (positive)."""
    currency: str
    refunded_on: date
    file_by: datetime
    last_day: date | None


@dataclass(frozen=True)
class FailedNotice:
    key: str
    kind: str
    target: str
    error: str
    order_id: str | None
    settled_at: datetime | None


@dataclass(frozen=True)
class DailyFacts:
    """What the daily summary shows: nearest first, at most ``limit`` of each list."""

    overdue: list[tuple[CaseRecord, DeadlineRecord]]
    overdue_total: int
    due: list[tuple[CaseRecord, DeadlineRecord]]
    """Due before the end of tomorrow (team's zone)."""
    due_total: int
    failed: list[FailedNotice]
    """Notices Slack refused since the last summary (the last 24 hours)."""
    failed_total: int
    open_chargebacks: int
    refunds_closing: int = 0
    """Refunds (Amazon's ledger) that could still be claimed and whose filing window closes within 7 days."""
