"""Run the metric pipeline in-process on DuckDB over Arrow sources."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from clientbase.analytics.sources import Sources
from clientbase.analytics.steps import STEPS, Step, pipeline

_COUNTS = (
    "orders_lifetime",
    "orders_ltm",
    "frequency",
    "documents",
    "activities",
    "tickets",
    "workload",
    "recency_days",
    "repeat_purchases",
)
_DATES = ("first_purchase", "last_purchase")


def _result_type(name: str) -> pa.DataType:
    if name == "account_id":
        return pa.int64()
    if name in _COUNTS:
        return pa.int64()
    if name in _DATES:
        return pa.date32()
    return pa.float64()


def compute_metrics(
    sources: Sources, as_of: dt.date, *, steps: tuple[Step, ...] = STEPS, threads: int = 2
) -> pa.Table:
    """One row per account with every metric of the pipeline, as of the given date."""
    with duckdb.connect(config={"threads": threads}) as db:
        for name, table in sources.tables.items():
            db.register(name, table)
        result = db.sql(pipeline(as_of, steps=steps)).to_arrow_table()
    schema = pa.schema([(name, _result_type(name)) for name in result.column_names])
    return result.cast(schema).sort_by("account_id")
