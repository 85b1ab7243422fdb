"""The engine's inputs as Arrow tables: pulled from the operational database over ADBC, or
read from files. Every source has a fixed schema, so the metric steps never see a difference
between SQLite, PostgreSQL and a CSV export.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

SCHEMAS: dict[str, pa.Schema] = {
    "accounts": pa.schema([("account_id", pa.int64()), ("created", pa.date32())]),
    "orders": pa.schema(
        [
            ("order_id", pa.int64()),
            ("account_id", pa.int64()),
            ("date", pa.date32()),
            ("revenue", pa.float64()),
            ("cost", pa.float64()),
            ("documents", pa.int64()),
            ("rate", pa.float64()),
        ]
    ),
    "lines": pa.schema(
        [("order_id", pa.int64()), ("product_id", pa.int64()), ("revenue", pa.float64())]
    ),
    "products": pa.schema([("product_id", pa.int64()), ("strategic", pa.bool_())]),
    "activities": pa.schema(
        [("account_id", pa.int64()), ("kind", pa.string()), ("minutes", pa.int64())]
    ),
}

_SCAN_BATCH = 122_880  # DuckDB's row-group size

# Largest first, so that two connections share the work evenly.
_QUERIES = {
    "lines": (
        "SELECT order_id, product_id, CAST(net_revenue AS DOUBLE PRECISION) AS revenue "
        "FROM sales_orderline"
    ),
    "orders": (
        "SELECT id AS order_id, account_id, date, "
        "CAST(net_revenue_base AS DOUBLE PRECISION) AS revenue, "
        "CAST(cost_base AS DOUBLE PRECISION) AS cost, documents, "
        "CAST(rate_to_base AS DOUBLE PRECISION) AS rate FROM sales_order"
    ),
    "activities": (
        "SELECT account_id, kind, duration_minutes AS minutes FROM activities_activity "
        "WHERE account_id IS NOT NULL"
    ),
    "accounts": (
        "SELECT id AS account_id, {created_date} AS created "
        "FROM accounts_account WHERE merged_into_id IS NULL"
    ),
    "products": (
        "SELECT p.id AS product_id, c.is_strategic AS strategic "
        "FROM catalog_product p JOIN catalog_productcategory c ON c.id = p.category_id"
    ),
}


@dataclass(frozen=True)
class Sources:
    """One Arrow table per source name, each conforming to SCHEMAS."""

    tables: dict[str, pa.Table]

    def __post_init__(self) -> None:
        missing = sorted(set(SCHEMAS) - set(self.tables))
        if missing:
            raise ValueError(f"missing sources: {', '.join(missing)}")


def conform(name: str, table: pa.Table) -> pa.Table:
    """Cast a table to the source's schema by column name; extra columns are dropped."""
    schema = SCHEMAS[name]
    absent = [f.name for f in schema if f.name not in table.column_names]
    if absent:
        raise ValueError(f"{name}: missing columns {', '.join(absent)}")
    columns = []
    for field in schema:
        column = table.column(field.name)
        if column.type != field.type and column.null_count == len(column):
            # SQLite types an empty or all-null column as int64, which cannot cast to a date.
            column = pa.chunked_array([pa.nulls(len(column), field.type)], field.type)
        elif column.type != field.type:
            column = column.cast(field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def _adbc_connection() -> Any:
    # The settings of the live connection: under tests these name the test database.
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite_adbc

        adbc = sqlite_adbc.connect(f"file:{params['NAME']}?mode=ro")
        # Two readers opening a WAL database at once may find it busy for a moment.
        with adbc.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 10000")
        return adbc
    import adbc_driver_postgresql.dbapi as pg_adbc

    user = params.get("USER") or ""
    password = params.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "localhost"
    port = params.get("PORT") or 5432
    return pg_adbc.connect(f"postgresql://{auth}{host}:{port}/{params['NAME']}")


def from_database(*, workers: int = 2) -> Sources:
    """Pull every source from the operational database (committed data only) over ADBC.

    The sources are read on `workers` connections at once, largest first: the drivers read
    outside the GIL, so the order lines and the orders stream side by side."""
    # SQLite's CAST(... AS DATE) yields a number: its date() gives the ISO text.
    created = "date(created_at)" if connection.vendor == "sqlite" else "CAST(created_at AS DATE)"
    names = list(_QUERIES)  # largest first: see _QUERIES
    queues: list[list[str]] = [names[i::workers] for i in range(max(1, workers))]

    def pull(batch: list[str]) -> dict[str, pa.Table]:
        pulled = {}
        with _adbc_connection() as adbc:
            cursor = adbc.cursor()
            try:
                if connection.vendor == "sqlite":
                    # The driver's default, 1,024 rows a batch, costs time on both sides.
                    cursor.adbc_statement.set_options(
                        **{"adbc.sqlite.query.batch_rows": str(_SCAN_BATCH)}
                    )
                for name in batch:
                    cursor.execute(_QUERIES[name].replace("{created_date}", created))
                    table = conform(name, _typed(name, cursor.fetch_arrow_table()))
                    # DuckDB scans an Arrow table a batch at a time per thread: batches of
                    # one size across the columns (the date conversion may rechunk one).
                    pulled[name] = pa.Table.from_batches(
                        table.to_batches(max_chunksize=_SCAN_BATCH), schema=table.schema
                    )
            finally:
                cursor.close()
        return pulled

    tables: dict[str, pa.Table] = {}
    with ThreadPoolExecutor(max_workers=len(queues)) as pool:
        for pulled in pool.map(pull, [q for q in queues if q]):
            tables.update(pulled)
    return Sources(tables)


def _typed(name: str, table: pa.Table) -> pa.Table:
    # SQLite has no date type: dates arrive as ISO text and booleans as integers.
    fixed = table
    for field in SCHEMAS[name]:
        column = fixed.column(field.name)
        if field.type == pa.date32() and pa.types.is_string(column.type):
            column = _iso_dates(column)
        elif field.type == pa.bool_() and pa.types.is_integer(column.type):
            column = column.cast(pa.int8()).cast(pa.bool_())
        else:
            continue
        fixed = fixed.set_column(fixed.column_names.index(field.name), field.name, column)
    return fixed


def _iso_dates(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(pc.utf8_slice_codeunits(column, 0, 10), pa.date32())
