"""Revision 0004: cases.decided_at back-filled from the audit log (the latest deciding action), its indexes,
and the way back down (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, inspect, text

from store.db import alembic_config, upgrade
from store.models import Base


def test_decided_at_is_back_filled_and_the_revision_goes_down_again(empty_url: str) -> None:
    upgrade(empty_url, "0001")
    engine = create_engine(empty_url)
    opened, denied, appealed, granted = (datetime(2026, 10, d, 17, tzinfo=UTC) for d in (1, 5, 6, 20))
    plain = {"opened": opened.replace(tzinfo=None) if empty_url.startswith("sqlite") else opened}
    at = {k: (v.replace(tzinfo=None) if empty_url.startswith("sqlite") else v)
          for k, v in {"denied": denied, "appealed": appealed, "granted": granted}.items()}
    with engine.begin() as connection:
        for case_id, state in ((1, "reimbursed"), (2, "preparing")):
            connection.execute(text(
                "INSERT INTO cases (id, kind, order_id, state, owner_id, created_by, created_at, updated_at, version, "
                "explanation, currency, notes, appeals_used, needs_approval, details) VALUES (:id, 'safet', :order, "
                ":state, 'U1', 'U1', :opened, :opened, 1, '', 'USD', '', 0, false, '{}')"),
                {"id": case_id, "order": f"123-1234567-000000{case_id}", "state": state, **plain})
        for n, (action, when) in enumerate((("deny", "denied"), ("appeal", "appealed"), ("grant", "granted")), 1):
            connection.execute(text(
                "INSERT INTO audit_events (id, case_id, at, actor, action, details) VALUES (:id, 1, :at, 'U1', "
                ":action, '{}')"), {"id": n, "at": at[when], "action": action})
    upgrade(empty_url, "0004")
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT id, decided_at FROM cases ORDER BY id")).all())
    decided = rows[1] if isinstance(rows[1], datetime) else datetime.fromisoformat(str(rows[1]))
    decided = decided.replace(tzinfo=UTC) if decided.tzinfo is None else decided
    assert decided == granted  # the latest decision, not the denial before the appeal
    assert rows[2] is None
    indexes = {i["name"] for i in inspect(engine).get_indexes("cases")}
    assert {"ix_cases_decided_at", "ix_cases_created_at"} <= indexes
    assert {i.name for i in Base.metadata.tables["cases"].indexes} >= {"ix_cases_decided_at", "ix_cases_created_at"}
    command.downgrade(alembic_config(empty_url), "0001")
    assert "decided_at" not in {c["name"] for c in inspect(engine).get_columns("cases")}
    engine.dispose()
