"""Does the sweep's cost stay flat as history grows? Fill the store with 10 k, 100 k and 1 M cases
(most closed; ~550 open; ~1 k notices due at the sweep instant), then run `sweep.scheduler.sweep`
against the fake Slack and measure it.

    python bench/sweep_scale.py                                   # 10k,100k,1M on SQLite and PostgreSQL
    python bench/sweep_scale.py --sizes 10000,100000 --backends sqlite --repeat 3
    python bench/sweep_scale.py --sizes 1000000 --explain         # also the query plans of the sweep's reads
    python bench/sweep_scale.py --sizes 1000000 --profile         # pyinstrument of one sweep (outside Slack)

Filling uses SQLAlchemy Core ``insert()`` with lists of dicts (SQLite) or COPY (PostgreSQL), with the
schema's own indexes in place. What the open and due part holds is the same at every size, so any
growth of the sweep's time is the cost of history.

Each sweep runs in a fresh child process (imports done and the store pinged before the clock
starts): wall time of `scheduler.sweep`, time inside Slack Web API calls (the client's ``api_call``,
timed), calls made, and memory growth (VmHWM after the sweep minus VmRSS before it, peak reset via
/proc/self/clear_refs). Pacing is off (``Pacer(0)``): in production each extra message to one channel
waits ~1 s, which is Slack's limit and not the app's cost. Between repeats the rows the sweep changed
are put back, so every repeat sweeps the same due set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: a patched copy wins

from bench.common import pg_available, pg_schema, temp_dir

NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
"""The sweep's instant: Friday 15:00 in Los Angeles (after the 09:00 daily summary hour)."""
CHANNEL = "CCASES"
OWNERS = [f"U{n:04d}" for n in range(1, 21)]
CHUNK = 20_000

# The open and due part, the same at every size (counts of cases).
ROLES = {
    "cb_due_4h": 200,       # chargeback reply due in 3 h: its warn-4h stage is due now
    "cb_due_24h": 100,      # due in 20 h: warn-24h due now
    "cb_future": 100,       # due in 5 days: nothing due
    "safet_autoclose": 20,  # SAFE-T information request unanswered, due 10 min ago: the sweep closes it
    "safet_info": 30,       # information request due in 30 h: nothing due yet
    "safet_preparing": 50,  # no deadline
    "cb_represented": 50,   # outcome window open for 60 more days
    "recent_outcome": 350,  # granted 5 minutes ago: channel and DM outcome notices due
}
DECIDED = {"reimbursed", "denied", "withdrawn", "won", "no_debit"}
TARGET_MS = 250.0
TARGET_RATIO = 1.5
TARGET_MB = 50.0


# ---------------------------------------------------------------- rows


@dataclass
class Ids:
    deadline: int = 0
    event: int = 0
    outbox: int = 0


def _case(i: int, kind: str, state: str, created: datetime, updated: datetime, *, channel: bool = True,
          reason: str | None = None) -> dict[str, Any]:
    owner = OWNERS[i % len(OWNERS)]
    return {
        "id": i, "kind": kind, "order_id": f"{100 + i % 900:03d}-{i // 10_000_000:07d}-{i % 10_000_000:07d}",
        "state": state, "owner_id": owner, "created_by": owner, "created_at": created, "updated_at": updated,
        "version": 3, "reason": reason if kind == "safet" else None, "product_order_id": None,
        "explanation": "Customer not home at the appointment." if kind == "safet" else "",
        "second_appointment_completed_on": None,
        "expected_amount_cents": 5000 if reason == "trip_credit" else None,
        "amount_cents": 4999 if kind == "chargeback" else None, "currency": "USD", "outcome_amount_cents": None,
        "complaint_type": "not_received" if kind == "chargeback" else None,
        "email_on": created.date() if kind == "chargeback" else None, "email_at": None, "notes": "",
        "claim_number": f"44{i:08d}" if kind == "safet" and state != "preparing" else None, "appeals_used": 0,
        "needs_approval": False, "approved_by": None, "channel_id": CHANNEL if channel else None,
        "card_ts": f"1600000000.{i % 1_000_000:06d}" if channel else None, "filing_locale": "en", "details": {},
        "card_claimed_at": None, "card_shown": None, "card_stale_at": None,
        "decided_at": updated if state in DECIDED else None,  # a closed case was decided when it last changed
    }


def _deadline(ids: Ids, case_id: int, kind: str, rule: str, basis: datetime, due: datetime, status: str,
              settled: datetime | None) -> dict[str, Any]:
    ids.deadline += 1
    return {"id": ids.deadline, "case_id": case_id, "kind": kind, "rule": rule, "basis_at": basis,
            "computed_due_at": due, "stated_due_at": None, "due_at": due, "status": status, "created_at": basis,
            "settled_at": settled}


def _event(ids: Ids, case_id: int, at: datetime, actor: str, action: str, from_state: str | None,
           to_state: str) -> dict[str, Any]:
    ids.event += 1
    return {"id": ids.event, "case_id": case_id, "at": at, "actor": actor, "action": action,
            "from_state": from_state, "to_state": to_state, "details": {}}


def _notice(ids: Ids, key: str, kind: str, stage: str, case_id: int, target: str, post_at: datetime, status: str,
            *, deadline_id: int | None = None, event_id: int | None = None) -> dict[str, Any]:
    ids.outbox += 1
    done = status in ("sent", "cancelled", "skipped")
    return {"id": ids.outbox, "key": key, "kind": kind, "stage": stage, "case_id": case_id,
            "deadline_id": deadline_id, "event_id": event_id, "target": target, "post_at": post_at,
            "status": status, "claim_token": None, "claimed_at": None, "attempts": 1 if status == "sent" else 0,
            "sent_ts": f"1600000001.{ids.outbox % 1_000_000:06d}" if status == "sent" else None, "error": None,
            "created_at": post_at - timedelta(days=2), "settled_at": post_at if done else None,
            "unknown_since": None}


def _ladder(ids: Ids, case_id: int, deadline_id: int, due: datetime, offsets: list[tuple[str, timedelta]],
            target: str, status_of: Any) -> list[dict[str, Any]]:
    return [_notice(ids, f"deadline:{deadline_id}:{stage}", "deadline", stage, case_id, target, due - offset,
                    status_of(due - offset), deadline_id=deadline_id) for stage, offset in offsets]


CB_LADDER = [("warn-48h", timedelta(hours=48)), ("warn-24h", timedelta(hours=24)), ("warn-4h", timedelta(hours=4)),
             ("overdue", timedelta(0))]
SAFET_LADDER = [("warn-24h", timedelta(hours=24)), ("warn-4h", timedelta(hours=4))]


def _past_is_sent(post_at: datetime) -> str:
    """Stages earlier sweeps already posted; the latest due one (set by the caller) stays pending."""
    return "sent" if post_at <= NOW - timedelta(hours=6) else "pending"


def generate(n: int) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Rows in chunks of cases: {table: rows}. Case ids 1..n; the open and due part has the highest ids."""
    special = sum(ROLES.values())
    roles: list[str] = [role for role, count in ROLES.items() for _ in range(count)]
    ids = Ids()
    closed = n - special
    chunk: dict[str, list[dict[str, Any]]] = {"cases": [], "deadlines": [], "audit_events": [], "outbox": []}
    for i in range(1, n + 1):
        if i <= closed:
            _closed_case(i, closed, ids, chunk)
        else:
            _open_case(i, roles[i - closed - 1], ids, chunk)
        if len(chunk["cases"]) >= CHUNK:
            yield chunk
            chunk = {"cases": [], "deadlines": [], "audit_events": [], "outbox": []}
    if chunk["cases"]:
        yield chunk


def _closed_case(i: int, closed: int, ids: Ids, out: dict[str, list]) -> None:
    # Spread over the past (newest last, all settled before the sweep), about three years for 1 M cases.
    created = NOW - timedelta(days=130) - timedelta(minutes=(closed - i) * 1.5)
    owner = OWNERS[i % len(OWNERS)]
    if i % 5 < 3:  # SAFE-T: filed, maybe asked for information, then granted / denied / withdrawn
        state = ("reimbursed", "denied", "withdrawn")[i % 3]
        done = created + timedelta(days=20)
        out["cases"].append(_case(i, "safet", state, created, done, reason="trip_credit"))
        events = [_event(ids, i, created, owner, "open", None, "preparing"),
                  _event(ids, i, created + timedelta(days=1), owner, "file", "preparing", "filed")]
        if i % 10 == 0:
            asked = created + timedelta(days=5)
            due = asked + timedelta(days=2)
            deadline = _deadline(ids, i, "safet_info_reply", "safet-info-2bd", asked, due, "met",
                                 asked + timedelta(days=1))
            out["deadlines"].append(deadline)
            events += [_event(ids, i, asked, owner, "log_info_request", "filed", "info_requested"),
                       _event(ids, i, asked + timedelta(days=1), owner, "answer", "info_requested", "answered")]
            out["outbox"] += _ladder(ids, i, deadline["id"], due, SAFET_LADDER, CHANNEL,
                                     lambda at, asked=asked: "sent" if at <= asked + timedelta(days=1) else "cancelled")
        action = {"reimbursed": "grant", "denied": "deny", "withdrawn": "withdraw"}[state]
        final = _event(ids, i, done, owner, action, "filed", state)
        events.append(final)
        out["audit_events"] += events
        out["outbox"] += [_notice(ids, f"event:{final['id']}:channel", "outcome", "channel", i, CHANNEL, done, "sent",
                                  event_id=final["id"]),
                          _notice(ids, f"event:{final['id']}:dm", "outcome", "dm", i, owner, done, "sent",
                                  event_id=final["id"])]
    else:  # chargeback: represented, then won / presumed / refunded
        state = ("won", "no_debit")[i % 2]
        represented = created + timedelta(days=3)
        done = represented + timedelta(days=30 if state == "won" else 90)
        out["cases"].append(_case(i, "chargeback", state, created, done))
        reply = _deadline(ids, i, "chargeback_reply", "chargeback-7cd", created, created + timedelta(days=7), "met",
                          represented)
        window = _deadline(ids, i, "outcome_window", "outcome-90d", represented, represented + timedelta(days=90),
                           "cancelled" if state == "won" else "elapsed", done)
        out["deadlines"] += [reply, window]
        out["outbox"] += _ladder(ids, i, reply["id"], reply["due_at"], CB_LADDER, CHANNEL,
                                 lambda at, r=represented: "sent" if at <= r else "cancelled")
        action = "record_win" if state == "won" else "presume_no_debit"
        final = _event(ids, i, done, owner if state == "won" else "system", action, "represented", state)
        out["audit_events"] += [_event(ids, i, created, owner, "open", None, "action_required"),
                                _event(ids, i, represented, owner, "represent", "action_required", "represented"),
                                final]
        out["outbox"] += [_notice(ids, f"event:{final['id']}:channel", "outcome", "channel", i, CHANNEL, done, "sent",
                                  event_id=final["id"]),
                          _notice(ids, f"event:{final['id']}:dm", "outcome", "dm", i, owner, done, "sent",
                                  event_id=final["id"])]


def _open_case(i: int, role: str, ids: Ids, out: dict[str, list]) -> None:
    owner = OWNERS[i % len(OWNERS)]
    channel = i % 20 != 0  # one in twenty has no case channel: its notices go to the owner
    target = CHANNEL if channel else owner
    if role.startswith("cb_due") or role == "cb_future":
        due = NOW + {"cb_due_4h": timedelta(hours=3), "cb_due_24h": timedelta(hours=20),
                     "cb_future": timedelta(days=5)}[role]
        created = due - timedelta(days=7)
        out["cases"].append(_case(i, "chargeback", "action_required", created, created, channel=channel))
        deadline = _deadline(ids, i, "chargeback_reply", "chargeback-7cd", created, due, "open", None)
        out["deadlines"].append(deadline)
        out["audit_events"].append(_event(ids, i, created, owner, "open", None, "action_required"))
        out["outbox"] += _ladder(ids, i, deadline["id"], due, CB_LADDER, target, _past_is_sent)
    elif role in ("safet_autoclose", "safet_info"):
        due = NOW - timedelta(minutes=10) if role == "safet_autoclose" else NOW + timedelta(hours=30)
        asked = due - timedelta(days=2)
        created = asked - timedelta(days=6)
        out["cases"].append(_case(i, "safet", "info_requested", created, asked, channel=channel, reason="trip_credit"))
        deadline = _deadline(ids, i, "safet_info_reply", "safet-info-2bd", asked, due, "open", None)
        out["deadlines"].append(deadline)
        out["audit_events"] += [_event(ids, i, created, owner, "open", None, "preparing"),
                                _event(ids, i, created + timedelta(days=1), owner, "file", "preparing", "filed"),
                                _event(ids, i, asked, owner, "log_info_request", "filed", "info_requested")]
        out["outbox"] += _ladder(ids, i, deadline["id"], due, SAFET_LADDER, target,
                                 lambda at: "sent" if at <= NOW else "pending")
    elif role == "safet_preparing":
        created = NOW - timedelta(hours=i % 48 + 1)
        out["cases"].append(_case(i, "safet", "preparing", created, created, channel=channel, reason="penalty_fee"))
        out["audit_events"].append(_event(ids, i, created, owner, "open", None, "preparing"))
    elif role == "cb_represented":
        created = NOW - timedelta(days=35)
        represented = created + timedelta(days=5)
        out["cases"].append(_case(i, "chargeback", "represented", created, represented, channel=channel))
        out["deadlines"] += [
            _deadline(ids, i, "chargeback_reply", "chargeback-7cd", created, created + timedelta(days=7), "met",
                      represented),
            _deadline(ids, i, "outcome_window", "outcome-90d", represented, represented + timedelta(days=90), "open",
                      None)]
        out["audit_events"] += [_event(ids, i, created, owner, "open", None, "action_required"),
                                _event(ids, i, represented, owner, "represent", "action_required", "represented")]
    elif role == "recent_outcome":
        created = NOW - timedelta(days=25)
        granted = NOW - timedelta(minutes=5)
        out["cases"].append(_case(i, "safet", "reimbursed", created, granted, channel=channel, reason="trip_credit"))
        final = _event(ids, i, granted, owner, "grant", "filed", "reimbursed")
        out["audit_events"] += [_event(ids, i, created, owner, "open", None, "preparing"),
                                _event(ids, i, created + timedelta(days=1), owner, "file", "preparing", "filed"), final]
        if channel:
            out["outbox"].append(_notice(ids, f"event:{final['id']}:channel", "outcome", "channel", i, CHANNEL,
                                         granted, "pending", event_id=final["id"]))
        out["outbox"].append(_notice(ids, f"event:{final['id']}:dm", "outcome", "dm", i, owner, granted, "pending",
                                     event_id=final["id"]))
    else:
        raise AssertionError(role)


# ---------------------------------------------------------------- filling


def fill(url: str, n: int) -> dict[str, int]:
    """Migrate, then bulk-load ``n`` cases and their deadlines, audit events and outbox rows."""
    from store.db import upgrade

    upgrade(url)
    counts = {"cases": 0, "deadlines": 0, "audit_events": 0, "outbox": 0}
    if url.startswith("sqlite"):
        _fill_sqlite(url, n, counts)
    else:
        _fill_postgresql(url, n, counts)
    return counts


def _fill_sqlite(url: str, n: int, counts: dict[str, int]) -> None:
    """Core ``insert()`` of lists of dicts into lightweight (untyped) tables: values are given in the
    schema's SQLite storage format (what ``UTCDateTime``, ``Date`` and ``JSON`` would write), so no
    per-value type processing runs; the schema's indexes stay in place."""
    from sqlalchemy import column, create_engine, insert, table

    from store.models import Base

    engine = create_engine(url)
    meta = Base.metadata.tables
    light = {name: table(name, *[column(c.name) for c in meta[name].columns]) for name in meta}
    kinds = {name: _storage_kinds(meta[name]) for name in meta}
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    for chunk in generate(n):
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
            for name in ("cases", "deadlines", "audit_events", "outbox"):
                rows = chunk[name]
                if rows:
                    _to_sqlite(rows, kinds[name])
                    connection.execute(insert(light[name]), rows)
                    counts[name] += len(rows)
    with engine.begin() as connection:
        _people(connection, insert(meta["user_preferences"]))
    engine.dispose()


def _storage_kinds(tbl: Any) -> tuple[list[str], list[str], list[str]]:
    from sqlalchemy import JSON, Date

    from store.models import UTCDateTime

    instants = [c.name for c in tbl.columns if isinstance(c.type, UTCDateTime)]
    dates = [c.name for c in tbl.columns if isinstance(c.type, Date)]
    documents = [c.name for c in tbl.columns if isinstance(c.type, JSON)]
    return instants, dates, documents


def _to_sqlite(rows: list[dict[str, Any]], kinds: tuple[list[str], list[str], list[str]]) -> None:
    instants, dates, documents = kinds
    for row in rows:
        for name in instants:
            value = row.get(name)
            if value is not None:
                row[name] = value.replace(tzinfo=None).isoformat(" ", "microseconds")
        for name in dates:
            value = row[name]
            if value is not None:
                row[name] = value.isoformat()
        for name in documents:
            row[name] = json.dumps(row[name])


def _fill_postgresql(url: str, n: int, counts: dict[str, int]) -> None:
    from sqlalchemy import create_engine, insert, text

    from store.models import Base

    engine = create_engine(url)
    tables = Base.metadata.tables
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for chunk in generate(n):
            for name in ("cases", "deadlines", "audit_events", "outbox"):
                rows = chunk[name]
                if not rows:
                    continue
                columns = list(rows[0])
                with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row.values()])
                counts[name] += len(rows)
            raw.commit()
        cursor.close()
    finally:
        raw.close()
    with engine.begin() as connection:
        for name in ("cases", "deadlines", "audit_events", "outbox"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"(SELECT max(id) FROM {name}))"))
        _people(connection, insert(tables["user_preferences"]))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))  # what autovacuum does on its own after a load
    engine.dispose()


def _people(connection: Any, statement: Any) -> None:
    connection.execute(statement, [{"user_id": u, "chosen_locale": None, "slack_locale": "en-US",
                                    "tz": "America/Los_Angeles", "fetched_at": NOW - timedelta(hours=1)}
                                   for u in OWNERS])


def seed_cards(url: str, api_url: str) -> int:
    """Post the card of every case the sweep will touch to the fake, and store its ts (so the sweep's
    card refreshes edit real messages)."""
    from slack_sdk import WebClient
    from sqlalchemy import create_engine, text

    client = WebClient(token="xoxb-bench", base_url=api_url)
    engine = create_engine(url)
    with engine.begin() as connection:
        rows = connection.execute(text(
            "SELECT DISTINCT c.id FROM cases c JOIN outbox o ON o.case_id = c.id "
            "WHERE o.status = 'pending' AND o.post_at <= :now AND c.channel_id IS NOT NULL "
            "UNION SELECT d.case_id FROM deadlines d JOIN cases c ON c.id = d.case_id "
            "WHERE d.status = 'open' AND d.due_at <= :now AND c.channel_id IS NOT NULL"),
            {"now": _db_instant(url, NOW)}).scalars().all()
        for case_id in rows:
            ts = client.chat_postMessage(channel=CHANNEL, text=f"card {case_id}")["ts"]
            connection.execute(text("UPDATE cases SET card_ts = :ts WHERE id = :id"), {"ts": ts, "id": case_id})
    engine.dispose()
    return len(rows)


def _db_instant(url: str, moment: datetime) -> Any:
    return moment.replace(tzinfo=None) if url.startswith("sqlite") else moment


# ---------------------------------------------------------------- snapshot and restore between repeats


def snapshot(url: str) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as c:
        snap = {
            "max_event": c.execute(text("SELECT coalesce(max(id), 0) FROM audit_events")).scalar(),
            "max_outbox": c.execute(text("SELECT coalesce(max(id), 0) FROM outbox")).scalar(),
            "pending": c.execute(text("SELECT id FROM outbox WHERE status = 'pending'")).scalars().all(),
            "open": c.execute(text("SELECT id FROM deadlines WHERE status = 'open'")).scalars().all(),
            "cases": [tuple(r) for r in c.execute(text(
                "SELECT id, state, version, updated_at FROM cases WHERE id IN "
                "(SELECT case_id FROM deadlines WHERE status = 'open')"))],
        }
    engine.dispose()
    return snap


def restore(url: str, snap: dict[str, Any]) -> None:
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DELETE FROM outbox WHERE id > :m"), {"m": snap["max_outbox"]})
        c.execute(text("DELETE FROM audit_events WHERE id > :m"), {"m": snap["max_event"]})
        c.execute(text("UPDATE outbox SET status = 'pending', claim_token = NULL, claimed_at = NULL, sent_ts = NULL, "
                       "settled_at = NULL, error = NULL, attempts = 0, unknown_since = NULL WHERE id IN :ids")
                  .bindparams(bindparam("ids", expanding=True)), {"ids": snap["pending"]})
        c.execute(text("UPDATE deadlines SET status = 'open', settled_at = NULL WHERE id IN :ids")
                  .bindparams(bindparam("ids", expanding=True)), {"ids": snap["open"]})
        c.execute(text("UPDATE cases SET card_shown = NULL, card_stale_at = NULL WHERE card_shown IS NOT NULL "
                       "OR card_stale_at IS NOT NULL"))
        c.execute(text("UPDATE cases SET state = :state, version = :version, updated_at = :updated WHERE id = :id"),
                  [{"id": i, "state": s, "version": v, "updated": u} for i, s, v, u in snap["cases"]])
        c.execute(text("DELETE FROM user_preferences WHERE user_id NOT LIKE 'U0%'"))
    engine.dispose()


# ---------------------------------------------------------------- one sweep, in a child process


def child(url: str, api_url: str, profile: bool) -> None:
    """Run one sweep and print what it cost as one JSON line."""
    import logging

    from slack_sdk import WebClient

    from slack_app.config import Settings
    from store.db import Policy, Store
    from sweep import cards, scheduler
    from webapi.client import remember_identity

    logging.basicConfig(level=logging.ERROR)
    slack = {"seconds": 0.0, "calls": {}}

    class TimedClient(WebClient):
        def api_call(self, api_method: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            started = time.perf_counter()
            try:
                return super().api_call(api_method, *args, **kwargs)
            finally:
                slack["seconds"] += time.perf_counter() - started
                slack["calls"][api_method] = slack["calls"].get(api_method, 0) + 1

    settings = Settings(bot_token="xoxb-bench", api_url=api_url, database_url=url, alert_channel=CHANNEL,
                        sweep_seconds=0)
    store = Store.from_url(url, Policy.of(settings))
    client = TimedClient(token=settings.bot_token, base_url=api_url, timeout=10)
    remember_identity(client, client.auth_test())  # as at start-up: auth.test once per process, not per sweep
    slack["calls"].clear()
    slack["seconds"] = 0.0

    phases: dict[str, list[float]] = {}

    def timing(module: Any, name: str) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, inside = time.perf_counter(), slack["seconds"]
            try:
                return original(*args, **kwargs)
            finally:
                spent = phases.setdefault(name, [0.0, 0.0])
                spent[0] += time.perf_counter() - wall
                spent[1] += slack["seconds"] - inside

        setattr(module, name, timed)

    for name in ("settle", "plan_daily", "post_due", "plan", "recover", "deliver"):
        timing(scheduler, name)
    timing(cards, "redraw")

    assert store.ping()
    settings.calendar.holiday_name(NOW.date())  # the holiday data is loaded before the clock starts
    rss_before = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    report = scheduler.sweep(store, client, settings, now=NOW, pacer=scheduler.Pacer(0))
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
    peak = _status("VmHWM")
    print(json.dumps({
        "total": total, "cpu": cpu, "slack": slack["seconds"], "calls": slack["calls"],
        "rss_before_mb": rss_before / 1024,
        "growth_mb": (peak - rss_before) / 1024, "posted": report.posted, "messages": report.messages,
        "skipped": report.skipped, "closed": report.closed, "failed": report.failed, "left": report.left,
        "errors": report.errors, "phases": phases,
    }))
    if profiler is not None:
        import io
        import pstats

        out = io.StringIO()
        order = os.environ.get("SAFET_PROFILE_SORT", "cumulative")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(60)
        sys.stderr.write(out.getvalue())
    store.dispose()


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run_child(url: str, api_url: str, profile: bool = False, pythonpath: str | None = None) -> dict[str, Any]:
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    result = subprocess.run([sys.executable, __file__, "--child", url, "--api-url", api_url]
                            + (["--profile"] if profile else []), capture_output=True, text=True, env=env,
                            timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"sweep child failed:\n{result.stderr[-4000:]}")
    if profile:
        print(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- query plans


def explain(url: str) -> None:
    """The plans of the sweep's reads at this size (PostgreSQL: EXPLAIN ANALYZE; SQLite: QUERY PLAN)."""
    from sqlalchemy import create_engine, func, select

    from rules.deadlines import DeadlineKind, DeadlineStatus
    from rules.ladder import SELF_SETTLING
    from store import outbox
    from store.models import Case, CaseDeadline, OutboxNotice

    engine = create_engine(url)
    tasks = [str(k) for k in DeadlineKind if not k.is_window]
    lease = timedelta(minutes=5)
    queries = {
        "claim_due (pending, post_at <= now)": outbox._due(NOW).order_by(OutboxNotice.post_at).limit(500),
        "claim_due (stale claims)": outbox._stale(NOW, lease).order_by(OutboxNotice.claimed_at).limit(500),
        "count_due": select(func.count()).select_from(outbox._due(NOW).subquery()),
        "due_settlements": select(CaseDeadline.id).where(
            CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.due_at <= NOW,
            CaseDeadline.kind.in_([str(k) for k in SELF_SETTLING])).order_by(CaseDeadline.due_at).limit(500),
        "daily_facts overdue count": select(func.count()).select_from(CaseDeadline).where(
            CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.kind.in_(tasks), CaseDeadline.due_at < NOW),
        "daily_facts failed (24 h)": select(func.count()).select_from(OutboxNotice).where(
            OutboxNotice.status == "failed", OutboxNotice.settled_at >= NOW - timedelta(days=1)),
        "daily_facts open cases by kind": select(Case.kind, func.count()).where(
            Case.state.in_(outbox._OPEN_STATES))
        .group_by(Case.kind),
        "(before 04:30) open chargebacks, state IN … AND kind =": select(func.count()).select_from(Case).where(
            Case.state.in_(outbox._OPEN_STATES),
            Case.kind == "chargeback"),
        "stages_of (deadline_id IN …)": select(OutboxNotice.id).where(
            OutboxNotice.deadline_id.in_([1, 2, 3])).order_by(OutboxNotice.post_at),
    }
    postgres = not url.startswith("sqlite")
    with engine.connect() as connection:
        for name, query in queries.items():
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(prefix + sql).fetchall()
            took = []
            for _ in range(3):
                started = time.perf_counter()
                connection.exec_driver_sql(sql).fetchall()
                took.append((time.perf_counter() - started) * 1000)
            print(f"  -- {name}: {statistics.median(took):.1f} ms")
            for row in rows:
                print("     " + (row[0] if postgres else str(row[-1])))
    engine.dispose()


# ---------------------------------------------------------------- main


def bench_backend(backend: str, sizes: list[int], repeat: int, do_explain: bool, profile: bool,
                  fake: Any, variants: dict[str, str],
                  cache: Path | None = None) -> dict[str, dict[int, dict[str, Any]]]:
    """Per code version ("main" and each variant), per size: the medians of ``repeat`` sweeps. Versions
    alternate on the same filled store (restored between sweeps), so they see the same machine."""
    versions = {"main": None, **variants}
    results: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in versions}
    for n in sizes:
        with temp_dir("safet-sweep-") as tmp, _database(backend, cache or tmp, n) as url:
            started = time.monotonic()
            cached = cache is not None and backend == "sqlite" and (cache / f"sweep-{n}.sqlite3").exists()
            if cached:
                from store.db import upgrade

                upgrade(url)
                counts = {"cases (cached)": n}
            else:
                counts = fill(url, n)
            seeded = seed_cards(url, fake.base_url)
            fill_s = time.monotonic() - started
            print(f"  {backend} {n:>9,} cases: {'reused' if cached else 'filled'} in {fill_s:.0f} s "
                  f"({', '.join(f'{v:,} {k}' for k, v in counts.items())}; {seeded} cards seeded)", flush=True)
            snap = snapshot(url)
            if do_explain:  # before any sweep: the due rows are still due
                explain(url)
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in versions}
            first = True
            for attempt in range(repeat):
                order = list(versions) if attempt % 2 == 0 else list(reversed(versions))
                for name in order:
                    if not first:
                        restore(url, snap)
                    first = False
                    runs[name].append(run_child(url, fake.base_url, profile=profile and attempt == repeat - 1,
                                                pythonpath=versions[name]))
            restore(url, snap)  # a cached store is left as it was filled
        for name, version_runs in runs.items():
            if version_runs:  # --repeat 0: fill and --explain only
                results[name][n] = _summarise(name, n, version_runs)
    return results


def _summarise(name: str, n: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    outside = [(r["total"] - r["slack"]) * 1000 for r in runs]
    median_run = sorted(runs, key=lambda r: r["total"] - r["slack"])[(len(runs) - 1) // 2]
    result = {"outside_ms": statistics.median(outside), "outside_all": outside,
              "cpu_ms": statistics.median(r["cpu"] * 1000 for r in runs),
              "total_ms": statistics.median(r["total"] * 1000 for r in runs),
              "slack_ms": statistics.median(r["slack"] * 1000 for r in runs),
              "growth_mb": max(r["growth_mb"] for r in runs), "run": median_run}
    r = median_run
    calls = sum(r["calls"].values())
    phases = ", ".join(f"{k} {v[0] * 1000:.0f}/{(v[0] - v[1]) * 1000:.0f}" for k, v in r["phases"].items())
    label = "" if name == "main" else f"[{name}] "
    print(f"    {label}sweep {result['total_ms']:.0f} ms, outside Slack {result['outside_ms']:.0f} ms "
          f"(runs: {', '.join(f'{x:.0f}' for x in outside)}; CPU {result['cpu_ms']:.0f} ms, the client's "
          f"share of each call included), in Slack {result['slack_ms']:.0f} ms; "
          f"{calls} Slack calls {r['calls']}; posted {r['posted']} notices in {r['messages']} messages, "
          f"skipped {r['skipped']}, closed {r['closed']}, left {r['left']}; memory growth "
          f"{result['growth_mb']:.1f} MB", flush=True)
    print(f"    {label}phases (ms total/outside Slack): {phases}", flush=True)
    if r["errors"]:
        print(f"    ERRORS: {r['errors']}")
    return result


class _database:
    def __init__(self, backend: str, tmp: Path, n: int) -> None:
        self.backend, self.tmp, self.n = backend, tmp, n
        self._schema: Any = None

    def __enter__(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp}/sweep-{self.n}.sqlite3"
        self._schema = pg_schema("bench_sweep")
        return self._schema.__enter__()

    def __exit__(self, *exc: Any) -> None:
        if self._schema is not None:
            self._schema.__exit__(*exc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3, help="sweeps per size (median reported; 0: fill only)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the sweep's reads per size")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the last sweep of each size")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=DIR",
                        help="also sweep with DIR first on PYTHONPATH (a patched copy of the packages), "
                             "alternating with main on the same data; repeatable")
    parser.add_argument("--cache", type=Path, help="SQLite: keep each size's filled store in this directory "
                        "and reuse it on the next run (restored after every sweep)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.api_url, args.profile)
        return 0

    from tests.fake_slack import FakeSlack

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    ok = True
    everything: dict[str, Any] = {}
    with FakeSlack() as fake:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend == "postgresql" and not pg_available():
                print("== PostgreSQL not reachable: skipped")
                continue
            print(f"== {backend}: sweep at {NOW.isoformat()} with {sum(ROLES.values())} open-or-due cases "
                  f"at every size", flush=True)
            if args.cache:
                args.cache.mkdir(parents=True, exist_ok=True)
            by_version = bench_backend(backend, sizes, args.repeat, args.explain, args.profile, fake,
                                       dict(v.split("=", 1) for v in args.variant), args.cache)
            everything[backend] = by_version
            for name, results in by_version.items():
                if not results:
                    continue
                big, small = max(results), min(results)
                ratio = results[big]["outside_ms"] / results[small]["outside_ms"]
                biggest = results[big]
                growth = max(r["growth_mb"] for r in results.values())
                met = (biggest["outside_ms"] < TARGET_MS, ratio <= TARGET_RATIO, growth < TARGET_MB)
                if name == "main":
                    ok &= all(met)
                print(f"  {backend} [{name}]: outside Slack at {big:,}: {biggest['outside_ms']:.0f} ms "
                      f"(target < {TARGET_MS:.0f}) {'OK' if met[0] else 'MISSED'};  time({big:,})/time({small:,}) "
                      f"= {ratio:.2f} (target ≤ {TARGET_RATIO}) {'OK' if met[1] else 'MISSED'};  max memory growth "
                      f"{growth:.1f} MB (target < {TARGET_MB:.0f}) {'OK' if met[2] else 'MISSED'}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
