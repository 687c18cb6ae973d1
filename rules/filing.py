"""The SAFE-T filing window of a seller-fulfilled order: the dates that start it, checked, and the refusal of a
claim whose window has closed (with the way to count the loss instead)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .deadlines import Deadline, DeadlineKind, DeadlineRule, end_of_day, local_instant, positive_days
from .errors import DomainError
from .kinds import SafetReason
from .text import N_

FILING_DAYS_US = 30
"""Effective 16 February 2026, for US seller-fulfilled orders (domain.md; it was 60 before)."""


def filing_start(*, refund_on: date | None, return_scan_on: date | None, last_scan_on: date | None,
                 lost: bool) -> date | None:
    """The day a claim's filing window counts from: a lost return's last scan; otherwise the later of the return
    delivery scan and the refund (the refund alone when nothing came back). ``None``: a date is missing."""
    if lost:
        return last_scan_on
    if refund_on is None:
        return None
    return max(refund_on, return_scan_on) if return_scan_on is not None else refund_on


def filing_window(start: date, *, lost: bool, zone: ZoneInfo, days: int = FILING_DAYS_US) -> Deadline:
    """File by the end of the ``days``-th calendar day after ``start``, in the marketplace's zone."""
    counted = positive_days(days) != FILING_DAYS_US
    if lost:
        rule = DeadlineRule.FILING_LOST_D if counted else DeadlineRule.FILING_LOST_30D
    else:
        rule = DeadlineRule.FILING_D if counted else DeadlineRule.FILING_30D
    return Deadline(DeadlineKind.FILE_BY, rule, local_instant(start, time(0, 0), zone),
                    end_of_day(start + timedelta(days=days), zone), days=days if counted else None)


@dataclass(frozen=True)
class ReturnFacts:
    """What the seller knows of the refund and the return (a seller-fulfilled order's claim)."""

    refund_on: date | None = None
    return_scan_on: date | None = None
    """The return's delivery scan at the seller's warehouse."""
    last_scan_on: date | None = None
    """A lost return's last scan event."""
    refunded_cents: int | None = None

    def as_details(self) -> dict[str, str]:
        days = {"refund_on": self.refund_on, "return_scan_on": self.return_scan_on, "last_scan_on": self.last_scan_on}
        return {name: day.isoformat() for name, day in days.items() if day is not None}


def window_field(reason: SafetReason) -> str:
    """The form field whose date starts the window (a refusal is shown beside it)."""
    return "last_scan_on" if reason is SafetReason.RETURN_LOST else "refund_on"


def window_start(reason: SafetReason, facts: ReturnFacts, *, today: date) -> date:
    """The day the filing window counts from, or a refusal on the field at fault."""
    lost = reason is SafetReason.RETURN_LOST
    for name, day in (("refund_on", facts.refund_on), ("return_scan_on", facts.return_scan_on),
                      ("last_scan_on", facts.last_scan_on)):
        if day is not None and day > today:
            raise DomainError(N_("This date cannot be in the future."), field=name)
    if lost and facts.last_scan_on is None:
        raise DomainError(N_("Enter the date of the lost return's last scan: the filing window counts from it."),
                          field="last_scan_on")
    if not lost and facts.refund_on is None:
        raise DomainError(N_("Enter the refund date: the filing window counts from it (or from the return's "
                             "delivery scan, if later)."), field="refund_on")
    if reason is SafetReason.REFUNDED_NOT_RETURNED and facts.return_scan_on is not None:
        raise DomainError(N_("An item that never came back has no return delivery scan: leave that date empty, or "
                             "choose another reason."), field="return_scan_on")
    if facts.refunded_cents is None:
        raise DomainError(N_("Enter the amount refunded to the buyer."), field="refunded_amount")
    start = filing_start(refund_on=facts.refund_on, return_scan_on=facts.return_scan_on,
                         last_scan_on=facts.last_scan_on, lost=lost)
    assert start is not None
    return start


def closed_refusal(reason: SafetReason, deadline: Deadline, zone: ZoneInfo) -> DomainError:
    last_day = deadline.ends_on(zone) or deadline.due_at.astimezone(zone).date()
    return DomainError(
        N_("The filing window closed at the end of {day}: Amazon refuses a claim filed after it. To count the "
           "money as lost, tick “Record as not filed in time” and save again."),
        field=window_field(reason), day=last_day.isoformat())


def is_closed(deadline: Deadline, now: datetime) -> bool:
    return now >= deadline.due_at
