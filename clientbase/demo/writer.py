"""Bulk writing of planned tables through Django's connection.

SQLite: `executemany` of pre-built tuples in one transaction, secondary indexes of the big
tables dropped and rebuilt afterwards (one sorted build beats millions of B-tree inserts).
PostgreSQL: `COPY ... FROM STDIN` in text format with the same index treatment, foreign keys
dropped and re-added (one validating join instead of a trigger per row), sequences reset.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np
from django.db import OperationalError, connection, models
from django.utils import timezone

from clientbase.demo.columns import NULL_INT, Col, StrArr, Table, dec_str

Progress = Callable[[str, int, int], None]

CHUNK = 100_000
BIG_TABLE = 20_000  # rows above which dropping secondary indexes pays


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _const_for(field: models.Field[Any, Any]) -> Any:
    """Value of a field the planner did not fill: its default, ready for the driver."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    if not field.has_default():
        if field.null:
            return None
        raise RuntimeError(
            f"demo generator: {field.model._meta.label}.{field.attname} has no planned value "
            "and no default; teach the planner about it"
        )
    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


# --- SQLite ----------------------------------------------------------------------------------

_SQLITE_EXPR = {
    "int": "%s",
    "bool": "%s",
    "text": "%s",
    "time": "%s",
    # NUMERIC affinity stores decimals as REAL whatever is bound; dividing the exact integer
    # in SQL gives the same double as parsing "123.45" would, without formatting 10M strings.
    "money": "(%s / 100.0)",
    "datetime": "datetime(%s, 'unixepoch')",
    "date": "date(%s, 'unixepoch')",
}


def _sqlite_expr(col: Col) -> str:
    if col.kind == "dec":
        return f"(%s / {10**col.scale}.0)"
    return _SQLITE_EXPR[col.kind]


def _py_list(col: Col, lo: int, hi: int) -> list[Any]:
    vals = col.values[lo:hi]
    if col.kind in ("text", "time"):
        return vals.tolist() if isinstance(vals, np.ndarray) else list(vals)
    arr = np.asarray(vals, dtype=np.int64)
    if col.kind == "date":
        arr = arr * 86400
    mask = np.asarray(vals, dtype=np.int64) == NULL_INT
    if mask.any():
        obj = arr.astype(object)
        obj[mask] = None
        out: list[Any] = obj.tolist()
        return out
    plain: list[Any] = arr.tolist()
    return plain


def _sqlite_rows(
    table: Table, fields: list[models.Field[Any, Any]], consts: dict[str, Any], lo: int, hi: int
) -> Any:
    columns: list[Any] = []
    for f in fields:
        col = table.cols.get(f.attname)
        columns.append(repeat(consts[f.attname]) if col is None else _py_list(col, lo, hi))
    return list(zip(*columns, strict=False))


def _sqlite_const(field: models.Field[Any, Any]) -> Any:
    value = _const_for(field)
    if value is None or isinstance(value, str | int):
        return value
    return field.get_db_prep_save(value, connection)


def _sqlite_indexes(cur: Any, table: Table) -> list[tuple[str, str]]:
    """Secondary indexes worth dropping for the load: all but those whose leading column
    arrives in ascending order (appending to those costs less than rebuilding them)."""
    db_table = table.model._meta.db_table
    by_column = {f.column: f.attname for f in _fields(table.model)}
    cur.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL",
        [db_table],
    )
    out = []
    for name, sql in cur.fetchall():
        cur.execute(f"PRAGMA index_xinfo({connection.ops.quote_name(name)})")
        info = [r for r in cur.fetchall() if r[5]]  # key columns only
        lead = table.cols.get(by_column.get(info[0][2] or "", "")) if info else None
        ascending = (
            lead is not None
            and lead.kind == "int"
            and info[0][3] == 0  # not DESC
            and bool(np.all(np.diff(np.asarray(lead.values, dtype=np.int64)) >= 0))
        )
        if not ascending:
            out.append((name, sql))
    return out


def _write_sqlite(cur: Any, table: Table, progress: Progress | None) -> None:
    model = table.model
    db_table = model._meta.db_table
    fields = _fields(model)
    qn = connection.ops.quote_name
    # Whole-number decimals (e.g. quantities) are bound as integers: same stored value.
    for name, col in list(table.cols.items()):
        if col.kind == "dec" and bool(np.all(np.asarray(col.values) % 10**col.scale == 0)):
            table = Table(
                table.model, {**table.cols, name: Col("int", col.values // 10**col.scale)}
            )
    exprs = []
    for f in fields:
        planned = table.cols.get(f.attname)
        exprs.append("%s" if planned is None else _sqlite_expr(planned))
    sql = (
        f"INSERT INTO {qn(db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "  # noqa: S608 - quoted identifiers
        f"VALUES ({', '.join(exprs)})"
    )
    n = table.n
    # Defaults are resolved here: the builder thread must not touch the connection.
    consts = {f.attname: _sqlite_const(f) for f in fields if f.attname not in table.cols}
    dropped: list[tuple[str, str]] = []
    if n >= BIG_TABLE:
        dropped = _sqlite_indexes(cur, table)
        for name, _ in dropped:
            cur.execute(f"DROP INDEX {qn(name)}")
    # No builder thread here: sqlite3 releases the GIL around every row's step, and a thread
    # competing for it turns each release into a wait of the switch interval.
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        rows = _sqlite_rows(table, fields, consts, lo, hi)
        cur.executemany(sql, rows)
        del rows
        if progress is not None:
            progress(f"write {_label(model)}", hi, n)
    for _, create in dropped:
        cur.execute(create)
    if progress is not None and dropped:
        progress(f"write {_label(model)}", n, n)  # again, once its indexes are back


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_escape(arr: StrArr) -> StrArr:
    for ch, rep in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        if bool(np.any(np.strings.find(arr, ch) >= 0)):
            arr = np.strings.replace(arr, ch, rep)
    return arr


def _pg_text(col: Col, lo: int, hi: int) -> StrArr:
    vals = col.values[lo:hi]
    if col.kind in ("text", "time"):
        return _pg_escape(np.asarray(vals, dtype=np.str_))
    arr = np.asarray(vals, dtype=np.int64)
    mask = arr == NULL_INT
    safe = np.where(mask, 0, arr)
    out: StrArr
    if col.kind == "int":
        out = safe.astype(np.str_)
    elif col.kind == "bool":
        out = np.where(safe != 0, "t", "f")
    elif col.kind == "money":
        out = dec_str(safe, 2)
    elif col.kind == "dec":
        out = dec_str(safe, col.scale)
    elif col.kind == "datetime":
        out = np.strings.add(np.datetime_as_string(safe.astype("datetime64[s]"), unit="s"), "+00")
    else:  # date
        out = np.datetime_as_string(safe.astype("datetime64[D]"), unit="D")
    if mask.any():
        out = np.where(mask, "\\N", out)
    return np.asarray(out, dtype=np.str_)


def _pg_const(field: models.Field[Any, Any]) -> str:
    value = _const_for(field)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal | str):
        return _pg_escape(np.asarray([str(value)], dtype=np.str_))[0].item()  # type: ignore[no-any-return]
    return str(field.get_db_prep_save(value, connection))


def _pg_chunk(
    table: Table, fields: list[models.Field[Any, Any]], consts: dict[str, str], lo: int, hi: int
) -> bytes:
    parts: list[Any] = []
    for f in fields:
        col = table.cols.get(f.attname)
        parts.append(repeat(consts[f.attname]) if col is None else _pg_text(col, lo, hi).tolist())
    lines = list(map("\t".join, zip(*parts, strict=False)))
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _pg_secondary(cur: Any, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    cur.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = %s AND t.relnamespace = 'public'::regnamespace "
        "AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table],
    )
    indexes = [(r[0], r[1]) for r in cur.fetchall()]
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    fks = [(r[0], r[1]) for r in cur.fetchall()]
    return indexes, fks


# Foreign keys dropped for the load, re-added (and so validated) once every table is in:
# the tables arrive in planning order, not in dependency order.
_PG_DEFERRED: list[str] = []


def _write_pg(cur: Any, table: Table, progress: Progress | None) -> None:
    model = table.model
    db_table = model._meta.db_table
    fields = _fields(model)
    qn = connection.ops.quote_name
    n = table.n
    consts = {f.attname: _pg_const(f) for f in fields if f.attname not in table.cols}
    indexes, fks = _pg_secondary(cur, db_table)
    # Every table loses its foreign keys before its rows go in, so the load queues no
    # deferred checks (which would forbid later ALTER TABLEs); they come back in finish().
    for name, _ in fks:
        cur.execute(f"ALTER TABLE {qn(db_table)} DROP CONSTRAINT {qn(name)}")
    if n < BIG_TABLE:
        indexes = []
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {qn(name)}")
    cols = ", ".join(qn(str(f.column)) for f in fields)
    copy_sql = f"COPY {qn(db_table)} ({cols}) FROM STDIN"
    raw = cur.cursor  # the psycopg cursor under Django's wrapper
    with ThreadPoolExecutor(max_workers=1) as pool, raw.copy(copy_sql) as copy:
        bounds = [(lo, min(lo + CHUNK, n)) for lo in range(0, n, CHUNK)]
        pending: Future[bytes] | None = None
        if bounds:
            pending = pool.submit(_pg_chunk, table, fields, consts, *bounds[0])
        for k, (_lo, hi) in enumerate(bounds):
            assert pending is not None
            data = pending.result()
            if k + 1 < len(bounds):
                pending = pool.submit(_pg_chunk, table, fields, consts, *bounds[k + 1])
            copy.write(data)
            if progress is not None:
                progress(f"write {_label(model)}", hi, n)
    for _, create in indexes:
        cur.execute(create)
    for name, definition in fks:
        _PG_DEFERRED.append(f"ALTER TABLE {qn(db_table)} ADD CONSTRAINT {qn(name)} {definition}")
    if n:
        top = f"SELECT MAX(id) FROM {qn(db_table)}"  # noqa: S608 - a quoted identifier
        cur.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({top}))", [db_table])


# --- entry -----------------------------------------------------------------------------------


@contextmanager
def bulk_session() -> Iterator[None]:
    """Loosen SQLite for the load: a big page cache and sorter threads for the index builds,
    and, when we own the connection (not inside atomic), no fsync and no per-row FK lookups."""
    if connection.vendor != "sqlite":
        _PG_DEFERRED.clear()
        if connection.in_atomic_block:
            # Run the caller's pending deferred checks now: ALTER TABLE waits for none.
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
        try:
            yield
        finally:
            _PG_DEFERRED.clear()
        return
    own = not connection.in_atomic_block
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        cache_size = int(cur.fetchone()[0])
        cur.execute("PRAGMA cache_size=-2000000")  # 2 GB: the big tables stay in memory
        cur.execute("PRAGMA threads=2")
        journal = ""
        if own:
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA foreign_keys=OFF")  # we assign every key ourselves
            # A rollback journal only copies the few pages that existed before the load;
            # WAL would write every new page twice. Needs exclusive use: skip if busy.
            cur.execute("PRAGMA journal_mode")
            journal = str(cur.fetchone()[0])
            if journal == "wal":
                try:
                    cur.execute("PRAGMA journal_mode=DELETE")
                except OperationalError:
                    journal = ""
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size={cache_size}")
            cur.execute("PRAGMA threads=0")
            if own:
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA synchronous=NORMAL")
                if journal == "wal":
                    cur.execute("PRAGMA journal_mode=WAL")


def finish() -> None:
    """Re-add what the load took away until the end (PostgreSQL foreign keys)."""
    with connection.cursor() as cur:
        while _PG_DEFERRED:
            cur.execute(_PG_DEFERRED.pop(0))


def write_table(table: Table, progress: Progress | None = None) -> int:
    if table.n == 0:
        return 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            _write_pg(cur, table, progress)
        elif connection.vendor == "sqlite":
            _write_sqlite(cur, table, progress)
        else:
            raise ValueError(
                f"demo generator supports SQLite and PostgreSQL, not {connection.vendor}"
            )
    return table.n


def max_id(model: type[models.Model]) -> int:
    with connection.cursor() as cur:
        table = connection.ops.quote_name(model._meta.db_table)
        cur.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 - a quoted identifier
        row = cur.fetchone()
    return int(row[0]) if row and row[0] is not None else 0
