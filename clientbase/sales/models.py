"""Orders with lines, exchange rates, and deals moving through pipelines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientbase.core.models import CurrencyField, MoneyField, Provenance, TimeStamped


class ExchangeRate(models.Model):
    """Units of base currency for one unit of `currency` on `date`."""

    currency = CurrencyField()
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("rate to base"), max_digits=18, decimal_places=8)

    class Meta:
        verbose_name = _("exchange rate")
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="sales_rate_currency_date")
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.date}: {self.rate}"


class Order(Provenance):
    # No single-column index: order_account_date_idx below leads with account_id.
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    number = models.CharField(_("number"), max_length=40, blank=True, default="")
    date = models.DateField(_("date"))
    currency = CurrencyField(default="RUB")
    rate_to_base = models.DecimalField(
        _("rate to base"), max_digits=18, decimal_places=8, default=Decimal("1")
    )
    # Totals of the lines in base currency, kept so lists and timelines need no aggregation.
    net_revenue_base = MoneyField(_("net revenue"))
    cost_base = MoneyField(_("cost"))
    documents = models.PositiveIntegerField(
        _("documents"), default=1, help_text=_("Invoices, waybills, acts: the paperwork it took.")
    )
    # Unindexed on purpose: no page or query selects orders by owner, and every import would
    # pay for the index (some 10% of the orders' COPY). Deleting a user scans the orders once.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        db_index=False,
    )

    class Meta(Provenance.Meta):
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["account", "-date"], name="order_account_date_idx")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def margin_base(self) -> Decimal:
        return self.net_revenue_base - self.cost_base


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # Unindexed on purpose: lines are read by order, or scanned whole by analytics; an index on
    # ten million lines only to speed up the rare deletion check of a product is not worth it.
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    net_revenue = MoneyField(_("net revenue"))  # in the order's currency, without VAT
    cost = MoneyField(_("cost"))  # in the order's currency

    class Meta:
        verbose_name = _("order line")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="sales_line_qty_pos")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class PipelineKind(models.TextChoices):
    NEW_BUSINESS = "new_business", _("New business")
    AFTER_SALES = "after_sales", _("After-sales")


class Pipeline(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PipelineKind.choices)

    class Meta:
        verbose_name = _("pipeline")

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"))
    probability = models.PositiveSmallIntegerField(_("probability, %"), default=0)
    is_won = models.BooleanField(default=False)
    is_lost = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("stage")
        ordering = ["pipeline", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "position"], name="sales_stage_position"),
        ]

    def __str__(self) -> str:
        return self.name


class DealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", pgettext_lazy("deal status", "Lost")


class Deal(Provenance, TimeStamped):
    title = models.CharField(_("title"), max_length=200)
    # Covered by deal_account_opened_idx.
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="deals", db_index=False
    )
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="deals"
    )
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    status = models.CharField(
        _("status"), max_length=5, choices=DealStatus.choices, default=DealStatus.OPEN
    )
    amount = MoneyField(_("amount"))
    currency = CurrencyField(default="RUB")
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("probability, %"), default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        db_index=False,  # covered by deal_owner_status_idx
    )
    source_channel = models.ForeignKey(
        "marketing.Channel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_campaign = models.ForeignKey(
        "marketing.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lost_reason = models.CharField(_("lost reason"), max_length=200, blank=True, default="")
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta(Provenance.Meta):
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["account", "-opened_at"], name="deal_account_opened_idx"),
            models.Index(fields=["owner", "status"], name="deal_owner_status_idx"),
        ]
        constraints = [
            *Provenance.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="sales_deal_probability_max"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DealStageChange(models.Model):
    """Append-only: a deal's path through stages. Written only by sales.services."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["deal", "at"], name="deal_stage_change_idx")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"
