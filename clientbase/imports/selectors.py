"""Reads about imports: where a record came from, batches, parked rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import visible_accounts
from clientbase.imports.models import ImportBatch, ParkedRow, RecordHistory
from clientbase.sales.models import Order


@dataclass(frozen=True)
class ProvenanceEntry:
    batch_id: int
    source_system: str
    file_name: str
    status: str
    what: str  # "account" or "orders" or "changed: field, field"


def provenance_of(*, actor: User, account: Account) -> list[ProvenanceEntry]:
    """The import batches that created or changed this account or brought its orders, newest
    first; empty for an account the actor may not see."""
    if not visible_accounts(actor=actor).filter(pk=account.pk).exists():
        return []
    what: dict[int, list[str]] = {}
    if account.import_batch_id:
        what.setdefault(account.import_batch_id, []).append("account")
    for batch_id, field, old in RecordHistory.objects.filter(
        model="accounts.account", object_id=account.pk
    ).values_list("batch_id", "field", "old"):
        if field == "import_batch_id":
            if isinstance(old, int):  # the batch that held the account before this one
                what.setdefault(old, []).append("account")
        else:
            what.setdefault(batch_id, []).append(f"changed {field}")
    order_batches = (
        Order.objects.filter(account=account, import_batch_id__isnull=False)
        .values_list("import_batch_id", flat=True)
        .distinct()
    )
    for order_batch in order_batches:
        if order_batch is not None:
            what.setdefault(order_batch, []).append("orders")
    batches = ImportBatch.objects.filter(pk__in=list(what)).order_by("-pk")
    return [
        ProvenanceEntry(
            batch_id=batch.pk,
            source_system=batch.source_system,
            file_name=batch.file_name,
            status=batch.status,
            what=", ".join(dict.fromkeys(what[batch.pk])),
        )
        for batch in batches
    ]


def parked_rows(*, actor: User, batch: ImportBatch) -> QuerySet[ParkedRow]:
    """Rows of a batch waiting for a fix, none if the actor may not see the batch."""
    return ParkedRow.objects.filter(
        batch=batch, batch__in=visible_batches(actor=actor), resolved=False
    ).order_by("row_number")


def visible_batches(*, actor: User) -> QuerySet[ImportBatch]:
    """Batches the actor may open and read the report of: those started by a user within the
    actor's import scope (own: their own; all: every one, e.g. a director's). Anyone else's
    batch is as if it did not exist (404, not 403)."""
    from clientbase.access.roles import ACCOUNT, IMPORT
    from clientbase.access.selectors import owned_by_visible

    return ImportBatch.objects.filter(
        owned_by_visible(actor, "created_by", object_type=ACCOUNT, action=IMPORT)
    )
