"""Pass 2 of an import: apply the spooled chunks, each in its own transaction.

A chunk's records, their history and its ImportChunk marker commit together, so after a crash
the re-run skips exactly the chunks that are in. Upsert by (source_system, external_id) makes a
redone chunk harmless too. The batch turns "done" only in the final transaction. On PostgreSQL
orders chunks are written on IMPORT_WRITERS connections at once, still committed in order.
"""

from __future__ import annotations

import functools
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction

from clientbase.access.audit_trail import deferred_audit
from clientbase.access.models import User
from clientbase.imports.models import ImportBatch, ImportChunk, RecordHistory

Progress = Callable[[str, int, int], None]

MODEL_OF = {
    "accounts": "accounts.account",
    "contacts": "accounts.contact",
    "products": "catalog.product",
    "orders": "sales.order",
    "deals": "sales.deal",
    "activities": "activities.activity",
}


def _write(actor: User | None, batch: ImportBatch, records: list[Any]) -> Any:
    target = batch.target
    common: dict[str, Any] = {
        "actor": actor,
        "source_system": batch.source_system,
        "batch_id": batch.pk,
    }
    if target == "accounts":
        from clientbase.accounts.services import import_accounts

        return import_accounts(records=records, **common)
    if target == "contacts":
        from clientbase.accounts.services import import_contacts

        return import_contacts(records=records, **common)
    if target == "deals":
        from clientbase.sales.deal_imports import import_deals

        return import_deals(records=records, **common)
    if target == "activities":
        from clientbase.activities.services import import_activities

        return import_activities(records=records, **common)
    if target == "products":
        from clientbase.catalog.services import import_products

        return import_products(records=records, **common)
    from clientbase.sales.services import ImportedOrder, import_orders

    orders = [
        ImportedOrder(
            external_id=ext,
            account_id=account_id,
            date=date,
            currency=currency,
            rate_to_base=Decimal(rate),
            number=number,
            documents=documents,
            lines=lines,
        )
        for ext, account_id, date, currency, rate, number, documents, lines in records
    ]
    return import_orders(orders=orders, **common)


def _write_chunk(actor: User | None, batch: ImportBatch, spool_dir: Path, number: int) -> Any:
    """A chunk spooled as Arrow files by the column-wise pass 1, else as a pickle."""
    stem = f"{number:06d}"
    if (spool_dir / f"{stem}.orders.arrow").exists():
        import pyarrow as pa

        from clientbase.sales.services import import_order_table

        tables = [
            pa.ipc.open_file(pa.memory_map(str(spool_dir / f"{stem}.{part}.arrow"))).read_all()
            for part in ("orders", "lines")
        ]
        return import_order_table(
            actor=actor,
            source_system=batch.source_system,
            batch_id=batch.pk,
            orders=tables[0],
            lines=tables[1],
        )
    with (spool_dir / f"{stem}.pkl").open("rb") as handle:
        records = pickle.load(handle)  # noqa: S301 - our own spool, written by pass 1
    return _write(actor, batch, records)


def _kill_hook(chunk: int) -> None:
    """Test hook: die like `kill -9` in the middle of a chunk's transaction."""
    at = os.environ.get("CLIENTBASE_IMPORT_KILL_AT_CHUNK")
    if at is not None and int(at) == chunk:
        os.kill(os.getpid(), signal.SIGKILL)


def apply_chunks(
    *, actor: User | None, batch: ImportBatch, spool_dir: Path, progress: Progress | None
) -> dict[str, int]:
    total = batch.chunks_total or 0
    done = set(ImportChunk.objects.filter(batch=batch).values_list("number", flat=True))
    todo = [number for number in range(total) if number not in done]
    writers = _writers(batch, len(todo))
    if writers > 1:
        _apply_in_parallel(actor, batch, spool_dir, todo, writers, progress)
    else:
        for number in todo:
            _apply_chunk(actor, batch, spool_dir, number)
            if progress:
                progress("writing", number + 1, total)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for chunk_counts in ImportChunk.objects.filter(batch=batch).values_list("counts", flat=True):
        for key in counts:
            counts[key] += int(chunk_counts.get(key, 0))
    return counts


def _apply_chunk(
    actor: User | None,
    batch: ImportBatch,
    spool_dir: Path,
    number: int,
    before_commit: Callable[[], None] | None = None,
) -> None:
    """One chunk's records, their history and its marker, in one transaction."""
    # The chunk's audit rows (deal moves) are appended at its end, after waiting for the chunk
    # before it: the chain lock every audited writer waits for is then held only to the commit.
    with transaction.atomic(), deferred_audit():
        outcome = _write_chunk(actor, batch, spool_dir, number)
        RecordHistory.objects.bulk_create(
            (
                RecordHistory(
                    batch=batch,
                    model=MODEL_OF[batch.target],
                    object_id=oid,
                    field=name,
                    old=old,
                    new=new,
                )
                for oid, name, old, new in outcome.changes
            ),
            batch_size=1000,
        )
        if before_commit is not None:
            before_commit()
        _kill_hook(number)
        ImportChunk.objects.create(
            batch=batch,
            number=number,
            counts={
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            },
        )


# --- parallel writers (PostgreSQL) --------------------------------------------------------------
# The server's COPY into the indexed order tables is most of an order import's time, and runs
# on one core per connection. Orders chunks are therefore written by IMPORT_WRITERS threads,
# each on its own connection and in its own transaction per chunk, as above; the chunks still
# commit one after another in file order (a writer that is done waits for the chunk before
# its own), so what is committed is always a first run of chunks, as with one writer: a kill
# leaves whole chunks only and a re-run goes on from there. Orders chunks are independent:
# pass 1 refuses an order id twice in a file, so no two chunks touch the same order row.


class _Abandoned(Exception):  # noqa: N818 - control flow, never shown to a user
    """A chunk before this one failed: this one rolls back and the import stops."""


def _writers(batch: ImportBatch, chunks: int) -> int:
    if (
        batch.target != "orders"
        or connection.vendor != "postgresql"
        or connection.in_atomic_block  # a caller's transaction (dry run, tests): one connection
    ):
        return 1
    return max(1, min(settings.IMPORT_WRITERS, chunks))


class _Turns:
    """Whose turn it is to commit: the chunks of `todo` in order."""

    def __init__(self) -> None:
        self.turn = 0
        self.failed_at: int | None = None  # the first todo position that failed
        self.pids: dict[int, int] = {}  # todo position -> backend pid writing it
        self.condition = threading.Condition()

    def stopped(self) -> bool:
        return self.failed_at is not None

    def wait(self, position: int, pid: int) -> None:
        while True:
            with self.condition:
                if self.failed_at is not None and self.failed_at < position:
                    raise _Abandoned
                if self.turn == position:
                    return
                self.condition.wait(timeout=1.0)
                if self.turn == position or self.failed_at is not None:
                    continue
                earlier = [p for at, p in self.pids.items() if at < position]
            _check_cycle(earlier, pid)

    def advance(self, position: int) -> None:
        with self.condition:
            self.pids.pop(position, None)
            self.turn = position + 1
            self.condition.notify_all()

    def fail(self, position: int) -> None:
        with self.condition:
            self.pids.pop(position, None)
            if self.failed_at is None or position < self.failed_at:
                self.failed_at = position
            self.condition.notify_all()


def _check_cycle(earlier: list[int], pid: int) -> None:
    """An earlier chunk waiting for a lock that, through other sessions, waits for ours would
    wait for ever (the server does not see our wait for its commit): fail ours instead."""
    if not earlier:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE blocking(pid) AS (SELECT unnest(pg_blocking_pids(p)) "
            "FROM unnest(%s::int[]) AS p UNION "
            "SELECT unnest(pg_blocking_pids(pid)) FROM blocking) "
            "SELECT %s IN (SELECT pid FROM blocking)",
            [earlier, pid],
        )
        if cursor.fetchone()[0]:
            raise OperationalError(
                "an earlier chunk of this import waits for a lock held by a later one"
            )


def _apply_in_parallel(
    actor: User | None,
    batch: ImportBatch,
    spool_dir: Path,
    todo: list[int],
    writers: int,
    progress: Progress | None,
) -> None:
    turns = _Turns()
    positions = iter(range(len(todo)))
    take = threading.Lock()
    finished: queue.Queue[tuple[int, BaseException | None]] = queue.Queue()

    def work() -> None:
        try:
            while not turns.stopped():
                with take:
                    position = next(positions, None)
                if position is None:
                    return
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_backend_pid()")
                        pid = cursor.fetchone()[0]
                    with turns.condition:
                        turns.pids[position] = pid
                    _apply_chunk(
                        actor,
                        batch,
                        spool_dir,
                        todo[position],
                        before_commit=functools.partial(turns.wait, position, pid),
                    )
                except BaseException as exc:
                    turns.fail(position)
                    finished.put((position, exc))
                    return
                turns.advance(position)
                finished.put((position, None))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, name=f"import-writer-{n}") for n in range(writers)]
    for thread in threads:
        thread.start()
    errors: list[tuple[int, BaseException]] = []
    committed = 0
    while committed < len(todo) and not errors:
        position, error = finished.get()
        if error is not None:
            errors.append((position, error))
            continue
        committed += 1
        if progress:
            total = batch.chunks_total or 0
            progress("writing", total - len(todo) + committed, total)
    for thread in threads:
        thread.join()
    while not finished.empty():
        position, error = finished.get()
        if error is not None:
            errors.append((position, error))
    real = [(p, e) for p, e in errors if not isinstance(e, _Abandoned)]
    if real:
        raise min(real, key=lambda pair: pair[0])[1]
