"""Writes for orders and deals. Stage history is appended here and nowhere else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clientbase.access.models import User
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account, Contact
from clientbase.accounts.selectors import require_workable_account
from clientbase.catalog.models import Product
from clientbase.privacy.sealing import seal_personal
from clientbase.sales.models import (
    Deal,
    DealStageChange,
    DealStatus,
    Order,
    OrderLine,
    Pipeline,
    Stage,
)

CENT = Decimal("0.01")


def _ensure_sees_account(actor: User | None, account: Account) -> None:
    require_workable_account(actor=actor, account=account, action="work with")


@dataclass(frozen=True)
class LineInput:
    product: Product
    quantity: Decimal
    net_revenue: Decimal
    cost: Decimal


def record_order(
    *,
    actor: User | None,
    account: Account,
    date: dt.date,
    lines: list[LineInput],
    currency: str = "RUB",
    rate_to_base: Decimal = Decimal("1"),
    number: str = "",
    documents: int = 1,
) -> Order:
    _ensure_sees_account(actor, account)
    if not lines:
        raise ValidationError({"lines": "an order needs at least one line"})
    for index, line in enumerate(lines, start=1):
        if line.quantity <= 0:
            raise ValidationError({f"lines[{index}].quantity": "must be greater than zero"})
    if rate_to_base <= 0:
        raise ValidationError({"rate_to_base": "must be greater than zero"})
    revenue = sum((line.net_revenue for line in lines), Decimal("0"))
    cost = sum((line.cost for line in lines), Decimal("0"))
    with transaction.atomic():
        order = Order.objects.create(
            account=account,
            number=number,
            date=date,
            currency=currency,
            rate_to_base=rate_to_base,
            net_revenue_base=(revenue * rate_to_base).quantize(CENT, rounding=ROUND_HALF_UP),
            cost_base=(cost * rate_to_base).quantize(CENT, rounding=ROUND_HALF_UP),
            documents=documents,
            owner=account.account_manager or account.owner,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=line.product,
                quantity=line.quantity,
                net_revenue=line.net_revenue,
                cost=line.cost,
            )
            for line in lines
        )
        record_audit(
            actor=actor,
            action="order.create",
            obj=order,
            changes={"account": account.pk, "lines": len(lines), "net_revenue": str(revenue)},
        )
    return order


def open_deal(
    *,
    actor: User | None,
    account: Account,
    pipeline: Pipeline,
    title: str,
    amount: Decimal = Decimal("0"),
    currency: str = "RUB",
    expected_close: dt.date | None = None,
    contact: Contact | None = None,
    owner: User | None = None,
) -> Deal:
    _ensure_sees_account(actor, account)
    first = pipeline.stages.order_by("position").first()
    if first is None:
        raise ValidationError({"pipeline": "the pipeline has no stages"})
    now = timezone.now()
    with transaction.atomic():
        deal = Deal.objects.create(
            title=title,
            account=account,
            contact=contact,
            pipeline=pipeline,
            stage=first,
            amount=amount,
            currency=currency,
            expected_close=expected_close,
            probability=first.probability,
            owner=owner or actor,
            opened_at=now,
        )
        DealStageChange.objects.create(
            deal=deal, from_stage=None, to_stage=first, at=now, actor=actor
        )
        record_audit(
            actor=actor,
            action="deal.create",
            obj=deal,
            # A deal with a person may be named after them: the title is sealed with their key.
            changes=(
                seal_personal(
                    contact_id=contact.pk,
                    changes={"title": title, "account": account.pk, "amount": str(amount)},
                    fields=("title",),
                )
                if contact is not None
                else {"title": title, "account": account.pk, "amount": str(amount)}
            ),
        )
    return deal


def move_deal(*, actor: User | None, deal: Deal, to_stage: Stage, lost_reason: str = "") -> Deal:
    if to_stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": "the stage belongs to another pipeline"})
    if to_stage.is_lost and not lost_reason.strip():
        raise ValidationError({"lost_reason": "say why the deal was lost"})
    _ensure_sees_account(actor, deal.account)
    with transaction.atomic():
        locked = Deal.objects.select_for_update().get(pk=deal.pk)
        enter_stage(actor=actor, deal=locked, to_stage=to_stage, lost_reason=lost_reason)
    return locked


def enter_stage(*, actor: User | None, deal: Deal, to_stage: Stage, lost_reason: str) -> None:
    """Put a locked deal on `to_stage`: status, probability, closing time, the appended stage
    change and the audit row. The one place a deal moves, by hand (move_deal) or by an import
    or its rollback; the caller checks the move is allowed and owns the transaction."""
    from_stage_id = deal.stage_id
    if from_stage_id == to_stage.pk:
        return
    now = timezone.now()
    deal.stage = to_stage
    deal.probability = to_stage.probability
    if to_stage.is_won:
        deal.status, deal.closed_at = DealStatus.WON, now
    elif to_stage.is_lost:
        deal.status, deal.closed_at = DealStatus.LOST, now
        deal.lost_reason = lost_reason.strip()
    else:
        deal.status, deal.closed_at = DealStatus.OPEN, None
        deal.lost_reason = ""  # reopened: the old reason no longer holds
    deal.save()
    DealStageChange.objects.create(
        deal=deal, from_stage_id=from_stage_id, to_stage=to_stage, at=now, actor=actor
    )
    record_audit(
        actor=actor,
        action="deal.move",
        obj=deal,
        changes={"stage": [from_stage_id, to_stage.pk], "status": deal.status},
    )


# --- bulk import -------------------------------------------------------------------------------


@dataclass
class ImportedOrder:
    """A validated order from an import, its account and products already resolved to ids."""

    external_id: str
    account_id: int
    date: dt.date
    currency: str
    rate_to_base: Decimal
    number: str
    documents: int
    lines: list[tuple[int, Decimal, Decimal, Decimal]]  # product id, quantity, revenue, cost


def _line_key(lines: Any) -> list[list[str]]:
    return [[str(p), str(q), str(r), str(c)] for p, q, r, c in lines]


_ORDER_HEADER = ("account_id", "date", "currency", "number", "documents", "rate_to_base")


def import_orders(
    *, actor: User | None, source_system: str, batch_id: int, orders: list[ImportedOrder]
) -> Any:
    """Upsert orders with their lines by (source_system, external_id), in bulk: COPY on
    PostgreSQL, executemany on SQLite, ids allocated up front so lines need no read-back.
    The caller owns the transaction and writes history from the outcome's changes."""
    from django.db import connection

    from clientbase.access.services import jsonable
    from clientbase.core.bulk import BulkOutcome

    outcome = BulkOutcome()
    existing = {
        row[1]: row
        for row in Order.objects.filter(
            source_system=source_system, external_id__in=[o.external_id for o in orders]
        )
        .exclude(external_id="")  # the unique index's own condition, so that it may be used
        .values_list("id", "external_id", *_ORDER_HEADER)
    }
    old_lines: dict[int, list[tuple[Any, ...]]] = {}
    if existing:
        for line in (
            OrderLine.objects.filter(order_id__in=[r[0] for r in existing.values()])
            .order_by("id")
            .values_list("order_id", "product_id", "quantity", "net_revenue", "cost")
        ):
            old_lines.setdefault(line[0], []).append(line[1:])
    fresh: list[ImportedOrder] = []
    for order in orders:
        row = existing.get(order.external_id)
        if row is None:
            fresh.append(order)
            continue
        order_id = row[0]
        new_header = [getattr(order, name) for name in _ORDER_HEADER]
        changed = {
            name: (old, new)
            for name, old, new in zip(_ORDER_HEADER, row[2:], new_header, strict=True)
            if old != new
        }
        same_lines = [tuple(line) for line in old_lines.get(order_id, [])] == [
            tuple(line) for line in order.lines
        ]
        before_lines = _line_key(old_lines.get(order_id, []))
        after_lines = _line_key(order.lines)
        if not changed and same_lines:
            outcome.unchanged += 1
            continue
        outcome.updated += 1
        for name, (old, new) in changed.items():
            outcome.changes.append((order_id, name, jsonable(old), jsonable(new)))
        if not same_lines:
            outcome.changes.append((order_id, "lines", before_lines, after_lines))
            OrderLine.objects.filter(order_id=order_id).delete()
            _insert_lines(connection, [(order_id, *line) for line in order.lines])
        previous_batch = Order.objects.filter(pk=order_id).values_list("import_batch_id")[0][0]
        outcome.changes.append((order_id, "import_batch_id", previous_batch, batch_id))
        revenue, cost = _totals(order.lines, order.rate_to_base)
        Order.objects.filter(pk=order_id).update(
            **{name: new for name, (_old, new) in changed.items()},
            net_revenue_base=revenue,
            cost_base=cost,
            import_batch_id=batch_id,
        )
    if fresh:
        _insert_fresh(connection, source_system, batch_id, fresh)
        outcome.created = len(fresh)
    return outcome


def _totals(lines: list[tuple[int, Decimal, Decimal, Decimal]], rate: Decimal) -> tuple[Any, Any]:
    revenue = sum((line[2] for line in lines), Decimal("0"))
    cost = sum((line[3] for line in lines), Decimal("0"))
    return (
        (revenue * rate).quantize(CENT, rounding=ROUND_HALF_UP),
        (cost * rate).quantize(CENT, rounding=ROUND_HALF_UP),
    )


_ORDER_COLUMNS = (
    "id, source_system, external_id, import_batch_id, account_id, number, date, currency, "
    "rate_to_base, net_revenue_base, cost_base, documents, owner_id"
)
_LINE_COLUMNS = "order_id, product_id, quantity, net_revenue, cost"


def _allocate_ids(connection: Any, count: int) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence looked up once: pg_get_serial_sequence per row costs 5x the nextval.
            cursor.execute("SELECT pg_get_serial_sequence('sales_order', 'id')::regclass::oid")
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::oid::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import's transaction holds the write lock (IMMEDIATE), so max is ours.
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM sales_order")
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def _insert_fresh(
    connection: Any, source_system: str, batch_id: int, orders: list[ImportedOrder]
) -> None:
    owners = dict(
        (pk, manager or owner)
        for pk, manager, owner in Account.objects.filter(
            pk__in={o.account_id for o in orders}
        ).values_list("id", "account_manager_id", "owner_id")
    )
    ids = _allocate_ids(connection, len(orders))
    order_rows = []
    line_rows: list[tuple[Any, ...]] = []
    for order_id, order in zip(ids, orders, strict=True):
        revenue, cost = _totals(order.lines, order.rate_to_base)
        order_rows.append(
            (
                order_id,
                source_system,
                order.external_id,
                batch_id,
                order.account_id,
                order.number,
                order.date,
                order.currency,
                order.rate_to_base,
                revenue,
                cost,
                order.documents,
                owners.get(order.account_id),
            )
        )
        line_rows.extend((order_id, *line) for line in order.lines)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY sales_order ({_ORDER_COLUMNS}) FROM STDIN") as copy:
                for row in order_rows:
                    copy.write_row(row)
        _insert_lines(connection, line_rows)
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO sales_order ({_ORDER_COLUMNS}) VALUES ({', '.join(['%s'] * 13)})",  # noqa: S608
            [
                (a, b, c, d, e, f, g.isoformat(), h, str(i), str(j), str(k), m, n)
                for a, b, c, d, e, f, g, h, i, j, k, m, n in order_rows
            ],
        )
    _insert_lines(connection, line_rows)


def _insert_lines(connection: Any, rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY sales_orderline ({_LINE_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(
            f"INSERT INTO sales_orderline ({_LINE_COLUMNS}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            # Explicit tuples: SQLite binds no Decimal, and a generic converter costs more here.
            [(o, p, str(q), str(r), str(c)) for o, p, q, r, c in rows],
        )


def restore_imported_order(*, order_id: int, values: dict[str, Any]) -> None:
    """Put back an order's header values and lines as they were before an import (rollback)."""
    from django.db import connection

    from clientbase.core.bulk import restore_fields

    lines = values.pop("lines", None)
    if values:
        restore_fields(Order, order_id, values)
    if lines is not None:
        OrderLine.objects.filter(order_id=order_id).delete()
        _insert_lines(
            connection,
            [(order_id, int(p), Decimal(q), Decimal(r), Decimal(c)) for p, q, r, c in lines],
        )
    order = Order.objects.get(pk=order_id)
    revenue, cost = _totals(
        [(0, Decimal(0), line.net_revenue, line.cost) for line in order.lines.all()],
        order.rate_to_base,
    )
    Order.objects.filter(pk=order_id).update(net_revenue_base=revenue, cost_base=cost)


def delete_imported_orders(*, batch_id: int, keep: set[int]) -> int:
    """Delete the orders a batch created (not those it only updated), lines first."""
    created = Order.objects.filter(import_batch_id=batch_id).exclude(pk__in=keep)
    OrderLine.objects.filter(order__in=created).delete()
    deleted, _rows = created.delete()
    return deleted


def import_order_table(
    *, actor: User | None, source_system: str, batch_id: int, orders: Any, lines: Any
) -> Any:
    """import_orders for a chunk checked column-wise (pyarrow tables: one row per order, and
    lines pointing at it by "order_index"), written in bulk by bulk_orders. The caller owns
    the transaction."""
    from clientbase.sales.bulk_orders import write_order_table

    return write_order_table(
        actor=actor, source_system=source_system, batch_id=batch_id, orders=orders, lines=lines
    )
