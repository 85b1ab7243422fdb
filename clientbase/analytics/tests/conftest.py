"""A tiny company whose metrics are easy to compute by hand, through the real write paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.activities.services import plan_activity
from clientbase.catalog.models import Product, ProductCategory
from clientbase.sales.services import LineInput, record_order

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture
def analyst(db: None) -> User:
    return create_user(actor=None, username="analyst", password="x" * 12, role=Role.ANALYST)


@pytest.fixture
def small_company(make_account: Callable[..., Account]) -> dict[str, Account]:
    """Two buyers and a prospect. `steady` buys a strategic pump twice this year; `lapsed`
    bought an ordinary valve once, two years ago; `prospect` only took a call."""
    strategic = ProductCategory.objects.create(name="Pumps", is_strategic=True)
    ordinary = ProductCategory.objects.create(name="Valves")
    pump = Product.objects.create(sku="P-1", name="Pump", category=strategic)
    valve = Product.objects.create(sku="V-1", name="Valve", category=ordinary)
    steady, lapsed, prospect = make_account(), make_account(), make_account()

    def order(
        account: Account, day: dt.date, lines: list[tuple[Product, int, int]], documents: int = 1
    ) -> None:
        record_order(
            actor=None,
            account=account,
            date=day,
            documents=documents,
            lines=[LineInput(p, Decimal(1), Decimal(rev), Decimal(cost)) for p, rev, cost in lines],
        )

    order(steady, dt.date(2026, 1, 10), [(pump, 100, 60)])
    order(steady, dt.date(2026, 6, 1), [(pump, 200, 100), (valve, 100, 90)], documents=2)
    order(steady, dt.date(2025, 6, 1), [(valve, 150, 100)])
    order(lapsed, dt.date(2024, 11, 1), [(valve, 50, 10)])
    plan_activity(actor=None, kind="call", subject="Intro", account=prospect, duration_minutes=30)
    plan_activity(actor=None, kind="ticket", subject="Leak", account=steady, duration_minutes=90)
    return {"steady": steady, "lapsed": lapsed, "prospect": prospect}
