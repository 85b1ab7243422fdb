"""Pass 1 of an import: read, validate and resolve references, spool the valid records.

Streams the file once. Valid records are pickled per chunk under the batch's directory, so the
writing pass (and a resumed one after a crash) applies exactly the same chunks. Errors go to
errors.csv as they are found, and, in "valid-rows" mode, to ParkedRow.
"""

from __future__ import annotations

import csv
import datetime as dt
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from clientbase.access.selectors import company_settings
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.accounts.services import OWN_SOURCE
from clientbase.catalog.models import Product
from clientbase.imports.crm_refs import CrmResolver, activity_record, deal_record
from clientbase.imports.models import ParkedRow
from clientbase.imports.readers import BadRow, Table
from clientbase.imports.validation import RowError, RowPlan, check_row
from clientbase.sales.models import ExchangeRate

Progress = Callable[[str, int, int], None]
CRM_TARGETS = ("deals", "activities")


@dataclass
class Group:
    """Rows that make one record: one row, or all lines of one order."""

    key: str
    rows: list[tuple[int, dict[str, Any], list[Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class CheckResult:
    rows: int = 0
    valid_rows: int = 0
    rejected_rows: int = 0
    chunks: int = 0
    first_errors: list[RowError] = field(default_factory=list)


class Resolver:
    """Account, product and rate lookups, cached across chunks and asked once per chunk."""

    def __init__(self, source_system: str) -> None:
        self.source_system = source_system
        self.products: dict[str, int | None] = {}
        self.by_external: dict[str, int | None] = {}
        self.by_tax: dict[str, int | None] = {}
        self.rates: dict[tuple[str, dt.date], Decimal | None] = {}
        self.base = company_settings().base_currency

    def load(self, groups: list[Group]) -> None:
        values = [v for g in groups for _r, v, _c in g.rows]
        skus = {v["product_code"] for v in values if "product_code" in v} - set(self.products)
        self.products.update(dict.fromkeys(skus))
        self.products.update(Product.objects.filter(sku__in=skus).values_list("sku", "id"))
        ext = {v["account_external_id"] for v in values if "account_external_id" in v}
        ext -= set(self.by_external)
        self.by_external.update(dict.fromkeys(ext))
        self.by_external.update(
            Account.objects.filter(
                source_system=self.source_system, external_id__in=ext
            ).values_list(
                "external_id",
                Coalesce("merged_into_id", "id"),  # a merged-away account: its survivor
            )
        )
        tax = {v["account_tax_id"] for v in values if "account_tax_id" in v} - set(self.by_tax)
        self.by_tax.update(dict.fromkeys(tax))
        self.by_tax.update(
            TaxIdentifier.objects.filter(value__in=tax).values_list(
                "value", Coalesce("account__merged_into_id", "account_id")
            )
        )

    def account(self, values: dict[str, Any]) -> int | None:
        if "account_external_id" in values:
            return self.by_external.get(values["account_external_id"])
        if "account_tax_id" in values:
            return self.by_tax.get(values["account_tax_id"])
        return None

    def rate(self, currency: str, date: dt.date) -> Decimal | None:
        if currency == self.base:
            return Decimal("1")
        key = (currency, date)
        if key not in self.rates:
            found = (
                ExchangeRate.objects.filter(currency=currency, date__lte=date)
                .order_by("-date")
                .values_list("rate", flat=True)
                .first()
            )
            self.rates[key] = found
        return self.rates[key]


class Checker:
    def __init__(
        self,
        *,
        table: Table,
        target: str,
        plan: RowPlan,
        source_system: str,
        spool_dir: Path,
        report_path: Path,
        park_batch_id: int | None,
        chunk_size: int,
        progress: Progress | None,
    ) -> None:
        self.table = table
        self.target = target
        self.plan = plan
        self.spool_dir = spool_dir
        self.report_path = report_path
        self.park_batch_id = park_batch_id
        self.chunk_size = chunk_size
        self.progress = progress
        self.resolver = Resolver(source_system)
        self.result = CheckResult()
        self.pending: list[Group] = []
        self.pending_rows = 0
        self.seen: dict[str, int] = {}  # external id → first row (accounts, contacts, products)
        self.seen_orders: set[int] = set()  # hashes: millions of order ids in little memory
        self.parked: list[ParkedRow] = []
        self.key_field = "order_id" if target == "orders" else "external_id"
        self.crm = CrmResolver(source_system, target) if target in CRM_TARGETS else None

    # -- driving ------------------------------------------------------------------------------

    def run(self) -> CheckResult:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        self.report_path.parent.mkdir(parents=True, exist_ok=True)
        with self.report_path.open("w", newline="", encoding="utf-8") as report:
            self.report = csv.writer(report)
            self.report.writerow(["row", "column", "value", "reason"])
            current: Group | None = None
            for row_no, cells in self.table.rows:
                self.result.rows += 1
                if isinstance(cells, BadRow):
                    self._reject_now(row_no, cells)
                    continue
                values, errors = check_row(row_no, cells, self.plan)
                key = str(values.get(self.key_field, f"#row{row_no}"))
                if self.target == "products" and "external_id" not in values and "sku" in values:
                    values["external_id"] = key = values["sku"]
                if current is None or current.key != key or self.target != "orders":
                    if current is not None:
                        self._close(current)
                    current = Group(key)
                current.rows.append((row_no, values, cells))
                current.errors.extend(errors)
                if self.progress and self.result.rows % 50_000 == 0:
                    self.progress("checking", self.result.rows, 0)
            if current is not None:
                self._close(current)
            self._flush()
            self._park()
        return self.result

    def _close(self, group: Group) -> None:
        first_row = group.rows[0][0]
        if self.target == "orders":
            hashed = hash(group.key)
            if hashed in self.seen_orders:
                group.errors.append(
                    RowError(
                        first_row,
                        self._header("order_id"),
                        group.key,
                        _(
                            "duplicate order id: it appears again after other orders (keep an "
                            "order's lines together)"
                        ),
                    )
                )
            self.seen_orders.add(hashed)
        elif not group.key.startswith("#row"):
            earlier = self.seen.get(group.key)
            if earlier is not None:
                group.errors.append(
                    RowError(
                        first_row,
                        self._header(self.key_field),
                        group.key,
                        _("duplicate external id: already at row %(n)d") % {"n": earlier},
                    )
                )
            else:
                self.seen[group.key] = first_row
        self.pending.append(group)
        self.pending_rows += len(group.rows)
        if self.pending_rows >= self.chunk_size:
            self._flush()

    def _header(self, name: str) -> str:
        for _i, header, field_name, _s in self.plan.columns:
            if field_name == name:
                return header
        return name

    # -- a chunk: resolve references, spool the valid, report the rest --------------------------

    def _flush(self) -> None:
        if not self.pending:
            return
        self.resolver.load(self.pending)
        if self.crm is not None:
            self.crm.load(self.pending)
        if self.target == "accounts" and self.resolver.source_system == OWN_SOURCE:
            self._require_own_accounts()
        records: list[Any] = []
        for group in self.pending:
            record = self._finish(group) if not group.errors else None
            if record is None:
                self._reject(group)
            else:
                records.append(record)
                self.result.valid_rows += len(group.rows)
        if records:
            path = self.spool_dir / f"{self.result.chunks:06d}.pkl"
            with path.open("wb") as handle:
                pickle.dump(records, handle, protocol=pickle.HIGHEST_PROTOCOL)
            self.result.chunks += 1
        self.pending = []
        self.pending_rows = 0
        if self.progress:
            self.progress("checking", self.result.rows, 0)

    def _require_own_accounts(self) -> None:
        """Our own export names accounts by id: an id this base lacks is an error, not new."""
        ids = [g.key for g in self.pending if not g.errors]
        known = {
            str(pk)
            for pk in Account.objects.filter(
                pk__in=[int(i) for i in ids if i.isdigit()]
            ).values_list("pk", flat=True)
        }
        for group in self.pending:
            if not group.errors and group.key not in known:
                group.errors.append(
                    RowError(
                        group.rows[0][0],
                        self._header("external_id"),
                        group.key,
                        _("no account with this id in this base"),
                    )
                )

    def _finish(self, group: Group) -> Any:
        """The record to write, or None after adding the group's reference errors."""
        row_no, values, _cells = group.rows[0]
        if self.target != "products" and (
            "account_external_id" in values or "account_tax_id" in values
        ):
            account_id = self.resolver.account(values)
            if account_id is None:
                name = (
                    "account_external_id" if "account_external_id" in values else "account_tax_id"
                )
                group.errors.append(
                    RowError(row_no, self._header(name), values[name], _("unknown account"))
                )
                return None
        elif self.target == "orders":
            group.errors.append(RowError(row_no, "", "", _("the order names no account")))
            return None
        elif self.target == "deals":
            group.errors.append(RowError(row_no, "", "", _("the deal names no account")))
            return None
        else:
            account_id = None
        if self.target == "deals":
            assert account_id is not None
            return deal_record(self, group, account_id)
        if self.target == "activities":
            return activity_record(self, group, account_id)
        if self.target == "contacts":
            record = {
                k: v
                for k, v in values.items()
                if k not in ("account_external_id", "account_tax_id")
            }
            if account_id is not None:
                record["account_id"] = account_id
            return record
        if self.target != "orders":
            return values
        return self._order(group, account_id)

    def _order(self, group: Group, account_id: int | None) -> Any:
        first = group.rows[0][1]
        currency = first.get("currency", self.resolver.base)
        lines = []
        for row_no, values, _cells in group.rows:
            for name in ("date", "currency", "account_external_id", "account_tax_id"):
                if values.get(name) != first.get(name):
                    group.errors.append(
                        RowError(
                            row_no,
                            self._header(name),
                            str(values.get(name, "")),
                            _("differs from the order's first line (row %(n)d)")
                            % {"n": group.rows[0][0]},
                        )
                    )
            product_id = self.resolver.products.get(values["product_code"])
            if product_id is None:
                group.errors.append(
                    RowError(
                        row_no,
                        self._header("product_code"),
                        values["product_code"],
                        _("unknown product code"),
                    )
                )
                continue
            lines.append(
                (
                    product_id,
                    values["quantity"],
                    values["net_revenue"],
                    values.get("cost", Decimal("0.00")),
                )
            )
        rate = self.resolver.rate(currency, first["date"])
        if rate is None:
            group.errors.append(
                RowError(
                    group.rows[0][0],
                    self._header("currency"),
                    currency,
                    _("no exchange rate on or before %(d)s") % {"d": first["date"].isoformat()},
                )
            )
        if group.errors:
            return None
        return (
            group.key,
            account_id,
            first["date"],
            currency,
            rate,
            first.get("number", group.key)[:40],
            first.get("documents", 1),
            lines,
        )

    # -- errors -------------------------------------------------------------------------------

    def _reject_now(self, row_no: int, bad: BadRow) -> None:
        self._reject(
            Group(
                f"#row{row_no}",
                [(row_no, {}, [])],
                [RowError(row_no, bad.column, bad.value, bad.reason)],
            )
        )

    def _reject(self, group: Group) -> None:
        rows_with_errors = {e.row for e in group.errors}
        errors = list(group.errors)
        for row_no, _values, _cells in group.rows:
            if row_no not in rows_with_errors:
                errors.append(RowError(row_no, "", "", _("another line of this order is invalid")))
        for error in sorted(errors, key=lambda e: e.row):
            self.report.writerow([error.row, error.column, error.value, error.reason])
            if len(self.result.first_errors) < 1000:
                self.result.first_errors.append(error)
        self.result.rejected_rows += len(group.rows)
        if self.park_batch_id is not None:
            by_row: dict[int, list[list[str]]] = {}
            for error in errors:
                by_row.setdefault(error.row, []).append([error.column, error.value, error.reason])
            for row_no, _values, cells in group.rows:
                raw = {
                    h: _jsonable_cell(c) for h, c in zip(self.table.headers, cells, strict=False)
                }
                self.parked.append(
                    ParkedRow(
                        batch_id=self.park_batch_id,
                        row_number=row_no,
                        raw=raw,
                        errors=by_row.get(row_no, []),
                    )
                )
            if len(self.parked) >= 5000:
                self._park()

    def _park(self) -> None:
        if self.parked:
            ParkedRow.objects.bulk_create(self.parked, batch_size=1000)
            self.parked = []


def _jsonable_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, str) and len(value) > 10_000:
            return value[:10_000]
        return value
    return str(value)
