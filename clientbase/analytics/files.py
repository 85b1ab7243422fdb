"""The engine without a server: sources from plain files or data frames.

An orders file needs an account, a date and a revenue column; cost, order id and documents
are optional. Column names are matched loosely in en/ru (account / client / клиент …).
Accepts a path (CSV, Parquet, JSON Lines), a pandas or Polars DataFrame, or an Arrow table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from clientbase.analytics.engine import compute_metrics
from clientbase.analytics.segmentation import ModelSettings
from clientbase.analytics.sources import SCHEMAS, Sources, conform

ALIASES: dict[str, tuple[str, ...]] = {
    "account_id": (
        "account_id",
        "account",
        "client",
        "customer",
        "customer_id",
        "client_id",
        "клиент",
        "контрагент",
        "покупатель",
        "مشتری",
    ),
    "date": ("date", "order_date", "invoice_date", "дата", "تاریخ"),
    "revenue": (
        "revenue",
        "amount",
        "sales",
        "net_revenue",
        "sum",
        "выручка",
        "сумма",
        "فروش",
        "مبلغ",
    ),
    "cost": ("cost", "cogs", "себестоимость", "بهای تمام شده"),
    "order_id": ("order_id", "order", "invoice", "number", "заказ", "номер", "سفارش"),
    "documents": ("documents", "docs", "документы"),
}


class FileSourceError(ValueError):
    """The file cannot feed the engine; the message names the file and the column."""


def _read(data: Any, label: str) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, str | Path):
        path = Path(data)
        if not path.is_file():
            raise FileSourceError(f"{path}: no such file")
        suffix = path.suffix.lower()
        try:
            if suffix == ".parquet":
                return pq.read_table(path)
            if suffix in {".jsonl", ".ndjson", ".json"}:
                return pajson.read_json(path)
            return pacsv.read_csv(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise FileSourceError(f"{path.name}: cannot read it ({exc})") from None
    if hasattr(data, "to_arrow"):  # Polars
        return data.to_arrow()
    if hasattr(data, "columns") and hasattr(data, "iloc"):  # pandas
        return pa.Table.from_pandas(data, preserve_index=False)
    raise FileSourceError(
        f"{label}: give a file path, a pandas or Polars DataFrame, or an Arrow table"
    )


def _pick(table: pa.Table, name: str, label: str, required: bool) -> pa.ChunkedArray | None:
    wanted = ALIASES[name]
    for column in table.column_names:
        if column.strip().lower() in wanted:
            return table.column(column)
    if required:
        raise FileSourceError(
            f"{label}: no {name} column (looked for {', '.join(wanted[:5])} …); "
            f"the file has {', '.join(table.column_names)}"
        )
    return None


def _dates(column: pa.ChunkedArray, label: str) -> pa.ChunkedArray:
    if pa.types.is_date32(column.type):
        return column
    if pa.types.is_timestamp(column.type) or pa.types.is_date64(column.type):
        return column.cast(pa.date32())
    try:
        return pc.strptime(column.cast(pa.string()), format="%Y-%m-%d", unit="s").cast(pa.date32())
    except pa.ArrowInvalid:
        try:
            return pc.strptime(column.cast(pa.string()), format="%d.%m.%Y", unit="s").cast(
                pa.date32()
            )
        except pa.ArrowInvalid:
            raise FileSourceError(f"{label}: dates must read as YYYY-MM-DD or DD.MM.YYYY") from None


def _account_keys(column: pa.ChunkedArray) -> tuple[pa.Array, list[str]]:
    """Integer ids for any account key (numbers or names), and the key of each id."""
    keys = pc.cast(column, pa.string())
    unique = pc.unique(keys).drop_null()
    index = pc.index_in(keys, value_set=unique)
    return pc.add(index, 1).cast(pa.int64()), unique.to_pylist()


def from_files(orders: Any, accounts: Any = None) -> tuple[Sources, list[str]]:
    """Engine sources from an orders table (and optionally an accounts table to include
    accounts without orders). Returns the sources and the account key of each id (1-based)."""
    table = _read(orders, "orders")
    if table.num_rows == 0:
        raise FileSourceError("orders: the file has no rows")
    account_column = _pick(table, "account_id", "orders", True)
    assert account_column is not None
    if accounts is not None:
        extra = _pick(_read(accounts, "accounts"), "account_id", "accounts", True)
        assert extra is not None
        account_column = pa.chunked_array(
            [*account_column.cast(pa.string()).chunks, *extra.cast(pa.string()).chunks]
        )
    ids, keys = _account_keys(account_column)
    n = table.num_rows
    revenue = _pick(table, "revenue", "orders", True)
    cost = _pick(table, "cost", "orders", False)
    order_ids = _pick(table, "order_id", "orders", False)
    documents = _pick(table, "documents", "orders", False)
    date = _dates(_pick(table, "date", "orders", True), "orders")
    try:
        revenue_f = revenue.cast(pa.float64())  # type: ignore[union-attr]
        cost_f = cost.cast(pa.float64()) if cost is not None else pa.array([0.0] * n)
    except pa.ArrowInvalid:
        raise FileSourceError("orders: revenue and cost must be numbers") from None
    order_numbers = pa.array(range(1, n + 1), pa.int64())
    if order_ids is not None:
        order_numbers = pc.add(
            pc.index_in(
                pc.cast(order_ids, pa.string()),
                value_set=pc.unique(pc.cast(order_ids, pa.string())),
            ),
            1,
        )
    sources = Sources(
        {
            "accounts": conform(
                "accounts",
                pa.table(
                    {
                        "account_id": pa.array(range(1, len(keys) + 1), pa.int64()),
                        "created": pa.array([dt.date(1970, 1, 1)] * len(keys), pa.date32()),
                    }
                ),
            ),
            "orders": conform(
                "orders",
                pa.table(
                    {
                        "order_id": order_numbers,
                        "account_id": ids.slice(0, n),
                        "date": date,
                        "revenue": revenue_f,
                        "cost": cost_f,
                        "documents": documents if documents is not None else pa.array([1] * n),
                        "rate": pa.array([1.0] * n),
                    }
                ),
            ),
            "lines": SCHEMAS["lines"].empty_table(),
            "products": SCHEMAS["products"].empty_table(),
            "activities": SCHEMAS["activities"].empty_table(),
        }
    )
    return sources, keys


def analyze(
    orders: Any,
    accounts: Any = None,
    *,
    as_of: dt.date | None = None,
    settings: ModelSettings | None = None,
) -> pa.Table:
    """Every metric and model per account, for a notebook: `orders` is a path, a pandas or
    Polars DataFrame, or an Arrow table. The first column, `account`, is the file's own key."""
    sources, keys = from_files(orders, accounts)
    as_of = as_of or latest_order_date(sources)
    table = compute_metrics(sources, as_of, settings)
    named = pa.array([keys[i - 1] for i in table.column("account_id").to_pylist()], pa.string())
    return table.add_column(0, "account", named)


def latest_order_date(sources: Sources) -> dt.date:
    """A file's analysis is as of the day after its last order, not today."""
    last = pc.max(sources.tables["orders"].column("date")).as_py()
    return dt.datetime.now(dt.UTC).date() if last is None else last + dt.timedelta(days=1)
