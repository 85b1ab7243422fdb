"""The models on the demo company (scale XS): they must find what the generator planted.

Floors sit below the figures at scale S in docs/benchmarks.md, so only a real regression
fails here; bench/bench_analytics.py reports the full figures."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from clientbase.analytics import quality, sources
from clientbase.analytics.engine import compute_metrics
from clientbase.demo.generator import generate

# Marked so the test database is set up even when this module runs alone.
pytestmark = pytest.mark.django_db

Demo = tuple[sources.Sources, dict[str, Any], dt.date]


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """The company is generated once for the module (committed, as ADBC reads committed
    data) and flushed afterwards; the tests themselves only read Arrow tables."""
    truth_path = tmp_path_factory.mktemp("demo") / "truth.json"
    with django_db_blocker.unblock():
        generate(scale="XS", seed=7, truth_path=truth_path)
        data = sources.from_database()
        truth = quality.load_truth(truth_path)
        try:
            yield data, truth, dt.date.fromisoformat(str(truth["as_of"]))
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_the_costly_small_clients_come_out_flagged(demo: Demo) -> None:
    data, truth, as_of = demo
    finding = quality.cost_to_serve_finding(compute_metrics(data, as_of), truth)

    worst = max(finding.flagged, key=lambda c: c.workload_share - c.margin_share)
    assert worst.workload_share >= 0.2  # planted: about 26% of the workload
    assert worst.margin_share <= 0.04  # planted: about 2% of the margin
    assert finding.hogs.recall >= 0.7
    assert finding.hogs.precision >= 0.7


def test_loyal_low_profit_and_profitable_disloyal_land_in_their_quadrants(demo: Demo) -> None:
    data, truth, as_of = demo
    found = quality.quadrant_recovery(compute_metrics(data, as_of), truth)

    assert found["loyal_low_profit"].recall >= 0.9
    assert found["profitable_disloyal"].recall >= 0.7


def test_a_fifth_of_the_accounts_brings_about_four_fifths_of_revenue(demo: Demo) -> None:
    data, _truth, as_of = demo
    assert 0.75 <= quality.pareto_share(compute_metrics(data, as_of)) <= 0.92


def test_churners_are_warned_while_they_decline(demo: Demo) -> None:
    data, truth, _as_of = demo
    backtest = quality.churn_backtest(data, truth)

    assert backtest.warned_before_planted_end >= 0.25 * backtest.churners
    assert backtest.median_days_before_planted_end >= 30
    assert backtest.warned_before_stop >= 1
    assert backtest.false_alarm_share <= 0.6
