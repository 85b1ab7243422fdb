"""Writes to the catalogue."""

from __future__ import annotations

from typing import Any

from clientbase.access.models import User
from clientbase.catalog.models import Product, ProductCategory

IMPORTED_CATEGORY = "Imported"


def import_products(
    *, actor: User | None, source_system: str, batch_id: int, records: list[dict[str, Any]]
) -> Any:
    """Upsert products by (source_system, external_id); a category named in the file is
    created if missing, a product without one goes to "Imported"."""
    from clientbase.core.bulk import upsert_by_provenance

    wanted = {r["external_id"]: str(r.pop("category", "") or IMPORTED_CATEGORY) for r in records}
    names = set(wanted.values())
    categories = {c.name: c for c in ProductCategory.objects.filter(name__in=names)}
    for name in names - set(categories):
        categories[name] = ProductCategory.objects.create(name=name)

    def prepare(product: Product) -> None:
        if product.pk is None:
            product.category = categories[wanted.get(product.external_id, IMPORTED_CATEGORY)]

    outcome, _by_id = upsert_by_provenance(
        Product, source_system=source_system, batch_id=batch_id, records=records, prepare=prepare
    )
    return outcome
