"""The store a sweep bench runs against: rows for 10 k to 1 M cases (most closed; the open and due part
the same at every size), filled fast (Core ``insert()`` on SQLite, ``COPY`` on PostgreSQL), and put back
between repeats. Used by ``bench/sweep_scale.py`` and ``bench/report_scale.py``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: a patched copy wins


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
