"""Hidden truth of every account: its segment, size, rhythm, lifecycle and need/value/behaviour.

Everything later (orders, deals, activities, names) is drawn from these arrays, and the
Pareto shape is calibrated here on expected revenue before a single order is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from clientbase.demo.calendar import MONTHS, SEASON
from clientbase.demo.columns import F64, I64, B

Rng = np.random.Generator

REGULAR, PROSPECT, DUPLICATE, HOG, HOTSPOT, LOYAL_LOW, PROFIT_DISLOYAL, CHURNER, FORMER = range(9)
SEGMENT_NAMES = (
    "regular",
    "prospect",
    "duplicate",
    "workload_hog",
    "growth_hotspot",
    "loyal_low_profit",
    "profitable_disloyal",
    "churner",
    "former",
)
# Share of all accounts per segment; "regular" takes the rest.
FRACTIONS = {
    PROSPECT: 0.22,
    DUPLICATE: 0.04,
    HOG: 0.15,
    HOTSPOT: 0.10,
    LOYAL_LOW: 0.07,
    PROFIT_DISLOYAL: 0.06,
    CHURNER: 0.08,
    FORMER: 0.04,
}
CUSTOMER_SEGMENTS = (REGULAR, HOG, HOTSPOT, LOYAL_LOW, PROFIT_DISLOYAL, CHURNER, FORMER)
SIZE_BANDS = ("micro", "small", "medium", "large", "enterprise")

PARETO_TARGET = 0.80  # top 20% of accounts by revenue
HOG_REVENUE_SHARE = 0.03  # small clients: ~3% of revenue (their margin is calibrated later)
MEAN_ORDER_RUB = 95_000.0


@dataclass
class Segments:
    n: int
    seg: I64
    script: I64  # 0 ru, 1 fa, 2 en (duplicates get theirs from the variant)
    z: F64
    v: F64 = field(default_factory=lambda: np.zeros(0))  # revenue per active month, RUB
    f: F64 = field(default_factory=lambda: np.zeros(0))  # orders per active month
    mu_lines: F64 = field(default_factory=lambda: np.zeros(0))  # lines per order − 1
    docs_mean: F64 = field(default_factory=lambda: np.zeros(0))  # documents per order − 1
    discount: F64 = field(default_factory=lambda: np.zeros(0))
    strategic: F64 = field(default_factory=lambda: np.zeros(0))  # share of strategic lines
    start: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # first active month
    end: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # exclusive
    decay_start: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    decay_len: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    irregular_rows: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    irregular_mask: B = field(default_factory=lambda: np.zeros((0, MONTHS), bool))
    need: F64 = field(default_factory=lambda: np.zeros(0))
    value: F64 = field(default_factory=lambda: np.zeros(0))
    behaviour: F64 = field(default_factory=lambda: np.zeros(0))
    tier: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # 0, 1 = 1a, 2 = 1b
    size_band: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    expected_revenue: F64 = field(default_factory=lambda: np.zeros(0))
    pre_window: B = field(default_factory=lambda: np.zeros(0, bool))
    dup_of: I64 = field(default_factory=lambda: np.zeros(0, np.int64))

    def is_customer(self) -> B:
        return np.isin(self.seg, CUSTOMER_SEGMENTS)

    def life_block(self, lo: int, hi: int) -> F64:
        """Activity factor (0..1) per account and month for accounts lo..hi-1."""
        m = np.arange(MONTHS)[None, :]
        start = self.start[lo:hi, None]
        end = self.end[lo:hi, None]
        life = ((m >= start) & (m < end)).astype(np.float64)
        life *= np.where((m >= start) & (m < start + 2), 0.6, 1.0)  # ramp-up
        ds = self.decay_start[lo:hi, None]
        dl = np.maximum(self.decay_len[lo:hi, None], 1)
        frac = np.clip((m - ds) / dl, 0.0, 1.0)
        decay = np.where(ds >= 0, (1.0 - frac) ** 1.6, 1.0)
        life *= np.where((ds >= 0) & (m >= ds + dl), 0.0, decay)
        rows = self.irregular_rows
        sel = (rows >= lo) & (rows < hi)
        if sel.any():
            life[rows[sel] - lo] *= self.irregular_mask[sel]
        return life

    def activity_months(self) -> F64:
        out = np.zeros(self.n)
        for lo in range(0, self.n, 100_000):
            hi = min(self.n, lo + 100_000)
            out[lo:hi] = self.life_block(lo, hi) @ SEASON
        return out


def _top_share(values: F64, frac: float = 0.2) -> float:
    k = max(1, round(len(values) * frac))
    total = float(values.sum())
    if total <= 0:
        return 0.0
    return float(np.partition(values, len(values) - k)[-k:].sum()) / total


def assign_segments(n: int, rng: Rng) -> I64:
    seg = np.full(n, REGULAR, dtype=np.int64)
    order = rng.permutation(n)
    pos = 0
    for code, frac in FRACTIONS.items():
        k = max(round(n * frac), 12 if code == DUPLICATE else 2)
        seg[order[pos : pos + k]] = code
        pos += k
    return seg


def plan_segments(n: int, rng: Rng) -> Segments:
    seg = assign_segments(n, rng)
    script = rng.choice(3, size=n, p=[0.6, 0.2, 0.2]).astype(np.int64)
    z = rng.standard_normal(n)
    z[seg == HOG] = rng.normal(-0.2, 0.35, int((seg == HOG).sum()))
    z[seg == LOYAL_LOW] = rng.normal(0.0, 0.5, int((seg == LOYAL_LOW).sum()))
    z[seg == HOTSPOT] = np.abs(z[seg == HOTSPOT]) + 0.6
    s = Segments(n=n, seg=seg, script=script, z=z)
    _lifecycle(s, rng)
    _scores(s, rng)
    _calibrate_value(s, rng)
    _rhythm(s, rng)
    return s


def _lifecycle(s: Segments, rng: Rng) -> None:
    n, seg = s.n, s.seg
    pre_p = np.select(
        [seg == LOYAL_LOW, seg == HOTSPOT, seg == CHURNER, seg == PROFIT_DISLOYAL, seg == FORMER],
        [1.0, 0.6, 0.7, 0.2, 0.6],
        0.45,
    )
    cust = s.is_customer()
    pre = cust & (rng.random(n) < pre_p)
    start = np.where(pre, -1, rng.integers(1, 57, n))
    start = np.where(cust & ~pre & (seg == HOTSPOT), rng.integers(1, 46, n), start)
    start = np.where(cust & ~pre & (seg == CHURNER), rng.integers(1, 18, n), start)
    start = np.where(cust & ~pre & (seg == FORMER), rng.integers(1, 28, n), start)
    start = np.where(cust & ~pre & (seg == PROFIT_DISLOYAL), rng.integers(1, 48, n), start)
    start = np.where(cust, start, MONTHS)
    end = np.where(cust, MONTHS, MONTHS)
    former = seg == FORMER
    end = np.where(former, rng.integers(np.minimum(np.maximum(start + 6, 8), 46), 47), end)
    decay_start = np.full(n, -1, dtype=np.int64)
    decay_len = np.zeros(n, dtype=np.int64)
    ch = seg == CHURNER
    lo = np.maximum(start + 9, 12)
    decay_start[ch] = rng.integers(lo[ch], 41)
    decay_len[ch] = rng.integers(6, 13, int(ch.sum()))
    s.start, s.end = start.astype(np.int64), end.astype(np.int64)
    s.decay_start, s.decay_len, s.pre_window = decay_start, decay_len, pre
    irr = np.flatnonzero(seg == PROFIT_DISLOYAL)
    s.irregular_rows = irr.astype(np.int64)
    s.irregular_mask = rng.random((len(irr), MONTHS)) < 0.3


def _scores(s: Segments, rng: Rng) -> None:
    n, seg = s.n, s.seg
    need = rng.beta(2.0, 3.0, n)
    behaviour = rng.beta(2.5, 2.5, n)
    hot = np.flatnonzero(seg == HOTSPOT)
    need[hot] = rng.uniform(0.72, 1.0, len(hot))
    half = len(hot) // 2
    tier = np.zeros(n, dtype=np.int64)
    tier[hot[:half]] = 1
    tier[hot[half:]] = 2
    behaviour[hot[:half]] = rng.uniform(0.62, 1.0, half)
    behaviour[hot[half:]] = rng.uniform(0.0, 0.38, len(hot) - half)
    s.need, s.behaviour, s.tier = need, behaviour, tier


def _calibrate_value(s: Segments, rng: Rng) -> None:
    """Pick the spread σ of revenue and the hog multiplier so that, on expected revenue,
    the top 20% of accounts bring PARETO_TARGET and hogs HOG_REVENUE_SHARE."""
    seg = s.seg
    mult = np.select(
        [seg == HOTSPOT, seg == LOYAL_LOW, seg == PROFIT_DISLOYAL, seg == CHURNER, seg == FORMER],
        [3.0, 0.8, 2.2, 1.2, 0.8],
        1.0,
    )
    mult = np.where(s.is_customer(), mult, 0.0)
    act = s.activity_months()
    hog = seg == HOG
    hog_mult = 0.2
    sigma = 1.2
    for _ in range(4):
        lo, hi = 0.2, 3.5
        for _ in range(40):
            sigma = (lo + hi) / 2
            m = np.where(hog, hog_mult, mult)
            r = np.exp(sigma * s.z) * m * act
            # Noise of a few orders spreads small accounts a little: aim slightly low.
            if _top_share(r) < PARETO_TARGET - 0.005:
                lo = sigma
            else:
                hi = sigma
        base = np.exp(sigma * s.z) * act
        s_h = float((base * hog).sum())
        s_o = float((base * np.where(hog, 0.0, mult)).sum())
        hog_mult = HOG_REVENUE_SHARE / (1 - HOG_REVENUE_SHARE) * s_o / max(s_h, 1e-9)
    m = np.where(hog, hog_mult, mult)
    v = np.exp(sigma * s.z) * m
    expected = v * act
    # Scale to money later (orders fix the count; MEAN_ORDER_RUB fixes the average ticket).
    s.v, s.expected_revenue = v, expected
    cust = s.is_customer()
    rank = np.zeros(s.n)
    order = np.argsort(expected[cust], kind="stable")
    rank_c = np.empty(len(order))
    rank_c[order] = (np.arange(len(order)) + 0.5) / max(len(order), 1)
    rank[cust] = rank_c
    potential = rng.uniform(0.0, 1.0, s.n)
    value = np.where(cust, 0.8 * rank + 0.2 * potential, 0.45 * potential)
    hot = seg == HOTSPOT
    value[hot] = np.maximum(value[hot], rng.uniform(0.72, 1.0, int(hot.sum())))
    # Only the planted hotspots are high on both need and value.
    both = (~hot) & (s.need > 0.7) & (value > 0.7)
    s.need[both] = rng.uniform(0.1, 0.65, int(both.sum()))
    s.value = value
    band = np.digitize(np.where(cust, rank, potential * 0.6), [0.25, 0.55, 0.85, 0.97])
    band = np.where(hot, np.maximum(band, 3), band)
    band = np.where(seg == HOG, np.minimum(band, 1), band)
    s.size_band = band.astype(np.int64)


def _rhythm(s: Segments, rng: Rng) -> None:
    seg, n = s.seg, s.n
    rel = s.v / max(float(np.median(s.v[s.is_customer()])), 1e-9)
    f = np.clip(rel, 1e-3, None) ** 0.4 * rng.lognormal(0.0, 0.3, n)
    f *= np.select(
        [seg == HOG, seg == LOYAL_LOW, seg == PROFIT_DISLOYAL, seg == CHURNER, seg == HOTSPOT],
        [2.2, 3.0, 0.9, 3.0, 1.3],
        1.0,
    )
    s.f = np.where(s.is_customer(), f, 0.0)
    s.mu_lines = np.where(seg == HOG, 0.5, np.clip(rel, 0.05, 50) ** 0.18 * 3.6)
    s.docs_mean = np.where(seg == HOG, 4.2, np.where(seg == HOTSPOT, 1.4, 1.0))
    size = np.clip(s.size_band / 4.0, 0, 1)
    disc = 0.02 + 0.08 * size + rng.uniform(0, 0.03, n)
    disc = np.where(seg == LOYAL_LOW, rng.uniform(0.17, 0.21, n), disc)
    disc = np.where(seg == PROFIT_DISLOYAL, rng.uniform(0.0, 0.02, n), disc)
    s.discount = disc
    strat = 0.03 + 0.12 * s.need * s.behaviour + 0.05 * s.value
    strat = np.where(seg == PROFIT_DISLOYAL, strat + 0.15, strat)
    strat = np.where(seg == HOG, 0.0, strat)
    strat = np.where(seg == LOYAL_LOW, 0.02, strat)
    s.strategic = np.clip(strat, 0.0, 0.5)
