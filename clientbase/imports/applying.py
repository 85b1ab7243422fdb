"""Pass 2 of an import: apply the spooled chunks, each in its own transaction.

A chunk's records, their history and its ImportChunk marker commit together, so after a crash
the re-run skips exactly the chunks that are in. Upsert by (source_system, external_id) makes a
redone chunk harmless too. The batch turns "done" only in the final transaction.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

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
    model = MODEL_OF[batch.target]
    for number in range(total):
        if number in done:
            continue
        # The chunk's audit rows (deal moves) are appended at its end: the chain lock that
        # every audited writer waits for is then held only from there to the commit.
        with transaction.atomic(), deferred_audit():
            outcome = _write_chunk(actor, batch, spool_dir, number)
            RecordHistory.objects.bulk_create(
                (
                    RecordHistory(
                        batch=batch, model=model, object_id=oid, field=name, old=old, new=new
                    )
                    for oid, name, old, new in outcome.changes
                ),
                batch_size=1000,
            )
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
        if progress:
            progress("writing", number + 1, total)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for chunk_counts in ImportChunk.objects.filter(batch=batch).values_list("counts", flat=True):
        for key in counts:
            counts[key] += int(chunk_counts.get(key, 0))
    return counts
