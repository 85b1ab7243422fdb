"""Upsert by provenance: the mechanism behind every app's bulk-import service.

Model-agnostic on purpose: the owning app's service calls it with its own normalisation, so
imports never write a domain table themselves. Unchanged records are not written at all;
changed fields come back as (object id, field, old, new) for the caller's history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from clientbase.access.services import jsonable


@dataclass
class BulkOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[tuple[int, str, Any, Any]] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)

    def merge(self, other: BulkOutcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.changes.extend(other.changes)
        self.created_ids.extend(other.created_ids)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(old) == Decimal(new)
        except (TypeError, ValueError, ArithmeticError):
            return False
    return bool(jsonable(old) == jsonable(new))


def upsert_by_provenance(
    model: type[models.Model],
    *,
    source_system: str,
    batch_id: int,
    records: list[dict[str, Any]],
    prepare: Callable[[Any], None] | None = None,
    also: tuple[str, ...] = (),
    by_pk: bool = False,
    follow: str = "",
) -> tuple[BulkOutcome, dict[str, Any]]:
    """Create or update `records` (each with an "external_id") under `source_system`.

    `also` names fields `prepare` derives (e.g. a search key) that must be saved with updates.
    `by_pk`: the external ids are this base's own primary keys (a re-imported export), so
    records update those very rows whatever their provenance, and none is created.
    `follow`: a foreign key to the row that replaced a found one (an account's `merged_into`):
    its record updates that survivor, never the tombstone.
    Returns the outcome and {external_id: instance} of every record, written or not."""
    outcome = BulkOutcome()
    manager = model._default_manager
    keys = [r["external_id"] for r in records]
    if by_pk:
        pks = [int(k) for k in keys if str(k).isdigit()]
        existing = {str(obj.pk): obj for obj in manager.filter(pk__in=pks)}
        records = [r for r in records if str(r["external_id"]) in existing]
    else:
        existing = {
            obj.external_id: obj  # type: ignore[attr-defined]
            for obj in manager.filter(source_system=source_system, external_id__in=keys)
        }
    if follow:
        existing = _follow(manager, existing, f"{follow}_id")
    to_create: list[Any] = []
    to_update: list[Any] = []
    updating: set[int] = set()
    touched: set[str] = set()
    by_id: dict[str, Any] = {}
    for record in records:
        obj = existing.get(record["external_id"])
        if obj is None:
            obj = model(source_system=source_system, import_batch_id=batch_id, **record)
            if prepare:
                prepare(obj)
            to_create.append(obj)
            by_id[record["external_id"]] = obj
            continue
        by_id[record["external_id"]] = obj
        changed = [
            (name, getattr(obj, name), value)
            for name, value in record.items()
            if name != "external_id" and not _same(getattr(obj, name), value)
        ]
        if not changed:
            outcome.unchanged += 1
            continue
        for name, old, new in changed:
            setattr(obj, name, new)
            outcome.changes.append((obj.pk, name, jsonable(old), jsonable(new)))
            touched.add(name)
        previous = obj.import_batch_id  # type: ignore[attr-defined]
        outcome.changes.append((obj.pk, "import_batch_id", previous, batch_id))
        obj.import_batch_id = batch_id  # type: ignore[attr-defined]
        if prepare:
            prepare(obj)
        if obj.pk not in updating:  # two records may name one survivor
            updating.add(obj.pk)
            to_update.append(obj)
    if to_create:
        manager.bulk_create(to_create, batch_size=500)
        outcome.created = len(to_create)
        outcome.created_ids = [obj.pk for obj in to_create]
    if to_update:
        fields = sorted(touched | {"import_batch_id", *also})
        manager.bulk_update(to_update, fields, batch_size=500)
        outcome.updated = len(to_update)
    return outcome, by_id


def _follow(manager: Any, existing: dict[str, Any], link: str) -> dict[str, Any]:
    """Found rows with their replacements swapped in, one instance per row (chains are kept
    one step long by the merge, so one query resolves them)."""
    rows = {obj.pk: obj for obj in existing.values()}
    wanted = {getattr(obj, link) for obj in rows.values() if getattr(obj, link)} - set(rows)
    rows.update((obj.pk, obj) for obj in manager.filter(pk__in=wanted))
    out = {}
    for key, obj in existing.items():
        target = getattr(obj, link)
        out[key] = rows.get(target, obj) if target else obj
    return out


def restore_fields(model: type[models.Model], object_id: int, values: dict[str, Any]) -> None:
    """Put back values recorded as history (JSON form) on one record."""
    obj = model._default_manager.get(pk=object_id)
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        setattr(obj, model_field.attname, model_field.to_python(value))
    obj.save()


def delete_created(model: type[models.Model], *, batch_id: int) -> int:
    """Delete the records still marked as brought by `batch_id` (rollback, after restoring)."""
    deleted, _by_model = model._default_manager.filter(import_batch_id=batch_id).delete()
    return deleted
