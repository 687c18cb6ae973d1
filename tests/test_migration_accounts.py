"""Migration 0006 on a database that holds data: rows written at 0001 (a single-account team of today),
brought to 0006's parent, upgraded, checked, downgraded to the parent, checked.

Runs on SQLite, and on PostgreSQL when SAFET_TEST_DATABASE_URL is set (its own schema).
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import MetaData, create_engine, inspect, select, text

from store.db import Store, alembic_config, current_revision, head_revision, upgrade
from store.models import Case, CaseDeadline, RosterOrder

AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _stamp(moment: datetime, dialect: str) -> datetime:
    return moment.replace(tzinfo=None) if dialect == "sqlite" else moment


def _fill_at_0001(url: str) -> dict[str, list[tuple]]:
    """Rows in every table a single-account team of today has, written with the 0001 schema."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    at = _stamp(AT, engine.dialect.name)
    with engine.begin() as c:
        for ident, (kind, order, state) in enumerate([
            ("safet", "111-1111111-1111111", "info_requested"),
            ("chargeback", "222-2222222-2222222", "represented"),
            ("safet", "333-3333333-3333333", "reimbursed"),
        ], start=1):
            c.execute(t["cases"].insert().values(
                id=ident, kind=kind, order_id=order, state=state, owner_id="UOWNER", created_by="UOWNER",
                created_at=at, updated_at=at, version=3, explanation="why", currency="USD", notes="n",
                appeals_used=0, needs_approval=False, channel_id="CCASES", details={"k": ident},
                amount_cents=12999 if kind == "chargeback" else None))
        c.execute(t["deadlines"].insert().values(
            id=1, case_id=1, kind="safet_info_reply", rule="safet-info-2bd", basis_at=at, computed_due_at=at,
            due_at=at, status="open", created_at=at))
        c.execute(t["deadlines"].insert().values(
            id=2, case_id=2, kind="outcome_window", rule="outcome-90d", basis_at=at, computed_due_at=at,
            due_at=at, status="open", created_at=at))
        c.execute(t["audit_events"].insert().values(
            id=1, case_id=1, at=at, actor="UOWNER", action="file", from_state=None, to_state="filed", details={}))
        c.execute(t["evidence"].insert().values(id=1, case_id=1, label="photo", added_by="UOWNER", added_at=at))
        c.execute(t["outbox"].insert().values(
            id=1, key="deadline:1:24h", kind="deadline", stage="24h", case_id=1, deadline_id=1, target="CCASES",
            post_at=at, status="pending", attempts=0, created_at=at))
        c.execute(t["roster_orders"].insert().values(order_id="111-1111111-1111111", imported_at=at))
        c.execute(t["roster_orders"].insert().values(order_id="444-4444444-4444444", imported_at=at))
        c.execute(t["user_preferences"].insert().values(user_id="UOWNER", chosen_locale="zh_CN", tz="Asia/Shanghai"))
    snapshot = _snapshot(engine, meta)
    engine.dispose()
    return snapshot


def _snapshot(engine, meta: MetaData) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """Every row of every 0001 table, in the 0001 columns only, in a stable order."""
    rows = {}
    with engine.connect() as c:
        current = MetaData()
        current.reflect(engine)
        for name, table in meta.tables.items():
            if name == "alembic_version":
                continue
            live = current.tables[name]
            columns = [live.c[col.name] for col in table.columns]
            rows[name] = [tuple(r) for r in c.execute(select(*columns).order_by(*columns[:2]))]
    return rows


PARENT = "0004"  # 0006's down_revision: this test covers 0006 alone


def test_upgrade_keeps_every_row_under_the_default_account_and_downgrade_restores_0001(empty_url: str) -> None:
    upgrade(empty_url, "0001")
    written = _fill_at_0001(empty_url)
    upgrade(empty_url, PARENT)
    old_meta = MetaData()  # the tables as 0006 finds them
    engine = create_engine(empty_url)
    old_meta.reflect(engine)
    before = _snapshot(engine, old_meta)
    assert sum(len(v) for v in before.values()) == sum(len(v) for v in written.values()) == 11

    upgrade(empty_url, "0006")
    assert current_revision(empty_url) == "0006"
    assert _snapshot(engine, old_meta) == before, "nothing lost or changed by the upgrade"
    store = Store.from_url(empty_url)
    with store.reading() as session:
        # Only the columns 0006 has: later revisions add more to the model.
        cases = session.execute(select(Case.account, Case.marketplace, Case.order_id).order_by(Case.id)).all()
        assert [(c.account, c.marketplace) for c in cases] == [("default", "US")] * 3
        assert [c.order_id for c in cases] == ["111-1111111-1111111", "222-2222222-2222222", "333-3333333-3333333"]
        assert [d.days for d in session.scalars(select(CaseDeadline).order_by(CaseDeadline.id))] == [None, None]
        assert [(r.account, r.order_id) for r in session.scalars(select(RosterOrder).order_by(RosterOrder.order_id))] \
            == [("default", "111-1111111-1111111"), ("default", "444-4444444-4444444")]
    # A second account's roster may hold the same order after the upgrade; a case row takes the new columns.
    with store.transaction() as session:
        session.add(RosterOrder(account="acme-uk", order_id="111-1111111-1111111", imported_at=AT))
        session.execute(text("UPDATE cases SET account = 'acme-uk', marketplace = 'UK' WHERE id = 3"))
    store.dispose()

    command.downgrade(alembic_config(empty_url), PARENT)
    assert current_revision(empty_url) == PARENT
    names = {c["name"] for c in inspect(engine).get_columns("cases")}
    assert "account" not in names and "marketplace" not in names
    assert "days" not in {c["name"] for c in inspect(engine).get_columns("deadlines")}
    after = _snapshot(engine, old_meta)
    # The downgrade keeps each order once in the single roster, and every case, deadline, event, notice.
    assert after == before
    engine.dispose()

    upgrade(empty_url)  # and up again, as a deployment that rolled back and forward would
    assert current_revision(empty_url) == head_revision()
