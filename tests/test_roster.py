"""The roster of orders assigned to the team, from a Seller Central order report (TSV or CSV).

Reports are made up here in Seller Central's layouts: the unshipped-orders report names its column
``order-id``, the all-orders report ``amazon-order-id`` (beside ``merchant-order-id``, the seller's own
reference, which must not be taken for it).
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from rules.errors import DomainError
from store.db import Store
from store.models import RosterOrder
from store.roster import clear_roster, import_roster
from tests.processes import safet_command

NOW = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
A, B, C = "111-1111111-1111111", "222-2222222-2222222", "333-3333333-3333333"

UNSHIPPED_TSV = (
    "order-id\torder-item-id\tpurchase-date\tpayments-date\tbuyer-email\tsku\tproduct-name\tquantity-purchased\n"
    f"{A}\t12345678901234\t2026-11-01T10:00:00-08:00\t2026-11-01\tx@marketplace.amazon.com\tSKU-1\t"
    "TV wall mounting, up to 65\"\t1\n"
    f"{B}\t12345678901235\t2026-11-02T11:00:00-08:00\t2026-11-02\ty@marketplace.amazon.com\tSKU-2\t"
    "Assembly, desk, large, with drawers\t1\n"
)

ALL_ORDERS_TSV = (
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\n"
    f"{A}\tMY-REF-0001\t2026-11-01T10:00:00+00:00\t2026-11-02T10:00:00+00:00\tShipped\n"
    f"{C}\t\t2026-11-03T10:00:00+00:00\t2026-11-03T10:00:00+00:00\tPending\n"
)


def roster(store: Store) -> list[str]:
    with store.reading() as session:
        return list(session.scalars(select(RosterOrder.order_id).order_by(RosterOrder.order_id)))


def test_an_unshipped_orders_report_adds_each_order_id(store: Store) -> None:
    result = import_roster(store, UNSHIPPED_TSV, now=NOW)

    assert (result.read, result.added, result.total, result.skipped) == (2, 2, 2, [])
    assert roster(store) == [A, B]


def test_an_all_orders_report_is_read_from_amazon_order_id_not_the_merchants_reference(store: Store) -> None:
    result = import_roster(store, ALL_ORDERS_TSV, now=NOW)

    assert (result.read, result.added, result.skipped) == (2, 2, [])
    assert roster(store) == [A, C]


def test_a_csv_report_with_quoted_fields_and_a_byte_order_mark_is_read(store: Store) -> None:
    report = ('\ufeff"Order ID","Date","Product"\r\n'
              f'"{A}","2026-11-01","Mounting, TV, 65"""\r\n'
              f'" {B} ","2026-11-02","Desk, assembly"\r\n')

    result = import_roster(store, report, now=NOW)

    assert (result.read, result.added, result.skipped) == (2, 2, [])
    assert roster(store) == [A, B]


def test_a_tsv_report_starting_with_a_byte_order_mark_still_finds_its_order_id_column(store: Store) -> None:
    assert import_roster(store, "\ufeff" + UNSHIPPED_TSV, now=NOW).added == 2


def test_full_width_order_ids_in_a_report_are_stored_in_ascii(store: Store) -> None:
    import_roster(store, "order-id\n１１１－１１１１１１１－１１１１１１１\n", now=NOW)

    assert roster(store) == [A]


def test_rows_without_a_valid_order_id_are_skipped_with_their_line_numbers_and_blank_lines_ignored(
    store: Store,
) -> None:
    report = (
        "order-id\tsku\n"          # line 1
        f"{A}\tSKU-1\n"            # line 2
        "not-an-order\tSKU-2\n"    # line 3
        "\n"                       # line 4: blank, not an error
        f"{B}\tSKU-3\n"            # line 5
        "\tSKU-4\n"                # line 6: the order ID is missing
        "١١١-١١١١١١١-١١١١١١١\tSKU-5\n"  # line 7: Arabic-Indic digits are not an order ID
        "12-1234567-1234567\tSKU-6\n"     # line 8
    )

    result = import_roster(store, report, now=NOW)

    assert result.skipped == [(3, "not-an-order"), (6, ""), (7, "١١١-١١١١١١١-١١١١١١١"), (8, "12-1234567-1234567")]
    assert (result.read, result.added) == (2, 2)
    assert roster(store) == [A, B]


def test_importing_the_same_report_again_adds_nothing(store: Store) -> None:
    first = import_roster(store, UNSHIPPED_TSV, now=NOW)
    again = import_roster(store, UNSHIPPED_TSV, now=NOW)

    assert (first.added, first.total) == (2, 2)
    assert (again.read, again.added, again.total) == (2, 0, 2)


def test_a_second_report_adds_only_the_orders_not_yet_on_the_roster(store: Store) -> None:
    import_roster(store, UNSHIPPED_TSV, now=NOW)

    result = import_roster(store, ALL_ORDERS_TSV, now=NOW)

    assert (result.read, result.added, result.total) == (2, 1, 3)
    assert roster(store) == [A, B, C]


def test_an_order_listed_twice_in_one_report_is_added_once(store: Store) -> None:
    result = import_roster(store, f"order-id\n{A}\n{A}\n {A} \n", now=NOW)

    assert (result.added, result.total) == (1, 1)


def test_a_report_without_an_order_id_column_is_refused_naming_the_columns_it_has(store: Store) -> None:
    with pytest.raises(DomainError) as refused:
        import_roster(store, "sku\tquantity\nSKU-1\t1\n", now=NOW)

    assert str(refused.value) == "The report has no order-id column (found: sku, quantity)."
    assert roster(store) == []


def test_clearing_the_roster_removes_every_order_and_says_how_many(store: Store) -> None:
    import_roster(store, ALL_ORDERS_TSV + f"{B}\t\t\t\t\n", now=NOW)

    assert clear_roster(store) == 3
    assert roster(store) == []
    assert clear_roster(store) == 0


# ---------------------------------------------------------------------------------------------
# The command line: `safet roster import FILE`, `safet roster clear`
# ---------------------------------------------------------------------------------------------


def start_safet(*args: str, database_url: str, cwd: Path) -> subprocess.Popen[str]:
    """``safet ARGS`` with only this database configured (no Slack settings, no .env file in ``cwd``)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SLACK_", "SAFET_", "DATABASE_URL"))}
    env["DATABASE_URL"] = database_url
    return subprocess.Popen([*safet_command(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=cwd)


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_safet(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return finish(start_safet(*args, database_url=database_url, cwd=cwd))


def test_the_roster_commands_import_a_report_explain_a_bad_file_in_one_line_and_clear_the_roster(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    report = tmp_path / "orders.txt"
    report.write_text("\ufeff" + UNSHIPPED_TSV + "oops\tx\n", encoding="utf-8")
    no_column = tmp_path / "skus.csv"
    no_column.write_text("sku,quantity\nSKU-1,1\n", encoding="utf-8")
    # The two bad files run alongside the main sequence, each against its own database.
    bad = [start_safet("roster", "import", str(path), database_url=f"sqlite:///{tmp_path / f'bad{n}.sqlite3'}",
                       cwd=tmp_path)
           for n, path in enumerate((tmp_path / "nope.txt", no_column))]

    upgraded = run_safet("db", "upgrade", database_url=url, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr

    imported = run_safet("roster", "import", str(report), database_url=url, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "added 2" in imported.stdout
    assert "line 4" in imported.stderr  # the row that holds no order ID
    assert "Traceback" not in imported.stderr
    store = Store.from_url(url)
    try:
        assert roster(store) == [A, B]
        cleared = run_safet("roster", "clear", database_url=url, cwd=tmp_path)
        assert cleared.returncode == 0, cleared.stderr
        assert "2" in cleared.stdout
        assert roster(store) == []
    finally:
        store.dispose()

    missing, wrong = (finish(process) for process in bad)
    for result in (missing, wrong):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "nope.txt" in missing.stderr
    assert "order-id" in wrong.stderr
