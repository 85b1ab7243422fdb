"""Pass 1 for a clean orders CSV in UTF-8, column-wise: pyarrow reads record batches and every
check runs over whole columns, so no Python object is made per row.

It is optimistic: it only accepts rows it can prove valid with the same rules as check_row
(high-cardinality cells by strict patterns, the rest by running the per-cell checks once per
distinct value). The first row it cannot prove valid makes it give up, and the caller redoes
pass 1 with the per-row Checker, which words the errors; so reports and parking do not change.
Chunks end where the Checker ends them, and are spooled as Arrow files for pass 2.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db.models.functions import Coalesce

from clientbase.access.selectors import company_settings
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.catalog.models import Product
from clientbase.imports.checking import Checker, CheckResult
from clientbase.imports.readers import Table, sniff_delimiter
from clientbase.imports.validation import RowPlan

Progress = Callable[[str, int, int], None]
_BAD = object()
_ABSENT = object()
# Python's str.strip() also strips these; RE2's \s does not know them.
_WS = r"[\s\x1c-\x1f\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_UNTRIMMED = f"^{_WS}|{_WS}$"
_QUANTITY = r"^\d{1,11}(?:[.,]\d{1,3})?$"
_MONEY = r"^-?\d{1,16}(?:[.,]\d{1,2})?$"
_BY_VALUE = (
    "date",
    "account_external_id",
    "account_tax_id",
    "product_code",
    "number",
    "currency",
    "documents",
)
_INT64 = pa.int64()


class GiveUp(Exception):  # noqa: N818 - control flow, never shown to a user
    """A row the column checks cannot vouch for: the per-row Checker must handle the file."""


def eligible(table: Table, target: str, plan: RowPlan) -> bool:
    names = [name for _i, _h, name, _s in plan.columns]
    return (
        target == "orders"
        and table.format == "csv"
        and table.encoding == "utf-8-sig"
        and not plan.missing_required
        and len(names) == len(set(names))
        and "order_id" in names
    )


def _cell(check: Callable[[Any], Any], value: str, required: bool) -> Any:
    """check_row's rules for one cell: the clean value, _ABSENT, or _BAD."""
    if value[:1] == "=" and len(value) > 1:
        return _BAD
    if not value or value.isspace():
        return _BAD if required else _ABSENT
    try:
        return check(value)
    except ValueError:
        return _BAD


class FastOrders:
    def __init__(
        self,
        *,
        path: Path,
        table: Table,
        plan: RowPlan,
        source_system: str,
        spool_dir: Path,
        chunk_size: int,
        progress: Progress | None,
    ) -> None:
        self.path, self.table, self.plan = path, table, plan
        self.source_system = source_system
        self.spool_dir, self.chunk_size, self.progress = spool_dir, chunk_size, progress
        self.fields = {name: (index, spec) for index, _h, name, spec in plan.columns}
        self.base = company_settings().base_currency
        self.cache: dict[str, dict[str, Any]] = {name: {} for name in _BY_VALUE}
        self.by_tax: dict[str, int | None] = {}
        self.by_external: dict[str, int | None] = {}
        self.products: dict[str, int | None] = {}
        self.seen: set[int] = set()
        self.result = CheckResult()

    # -- reading ----------------------------------------------------------------------------

    def _batches(self) -> Iterator[pa.Table]:
        with self.path.open("rb") as handle:
            preview = handle.read(64 * 1024).decode("utf-8-sig", errors="ignore")
        width = len(self.table.headers)
        names = [f"c{i}" for i in range(width)]
        reader = pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=sniff_delimiter(preview), newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            yield pa.Table.from_batches([batch])

    def run(self) -> CheckResult | None:
        """The check result, or None when a row needs the per-row Checker."""
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        try:
            pending: pa.Table | None = None
            for batch in self._batches():
                pending = batch if pending is None else pa.concat_tables([pending, batch])
                while pending is not None and pending.num_rows > self.chunk_size:
                    cut = self._cut(pending)
                    if cut is None:
                        break
                    self._chunk(pending.slice(0, cut))
                    pending = pending.slice(cut)
            if pending is not None and pending.num_rows:
                self._chunk(pending)
        except (GiveUp, pa.ArrowInvalid, UnicodeDecodeError):
            return None
        return self.result

    def _column(self, table: pa.Table, name: str) -> pa.Array:
        return table.column(f"c{self.fields[name][0]}").combine_chunks()

    def _cut(self, table: pa.Table) -> int | None:
        """Where the Checker would end the chunk: after the group that reaches chunk_size."""
        ids = self._column(table, "order_id")
        tail = ids.slice(self.chunk_size - 1)
        changes = pc.indices_nonzero(pc.not_equal(tail.slice(1), tail.slice(0, len(tail) - 1)))
        if len(changes) == 0:
            return None
        return self.chunk_size + int(changes[0].as_py())

    # -- one chunk --------------------------------------------------------------------------

    def _chunk(self, table: pa.Table) -> None:
        rows = table.num_rows
        ids = self._column(table, "order_id")
        _require(pc.and_(_plain(ids), pc.less_equal(pc.utf8_length(ids), 128)))
        starts = pc.fill_null(pc.not_equal(ids, _shifted(ids)), True)
        group = pc.subtract(pc.cumulative_sum(pc.cast(starts, pa.int64())), 1)
        first = pc.indices_nonzero(starts)
        self._no_duplicates(ids.take(first).to_pylist())
        for name in ("date", "currency", "account_external_id", "account_tax_id"):
            if name in self.fields:  # every line of an order repeats its first line's value
                raw = self._column(table, name)
                _require(pc.equal(raw, raw.take(first).take(group)))
        orders = self._orders(table, ids, first)
        lines = self._lines(table, group)
        sums = (
            pa.table({"g": group, "r": lines.column("net_revenue"), "c": lines.column("cost")})
            .group_by("g", use_threads=False)
            .aggregate([("r", "sum"), ("c", "sum")])
            .sort_by("g")
        )
        orders = orders.append_column("net_revenue_base", sums.column("r_sum"))
        orders = orders.append_column("cost_base", sums.column("c_sum"))
        self._spool(orders, lines)
        self.result.rows += rows
        self.result.valid_rows += rows
        if self.progress:
            self.progress("checking", self.result.rows, 0)

    def _no_duplicates(self, keys: list[str]) -> None:
        hashed = {hash(key) for key in keys}  # hashes, as the Checker keeps them
        if len(hashed) != len(keys) or not self.seen.isdisjoint(hashed):
            raise GiveUp
        self.seen |= hashed

    def _orders(self, table: pa.Table, ids: pa.Array, first: pa.Array) -> pa.Table:
        """One row per order from its first line; every line's cells are checked all the same."""
        if "account_external_id" in self.fields:
            account = self._by_value(table, "account_external_id", self._account_by_external)
        elif "account_tax_id" in self.fields:
            account = self._by_value(table, "account_tax_id", self._account_by_tax)
        else:
            raise GiveUp  # "the order names no account": the Checker says so
        currency = self._optional(table, "currency", self.base, pa.string()).take(first)
        _require(pc.equal(currency, self.base))  # other currencies need rates: the Checker
        number = self._optional(table, "number", None, pa.string()).take(first)
        external = ids.take(first)
        return pa.table(
            {
                "external_id": external,
                "account_id": account.take(first),
                "date": self._by_value(table, "date", None, pa.date32()).take(first),
                "currency": currency,
                "rate_to_base": pa.array(["1"] * len(first)),
                "number": pc.coalesce(number, pc.utf8_slice_codeunits(external, 0, 40)),
                "documents": self._optional(table, "documents", 1, pa.int64()).take(first),
            }
        )

    def _lines(self, table: pa.Table, group: pa.Array) -> pa.Table:
        return pa.table(
            {
                "order_index": group,
                "product_id": self._by_value(table, "product_code", self._product),
                "quantity": self._decimal(table, "quantity", _QUANTITY, 14, 3, positive=True),
                "net_revenue": self._decimal(table, "net_revenue", _MONEY, 18, 2),
                "cost": self._decimal(table, "cost", _MONEY, 18, 2),
            }
        )

    def _spool(self, orders: pa.Table, lines: pa.Table) -> None:
        stem = self.spool_dir / f"{self.result.chunks:06d}"
        for part, data in (("lines", lines), ("orders", orders)):  # orders last: it marks done
            with (
                pa.OSFile(f"{stem}.{part}.arrow", "wb") as sink,
                pa.ipc.new_file(sink, data.schema) as writer,
            ):
                writer.write_table(data)
        self.result.chunks += 1

    # -- columns ----------------------------------------------------------------------------

    def _decimal(
        self,
        table: pa.Table,
        name: str,
        pattern: str,
        digits: int,
        scale: int,
        *,
        positive: bool = False,
    ) -> pa.Array:
        kind = pa.decimal128(digits, scale)
        if name not in self.fields:
            return pa.array([Decimal(0)] * table.num_rows, kind)
        raw = self._column(table, name)
        if not self.fields[name][1].required:
            raw = pc.if_else(pc.equal(raw, ""), "0", raw)  # a blank optional cell is zero
        _require(pc.match_substring_regex(raw, pattern))
        out = pc.cast(pc.replace_substring(raw, ",", "."), kind)
        if positive:
            _require(pc.greater(out, pa.scalar(Decimal(0), kind)))
        return out

    def _optional(self, table: pa.Table, name: str, default: Any, kind: pa.DataType) -> pa.Array:
        if name not in self.fields:
            return pa.array([default] * table.num_rows, kind)
        return self._by_value(table, name, None, kind, default)

    def _by_value(
        self,
        table: pa.Table,
        name: str,
        resolve: Callable[[list[Any]], dict[Any, Any]] | None,
        kind: pa.DataType = _INT64,
        default: Any = _BAD,
    ) -> pa.Array:
        """Run the field's own check once per distinct cell, then spread the results."""
        raw = self._column(table, name)
        spec = self.fields[name][1]
        cache = self.cache[name]
        distinct = pc.unique(raw).to_pylist()
        new = [v for v in distinct if v not in cache]
        clean = {v: _cell(spec.check, v, spec.required) for v in new}
        if resolve is not None:
            found = resolve([c for c in clean.values() if c is not _BAD and c is not _ABSENT])
            clean = {v: found.get(c, _BAD) if c is not _ABSENT else c for v, c in clean.items()}
        cache.update(clean)
        values = [cache[v] for v in distinct]
        values = [default if v is _ABSENT else v for v in values]
        if any(v is _BAD for v in values):
            raise GiveUp
        return pa.array(values, kind).take(pc.index_in(raw, value_set=pa.array(distinct)))

    def _account_by_tax(self, keys: list[str]) -> dict[Any, Any]:
        return self._lookup(
            self.by_tax,
            keys,
            lambda ask: TaxIdentifier.objects.filter(value__in=ask).values_list(
                "value", Coalesce("account__merged_into_id", "account_id")
            ),
        )

    def _account_by_external(self, keys: list[str]) -> dict[Any, Any]:
        return self._lookup(
            self.by_external,
            keys,
            lambda ask: Account.objects.filter(
                source_system=self.source_system, external_id__in=ask
            ).values_list(
                "external_id",
                Coalesce("merged_into_id", "id"),  # a merged-away account: its survivor
            ),
        )

    def _product(self, keys: list[str]) -> dict[Any, Any]:
        return self._lookup(
            self.products,
            keys,
            lambda ask: Product.objects.filter(sku__in=ask).values_list("sku", "id"),
        )

    @staticmethod
    def _lookup(
        known: dict[str, int | None], keys: list[str], query: Callable[[list[str]], Any]
    ) -> dict[Any, Any]:
        ask = [k for k in set(keys) if k not in known]
        for start in range(0, len(ask), 5000):
            part = ask[start : start + 5000]
            known.update(dict.fromkeys(part))
            known.update(dict(query(part)))
        return {k: known[k] for k in keys if known.get(k) is not None}


def _shifted(values: pa.Array) -> pa.Array:
    """values moved down one place, a null first: compared with values it marks group starts."""
    return pa.concat_arrays([pa.nulls(1, values.type), values.slice(0, len(values) - 1)])


def _plain(values: pa.Array) -> pa.Array:
    """Cells external_id() keeps as they are: not blank, no formula, nothing to strip."""
    return pc.and_(
        pc.and_(pc.greater(pc.utf8_length(values), 0), pc.invert(pc.starts_with(values, "="))),
        pc.invert(
            pc.or_(  # only the end characters go through the regex: far cheaper on long ids
                pc.match_substring_regex(pc.utf8_slice_codeunits(values, 0, 1), _UNTRIMMED),
                pc.match_substring_regex(pc.utf8_slice_codeunits(values, -1), _UNTRIMMED),
            )
        ),
    )


def _require(mask: pa.Array) -> None:
    if not pc.all(mask).as_py():
        raise GiveUp


def check_file(*, path: Path, **options: Any) -> CheckResult:
    """Pass 1: column-wise when the file allows it, else (or on the first doubtful row) the
    per-row Checker, from scratch."""
    table, plan = options["table"], options["plan"]
    if eligible(table, options["target"], plan):
        fast = FastOrders(
            path=path,
            table=table,
            plan=plan,
            source_system=options["source_system"],
            spool_dir=options["spool_dir"],
            chunk_size=options["chunk_size"],
            progress=options["progress"],
        ).run()
        if fast is not None:
            report: Path = options["report_path"]
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text("row,column,value,reason\r\n", encoding="utf-8")
            return fast
        shutil.rmtree(options["spool_dir"], ignore_errors=True)
    return Checker(**options).run()
