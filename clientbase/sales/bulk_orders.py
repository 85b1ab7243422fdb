"""Orders checked column-wise by an import's pass 1 (pyarrow tables) written in bulk.

A chunk whose orders are all new goes from the columns into the tables as they are: COPY on
PostgreSQL, executemany on SQLite, ids allocated up front so lines need no read-back. A chunk
that re-imports any order goes through import_orders, which compares and keeps history. The
caller owns the transaction. SQLite tells the two apart with one query per chunk; PostgreSQL
just tries, in a savepoint: the provenance unique index refuses a known order, the savepoint
undoes the chunk's COPY and import_orders takes over. That saves the query, which probes the
index once per order (some 4 µs each, a fifth of the chunk's time), for the fresh chunks that
bulk imports are made of.

PostgreSQL checks a foreign key with a trigger per row, which costs more than the COPY itself
(some 7 µs a key, two keys a line). When the role may, the chunk's COPYs run with
session_replication_role = replica (what pg_restore --disable-triggers does) and the same keys
are checked set-wise instead, under the FOR KEY SHARE locks the triggers would take; the lines'
own key points at orders written just before in the same transaction. No other trigger sits on
these tables (test_bulk_order_writes holds us to that).
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import IntegrityError, connection, transaction
from psycopg.errors import UniqueViolation

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.catalog.models import Product
from clientbase.core.bulk import BulkOutcome
from clientbase.sales.models import Order, OrderLine

ROWS_PER_INSERT = 100  # 13 columns: 1,300 parameters, far below SQLite's 32,766
PROVENANCE_INDEX = "sales_order_provenance_uniq"


def write_order_table(
    *, actor: User | None, source_system: str, batch_id: int, orders: pa.Table, lines: pa.Table
) -> BulkOutcome:
    from clientbase.sales.services import import_orders

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            try:
                with transaction.atomic():  # a savepoint: a known order undoes the chunk's COPY
                    _write_new(cursor, source_system, batch_id, orders, lines)
                return BulkOutcome(created=orders.num_rows)
            except UniqueViolation as exc:
                if exc.diag.constraint_name != PROVENANCE_INDEX:
                    raise
        elif not _any_known(cursor, source_system, orders.column("external_id").to_pylist()):
            _write_new(cursor, source_system, batch_id, orders, lines)
            return BulkOutcome(created=orders.num_rows)
    outcome: BulkOutcome = import_orders(
        actor=actor,
        source_system=source_system,
        batch_id=batch_id,
        orders=_imported(orders, lines),
    )
    return outcome


def _write_new(
    cursor: Any, source_system: str, batch_id: int, orders: pa.Table, lines: pa.Table
) -> None:
    from clientbase.sales.services import _allocate_ids

    accounts = orders.column("account_id").to_pylist()
    owners = _owners(cursor, sorted(set(accounts)))
    ids = _allocate_ids(connection, orders.num_rows)
    order_table, line_table = _tables(
        source_system, batch_id, ids, orders, lines, [owners[a] for a in accounts]
    )
    if connection.vendor == "postgresql":
        _copy(cursor, order_table, line_table, lines, owners)
    else:
        for model, table in ((Order, order_table), (OrderLine, line_table)):
            _executemany(cursor, model._meta.db_table, table)


def _in_set(column: str) -> str:
    """`column` in the one list parameter: an array on PostgreSQL, JSON on SQLite. Either way
    one parameter, however long the list (SQLite caps parameters at 32,766)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - our own names


def _list(values: list[Any]) -> Any:
    return values if connection.vendor == "postgresql" else json.dumps(values)


def _any_known(cursor: Any, source_system: str, externals: list[str]) -> bool:
    # "NOT (external_id = '')" repeats the unique index's condition word for word: without it
    # neither database may use that partial index, and each chunk would scan every order.
    cursor.execute(
        f"SELECT 1 FROM {Order._meta.db_table} WHERE source_system = %s "  # noqa: S608
        f"AND NOT (external_id = '') AND {_in_set('external_id')} LIMIT 1",
        [source_system, _list(externals)],
    )
    return cursor.fetchone() is not None


def _owners(cursor: Any, accounts: list[int]) -> dict[int, int | None]:
    """Each account's order owner (its manager, else its owner), keyed by account id; on
    PostgreSQL the accounts are locked against deletion as a key check would lock them."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    cursor.execute(
        "SELECT id, COALESCE(account_manager_id, owner_id) "  # noqa: S608 - our own names
        f"FROM {Account._meta.db_table} WHERE {_in_set('id')}{lock}",
        [_list(accounts)],
    )
    owners = dict(cursor.fetchall())
    _require_all(Account, accounts, owners)
    return owners


def _require_all(model: Any, wanted: list[int], found: Any) -> None:
    missing = sorted(set(wanted) - set(found))
    if missing:  # deleted between the check and the write: the chunk fails like a key would
        raise IntegrityError(
            f"{model._meta.label_lower} {missing[0]} is gone since the import checked the file"
        )


def _tables(
    source_system: str,
    batch_id: int,
    ids: list[int],
    orders: pa.Table,
    lines: pa.Table,
    owners: list[int | None],
) -> tuple[pa.Table, pa.Table]:
    id_column = pa.array(ids, pa.int64())
    count = orders.num_rows
    order_table = pa.table(
        {
            "id": id_column,
            "source_system": pa.array([source_system] * count),
            "external_id": orders.column("external_id"),
            "import_batch_id": pa.array([batch_id] * count, pa.int64()),
            "account_id": orders.column("account_id"),
            "number": orders.column("number"),
            "date": orders.column("date"),
            "currency": orders.column("currency"),
            "rate_to_base": orders.column("rate_to_base"),
            "net_revenue_base": orders.column("net_revenue_base"),
            "cost_base": orders.column("cost_base"),
            "documents": orders.column("documents"),
            "owner_id": pa.array(owners, pa.int64()),
        }
    )
    line_table = pa.table(
        {
            "order_id": pc.take(id_column, lines.column("order_index")),
            **{n: lines.column(n) for n in ("product_id", "quantity", "net_revenue", "cost")},
        }
    )
    return order_table, line_table


# --- PostgreSQL ---------------------------------------------------------------------------------


def _copy(
    cursor: Any,
    order_table: pa.Table,
    line_table: pa.Table,
    lines: pa.Table,
    owners: dict[int, int | None],
) -> None:
    """COPY both tables in CSV form, without the per-row key triggers when the role may."""
    set_wise = _may_skip_triggers(cursor)
    if set_wise:
        _lock(cursor, User, sorted({o for o in owners.values() if o is not None}))
        _lock(cursor, Product, pc.unique(lines.column("product_id")).to_pylist())
        cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
    for model, table in ((Order, order_table), (OrderLine, line_table)):
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
        columns = ", ".join(table.column_names)
        sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with cursor.cursor.copy(sql) as copy:
            copy.write(buffer.getbuffer())
    if set_wise:  # what the transaction writes next (history, chunk marker) is checked again
        cursor.execute("SELECT set_config('session_replication_role', 'origin', true)")


def _may_skip_triggers(cursor: Any) -> bool:
    cursor.execute(
        "SELECT current_setting('session_replication_role'), rolsuper, "
        "current_setting('server_version_num')::int FROM pg_roles WHERE rolname = current_user"
    )
    role, superuser, version = cursor.fetchone()
    if role != "origin":
        return False  # someone else's setting: leave it be
    if superuser:
        return True
    if version < 150000:  # no grantable parameters before PostgreSQL 15
        return False
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    return bool(cursor.fetchone()[0])


def _lock(cursor: Any, model: Any, ids: list[int]) -> None:
    """What a key trigger does per row, once per chunk: the rows exist and stay until commit."""
    if not ids:
        return
    cursor.execute(
        f"SELECT id FROM {model._meta.db_table} WHERE id = ANY(%s) FOR KEY SHARE",  # noqa: S608
        [ids],
    )
    _require_all(model, ids, (row[0] for row in cursor.fetchall()))


# --- SQLite -------------------------------------------------------------------------------------


def _executemany(cursor: Any, name: str, table: pa.Table) -> None:
    """Text for decimals and dates: SQLite binds neither, and its numeric columns convert the
    text back. ROWS_PER_INSERT rows per statement halve the time of one row per statement
    (the per-statement work: AUTOINCREMENT bookkeeping, VM reset). Its key checks are index
    probes in the same statement, cheap enough."""
    width = table.num_columns
    flat: list[Any] = [None] * (table.num_rows * width)
    for position, column in enumerate(table.columns):  # row-major, interleaved by slices
        if pa.types.is_decimal(column.type) or pa.types.is_date(column.type):
            column = column.cast(pa.string())
        flat[position::width] = column.to_pylist()
    row = "(" + ", ".join(["%s"] * width) + ")"
    head = f"INSERT INTO {name} ({', '.join(table.column_names)}) VALUES "  # noqa: S608
    step = ROWS_PER_INSERT * width
    full = len(flat) // step * step
    if full:
        cursor.executemany(
            head + ", ".join([row] * ROWS_PER_INSERT),
            [flat[start : start + step] for start in range(0, full, step)],
        )
    if full < len(flat):
        cursor.execute(head + ", ".join([row] * ((len(flat) - full) // width)), flat[full:])


# --- re-imports ---------------------------------------------------------------------------------


def _imported(orders: pa.Table, lines: pa.Table) -> list[Any]:
    from clientbase.sales.services import ImportedOrder

    per_order: list[list[tuple[int, Decimal, Decimal, Decimal]]] = [
        [] for _ in range(orders.num_rows)
    ]
    names = ("order_index", "product_id", "quantity", "net_revenue", "cost")
    for index, *line in zip(*(lines.column(n).to_pylist() for n in names), strict=True):
        per_order[index].append(tuple(line))
    header = ("external_id", "account_id", "date", "currency", "rate_to_base", "number")
    return [
        ImportedOrder(
            external_id=ext,
            account_id=account_id,
            date=date,
            currency=currency,
            rate_to_base=Decimal(rate),
            number=number,
            documents=documents,
            lines=per_order[n],
        )
        for n, (ext, account_id, date, currency, rate, number, documents) in enumerate(
            zip(*(orders.column(c).to_pylist() for c in (*header, "documents")), strict=True)
        )
    ]
