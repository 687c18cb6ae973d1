"""SQLAlchemy 2 typed models. Instants are stored as UTC and read back as aware datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from rules.accounts import DEFAULT_ACCOUNT
from rules.deadlines import DeadlineStatus
from rules.marketplaces import DEFAULT_MARKETPLACE


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python; naive UTC in SQLite, ``timestamptz`` in PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware UTC instants only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class NoticeStatus(StrEnum):
    """Where an outbox notice is: due (``PENDING``), being posted under a lease (``CLAIMED``), done
    (``SENT``, ``SKIPPED``: nobody to tell), refused for good (``FAILED``), or no longer wanted (``CANCELLED``)."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {datetime: UTCDateTime(), dict[str, Any]: JSON(), date: Date()}


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # One claim per order, enforced where two people filing at once cannot both win.
        UniqueConstraint("kind", "order_id"),
        Index(None, "state", "updated_at"),
        Index(None, "owner_id", "state"),
        Index(None, "claim_number"),
        Index(None, "account", "state"),
        # Few rows at any time: the cards a sweep could not redraw within its budget.
        Index(None, "card_stale_at", sqlite_where=text("card_stale_at IS NOT NULL"),
              postgresql_where=text("card_stale_at IS NOT NULL")),
        Index(None, "created_at"),  # the report's cases opened per period
        Index(None, "decided_at"),  # … and decided per period
        Index("ix_cases_claim_key", func.lower(func.trim(text("claim_number")))),  # Amazon's ledger's claim ids
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str] = mapped_column(String(19))
    state: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str | None] = mapped_column(String(32))
    product_order_id: Mapped[str | None] = mapped_column(String(19))
    explanation: Mapped[str] = mapped_column(Text, default="")
    second_appointment_completed_on: Mapped[date | None]
    expected_amount_cents: Mapped[int | None]
    amount_cents: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    outcome_amount_cents: Mapped[int | None]
    complaint_type: Mapped[str | None] = mapped_column(String(32))
    email_on: Mapped[date | None]
    email_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    claim_number: Mapped[str | None] = mapped_column(String(64))
    appeals_used: Mapped[int] = mapped_column(default=0)
    needs_approval: Mapped[bool] = mapped_column(default=False)
    approved_by: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    card_claimed_at: Mapped[datetime | None]
    """Set while one process posts the case's first card (the card slot): no one else posts one."""
    card_shown: Mapped[str | None] = mapped_column(String(64))
    """A digest of what the card shows now: a redraw that would show the same is not sent."""
    card_stale_at: Mapped[datetime | None]
    """Since when the card may show less than the store (a sweep's redraw budget ran out): redrawn next."""
    filing_locale: Mapped[str | None] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """What the case's forms recorded beyond its columns: the documents ticked (``checklist``), when it was filed
    (``filed_at``), a seller-fulfilled order's ``refund_on`` / ``return_scan_on`` / ``last_scan_on``, what was sent
    when it was represented (``representation``)."""
    decided_at: Mapped[datetime | None]
    """When the latest action that gave the case an outcome was taken (``rules.report_records.DECIDING_ACTIONS``)."""
    # The seller account and the marketplace whose calendar and rules set the case's deadlines.
    # One claim per order stays deployment-wide: Amazon's order IDs do not repeat across marketplaces.
    account: Mapped[str] = mapped_column(String(32), default=DEFAULT_ACCOUNT, server_default=DEFAULT_ACCOUNT)
    marketplace: Mapped[str] = mapped_column(String(8), default=DEFAULT_MARKETPLACE,
                                             server_default=DEFAULT_MARKETPLACE)
    ledger_cents: Mapped[int | None]
    """What Amazon's ledger moved on this case, signed as Amazon posted it (``None``: nothing posted yet)."""
    ledger_posted_at: Mapped[datetime | None]
    """When the latest ledger entry on this case was posted."""

    deadlines: Mapped[list[CaseDeadline]] = relationship(back_populates="case", order_by="CaseDeadline.id")
    events: Mapped[list[AuditEvent]] = relationship(back_populates="case", order_by="AuditEvent.id")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="case", order_by="Evidence.id")

    # Every write checks the version it read: two people pressing buttons at once cannot both win.
    __mapper_args__: ClassVar = {"version_id_col": version}


class CaseDeadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index(None, "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(32))
    basis_at: Mapped[datetime]
    computed_due_at: Mapped[datetime | None]
    stated_due_at: Mapped[datetime | None]
    due_at: Mapped[datetime]
    """The instant in force (the earlier of computed and stated), kept for the sweep's index."""
    status: Mapped[str] = mapped_column(String(16), default=DeadlineStatus.OPEN)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    days: Mapped[int | None]
    """The marketplace's count for a counted rule (``rules.deadlines.COUNTED_RULE_LABELS``)."""

    case: Mapped[Case] = relationship(back_populates="deadlines")


class AuditEvent(Base):
    """Append-only: who did what to a case, when, from which state to which."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Evidence(Base):
    """A document attached to a case (a Slack file) or a checklist item the team ticked."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    slack_file_id: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="evidence")


class RosterOrder(Base):
    """An order assigned to one of the team's accounts (imported from a Seller Central order report)."""

    __tablename__ = "roster_orders"

    account: Mapped[str] = mapped_column(String(32), primary_key=True, default=DEFAULT_ACCOUNT,
                                         server_default=DEFAULT_ACCOUNT)
    order_id: Mapped[str] = mapped_column(String(19), primary_key=True)
    imported_at: Mapped[datetime]


class OutboxNotice(Base):
    """A notice to post, once. ``key`` names it (case, deadline, stage) so it cannot be planned twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key"),
        Index(None, "status", "post_at"),
        Index(None, "deadline_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadlines.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id"))
    target: Mapped[str] = mapped_column(String(32))
    """A channel ID, or a user ID for a direct message."""
    post_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.PENDING)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    ledger_key: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.key"))
    """The ledger entry a ``ledger`` notice is about (a reimbursement no case matched has no case)."""
    unknown_since: Mapped[datetime | None]
    """Set when a post's fate is unknown (its reply was lost, or its sweep died holding it): look for it
    in the conversation's history, from this instant, before it is ever sent again."""


class UserPreference(Base):
    """A Slack user's language and zone: chosen in App Home, or cached from ``users.info``."""

    __tablename__ = "user_preferences"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    chosen_locale: Mapped[str | None] = mapped_column(String(16))
    slack_locale: Mapped[str | None] = mapped_column(String(16))
    tz: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None]


class IntakeRead(Base):
    """A Slack message intake has answered (an email in the intake channel, a shortcut's message): a retried
    event or a second look finds it here and the thread gets one reply."""

    __tablename__ = "intake_reads"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    """``channel`` (the intake channel) or ``shortcut``."""
    read_by: Mapped[str | None] = mapped_column(String(32))
    """The person who pressed the shortcut; ``None`` when the email was read on arrival."""
    read_at: Mapped[datetime]
    file_id: Mapped[str | None] = mapped_column(String(32))
    """The email file, to read it again when the first answer failed."""
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None]
    """When its reply landed (or it was decided that it gets none); ``None``: the sweep tries again."""
    tries: Mapped[int] = mapped_column(default=0, server_default="0")


class SeenRequest(Base):
    """A click or a form submission already taken: Slack signs a request for five minutes, so the same
    signed request sent again within them finds its key here and changes nothing, posts nothing."""

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    """sha256 of who, what (action id or view) and which (``action_ts``, or the submitted values)."""
    seen_at: Mapped[datetime] = mapped_column(index=True)


class LedgerEntryRow(Base):
    """One event Amazon's ledger posted (``rules.ledger.LedgerEntry``), kept once by its key, with the case it
    matched and what the app did with it."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index(None, "kind", "match_key"),
        Index(None, "account", "posted_at"),
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    reference: Mapped[str] = mapped_column(String(64))
    match_key: Mapped[str] = mapped_column(String(64))
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    posted_at: Mapped[datetime]
    seller_fulfilled: Mapped[bool | None]
    reason: Mapped[str] = mapped_column(String(200), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(24))
    """What the app did (``rules.ledger.Step``)."""
    recorded_at: Mapped[datetime]
    matched_by: Mapped[str | None] = mapped_column(String(32))
    """The person who matched an entry no case matched by itself."""


class LedgerSync(Base):
    """One seller account's reading of Amazon's ledger: how far it has read (the watermark, advanced only after a
    window was read and recorded whole), the last run and the last error."""

    __tablename__ = "ledger_syncs"

    account: Mapped[str] = mapped_column(String(32), primary_key=True)
    watermark: Mapped[datetime | None]
    read_from: Mapped[datetime | None]
    """The earliest instant any sync read from: a grant before it may have been paid before the app looked."""
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    entries: Mapped[int] = mapped_column(default=0)
    """Entries recorded by the last sync that finished."""
    error: Mapped[str | None] = mapped_column(Text)
    error_at: Mapped[datetime | None]
    error_told: Mapped[str | None] = mapped_column(String(64))
    """The error already told to the account's leads (told once, not every hour)."""
