"""Run the analytics pass in-process: the composed SQL on DuckDB over Arrow sources, then the
lifetime-value models (scipy) over its result."""

from __future__ import annotations

import datetime as dt
import logging

import duckdb
import numpy as np
import pyarrow as pa

from clientbase.analytics import clv
from clientbase.analytics.pipeline import STEPS, compose
from clientbase.analytics.segmentation import ModelSettings
from clientbase.analytics.sources import Sources
from clientbase.analytics.steps import Step

log = logging.getLogger(__name__)

_INTS = frozenset(
    {
        "account_id",
        "orders_lifetime",
        "orders_ltm",
        "frequency",
        "documents",
        "activities",
        "tickets",
        "workload",
        "recency_days",
        "repeat_purchases",
        "tenure_days",
        "rfm_r",
        "rfm_f",
        "rfm_m",
    }
)
_DATES = frozenset({"first_purchase", "last_purchase"})
_TEXTS = frozenset({"abc_revenue", "abc_margin", "cts_class", "xyz", "rfm_segment", "quadrant"})
_FLAGS = frozenset({"churn_flag"})
CLV_COLUMNS = ("p_alive", "expected_purchases_12m", "clv_12m")
WEEKS_PER_MONTH = 365.25 / 12 / 7
FIT_SAMPLE = 20_000


def _result_type(name: str) -> pa.DataType:
    if name in _INTS:
        return pa.int64()
    if name in _DATES:
        return pa.date32()
    if name in _TEXTS:
        return pa.string()
    if name in _FLAGS:
        return pa.bool_()
    return pa.float64()


def compute_metrics(
    sources: Sources,
    as_of: dt.date,
    settings: ModelSettings | None = None,
    *,
    steps: tuple[Step, ...] = STEPS,
    threads: int = 2,
) -> pa.Table:
    """One row per account with every metric and model result, as of the given date."""
    with duckdb.connect(config={"threads": threads}) as db:
        for name, table in sources.tables.items():
            db.register(name, table)
        result = db.sql(compose(as_of, settings, steps=steps)).to_arrow_table()
    schema = pa.schema([(name, _result_type(name)) for name in result.column_names])
    result = result.cast(schema).sort_by("account_id")
    if "repeat_purchases" in result.column_names:
        for name, column in zip(CLV_COLUMNS, _lifetime_value(result), strict=True):
            result = result.append_column(name, column)
    return result


def _lifetime_value(table: pa.Table) -> list[pa.Array]:
    """P(alive), expected purchases and value over the next 12 months, per account."""
    empty = [pa.nulls(table.num_rows, pa.float64()) for _ in CLV_COLUMNS]
    age = table.column("age_weeks").to_numpy(zero_copy_only=False)
    buyers = ~np.isnan(age.astype(np.float64)) & (age > 0)
    if buyers.sum() < 10:
        return empty
    x = table.column("repeat_purchases").to_numpy()[buyers].astype(np.float64)
    t_x = table.column("recency_weeks").to_numpy(zero_copy_only=False)[buyers]
    age_b = age[buyers]
    spend = table.column("repeat_revenue_mean").to_numpy(zero_copy_only=False)[buyers]
    spend = np.nan_to_num(spend.astype(np.float64), nan=0.0)
    # The parameters describe the population: a fixed random sample fits them as well as the
    # whole base, in a fraction of the time; every account is then scored with them.
    fit = np.random.default_rng(0).permutation(len(x))[:FIT_SAMPLE]
    try:
        bg = clv.fit_bg_nbd(x[fit], t_x[fit], age_b[fit])
        gg = clv.fit_gamma_gamma(x[fit], spend[fit])
    except clv.FitError as exc:
        log.info("lifetime value not fitted: %s", exc)
        return empty
    out = []
    for values in (
        clv.probability_alive(bg, x, t_x, age_b),
        clv.expected_purchases(bg, 52.0, x, t_x, age_b),
        clv.lifetime_value(
            bg,
            gg,
            x,
            t_x,
            age_b,
            spend,
            periods=12,
            period_length=WEEKS_PER_MONTH,
            discount_rate=0.01,
        ),
    ):
        column = np.full(table.num_rows, np.nan)
        column[buyers] = values
        out.append(pa.array(column, pa.float64(), from_pandas=True))
    return out
