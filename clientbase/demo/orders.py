"""Orders and order lines, drawn month by month from each account's hidden rhythm.

Money is integer kopecks (cents of the order currency) from the first moment to the last.
The hogs' price level is solved for exactly, so that their margin share hits its target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clientbase.demo.calendar import (
    AS_OF_DAY,
    MONTH_DAYS,
    MONTH_START,
    MONTHS,
    SEASON,
    START_DAY,
    to_workday,
)
from clientbase.demo.columns import F64, I64, B
from clientbase.demo.segments import HOG, MEAN_ORDER_RUB, Segments

Rng = np.random.Generator

HOG_MARGIN_SHARE = 0.02
CURRENCIES = ("RUB", "EUR", "USD")


@dataclass
class Catalogue:
    price: I64  # list price, kopecks
    cost: I64  # unit cost, kopecks
    strategic: B


@dataclass
class Orders:
    account: I64
    day: I64
    currency: I64
    rate4: I64  # units of RUB per unit, × 10^4
    docs: I64
    rev_base: I64  # kopecks
    cost_base: I64
    line_order: I64  # order index of each line
    line_product: I64
    line_qty: I64
    line_rev: I64  # in order currency, cents
    line_cost: I64
    hog_discount: float

    @property
    def n(self) -> int:
        return len(self.account)


def _counts(s: Segments, rng: Rng, scale: float) -> tuple[I64, I64]:
    """(account, month) of every order."""
    accs: list[I64] = []
    months: list[I64] = []
    block = 50_000
    for lo in range(0, s.n, block):
        hi = min(s.n, lo + block)
        lam = s.f[lo:hi, None] * scale * SEASON[None, :] * s.life_block(lo, hi)
        cnt = rng.poisson(lam)
        # Every customer has bought at least once: in its first active month.
        empty = (cnt.sum(axis=1) == 0) & (s.f[lo:hi] > 0)
        if empty.any():
            first = np.argmax(lam[empty] > 0, axis=1)
            cnt[np.flatnonzero(empty), first] = 1
        a, m = np.nonzero(cnt)
        reps = cnt[a, m]
        accs.append(np.repeat(a + lo, reps).astype(np.int64))
        months.append(np.repeat(m, reps).astype(np.int64))
    return np.concatenate(accs), np.concatenate(months)


def _round_div(num: I64, den: int | I64) -> I64:
    """Half-up integer division for non-negative numerators."""
    return np.asarray((2 * num + den) // (2 * den), dtype=np.int64)


def plan_orders(
    s: Segments,
    rng: Rng,
    target_lines: int,
    cat: Catalogue,
    account_currency: I64,
    rates4: I64,  # (3, days since START_DAY) rate × 10^4, RUB row all 10^4
) -> Orders:
    act = s.activity_months()
    target_orders = target_lines / 5.0
    scale = target_orders / max(float((s.f * act).sum()), 1e-9)
    acc, month = _counts(s, rng, scale)
    n = len(acc)
    day = MONTH_START[month] + (rng.random(n) * MONTH_DAYS[month]).astype(np.int64)
    day = np.clip(to_workday(day), START_DAY, AS_OF_DAY)
    # Ids by account, latest first: the (account, -date) and account indexes are then
    # appended to during the load rather than rebuilt after it.
    order = np.lexsort((-day, acc))
    acc, day = acc[order], day[order]

    # Average ticket per account: its revenue rate over its order rate.
    v_scale = MEAN_ORDER_RUB * float((scale * s.f * act).sum()) / max(float((s.v * act).sum()), 1)
    avg = np.where(s.f > 0, s.v * v_scale / np.maximum(s.f * scale, 1e-12), 0.0)
    value = avg[acc] * rng.lognormal(-0.18, 0.6, n)  # RUB

    mu_scale = (target_lines - n) / max(float(s.mu_lines[acc].sum()), 1e-9)
    k = 1 + np.minimum(rng.poisson(np.clip(s.mu_lines[acc] * mu_scale, 0, None)), 60)
    starts = np.concatenate([[0], np.cumsum(k)[:-1]]).astype(np.int64)
    total = int(k.sum())
    line_order = np.repeat(np.arange(n, dtype=np.int64), k)
    g = rng.exponential(1.0, total)
    share = g / np.add.reduceat(g, starts)[line_order]
    del g  # at scale L each per-line array is 400 MB: drop each as soon as it is used up
    target = value[line_order] * share * 100.0  # kopecks
    del share
    la = acc[line_order]

    product, qty, list_cents = _pick_products(rng, cat, target, s.strategic[la], s.discount[la])
    del target
    d_line = np.clip(s.discount[la] + rng.normal(0.0, 0.015, total), 0.0, 0.45)
    hog_line = s.seg[la] == HOG
    cost_rub = qty * cat.cost[product]
    gross = qty * list_cents
    del list_cents
    # Solve the hogs' common price level so that their margin is HOG_MARGIN_SHARE of all.
    rev_other = _net(gross, d_line)
    m_other = float((rev_other - cost_rub)[~hog_line].sum())
    del rev_other
    m_hog = HOG_MARGIN_SHARE / (1 - HOG_MARGIN_SHARE) * m_other
    eps = d_line - s.discount[la]
    g_h = float(gross[hog_line].sum())
    hog_disc = 0.0
    if g_h > 0:
        hog_disc = (
            1
            - (m_hog + float(cost_rub[hog_line].sum()) + float((gross * eps)[hog_line].sum())) / g_h
        )
        d_line = np.where(hog_line, np.clip(hog_disc + eps, -0.5, 0.9), d_line)
    del eps, hog_line, la
    rev_rub = _net(gross, d_line)
    del gross, d_line

    # Foreign-currency orders: lines in the order currency, base = Σ lines × rate, rounded once.
    cur = account_currency[acc] * (rng.random(n) < 0.75)
    rate4 = rates4[cur, day - START_DAY]
    lr = rate4[line_order]
    line_rev = np.where(lr == 10_000, rev_rub, _round_div(rev_rub * 10_000, lr))
    line_cost = np.where(lr == 10_000, cost_rub, _round_div(cost_rub * 10_000, lr))
    del lr, rev_rub, cost_rub
    rev_cur = np.add.reduceat(line_rev, starts)
    cost_cur = np.add.reduceat(line_cost, starts)
    rev_base = _round_div(rev_cur * rate4, 10_000)
    cost_base = _round_div(cost_cur * rate4, 10_000)
    docs = 1 + rng.poisson(s.docs_mean[acc])
    return Orders(
        account=acc,
        day=day,
        currency=cur.astype(np.int64),
        rate4=rate4,
        docs=docs,
        rev_base=rev_base,
        cost_base=cost_base,
        line_order=line_order,
        line_product=product,
        line_qty=qty,
        line_rev=line_rev,
        line_cost=line_cost,
        hog_discount=hog_disc,
    )


def _net(gross: I64, disc: F64) -> I64:
    return np.asarray(np.rint(gross * (1.0 - disc)), dtype=np.int64)


def _pick_products(
    rng: Rng, cat: Catalogue, target: F64, strategic: F64, discount: F64
) -> tuple[I64, I64, I64]:
    """A product the line's value can buy at least one of, and how many of it."""
    total = len(target)
    is_strat = rng.random(total) < strategic
    product = np.zeros(total, dtype=np.int64)
    for flag in (False, True):
        pool = np.flatnonzero(cat.strategic == flag)
        if len(pool) == 0:
            pool = np.arange(len(cat.price))
        pool = pool[np.argsort(cat.price[pool], kind="stable")]
        sel = np.flatnonzero(is_strat == flag)
        prices = cat.price[pool]
        # How many items cost at most the line's value: a log-spaced lookup table instead of
        # a binary search per line (10M unsorted searchsorted calls are the slow part).
        lo, hi = np.log(max(float(prices[0]), 1.0)), np.log(float(prices[-1])) + 1e-9
        bins = 4096
        step = (hi - lo) / bins
        edges = np.exp(lo + step * np.arange(bins + 1))
        table = np.searchsorted(prices, edges, side="right")
        b = np.clip(
            ((np.log(np.maximum(target[sel] * 1.1, 1.0)) - lo) / step).astype(np.int64), 0, bins
        )
        afford = np.clip(table[b], min(3, len(pool)), len(pool))
        # Prefer the dearer affordable items: fewer lines of 1 000 gloves, more real baskets.
        pick = (afford * (1.0 - rng.random(len(sel)) ** 1.6)).astype(np.int64)
        product[sel] = pool[np.minimum(pick, len(pool) - 1)]
    list_cents = cat.price[product]
    unit_net = np.maximum(list_cents * (1.0 - discount), 1.0)
    qty = np.maximum(1, np.rint(target / unit_net)).astype(np.int64)
    return product, qty, list_cents


def last_order_day(o: Orders, n_accounts: int) -> I64:
    out = np.full(n_accounts, -1, dtype=np.int64)
    np.maximum.at(out, o.account, o.day)
    return out


def first_order_day(o: Orders, n_accounts: int) -> I64:
    big = np.iinfo(np.int64).max
    out = np.full(n_accounts, big, dtype=np.int64)
    np.minimum.at(out, o.account, o.day)
    return np.where(out == big, -1, out)


def months_with_orders(o: Orders, n_accounts: int) -> I64:
    seen = np.zeros((n_accounts, MONTHS), dtype=bool)
    seen[o.account, np.searchsorted(MONTH_START, o.day, side="right") - 1] = True
    return np.asarray(seen.sum(axis=1), dtype=np.int64)
