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


Levels = tuple[Array, npt.NDArray[np.intp]]


def _levels(x: Array) -> Levels:
    """The distinct purchase counts and, per row, which one it has: the gamma and beta terms
    depend on x alone, and a base has a few hundred counts against thousands of customers."""
    values, index = np.unique(x, return_inverse=True)
    return values, index.reshape(-1)


def _bg_nbd_terms(
    params: Array,
    x: Array,
    t_x: Array,
    age: Array,
    *,
    gradient: bool,
    levels: Levels | None = None,
) -> tuple[Array, Array | None]:
    """Each customer's log-likelihood and, if asked, its gradient in log-parameter space."""
    r, alpha, a, b = params
    xl, at = levels or _levels(x)
    repeat = x > 0
    a1 = (special.gammaln(r + xl) - special.gammaln(r) + r * np.log(alpha))[at]
    a2 = (special.betaln(a, b + xl) - special.betaln(a, b))[at]
    log_age = np.log(alpha + age)
    a3 = -(r + x) * log_age
    # Only defined for repeat buyers: b + x - 1 > 0 whenever x >= 1.
    x_safe = np.where(repeat, x, 1.0)
    log_recency = np.log(alpha + t_x)
    a4 = np.where(
        repeat,
        np.log(a) - np.log(b + x_safe - 1) - (r + x_safe) * log_recency,
        -np.inf,
    )
    mixed = np.logaddexp(a3, a4)
    ll = np.asarray(a1 + a2 + mixed, dtype=np.float64)
    if not gradient:
        return ll, None
    # Analytic derivatives (digamma for the gamma and beta functions); each term of the mixture
    # weighs by its share of exp(mixed). Multiplying by the parameter turns d/dθ into d/dlog θ.
    w3 = np.exp(a3 - mixed)
    w4 = np.where(repeat, np.exp(a4 - mixed), 0.0)
    psi_abx = special.digamma(a + b + xl)
    psi_ab = special.digamma(a + b)
    d_r = (
        (special.digamma(r + xl) - special.digamma(r) + np.log(alpha))[at]
        - w3 * log_age
        - w4 * log_recency
    )
    d_alpha = r / alpha - w3 * (r + x) / (alpha + age) - w4 * (r + x) / (alpha + t_x)
    d_a = (psi_ab - psi_abx)[at] + w4 / a
    d_b = (special.digamma(b + xl) - psi_abx - special.digamma(b) + psi_ab)[at] - w4 / (
        b + x_safe - 1
    )
    grad = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, np.asarray(grad, dtype=np.float64)


def _gamma_gamma_terms(
    params: Array,
    x: Array,
    m: Array,
    *,
    gradient: bool,
    levels: Levels | None = None,
) -> tuple[Array, Array | None]:
    p, q, gamma = params
    xl, at = levels or _levels(x)
    px = p * x
    log_total = np.log(gamma + x * m)
    log_m = np.log(m)
    ll = np.asarray(
        (
            special.gammaln(p * xl + q)
            - special.gammaln(p * xl)
            - special.gammaln(q)
            + q * np.log(gamma)
            + p * xl * np.log(xl)
        )[at]
        + (px - 1) * log_m
        - (px + q) * log_total,
        dtype=np.float64,
    )
    if not gradient:
        return ll, None
    psi_pxq = special.digamma(p * xl + q)
    d_p = x * ((psi_pxq - special.digamma(p * xl) + np.log(xl))[at] + log_m - log_total)
    d_q = (psi_pxq - special.digamma(q) + np.log(gamma))[at] - log_total
    d_gamma = q / gamma - (px + q) / (gamma + x * m)
    grad = np.stack([d_p * p, d_q * q, d_gamma * gamma])
    return ll, np.asarray(grad, dtype=np.float64)


Terms = Callable[..., tuple[Array, Array | None]]


def _compress(*columns: Array) -> tuple[list[Array], Array]:
    """Distinct rows and how often each occurs: the likelihood only depends on the row."""
    # One lexsort and a diff: np.unique(axis=0) sorts the rows as opaque records, ~10x slower.
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    change = np.zeros(order.size, dtype=bool)
    change[0] = order.size > 0
    for column in ordered:
        change[1:] |= column[1:] != column[:-1]
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, order.size)).astype(np.float64)
    return [np.ascontiguousarray(c[starts]) for c in ordered], counts


def _fit(terms: Terms, start: Array, columns: tuple[Array, ...], what: str) -> tuple[Array, float]:
    args, weights = _compress(*columns)
    levels = _levels(args[0])

    def negative(log_params: Array) -> tuple[float, Array]:
        ll, grad = terms(np.exp(log_params), *args, gradient=True, levels=levels)
        # Elementwise sums, not `@`: a BLAS product this small pays more in thread start-up
        # (several ms on a busy machine) than it computes.
        value = -float(np.sum(weights * ll))
        if not np.isfinite(value) or grad is None:
            return 1e300, np.zeros_like(log_params)
        slope = -np.sum(grad * weights, axis=1)
        if not np.all(np.isfinite(slope)):
            return 1e300, np.zeros_like(log_params)
        return value, np.asarray(slope, dtype=np.float64)

    # Bounded L-BFGS-B in log space with the analytic gradient, over distinct (x, t_x, T) rows
    # weighted by their counts: the same maximum, a fraction of the evaluations. The bounds stop
    # a flat direction (no visible dropout: a, b -> infinity) from running away.
    result = optimize.minimize(
        negative,
        np.log(start),
        jac=True,
        method="L-BFGS-B",
        bounds=[_LOG_BOUNDS] * len(start),
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
    params, ll = _fit(_bg_nbd_terms, np.array([1.0, 1.0, 1.0, 1.0]), (x, t_x, age), "BG/NBD")
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


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGamma:
    """Fit Gamma-Gamma to the mean spend of repeat buyers (customers with x = 0 are skipped)."""
    x, m = _columns(frequency, monetary)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if x.size < 10:
        raise FitError("at least 10 repeat buyers with a positive spend are needed")
    params, ll = _fit(_gamma_gamma_terms, np.array([1.0, 1.0, 1.0]), (x, m), "Gamma-Gamma")
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
