"""Recording an order: exact Decimal totals in base currency, audited once, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from clientbase.access.models import AuditEvent, User
from clientbase.access.tests.fixtures import FAILURES, BreakAudit
from clientbase.accounts.models import Account
from clientbase.catalog.models import Product
from clientbase.sales.models import Order, OrderLine
from clientbase.sales.services import LineInput, record_order

DAY = dt.date(2026, 3, 2)


def line(product: Product, revenue: str, cost: str = "0", quantity: str = "1") -> LineInput:
    return LineInput(
        product=product,
        quantity=Decimal(quantity),
        net_revenue=Decimal(revenue),
        cost=Decimal(cost),
    )


def test_it_converts_the_totals_to_base_currency_exactly(
    account: Account, owner: User, product: Product
) -> None:
    # 3 × 33.33 = 99.99 USD at 92.5 is 9249.075 RUB: 9249.08, where float arithmetic gives 9249.07.
    assert round((33.33 + 33.33 + 33.33) * 92.5, 2) == 9249.07

    order = record_order(
        actor=owner,
        account=account,
        date=DAY,
        currency="USD",
        rate_to_base=Decimal("92.5"),
        lines=[line(product, "33.33", "11.10") for _ in range(3)],
    )

    order.refresh_from_db()
    assert order.net_revenue_base == Decimal("9249.08")
    assert order.cost_base == Decimal("3080.25")  # 33.30 × 92.5
    assert order.margin_base == Decimal("6168.83")
    assert order.rate_to_base == Decimal("92.5")


def test_it_rounds_half_a_kopeck_up_as_invoices_do(
    account: Account, owner: User, product: Product
) -> None:
    # 33.33 × 92.5 = 3083.025: banker's rounding would give 3083.02.
    order = record_order(
        actor=owner,
        account=account,
        date=DAY,
        currency="USD",
        rate_to_base=Decimal("92.5"),
        lines=[line(product, "33.33")],
    )

    order.refresh_from_db()
    assert order.net_revenue_base == Decimal("3083.03")


def test_money_comes_back_as_decimal_never_float(
    account: Account, owner: User, product: Product
) -> None:
    record_order(
        actor=owner,
        account=account,
        date=DAY,
        lines=[line(product, "0.10", "0.05", quantity="2.5"), line(product, "0.20", "0.05")],
    )

    order = Order.objects.get()
    order_line = OrderLine.objects.order_by("pk").first()
    assert order_line is not None
    values = [
        order.net_revenue_base,
        order.cost_base,
        order.margin_base,
        order.rate_to_base,
        order_line.quantity,
        order_line.net_revenue,
        order_line.cost,
        *Order.objects.values_list("net_revenue_base", "cost_base").get(),
        Order.objects.aggregate(total=Sum("net_revenue_base"))["total"],
        OrderLine.objects.aggregate(total=Sum("net_revenue"))["total"],
    ]
    assert all(type(value) is Decimal for value in values), [type(v) for v in values]
    assert order.net_revenue_base == Decimal("0.30")  # 0.1 + 0.2, exactly
    assert order_line.quantity == Decimal("2.5")


def test_it_writes_exactly_one_audit_event(account: Account, owner: User, product: Product) -> None:
    before = AuditEvent.objects.count()

    order = record_order(
        actor=owner, account=account, date=DAY, lines=[line(product, "10.50"), line(product, "1")]
    )

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == owner
    assert event.action == "order.create"
    assert event.object_type == "sales.order"
    assert event.object_id == str(order.pk)
    assert event.changes["account"] == [None, account.pk]
    assert event.changes["lines"] == [None, 2]
    assert event.changes["net_revenue"] == [None, "11.50"]
    assert event.changes["cost"][0] is None
    assert event.changes["cost"][1] is not None


def test_the_order_belongs_to_the_account_manager_when_there_is_one(
    make_account: Callable[..., Account], owner: User, teammate: User, product: Product
) -> None:
    managed = make_account(owner=owner, account_manager=teammate)

    order = record_order(actor=owner, account=managed, date=DAY, lines=[line(product, "1")])

    assert order.owner == teammate


@pytest.mark.parametrize("quantity", ["0", "-1", "-0.001"])
def test_it_refuses_a_non_positive_quantity_and_records_nothing(
    account: Account, owner: User, product: Product, quantity: str
) -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        record_order(
            actor=owner,
            account=account,
            date=DAY,
            lines=[line(product, "10"), line(product, "10", quantity=quantity)],
        )

    assert refused.value.message_dict == {"lines[2].quantity": ["must be greater than zero"]}
    assert not Order.objects.exists()
    assert AuditEvent.objects.count() == before


def test_it_refuses_an_order_without_lines(account: Account, owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        record_order(actor=owner, account=account, date=DAY, lines=[])

    assert "lines" in refused.value.message_dict
    assert not Order.objects.exists()


@pytest.mark.parametrize("rate", ["0", "-92.5"])
def test_it_refuses_a_non_positive_exchange_rate(
    account: Account, owner: User, product: Product, rate: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        record_order(
            actor=owner,
            account=account,
            date=DAY,
            currency="USD",
            rate_to_base=Decimal(rate),
            lines=[line(product, "1")],
        )

    assert "rate_to_base" in refused.value.message_dict
    assert not Order.objects.exists()


def test_a_rep_may_not_record_an_order_for_an_outsiders_account(
    make_account: Callable[..., Account], owner: User, outsider: User, product: Product
) -> None:
    theirs = make_account(owner=outsider)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        record_order(actor=owner, account=theirs, date=DAY, lines=[line(product, "1")])

    assert not Order.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_a_line_failing_after_the_order_was_saved_leaves_nothing(
    account: Account, owner: User, product: Product
) -> None:
    unsaved = Product(sku="P-404", name="Never saved", category=product.category)
    before = AuditEvent.objects.count()

    with pytest.raises(ValueError, match="unsaved related object"):
        record_order(
            actor=owner,
            account=account,
            date=DAY,
            lines=[line(product, "1"), line(unsaved, "1")],
        )

    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert AuditEvent.objects.count() == before


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_leaves_nothing_when_the_audit_fails_after_the_save(
    account: Account, owner: User, product: Product, break_audit: BreakAudit, failure: Exception
) -> None:
    before = AuditEvent.objects.count()
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        record_order(actor=owner, account=account, date=DAY, lines=[line(product, "10")] * 3)

    assert saved, "the order row was saved before the audit failed"
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert AuditEvent.objects.count() == before
