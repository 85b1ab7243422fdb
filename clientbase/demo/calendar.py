"""The demo's fixed clock: five years of months ending on AS_OF, with seasonality."""

from __future__ import annotations

import datetime as dt

import numpy as np

from clientbase.demo.columns import F64, I64

# A fixed "today", independent of the wall clock, so every run produces the same company.
AS_OF = dt.date(2026, 10, 31)
START = dt.date(2021, 11, 1)
MONTHS = 60
EPOCH = dt.date(1970, 1, 1)
DAY = 86_400


def epoch_day(d: dt.date) -> int:
    return (d - EPOCH).days


AS_OF_DAY = epoch_day(AS_OF)
START_DAY = epoch_day(START)
# End of AS_OF (exclusive) in epoch seconds: "now" for planned vs done activities.
NOW_S = (AS_OF_DAY + 1) * DAY - 6 * 3600  # 18:00 UTC on AS_OF


def _month_starts() -> I64:
    out = []
    y, m = START.year, START.month
    for _ in range(MONTHS + 1):
        out.append(epoch_day(dt.date(y, m, 1)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return np.asarray(out, dtype=np.int64)


MONTH_START: I64 = _month_starts()  # MONTHS + 1 entries; the last is the month after AS_OF
MONTH_DAYS: I64 = np.diff(MONTH_START)
MONTH_OF_YEAR: I64 = np.asarray(
    [(START.month - 1 + i) % 12 + 1 for i in range(MONTHS)], dtype=np.int64
)

# B2B distributor: dip after New Year and in summer holidays, peak in autumn and December.
SEASON_BY_MONTH = np.asarray(
    [0.62, 0.88, 1.05, 1.02, 0.90, 0.86, 0.76, 0.80, 1.10, 1.20, 1.24, 1.37], dtype=np.float64
)
# The business grows ~6% a year on top of the season.
SEASON: F64 = SEASON_BY_MONTH[MONTH_OF_YEAR - 1] * (1.0 + 0.06 * np.arange(MONTHS) / 12.0)


def day_to_month(days: I64) -> I64:
    return np.asarray(np.searchsorted(MONTH_START, days, side="right") - 1, dtype=np.int64)


def weekday(days: I64) -> I64:
    """0 = Monday (1970-01-01 was a Thursday)."""
    return np.asarray((days + 3) % 7, dtype=np.int64)


def to_workday(days: I64) -> I64:
    """Move Saturday to Friday and Sunday to Monday (B2B paperwork happens on workdays)."""
    wd = weekday(days)
    return np.asarray(days - (wd == 5) + (wd == 6), dtype=np.int64)


def iso(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).isoformat()
