"""The composed metric SQL, pinned for DuckDB (where it runs) and Spark (where it may go).

Set CLIENTBASE_UPDATE_SNAPSHOTS=1 to rewrite the snapshots after a deliberate change."""

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest
import sqlglot

from clientbase.analytics.pipeline import STEPS, compose

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "postgres"])
def test_the_pipeline_sql_matches_its_snapshot(dialect: str) -> None:
    sql = compose(dt.date(2026, 12, 1), dialect=dialect)
    snapshot = SNAPSHOTS / f"pipeline.{dialect}.sql"
    if os.environ.get("CLIENTBASE_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(sql + "\n")
    assert sql + "\n" == snapshot.read_text()


def test_every_step_is_named_once_and_parses() -> None:
    names = [step.name for step in STEPS]
    assert len(names) == len(set(names))
    for step in STEPS:
        assert sqlglot.parse_one(step.sql, read="duckdb").find(sqlglot.exp.Select)


def test_the_spark_rendering_parses_back_as_spark() -> None:
    sql = compose(dt.date(2026, 12, 1), dialect="spark")
    assert sqlglot.parse_one(sql, read="spark") is not None


def test_the_duckdb_rendering_plans_over_the_source_schemas() -> None:
    from clientbase.analytics.sources import SCHEMAS

    with duckdb.connect() as db:
        for name, schema in SCHEMAS.items():
            db.register(name, schema.empty_table())
        assert db.sql(compose(dt.date(2026, 12, 1))).fetchall() == []
