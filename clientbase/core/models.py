"""Building blocks every domain model shares. Imports no domain app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY_DIGITS = 18
MONEY_PLACES = 2


def MoneyField(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField[Decimal, Decimal]:  # noqa: N802
    """Money is exact: Decimal with two places, never float."""
    kwargs.setdefault("max_digits", MONEY_DIGITS)
    kwargs.setdefault("decimal_places", MONEY_PLACES)
    kwargs.setdefault("default", Decimal("0"))
    return models.DecimalField(verbose_name, **kwargs)


def CurrencyField(verbose_name: Any = None, **kwargs: Any) -> models.CharField[str, str]:  # noqa: N802
    """ISO 4217 code."""
    kwargs.setdefault("max_length", 3)
    return models.CharField(verbose_name or _("currency"), **kwargs)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Provenance(models.Model):
    """Where an imported record came from: a source system and its id there.

    The pair is unique per model so that re-importing the same file updates rather than
    duplicates. Records typed in by hand have an empty external id and no constraint applies.
    """

    source_system = models.CharField(_("source system"), max_length=64, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=128, blank=True, default="")
    import_batch_id = models.BigIntegerField(_("import batch"), null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~models.Q(external_id=""),
                name="%(app_label)s_%(class)s_provenance_uniq",
            )
        ]
