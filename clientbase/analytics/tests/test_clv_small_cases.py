"""The CLV formulas on cases small enough to compute by hand."""

import math

import numpy as np
import pytest

from clientbase.analytics import clv

MODEL = clv.BgNbd(r=0.5, alpha=2.0, a=1.5, b=3.0, log_likelihood=0.0, customers=0)
SPEND = clv.GammaGamma(p=6.0, q=4.0, gamma=15.0, log_likelihood=0.0, customers=0)


def test_a_customer_who_never_came_back_is_alive_for_sure() -> None:
    assert clv.probability_alive(MODEL, [0], [0], [10])[0] == 1.0


def test_probability_alive_follows_the_closed_form() -> None:
    # 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)) with x=2, t_x=4, T=10
    odds = 1.5 / (3.0 + 2 - 1) * ((2.0 + 10) / (2.0 + 4)) ** (0.5 + 2)
    assert clv.probability_alive(MODEL, [2], [4], [10])[0] == pytest.approx(1 / (1 + odds))


def test_a_recent_buyer_is_more_alive_than_a_long_silent_one() -> None:
    recent, silent = clv.probability_alive(MODEL, [5, 5], [9.5, 2], [10, 10])
    assert recent > silent


def test_expected_purchases_grow_with_the_horizon_and_start_at_zero() -> None:
    values = [clv.expected_purchases(MODEL, h, [3], [8], [10])[0] for h in (0, 5, 10, 50)]
    assert values[0] == 0
    assert values == sorted(values)
    assert values[-1] > values[1] > 0


def test_expected_average_value_shrinks_toward_the_population_mean() -> None:
    population = 6.0 * 15.0 / (4.0 - 1)  # p * gamma / (q - 1) = 30
    weight = 6.0 * 2 / (6.0 * 2 + 4.0 - 1)  # p x / (p x + q - 1) = 0.8
    value = clv.expected_average_value(SPEND, [2, 0], [50.0, 0.0])
    assert value[0] == pytest.approx((1 - weight) * population + weight * 50.0)
    assert value[1] == pytest.approx(population)


def test_lifetime_value_is_discounted_spend_times_purchases() -> None:
    undiscounted = clv.lifetime_value(
        MODEL, SPEND, [3], [8], [10], [40.0], periods=12, period_length=4.0, discount_rate=0.0
    )
    discounted = clv.lifetime_value(
        MODEL, SPEND, [3], [8], [10], [40.0], periods=12, period_length=4.0, discount_rate=0.01
    )
    purchases = clv.expected_purchases(MODEL, 48.0, [3], [8], [10])[0]
    spend = clv.expected_average_value(SPEND, [3], [40.0])[0]
    assert undiscounted[0] == pytest.approx(purchases * spend)
    assert 0 < discounted[0] < undiscounted[0]


def test_it_refuses_to_fit_a_base_without_repeat_buyers() -> None:
    with pytest.raises(clv.FitError, match="bought twice"):
        clv.fit_bg_nbd(np.zeros(20), np.zeros(20), np.full(20, 10.0))


def test_it_refuses_recency_beyond_age() -> None:
    with pytest.raises(clv.FitError, match="recency"):
        clv.fit_bg_nbd(np.ones(20), np.full(20, 11.0), np.full(20, 10.0))


def test_it_refuses_columns_of_different_lengths() -> None:
    with pytest.raises(clv.FitError, match="differ"):
        clv.fit_gamma_gamma([1, 2, 3], [10.0, 20.0])


def test_it_recovers_parameters_it_simulated() -> None:
    rng = np.random.default_rng(7)
    n, age = 20_000, 52.0
    rate = rng.gamma(0.8, 1 / 3.0, n)  # r = 0.8, alpha = 3
    dropout = rng.beta(1.2, 4.0, n)  # a = 1.2, b = 4
    x = np.zeros(n)
    t_x = np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / rate[i])
            if t > age:
                break
            x[i] += 1
            t_x[i] = t
            if rng.random() < dropout[i]:
                break
    model = clv.fit_bg_nbd(x, t_x, np.full(n, age))
    assert math.isclose(model.r, 0.8, rel_tol=0.15)
    assert math.isclose(model.alpha, 3.0, rel_tol=0.2)
    assert math.isclose(model.a, 1.2, rel_tol=0.25)
    assert math.isclose(model.b, 4.0, rel_tol=0.3)
