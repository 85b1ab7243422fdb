"""Every metric family on a company small enough to check by hand, read from the database."""

import math
from typing import Any

import pytest

from clientbase.accounts.models import Account
from clientbase.analytics import sources
from clientbase.analytics.engine import compute_metrics

from .conftest import AS_OF

Metrics = dict[str, dict[str, Any]]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def metrics(small_company: dict[str, Account]) -> Metrics:
    table = compute_metrics(sources.from_database(), AS_OF)
    rows = {row["account_id"]: row for row in table.to_pylist()}
    return {name: rows[account.pk] for name, account in small_company.items()}


def test_revenue_and_margin_split_into_trailing_year_and_lifetime(metrics: Metrics) -> None:
    steady = metrics["steady"]
    assert steady["revenue_ltm"] == 400  # 100 + 200 + 100 since 2025-12-01
    assert steady["margin_ltm"] == 150  # 40 + 100 + 10
    assert steady["revenue_prev_ltm"] == 150
    assert steady["revenue_lifetime"] == 550
    assert steady["margin_lifetime"] == 200
    assert steady["orders_lifetime"] == 3
    assert steady["orders_ltm"] == 2


def test_recency_frequency_and_monetary(metrics: Metrics) -> None:
    steady = metrics["steady"]
    assert str(steady["first_purchase"]) == "2025-06-01"
    assert str(steady["last_purchase"]) == "2026-06-01"
    assert steady["recency_days"] == 183
    assert steady["frequency"] == 3  # RFM counts the whole history
    assert steady["monetary"] == 550


def test_share_of_strategic_lines_counts_revenue_not_lines(metrics: Metrics) -> None:
    assert metrics["steady"]["strategic_share"] == pytest.approx(300 / 550)
    assert metrics["lapsed"]["strategic_share"] == 0


def test_workload_counts_orders_documents_and_activities(metrics: Metrics) -> None:
    steady = metrics["steady"]
    assert steady["documents"] == 4
    assert steady["activities"] == 1
    assert steady["tickets"] == 1
    assert steady["hours"] == 1.5
    assert steady["workload"] == 3 + 4 + 1
    assert steady["margin_per_workload"] == pytest.approx(200 / 8)


def test_trend_compares_the_trailing_year_with_the_one_before(metrics: Metrics) -> None:
    assert metrics["steady"]["trend"] == pytest.approx((400 - 150) / 150)
    assert metrics["lapsed"]["trend"] is None  # nothing in the year before to compare with


def test_demand_variability_is_the_coefficient_of_variation_of_monthly_revenue(
    metrics: Metrics,
) -> None:
    months = [100, 300] + [0] * 10
    mean = sum(months) / 12
    std = math.sqrt(sum((m - mean) ** 2 for m in months) / 12)
    assert metrics["steady"]["demand_variability"] == pytest.approx(std / mean)


def test_a_prospect_has_zeros_and_no_dates(metrics: Metrics) -> None:
    prospect = metrics["prospect"]
    assert prospect["revenue_lifetime"] == 0
    assert prospect["first_purchase"] is None
    assert prospect["recency_days"] is None
    assert prospect["workload"] == 1


def test_clv_inputs_count_repeat_purchase_days_in_weeks(metrics: Metrics) -> None:
    steady = metrics["steady"]
    assert steady["repeat_purchases"] == 2
    assert steady["age_weeks"] == pytest.approx((AS_OF - steady["first_purchase"]).days / 7)
    assert steady["recency_weeks"] == pytest.approx(365 / 7)
    assert steady["repeat_revenue_mean"] == pytest.approx((100 + 300) / 2)
    assert metrics["lapsed"]["repeat_purchases"] == 0


def test_the_database_pull_equals_the_same_rows_given_as_arrow(
    small_company: dict[str, Account],
) -> None:
    pulled = sources.from_database()
    copied = sources.Sources({name: table.slice(0) for name, table in pulled.tables.items()})
    assert compute_metrics(pulled, AS_OF).equals(compute_metrics(copied, AS_OF))
