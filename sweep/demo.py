"""`safet demo`: a sample team's week in the terminal, no Slack needed. A fresh SQLite file gets a
seller-support team's cases in every state of both kinds; then the week (a weekend and a holiday in
it) is played hour by hour: what the people do, and every message the sweep would post (recorded,
never sent), as terminal text."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.engine import make_url

from rules.deadlines import local_instant, outcome_window, safet_info_reply
from rules.errors import DomainError
from rules.kinds import ComplaintType as Cp
from rules.kinds import SafetReason as R
from rules.records import ListFilter
from rules.settings import Settings
from store import cases as store_cases
from store.db import Policy, Store, upgrade
from store.people import save_chosen_locale
from store.queries import list_cases
from sweep.scheduler import SweepReport, sweep
from views.i18n import translator
from views.plain_text import message_text
from views.text import due_text
from webapi.posting import Pacer, RecordingPoster

DEMO_CHANNEL = "CDEMO"
DEMO_CHANNEL_NAME = "#seller-support"
DEMO_PEOPLE = {"UMEI": "mei", "UJAMES": "james", "UPRIYA": "priya"}
DEMO_LEAD = "UPRIYA"


def demo_settings(locale: str = "en", database_url: str = "sqlite:///safet-demo.sqlite3") -> Settings:
    """A small team: two preparers and a lead who approves chargebacks over $200 and SAFE-T claims of
    unknown amount, warnings in one channel, a daily summary at 09:00 Los Angeles time."""
    return Settings(database_url=database_url, alert_channel=DEMO_CHANNEL, digest_hour=9, channel_locale=locale,
                    default_locale=locale, leads=(DEMO_LEAD,), require_approval=True, approval_above_cents=20000,
                    sweep_seconds=0)


def demo_week_start(settings: Settings, today: datetime) -> tuple[datetime, str]:
    """08:00 on the Friday before the next weekday public holiday, so the week shows a weekend and a
    holiday: (start instant, the holiday's name)."""
    calendar = settings.calendar
    day = today.astimezone(settings.zone).date()
    for _ in range(800):
        day += timedelta(days=1)
        name = calendar.holiday_name(day)
        if name and day.weekday() < 5:
            friday = day - timedelta(days=(day.weekday() - 4) % 7 or 7)
            return local_instant(friday, wall_time(8), settings.zone), name
    raise ValueError("no public holiday on a weekday within two years: set SAFET_HOLIDAYS")


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    say: str = field(compare=False)
    run: Callable[[datetime], Any] = field(compare=False)


class _DemoTeam:
    """The team's cases, every state of both kinds, and what the people do during the week."""

    def __init__(self, store: Store, settings: Settings, start: datetime) -> None:
        self.store, self.settings, self.start = store, settings, start
        self.steps: list[_Step] = []
        self.ids: dict[str, int] = {}
        self.outage: tuple[datetime, datetime] | None = None
        """When the app is down (a failed deploy): no sweeps, so missed warnings are posted late or skipped."""
        self._labels: set[str] = set()
        self._orders = 0

    # ---- helpers

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        return local_instant(self.start.astimezone(self.settings.zone).date() + timedelta(days=day),
                             wall_time(hour, minute), self.settings.zone)

    def date(self, day: int):  # type: ignore[no-untyped-def]
        return self.start.astimezone(self.settings.zone).date() + timedelta(days=day)

    def order_id(self) -> str:
        self._orders += 1
        n = self._orders
        return f"11{n % 10}-{(4829301 + n * 7919) % 10**7:07d}-{(5512093 + n * 104729) % 10**7:07d}"

    def step(self, at: datetime, say: str, run: Callable[[datetime], Any]) -> None:
        self.steps.append(_Step(at, len(self.steps), say, run))

    def case(self, label: str) -> int:
        return self.ids[label]

    def _label(self, label: str) -> str:
        if label in self._labels:
            raise ValueError(f"two demo cases named {label!r}")
        self._labels.add(label)
        return label

    def safet(self, label: str, owner: str, reason: Any, at: datetime, *, file_at: datetime | None = None,
              claim_number: str | None = None) -> None:
        label, order_id = self._label(label), self.order_id()

        def open_it(now: datetime) -> None:
            self.ids[label] = store_cases.open_safet_claim(
                self.store, actor=owner, order_id=order_id, reason=reason, now=now,
                explanation="Technician arrived; the customer was not home (photos attached)."
                if str(reason) == "trip_credit" else "See attached documents.",
            ).case.id

        self.step(at, f"{DEMO_PEOPLE[owner]} prepares a SAFE-T claim for order {order_id}", open_it)
        if file_at is not None:
            self.file(label, owner, file_at, claim_number=claim_number)

    def file(self, label: str, owner: str, at: datetime, *, claim_number: str | None = None) -> None:
        def file_it(now: datetime) -> None:
            case_id = self.case(label)
            record = store_cases.record_filing
            try:
                record(self.store, case_id, actor=owner, now=now, claim_number=claim_number)
            except DomainError:  # the approval gate: ask, get approved, then file
                store_cases.submit_for_approval(self.store, case_id, actor=owner, now=now - timedelta(hours=2))
                store_cases.approve(self.store, case_id, actor=DEMO_LEAD, is_lead=True,
                                    now=now - timedelta(hours=1))
                record(self.store, case_id, actor=owner, now=now, claim_number=claim_number)

        self.step(at, f"{DEMO_PEOPLE[owner]} files it in Seller Central", file_it)

    def chargeback(self, label: str, owner: str, cents: int, complaint: Any, email_day: int, *,
                   notes: str = "") -> None:
        label, order_id = self._label(label), self.order_id()
        email_on = self.date(email_day)

        def open_it(now: datetime) -> None:
            self.ids[label] = store_cases.open_chargeback(
                self.store, actor=owner, order_id=order_id, amount_cents=cents, currency="USD", now=now,
                complaint_type=complaint, email_on=email_on, notes=notes,
            ).case.id

        self.step(self.at(email_day, 9, 30), f"{DEMO_PEOPLE[owner]} records Amazon's chargeback email for order "
                                             f"{order_id}", open_it)

    def act(self, at: datetime, say: str, use_case: Callable[..., Any], label: str, **kwargs: Any) -> None:
        self.step(at, say, lambda now: use_case(self.store, self.case(label), now=now, **kwargs))

    def represent(self, label: str, owner: str, at: datetime, **extra: Any) -> None:
        self.act(at, f"{DEMO_PEOPLE[owner]} represents the case in Seller Central", store_cases.represent, label,
                 actor=owner, shipped_on=self.date(-20), shipping_method="UPS Ground", tracking="1Z999AA10123456784",
                 correspondence="Buyer confirmed the delivery window by message.", **extra)

    # ---- the story

    def build(self, holiday: datetime) -> None:
        M, J, P = "UMEI", "UJAMES", DEMO_LEAD
        sc = store_cases
        # SAFE-T claims, one per state, some of them moving during the week.
        self.safet("preparing", M, R.TRIP_CREDIT, self.at(-1, 15))
        self.safet("awaiting", J, R.PENALTY_FEE, self.at(-2, 10))
        self.act(self.at(-2, 11), "james asks priya to approve", sc.submit_for_approval, "awaiting", actor=J)
        self.act(self.at(0, 11, 30), "priya sends james's claim back", sc.send_back, "awaiting", actor=P,
                 is_lead=True, note="Attach the penalty notice and the buyer messages, then send it again.")
        self.safet("approved", M, R.CANCELLED_INCORRECTLY, self.at(-3, 9))
        self.act(self.at(-3, 10), "mei asks priya to approve", sc.submit_for_approval, "approved", actor=M)
        self.act(self.at(-3, 16), "priya approves", sc.approve, "approved", actor=P, is_lead=True)
        self.safet("filed", M, R.TRIP_CREDIT, self.at(-6, 9), file_at=self.at(-5, 14), claim_number="4471-2290")
        # Thursday's information request: 2 business days, the weekend skipped; nobody answers.
        self.safet("info", M, R.TRIP_CREDIT, self.at(-8, 9), file_at=self.at(-6, 10), claim_number="4471-3318")
        self.act(self.at(-1, 10), "Amazon's investigator asks mei for the customer-approved photos",
                 sc.log_info_request, "info", actor=M, arrived_at=self.at(-1, 10))
        self.safet("answered", J, R.TRIP_CREDIT, self.at(-12, 9), file_at=self.at(-9, 11), claim_number="4470-9921")
        self.act(self.at(-4, 9), "an investigator asks james for more", sc.log_info_request, "answered", actor=J,
                 arrived_at=self.at(-4, 9))
        self.act(self.at(-3, 15), "james answers", sc.record_answer, "answered", actor=J)
        # An information request two business days before the holiday: the holiday is skipped too.
        self.safet("holiday", J, R.PENALTY_FEE, self.at(-14, 9), file_at=self.at(-10, 12), claim_number="4470-8812")
        asked = self.settings.calendar
        day = holiday.date()
        for _ in range(2):
            day -= timedelta(days=1)
            while not asked.is_business_day(day):
                day -= timedelta(days=1)
        arrived = local_instant(day, wall_time(11), self.settings.zone)
        due = asked.add_business_days(arrived, 2)
        self.act(arrived, "an investigator asks james to prove the penalty is wrong", sc.log_info_request,
                 "holiday", actor=J, arrived_at=arrived)
        self.act(due - timedelta(hours=20), "james answers the investigator", sc.record_answer, "holiday", actor=J)
        self.safet("reimbursed", J, R.TRIP_CREDIT, self.at(-22, 9), file_at=self.at(-20, 10))
        self.act(self.at(-4, 13), "Amazon grants the Trip Credit", sc.record_grant, "reimbursed", actor=J,
                 is_lead=False, amount_cents=5000)
        self.safet("granted", J, R.CANCELLED_INCORRECTLY, self.at(-14, 9), file_at=self.at(-12, 15))
        self.act(self.at(3, 14), "Amazon grants james's claim", sc.record_grant, "granted", actor=J, is_lead=False,
                 amount_cents=12000)
        self.safet("denied", M, R.PENALTY_FEE, self.at(-18, 9), file_at=self.at(-15, 10), claim_number="4469-1104")
        self.act(self.at(-1, 16), "Amazon denies mei's claim (No-Grant)", sc.record_denial, "denied", actor=M,
                 is_lead=False, appeal_by=self.at(3, 17))
        self.safet("appealed", J, R.TRIP_CREDIT, self.at(-32, 9), file_at=self.at(-30, 10))
        self.act(self.at(-10, 10), "Amazon denies it", sc.record_denial, "appealed", actor=J, is_lead=False,
                 appeal_by=self.at(20, 17))
        self.act(self.at(-8, 10), "james appeals with new photos", sc.record_appeal, "appealed", actor=J,
                 new_evidence="Time-stamped photos of the completed installation.")
        self.safet("auto_closed", M, R.TRIP_CREDIT, self.at(-27, 9), file_at=self.at(-25, 10))
        self.act(self.at(-14, 9), "an investigator asks for more", sc.log_info_request, "auto_closed", actor=M,
                 arrived_at=self.at(-14, 9))
        unanswered = safet_info_reply(self.at(-14, 9), self.settings.calendar).due_at
        self.act(unanswered + timedelta(minutes=5), "two business days pass", sc.auto_close, "auto_closed")
        self.safet("withdrawn", J, R.TRIP_CREDIT, self.at(-7, 9))
        self.act(self.at(-6, 9), "james withdraws it: the appointment was completed after all", sc.withdraw,
                 "withdrawn", actor=J, is_lead=False)

        # Chargebacks.
        self.chargeback("reply", M, 12999, Cp.NOT_RECEIVED, -2, notes="Buyer says the parcel never came.")
        self.represent("reply", M, self.at(5, 21))
        self.chargeback("overdue", J, 8950, Cp.UNAUTHORIZED, -6, notes="Card reported stolen.")
        self.act(self.at(4, 10), "Amazon's email: the account was debited", sc.record_debit, "overdue", actor=J,
                 is_lead=False, amount_cents=8950, reason="No response received within 7 days.")
        self.act(self.at(5, 11), "james disputes the debit by replying to the email", sc.dispute_debit, "overdue",
                 actor=J, note="We responded; tracking shows delivery to the billing address.")
        self.chargeback("approval", M, 45000, Cp.MATERIALLY_DIFFERENT, -1, notes="Buyer says the colour differs.")
        self.act(self.at(-1, 17), "mei asks priya to approve the response", sc.submit_for_approval, "approval",
                 actor=M)
        self.act(self.at(0, 10), "priya approves mei's response", sc.approve, "approval", actor=P, is_lead=True,
                 note="Good evidence. Include the listing photos.")
        self.represent("approval", M, self.at(3, 10), item_details="Listing photos match the item shipped.")
        # Three chargebacks from one stolen card, due the same night the app is down for a failed deploy:
        # when it is back, each missed warning is posted late once (the earlier stages skipped), in one digest.
        for label, cents in (("ring1", 4999), ("ring2", 6450), ("ring3", 3125)):
            self.chargeback(label, J, cents, Cp.UNAUTHORIZED, -3, notes="Same stolen card as the other two.")
        self.outage = (self.at(3, 23), self.at(4, 20, 30))
        for minute, label in ((0, "ring1"), (10, "ring2"), (20, "ring3")):
            self.represent(label, J, self.at(4, 22, minute))
        self.chargeback("cb_approved", J, 26000, Cp.MATERIALLY_DIFFERENT, -3)
        self.act(self.at(-2, 10), "james asks priya to approve a refund", sc.submit_for_approval, "cb_approved",
                 actor=J)
        self.act(self.at(-2, 15), "priya approves", sc.approve, "cb_approved", actor=P, is_lead=True)
        self.act(self.at(4, 20), "james refunds the buyer", sc.refund, "cb_approved", actor=J)
        self.chargeback("refunded", M, 4500, Cp.NOT_RECOGNISED, -12)
        self.act(self.at(-10, 10), "mei refunds the buyer", sc.refund, "refunded", actor=M)
        self.chargeback("window", M, 7425, Cp.NOT_RECEIVED, -93)
        self.represent("window", M, self.at(-88, 12))
        self.chargeback("represented", J, 15999, Cp.NOT_RECEIVED, -34)
        self.represent("represented", J, self.at(-30, 11))
        self.chargeback("cb_info", J, 6150, Cp.NOT_RECEIVED, -12)
        self.represent("cb_info", J, self.at(-9, 11))
        self.act(self.at(-1, 13), "Amazon asks james for the delivery photo", sc.log_info_request, "cb_info",
                 actor=J, arrived_at=self.at(-1, 13), stated_due_at=self.at(2, 17))
        self.act(self.at(2, 15), "james sends the delivery photo", sc.record_answer, "cb_info", actor=J)
        self.chargeback("cb_answered", M, 9900, Cp.NOT_RECEIVED, -20)
        self.represent("cb_answered", M, self.at(-17, 11))
        self.act(self.at(-10, 9), "Amazon asks for more", sc.log_info_request, "cb_answered", actor=M,
                 arrived_at=self.at(-10, 9), stated_due_at=self.at(-7, 17))
        self.act(self.at(-8, 10), "mei answers", sc.record_answer, "cb_answered", actor=M)
        self.chargeback("debited", J, 3999, Cp.UNAUTHORIZED, -40)
        self.act(self.at(-20, 10), "Amazon debits", sc.record_debit, "debited", actor=J, is_lead=False,
                 amount_cents=3999, reason="The buyer's bank sided with the cardholder.")
        self.chargeback("no_debit", M, 5600, Cp.NOT_RECEIVED, -120)
        self.represent("no_debit", M, self.at(-115, 11))
        window_end = outcome_window(represented_on=self.date(-115), zone=self.settings.zone).due_at
        self.act(window_end + timedelta(minutes=5), "90 days pass", sc.presume_no_debit, "no_debit")
        self.chargeback("won", J, 18900, Cp.NOT_RECEIVED, -50)
        self.represent("won", J, self.at(-45, 11))
        self.act(self.at(-5, 10), "Amazon says the case was won", sc.record_win, "won", actor=J, is_lead=False)
        for label, owner, cents, day, outcome in (("disputed", M, 2999, -60, None), ("reversed", J, 11900, -80, True),
                                                  ("upheld", M, 7800, -90, False)):
            self.chargeback(label, owner, cents, Cp.NOT_RECOGNISED, day)
            self.act(self.at(day + 30, 10), "Amazon debits", sc.record_debit, label, actor=owner, is_lead=False,
                     amount_cents=cents, reason="The buyer's bank sided with the cardholder.")
            self.act(self.at(day + 31, 10), "the owner disputes it", sc.dispute_debit, label, actor=owner,
                     note="Signed proof of delivery attached.")
            if outcome is not None:
                self.act(self.at(day + 60, 10), "the bank decides", sc.decide_dispute, label, actor=owner,
                         is_lead=False, reversed_=outcome)


def _local(moment: datetime, settings: Settings) -> datetime:
    return moment.astimezone(settings.zone)


def play_demo(store: Store, settings: Settings, *, start: datetime, holiday_name: str, days: int = 7,
              out: Any = None, names: dict[str, str] | None = None) -> SweepReport:
    """Fill the store with the demo team's cases (created in the past), then play ``days`` days hour by
    hour: what the people do, and every message the app would post, as terminal text."""
    write = (out or sys.stdout).write
    names = {**DEMO_PEOPLE, DEMO_CHANNEL: DEMO_CHANNEL_NAME, **(names or {})}
    zone = settings.zone
    holiday = next(local_instant(start.astimezone(zone).date() + timedelta(days=n), wall_time(0), zone)
                   for n in range(1, 8) if settings.calendar.holiday_name(start.astimezone(zone).date()
                                                                          + timedelta(days=n)))
    team = _DemoTeam(store, settings, start)
    team.build(holiday.astimezone(zone))
    save_chosen_locale(store, "UMEI", "zh_CN")
    steps = sorted(team.steps)
    for step in (s for s in steps if s.at < start):
        step.run(step.at)
    poster, quiet = RecordingPoster(), Pacer(0)
    sweep(store, poster, settings, now=start - timedelta(minutes=1), pacer=quiet)  # the app was running
    poster.take()

    tr = translator(settings.channel_locale)
    cases = [*list_cases(store, ListFilter.OPEN, user_id="", now=start, limit=500),
             *list_cases(store, ListFilter.CLOSED, user_id="", now=start, limit=500)]
    write(f"SAFE-T Desk demo: a seller-support team — mei and james prepare, priya leads — and {len(cases)} cases.\n")
    local_start = _local(start, settings)
    write(f"The week starts {local_start:%A %d %B %Y %H:%M} ({settings.timezone}); it has a weekend and "
          f"{holiday_name} ({holiday.astimezone(zone):%A %d %B}), a US holiday business days skip.\n")
    write(f"Nothing goes to Slack: each message below is what {DEMO_CHANNEL_NAME} or a direct message would show.\n\n")
    write("Cases at the start:\n")
    for case in sorted(cases, key=lambda c: (c.kind.value, c.state.value)):
        deadline = case.next_deadline
        due = f" · {tr.label(deadline.kind)} {due_text(deadline, tr, zone)}" if deadline else ""
        write(f"  {case.order_id}  {tr.label(case.kind):<13} {tr.label(case.state):<34} "
              f"@{DEMO_PEOPLE.get(case.owner_id, case.owner_id)}{due}\n")

    total = SweepReport()
    pending = [s for s in steps if s.at >= start]
    day_shown = None
    down_from, down_until = team.outage or (start, start)
    for hour in range(days * 24 + 1):
        now = start + timedelta(hours=hour)
        lines: list[str] = []
        while pending and pending[0].at <= now:
            step = pending.pop(0)
            step.run(step.at)
            lines.append(f"{_local(step.at, settings):%H:%M}  ✎ {step.say}")
        if down_from <= now < down_until:
            if now - timedelta(hours=1) < down_from:
                lines.append(f"{_local(down_from, settings):%H:%M}  ✖ the app goes down (a failed deploy) until "
                             f"{_local(down_until, settings):%H:%M}: no sweeps meanwhile")
            report = SweepReport()
        else:
            if down_from < down_until and now - timedelta(hours=1) < down_until <= now:
                lines.append(f"{_local(now, settings):%H:%M}  ✔ the app is back and sweeps")
            report = sweep(store, poster, settings, now=now, pacer=quiet)
        for field_name in ("posted", "skipped", "failed", "closed", "presumed", "expired", "messages"):
            setattr(total, field_name, getattr(total, field_name) + getattr(report, field_name))
        if report.closed:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the app closes {report.closed} SAFE-T claim(s) "
                         "automatically: the information request went unanswered")
        if report.presumed:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the app presumes {report.presumed} chargeback(s) "
                         "won: 90 days with no debit")
        if report.expired:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ the “Appeal by” date of {report.expired} denied claim(s) "
                         "passed: settled as missed, the denial stands")
        if report.skipped:
            lines.append(f"{_local(now, settings):%H:%M}  ⚙ {report.skipped} missed warning(s) skipped: a later "
                         "stage already applies")
        for posted in poster.take():
            where = names.get(posted.target, posted.target)
            where = where if posted.target == DEMO_CHANNEL else f"direct message to @{where}"
            lines.append(f"{_local(now, settings):%H:%M}  → {where}")
            lines += ["        " + line for line in message_text(posted.message, names=names).splitlines()]
        if lines:
            local_day = _local(now, settings).date()
            if local_day != day_shown:
                day_shown = local_day
                title = f"{local_day:%A %d %B %Y}"
                if settings.calendar.holiday_name(local_day):
                    title += f" — {settings.calendar.holiday_name(local_day)}"
                write(f"\n━━ {title} " + "━" * max(4, 60 - len(title)) + "\n")
            write("\n".join(lines) + "\n")
    write(f"\nIn {days} days the app would have posted {total.messages} messages carrying {total.posted} notices, "
          f"skipped {total.skipped} stale warnings, closed {total.closed} claim(s) automatically and presumed "
          f"{total.presumed} chargeback(s) won.\n")
    return total


def run_demo(database_url: str, *, days: int = 7, locale: str = "en", today: datetime,
             out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The command: a local SQLite file only, started afresh (deleted first), the week after ``today``
    played, then how to see the next sweep. Exit status 0, or 2 with a one-line reason."""
    out, err = out or sys.stdout, err or sys.stderr
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        err.write("safet: the demo fills a local SQLite file; use e.g. --database sqlite:///safet-demo.sqlite3\n")
        return 2
    if days < 1:
        err.write("safet: --days must be 1 or more\n")
        return 2
    path = Path(url.database)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    settings = demo_settings(locale, database_url)
    upgrade(database_url)
    store = Store.from_url(database_url, Policy.of(settings))
    try:
        start, holiday = demo_week_start(settings, today)
        play_demo(store, settings, start=start, holiday_name=holiday, days=days, out=out)
    finally:
        store.dispose()
    out.write(f"\nThe cases stay in {path}. See what a sweep would do next, without posting:\n"
              f"  DATABASE_URL={database_url} safet sweep --dry-run --now "
              f"{(start + timedelta(days=days, hours=1)).isoformat()}\n")
    return 0
