"""The whole analytics pass as one query: `params`, the metric steps, the model steps.

Steps are parsed by SQLGlot, so the composed query can be written for DuckDB (where it runs)
or another engine (Spark, PostgreSQL) unchanged; the snapshot tests pin the renderings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlglot
from sqlglot import exp

from clientbase.analytics.segmentation import MODEL_STEPS, ModelSettings
from clientbase.analytics.steps import METRIC_STEPS, Step

STEPS: tuple[Step, ...] = METRIC_STEPS + MODEL_STEPS


def _columns(step: Step) -> tuple[str, ...]:
    names: list[str] = []
    for expression in sqlglot.parse_one(step.sql, read="duckdb").expressions:
        if isinstance(expression, exp.Column) and isinstance(expression.this, exp.Star):
            names.extend(METRIC_COLUMNS)
        else:
            names.append(expression.alias_or_name)
    return tuple(names)


METRIC_COLUMNS: tuple[str, ...] = _columns(METRIC_STEPS[-1])
OUTPUT_COLUMNS: tuple[str, ...] = _columns(MODEL_STEPS[-1])


def _params(as_of: dt.date, settings: ModelSettings) -> exp.Select:
    def day(value: dt.date, name: str) -> exp.Expr:
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("date")).as_(name)

    columns: list[exp.Expr] = [
        day(as_of, "as_of"),
        # First days of the trailing 12 months and of the 12 before (ages 0-364, 365-729).
        day(as_of - dt.timedelta(days=364), "ltm_start"),
        day(as_of - dt.timedelta(days=729), "prev_start"),
    ]
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        columns.append(exp.Literal.number(value).as_(field.name))
    return exp.select(*columns)


def compose(
    as_of: dt.date,
    settings: ModelSettings | None = None,
    *,
    steps: tuple[Step, ...] = STEPS,
    dialect: str = "duckdb",
) -> str:
    """The composed query: `params`, then every step as a CTE, selecting the last one."""
    query = exp.select("*").from_(steps[-1].name)
    query = query.with_("params", as_=_params(as_of, settings or ModelSettings()))
    for step in steps:
        query = query.with_(step.name, as_=sqlglot.parse_one(step.sql, read="duckdb"))
    return query.sql(dialect=dialect, pretty=True)
