"""What we sell."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clientbase.core.models import CurrencyField, MoneyField, Provenance


class ProductCategory(models.Model):
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_strategic = models.BooleanField(
        _("strategic / growth line"),
        default=False,
        help_text=_("Lines the company wants to grow; they weigh in segmentation and incentives."),
    )

    class Meta:
        verbose_name = _("product category")

    def __str__(self) -> str:
        return self.name


class Product(Provenance):
    sku = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="products")
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    list_price = MoneyField(_("list price"))
    unit_cost = MoneyField(_("unit cost"))
    currency = CurrencyField(default="RUB")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Provenance.Meta):
        verbose_name = _("product")

    def __str__(self) -> str:
        return self.name
