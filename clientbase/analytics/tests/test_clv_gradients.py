"""The analytic likelihood gradients agree with finite differences, and weighting is exact."""

from collections.abc import Callable

import numpy as np
import pytest

from clientbase.analytics import clv

RNG = np.random.default_rng(7)
X = RNG.integers(0, 6, 40).astype(float)
AGE = RNG.uniform(5, 40, 40)
T_X = np.where(X > 0, AGE * RNG.uniform(0.1, 1.0, 40), 0.0)
SPEND = RNG.uniform(5, 80, 40)


def _numeric_gradient(
    total: Callable[[np.ndarray], float], log_params: np.ndarray, step: float = 1e-6
) -> np.ndarray:
    out = np.zeros_like(log_params)
    for i in range(log_params.size):
        up, down = log_params.copy(), log_params.copy()
        up[i] += step
        down[i] -= step
        out[i] = (total(up) - total(down)) / (2 * step)
    return out


@pytest.mark.parametrize("params", [(0.24, 4.4, 0.79, 2.4), (1.5, 0.3, 3.0, 0.6)])
def test_the_bg_nbd_gradient_matches_finite_differences(params: tuple[float, ...]) -> None:
    def total(log_params: np.ndarray) -> float:
        ll, _ = clv._bg_nbd_terms(np.exp(log_params), X, T_X, AGE, gradient=False)
        return float(ll.sum())

    log_params = np.log(np.array(params))
    _, grad = clv._bg_nbd_terms(np.exp(log_params), X, T_X, AGE, gradient=True)
    assert grad is not None
    assert grad.sum(axis=1) == pytest.approx(_numeric_gradient(total, log_params), rel=1e-5)


def test_the_gamma_gamma_gradient_matches_finite_differences() -> None:
    keep = X > 0

    def total(log_params: np.ndarray) -> float:
        ll, _ = clv._gamma_gamma_terms(np.exp(log_params), X[keep], SPEND[keep], gradient=False)
        return float(ll.sum())

    log_params = np.log(np.array([6.25, 3.74, 15.4]))
    _, grad = clv._gamma_gamma_terms(np.exp(log_params), X[keep], SPEND[keep], gradient=True)
    assert grad is not None
    assert grad.sum(axis=1) == pytest.approx(_numeric_gradient(total, log_params), rel=1e-5)


def test_repeating_every_customer_leaves_the_fitted_parameters_unchanged() -> None:
    once = clv.fit_bg_nbd(X, T_X, AGE)
    twice = clv.fit_bg_nbd(np.tile(X, 2), np.tile(T_X, 2), np.tile(AGE, 2))
    assert (twice.r, twice.alpha, twice.a, twice.b) == pytest.approx(
        (once.r, once.alpha, once.a, once.b), rel=1e-2
    )
    assert twice.log_likelihood == pytest.approx(2 * once.log_likelihood, rel=1e-6)
    assert twice.customers == 2 * once.customers


def test_compressing_rows_finds_the_distinct_rows_and_their_counts() -> None:
    x = RNG.integers(0, 4, 300).astype(float)
    t = RNG.integers(0, 3, 300).astype(float)
    rows, counts = clv._compress(x, t, x + t)
    expected, expected_counts = np.unique(
        np.column_stack([x, t, x + t]), axis=0, return_counts=True
    )
    assert np.array_equal(np.column_stack(rows), expected)
    assert np.array_equal(counts, expected_counts)
