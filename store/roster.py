"""The team's assigned orders, from a Seller Central order report (CSV or tab-separated)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from rules.accounts import DEFAULT_ACCOUNT
from rules.errors import DomainError
from rules.parsing import parse_order_id
from rules.text import N_

from .db import Store
from .models import RosterOrder

ORDER_COLUMNS = ("order-id", "order_id", "amazon-order-id", "order id", "订单编号")


@dataclass(frozen=True)
class RosterImport:
    read: int
    added: int
    skipped: list[tuple[int, str]]
    """(line number, value) of rows whose order ID is not valid."""
    total: int


def read_report(text: str) -> tuple[list[str], list[tuple[int, str]]]:
    """Order IDs from a report's ``order-id`` column, and the lines that held no valid one."""
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") >= sample.count(",") else ","
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [h.strip().lower() for h in next(rows, [])]
    column = next((header.index(name) for name in ORDER_COLUMNS if name in header), None)
    if column is None:
        raise DomainError(N_("The report has no order-id column (found: {columns})."), columns=", ".join(header))
    orders, skipped = [], []
    for line, row in enumerate(rows, start=2):
        value = row[column] if column < len(row) else ""
        try:
            orders.append(parse_order_id(value))
        except DomainError:
            if any(cell.strip() for cell in row):
                skipped.append((line, value))
    return orders, skipped


def import_roster(store: Store, text: str, *, now: datetime, account: str = DEFAULT_ACCOUNT) -> RosterImport:
    """Add the report's orders to the account's roster; importing the same report again adds nothing."""
    orders, skipped = read_report(text)
    unique = list(dict.fromkeys(orders))
    count = select(func.count()).select_from(RosterOrder).where(RosterOrder.account == account)
    with store.transaction() as session:
        before = session.scalar(count) or 0
        insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
        for chunk in _chunks(unique, 500):
            session.execute(
                insert(RosterOrder).values([{"account": account, "order_id": o, "imported_at": now} for o in chunk])
                .on_conflict_do_nothing(index_elements=["account", "order_id"])
            )
        total = session.scalar(count) or 0
    return RosterImport(read=len(orders), added=total - before, skipped=skipped, total=total)


def clear_roster(store: Store, account: str = DEFAULT_ACCOUNT) -> int:
    """Empty the account's roster: any order can be claimed again. Returns how many orders were removed."""
    with store.transaction() as session:
        return session.execute(delete(RosterOrder).where(RosterOrder.account == account)).rowcount or 0


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
