"""Customer lifetime value: BG/NBD for the purchase process, Gamma-Gamma for spend.

Maximum-likelihood fits with scipy over whole numpy columns (no per-customer Python), after
Fader, Hardie & Lee (2005), "Counting your customers the easy way" and "RFM and CLV", and
Hardie's note 025 for Gamma-Gamma. Time is in whatever unit the inputs use (the engine passes
weeks); x counts repeat purchases, t_x is the time of the last one since the first, T the age.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

Array = npt.NDArray[np.float64]
_LOG_BOUNDS = (-12.0, 12.0)  # parameters between about 6e-6 and 1.6e5
ArrayLike = npt.ArrayLike


class FitError(ValueError):
    """The data cannot support a fit (too few customers, no repeat buyers); says why."""


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int


def _columns(*values: ArrayLike) -> list[Array]:
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays):
        raise FitError("the input columns differ in length")
    return arrays


def _bg_nbd_log_likelihood(params: Array, x: Array, t_x: Array, age: Array) -> Array:
    r, alpha, a, b = params
    repeat = x > 0
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + age)
    # Only defined for repeat buyers: b + x - 1 > 0 whenever x >= 1.
    x_safe = np.where(repeat, x, 1.0)
    a4 = np.where(
        repeat,
        np.log(a) - np.log(b + x_safe - 1) - (r + x_safe) * np.log(alpha + t_x),
        -np.inf,
    )
    return np.asarray(a1 + a2 + np.logaddexp(a3, a4), dtype=np.float64)


def _fit(
    objective: Callable[..., Array], start: Array, args: tuple[Array, ...], what: str
) -> tuple[Array, float]:
    def negative(log_params: Array) -> float:
        value = -float(np.sum(objective(np.exp(log_params), *args)))
        return value if np.isfinite(value) else 1e300

    # Bounded L-BFGS-B in log space: as fast as a few hundred likelihood evaluations, and the
    # bounds stop a flat direction (no visible dropout: a, b -> infinity) from running away.
    result = optimize.minimize(
        negative, np.log(start), method="L-BFGS-B", bounds=[_LOG_BOUNDS] * len(start)
    )
    if not np.isfinite(result.fun) or result.fun >= 1e300:
        raise FitError(f"the {what} likelihood did not converge on this data")
    return np.exp(result.x), -float(result.fun)


def fit_bg_nbd(frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> BgNbd:
    """Fit BG/NBD to repeat purchases x, recency t_x and age T of each customer."""
    x, t_x, age = _columns(frequency, recency, age)
    if x.size < 10:
        raise FitError("at least 10 customers are needed to fit the purchase model")
    if not np.any(x > 0):
        raise FitError("no customer has bought twice: the purchase model cannot be fitted")
    if np.any((x < 0) | (t_x < 0) | (age < t_x)):
        raise FitError("recency must lie between 0 and the customer's age, frequency >= 0")
    params, ll = _fit(
        _bg_nbd_log_likelihood, np.array([1.0, 1.0, 1.0, 1.0]), (x, t_x, age), "BG/NBD"
    )
    r, alpha, a, b = (float(v) for v in params)
    return BgNbd(r=r, alpha=alpha, a=a, b=b, log_likelihood=ll, customers=int(x.size))


def probability_alive(
    model: BgNbd, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> Array:
    """P(the customer has not dropped out), given their history."""
    x, t_x, age_ = _columns(frequency, recency, age)
    x_safe = np.where(x > 0, x, 1.0)
    log_ratio = (
        np.log(model.a)
        - np.log(model.b + x_safe - 1)
        + (model.r + x_safe) * (np.log(model.alpha + age_) - np.log(model.alpha + t_x))
    )
    odds = np.where(x > 0, np.exp(np.minimum(log_ratio, 700.0)), 0.0)
    return np.asarray(1.0 / (1.0 + odds), dtype=np.float64)


def expected_purchases(
    model: BgNbd, horizon: float, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> Array:
    """Expected number of purchases in the next `horizon` time units (equation 10)."""
    x, t_x, age_ = _columns(frequency, recency, age)
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    if horizon <= 0:
        return np.zeros_like(x)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, horizon / (alpha + age_ + horizon))
    first = (a + b + x - 1) / (a - 1)
    second = 1 - ((alpha + age_) / (alpha + age_ + horizon)) ** (r + x) * hyp
    x_safe = np.where(x > 0, x, 1.0)
    tail = np.where(
        x > 0,
        a / (b + x_safe - 1) * ((alpha + age_) / (alpha + t_x)) ** (r + x_safe),
        0.0,
    )
    return np.asarray(first * second / (1 + tail), dtype=np.float64)


def _gamma_gamma_log_likelihood(params: Array, x: Array, m: Array) -> Array:
    p, q, gamma = params
    return np.asarray(
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(gamma + x * m),
        dtype=np.float64,
    )


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGamma:
    """Fit Gamma-Gamma to the mean spend of repeat buyers (customers with x = 0 are skipped)."""
    x, m = _columns(frequency, monetary)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if x.size < 10:
        raise FitError("at least 10 repeat buyers with a positive spend are needed")
    params, ll = _fit(_gamma_gamma_log_likelihood, np.array([1.0, 1.0, 1.0]), (x, m), "Gamma-Gamma")
    p, q, gamma = (float(v) for v in params)
    return GammaGamma(p=p, q=q, gamma=gamma, log_likelihood=ll, customers=int(x.size))


def expected_average_value(model: GammaGamma, frequency: ArrayLike, monetary: ArrayLike) -> Array:
    """E[mean spend | history]: shrinks each customer's mean toward the population's."""
    x, m = _columns(frequency, monetary)
    population = model.p * model.gamma / (model.q - 1)
    weight = model.p * x / (model.p * x + model.q - 1)
    return np.asarray(
        (1 - weight) * population + weight * np.where(x > 0, m, 0.0), dtype=np.float64
    )


def lifetime_value(
    bg: BgNbd,
    gg: GammaGamma,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
    monetary: ArrayLike,
    *,
    periods: int,
    period_length: float,
    discount_rate: float,
) -> Array:
    """Discounted expected value over `periods` periods of `period_length` time units each."""
    spend = expected_average_value(gg, frequency, monetary)
    total = np.zeros_like(spend)
    previous = np.zeros_like(spend)
    for period in range(1, periods + 1):
        cumulative = expected_purchases(bg, period * period_length, frequency, recency, age)
        total += (cumulative - previous) * spend / (1 + discount_rate) ** period
        previous = cumulative
    return total
