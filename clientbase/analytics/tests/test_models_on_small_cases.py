"""Each built-in model on a base small enough to work out by hand."""

import datetime as dt
from typing import Any

import pytest

from clientbase.analytics.cost_to_serve import segment_costs
from clientbase.analytics.engine import compute_metrics
from clientbase.analytics.segmentation import ModelSettings

from .arrow_company import company, monthly

AS_OF = dt.date(2026, 12, 1)
RECENT = dt.date(2026, 11, 1)


def by_account(sources: Any, settings: ModelSettings | None = None) -> dict[int, dict[str, Any]]:
    return {r["account_id"]: r for r in compute_metrics(sources, AS_OF, settings).to_pylist()}


def test_abc_closes_a_at_80_and_b_at_95_percent_of_revenue() -> None:
    revenues = [50, 20, 10, 8, 5, 3, 2, 1, 1]
    base = company(list(range(1, 11)), [(i + 1, RECENT, r, 0) for i, r in enumerate(revenues)])

    classes = [row["abc_revenue"] for row in by_account(base).values()]

    # Before each account: 0, 50, 70 (< 80: A), 80, 88, 93 (< 95: B), 96, 98, 99, and no revenue.
    assert classes == ["A", "A", "A", "B", "B", "B", "C", "C", "C", "C"]


def test_abc_with_d_puts_the_tail_and_non_buyers_in_d() -> None:
    revenues = [50, 20, 10, 8, 5, 3, 2, 1, 1]
    base = company(list(range(1, 11)), [(i + 1, RECENT, r, 0) for i, r in enumerate(revenues)])

    rows = by_account(base, ModelSettings(abc_c=0.98))

    # Before the last four: 96 (< 98: C), 98, 99, and no revenue.
    assert [r["abc_revenue"] for r in rows.values()][6:] == ["C", "D", "D", "D"]


def test_abc_by_margin_ranks_by_margin_not_revenue() -> None:
    base = company([1, 2], [(1, RECENT, 100, 95), (2, RECENT, 20, 0)])

    rows = by_account(base)

    assert (rows[1]["abc_revenue"], rows[2]["abc_revenue"]) == ("A", "B")
    assert (rows[1]["abc_margin"], rows[2]["abc_margin"]) == ("B", "A")


def test_the_pareto_position_accumulates_revenue_and_accounts() -> None:
    base = company([1, 2, 3, 4], [(1, RECENT, 60, 0), (2, RECENT, 30, 0), (3, RECENT, 10, 0)])

    rows = by_account(base)

    assert [rows[i]["pareto_revenue_share"] for i in (1, 2, 3, 4)] == [0.6, 0.9, 1.0, 1.0]
    assert [rows[i]["pareto_account_share"] for i in (1, 2, 3, 4)] == [0.25, 0.5, 0.75, 1.0]


def test_xyz_follows_the_variability_of_monthly_revenue() -> None:
    steady = monthly(1, dt.date(2025, 12, 1), 12, 100, 50)
    lumpy = [(2, dt.date(2026, 3, 1), 600, 300), (2, dt.date(2026, 9, 1), 600, 300)]
    wavy = monthly(3, dt.date(2025, 12, 1), 12, 100, 50) + monthly(
        3, dt.date(2026, 6, 1), 6, 100, 50
    )

    rows = by_account(company([1, 2, 3, 4], [*steady, *lumpy, *wavy]))

    assert rows[1]["demand_variability"] == pytest.approx(0)
    assert rows[1]["xyz"] == "X"
    assert rows[2]["xyz"] == "Z"  # two months of twelve: CV = sqrt(5)
    assert rows[3]["xyz"] == "X"  # 100 for six months, 200 for six: CV = 1/3
    assert rows[4]["xyz"] is None  # nothing bought this year


def test_rfm_scores_quintiles_and_ties_share_a_score() -> None:
    orders = [(i, dt.date(2026, 1, i), 100.0 * i, 0) for i in range(1, 11)]
    orders += [(10, dt.date(2026, 11, 20), 100, 0)]
    rows = by_account(company(list(range(1, 12)), orders))

    assert (rows[10]["rfm_r"], rows[1]["rfm_r"]) == (5, 1)
    assert (rows[10]["rfm_m"], rows[1]["rfm_m"]) == (5, 1)
    # Nine accounts bought once: they tie on frequency and share the lowest score.
    assert {rows[i]["rfm_f"] for i in range(1, 10)} == {1}
    assert rows[10]["rfm_f"] == 5
    assert rows[11]["rfm_r"] is None  # a non-buyer has no RFM


def test_rfm_names_champions_and_lost() -> None:
    frequent = monthly(1, dt.date(2024, 12, 1), 24, 100, 50)
    once_long_ago = [(2, dt.date(2022, 1, 1), 10, 5)]
    middling = [(i, dt.date(2025, 6, i), 50, 20) for i in range(3, 8)]
    rows = by_account(company(list(range(1, 8)), [*frequent, *once_long_ago, *middling]))

    assert rows[1]["rfm_segment"] == "champions"
    assert rows[2]["rfm_segment"] == "lost"


def test_quadrants_split_buyers_by_loyalty_and_profitability() -> None:
    loyal_cheap = monthly(1, dt.date(2021, 12, 1), 60, 100, 99)
    loyal_rich = monthly(2, dt.date(2021, 12, 1), 60, 100, 10)
    new_rich = [(3, dt.date(2026, 6, 1), 9000, 0)]
    new_cheap = [(4, dt.date(2026, 6, 1), 10, 9)]
    rows = by_account(company([1, 2, 3, 4], [*loyal_cheap, *loyal_rich, *new_rich, *new_cheap]))

    assert [rows[i]["quadrant"] for i in (1, 2, 3, 4)] == ["II", "III", "IV", "I"]


def test_churn_flags_a_silence_long_against_the_accounts_own_rhythm() -> None:
    regular = monthly(1, dt.date(2025, 6, 1), 12, 100, 50)  # monthly until May 2026
    still_buying = monthly(2, dt.date(2025, 12, 1), 12, 100, 50)  # monthly until November
    slow_but_steady = [(3, dt.date(y, 6, 1), 100, 50) for y in (2022, 2023, 2024, 2025, 2026)]
    rows = by_account(company([1, 2, 3], [*regular, *still_buying, *slow_but_steady]))

    assert rows[1]["usual_gap_days"] == pytest.approx(30.5, abs=1)
    assert rows[1]["churn_flag"] is True  # six months silent after a monthly rhythm
    assert rows[2]["churn_flag"] is False
    assert rows[3]["churn_flag"] is False  # six months is nothing for a yearly buyer
    assert rows[1]["churn_risk"] > rows[3]["churn_risk"]


def test_churn_forgives_a_pause_the_account_also_took_a_year_before() -> None:
    # Both buy on the 1st and the 15th and have been silent since mid-May 2026. The seasonal
    # one buys only January to May, every year since 2024; the other bought all year round.
    seasonal = [
        (1, dt.date(y, m, d), 100, 50)
        for y in (2024, 2025, 2026)
        for m in range(1, 6)
        for d in (1, 15)
    ]
    all_year = [(2, dt.date(2025 + (m < 6), m, d), 100, 50) for m in range(1, 13) for d in (1, 15)]
    rows = by_account(company([1, 2], [*seasonal, *all_year]))

    assert rows[1]["churn_flag"] is False
    assert rows[2]["churn_flag"] is True
    assert rows[1]["churn_risk"] < rows[2]["churn_risk"]


def test_churn_wants_a_longer_silence_from_a_shorter_history() -> None:
    # The same monthly rhythm and the same four silent months (since August); one account has
    # twenty intervals behind it, the other three: too few to call four months unusual.
    rows = by_account(
        company(
            [1, 2],
            [
                *monthly(1, dt.date(2024, 12, 1), 21, 100, 50),
                *monthly(2, dt.date(2026, 5, 1), 4, 100, 50),
            ],
        )
    )

    assert rows[1]["usual_gap_days"] == pytest.approx(rows[2]["usual_gap_days"], abs=1)
    assert rows[1]["churn_flag"] is True
    assert rows[2]["churn_flag"] is False


def test_churn_gives_no_risk_without_enough_intervals_to_make_a_rhythm() -> None:
    # Two purchases two days apart, then a year of silence: one interval is no rhythm, so
    # the account gets no risk at all rather than a 100% that never turns into a warning.
    rows = by_account(
        company(
            [1, 2],
            [
                (1, dt.date(2025, 11, 1), 100, 50),
                (1, dt.date(2025, 11, 3), 100, 50),
                *monthly(2, dt.date(2025, 6, 1), 12, 100, 50),
            ],
        )
    )

    assert rows[1]["churn_risk"] is None
    assert rows[1]["churn_flag"] is False
    assert rows[2]["churn_risk"] == pytest.approx(1.0)
    assert rows[2]["churn_flag"] is True


def test_cost_to_serve_flags_the_segment_that_costs_more_than_it_earns() -> None:
    big = [(1, RECENT, 1000, 800)]
    busy_small = [(i, dt.date(2026, m, 1), 10, 9) for i in (2, 3) for m in range(1, 11)]
    calls = [(i, "call") for i in (2, 3) for _ in range(20)]
    table = compute_metrics(company([1, 2, 3], big + busy_small, calls), AS_OF)

    costs = {c.segment: c for c in segment_costs(table, by="abc_revenue")}

    assert costs["A"].accounts == 1
    assert not costs["A"].flagged
    small = costs["B"]
    assert small.accounts == 2
    # Each small account: 10 orders + 10 documents + 20 calls; the big one 1 + 1.
    assert small.workload_share == pytest.approx(80 / 82)
    assert small.margin_share == pytest.approx(20 / 220)
    assert small.flagged


def test_cost_to_serve_classes_rank_by_margin_per_unit_of_workload() -> None:
    big = [(1, RECENT, 1000, 800), (2, RECENT, 900, 750)]
    busy_small = [(3, dt.date(2026, m, 1), 10, 9) for m in range(1, 11)]
    table = compute_metrics(company([1, 2, 3, 4], big + busy_small), AS_OF)

    classes = dict(
        zip(table["account_id"].to_pylist(), table["cts_class"].to_pylist(), strict=True)
    )

    # Margin per workload 100, 75, 0.5; before each: 0, 200 (< 80%: A), 350 of 360 (97%: C).
    assert classes == {1: "A", 2: "A", 3: "C", 4: None}


def test_settings_refuse_thresholds_out_of_order() -> None:
    with pytest.raises(ValueError, match="ABC"):
        ModelSettings(abc_a=0.9, abc_b=0.8)
    with pytest.raises(ValueError, match="XYZ"):
        ModelSettings(xyz_x=2, xyz_y=1)
