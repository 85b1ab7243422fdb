"""Build engine sources straight from short lists, for model tests that need no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from clientbase.analytics.sources import Sources, conform

Order = tuple[int, dt.date, float, float]  # account, date, revenue, cost


def company(
    accounts: list[int],
    orders: Sequence[Order],
    activities: list[tuple[int, str]] | None = None,
    documents: int = 1,
) -> Sources:
    activities = activities or []
    return Sources(
        {
            "accounts": conform(
                "accounts",
                pa.table(
                    {"account_id": accounts, "created": [dt.date(2020, 1, 1)] * len(accounts)}
                ),
            ),
            "orders": conform(
                "orders",
                pa.table(
                    {
                        "order_id": list(range(1, len(orders) + 1)),
                        "account_id": [o[0] for o in orders],
                        "date": [o[1] for o in orders],
                        "revenue": [o[2] for o in orders],
                        "cost": [o[3] for o in orders],
                        "documents": [documents] * len(orders),
                        "rate": [1.0] * len(orders),
                    }
                ),
            ),
            "lines": conform(
                "lines",
                pa.table(
                    {
                        "order_id": list(range(1, len(orders) + 1)),
                        "product_id": [1] * len(orders),
                        "revenue": [o[2] for o in orders],
                    }
                ),
            ),
            "products": conform("products", pa.table({"product_id": [1], "strategic": [False]})),
            "activities": conform(
                "activities",
                pa.table(
                    {
                        "account_id": [a[0] for a in activities],
                        "kind": [a[1] for a in activities],
                        "minutes": [0] * len(activities),
                    },
                    schema=pa.schema(
                        [("account_id", pa.int64()), ("kind", pa.string()), ("minutes", pa.int64())]
                    ),
                ),
            ),
        }
    )


def monthly(account: int, first: dt.date, months: int, revenue: float, cost: float) -> list[Order]:
    """One order on the first of each month for `months` months from `first`."""
    out = []
    year, month = first.year, first.month
    for _ in range(months):
        out.append((account, dt.date(year, month, 1), revenue, cost))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
