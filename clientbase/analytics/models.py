"""Results of the analytics runs. Analytics never edit records: they write only these tables."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MetricRun(models.Model):
    """One computation of every account's metrics as of a date. Runs of other dates are kept,
    so changes over time can be shown; a re-run of the same date replaces the earlier one."""

    as_of = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    error = models.TextField(_("error"), blank=True, default="")
    trigger = models.CharField(_("trigger"), max_length=20, default="manual")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("metrics run")
        verbose_name_plural = _("metrics runs")
        indexes = [models.Index(fields=["status", "-as_of"], name="metricrun_status_asof_idx")]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.status})"


class AccountMetrics(models.Model):
    """One account's metrics in one run. Figures are in base currency; floats because they
    are analysis, not money of record."""

    run = models.ForeignKey(MetricRun, on_delete=models.CASCADE, related_name="rows")
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="metrics", db_index=False
    )
    as_of = models.DateField(_("as of"))
    revenue_ltm = models.FloatField(_("revenue, 12 months"))
    margin_ltm = models.FloatField(_("margin, 12 months"))
    revenue_prev_ltm = models.FloatField(_("revenue, the 12 months before"))
    revenue_lifetime = models.FloatField(_("revenue, lifetime"))
    margin_lifetime = models.FloatField(_("margin, lifetime"))
    orders_lifetime = models.IntegerField(_("orders, lifetime"))
    orders_ltm = models.IntegerField(_("orders, 12 months"))
    first_purchase = models.DateField(_("first purchase"), null=True)
    last_purchase = models.DateField(_("last purchase"), null=True)
    recency_days = models.IntegerField(_("days since last purchase"), null=True)
    frequency = models.IntegerField(_("frequency"))
    monetary = models.FloatField(_("monetary value"))
    strategic_share = models.FloatField(_("share of strategic lines"), null=True)
    documents = models.IntegerField(_("documents"))
    activities = models.IntegerField(_("activities"))
    tickets = models.IntegerField(_("support tickets"))
    hours = models.FloatField(_("hours logged"))
    workload = models.IntegerField(_("workload"))
    margin_per_workload = models.FloatField(_("margin per unit of workload"), null=True)
    trend = models.FloatField(_("trend"), null=True)
    demand_variability = models.FloatField(_("demand variability"), null=True)
    repeat_purchases = models.IntegerField(_("repeat purchases"))
    recency_weeks = models.FloatField(null=True)
    age_weeks = models.FloatField(null=True)
    repeat_revenue_mean = models.FloatField(null=True)
    repeat_margin_mean = models.FloatField(null=True)
    tenure_days = models.IntegerField(_("tenure, days"), null=True)
    active_month_share = models.FloatField(_("share of months with purchases"), null=True)
    margin_per_month = models.FloatField(_("margin per month of the relationship"), null=True)
    # The models' results.
    abc_revenue = models.CharField(_("ABC by revenue"), max_length=1, blank=True, null=True)
    abc_margin = models.CharField(_("ABC by margin"), max_length=1, blank=True, null=True)
    pareto_revenue_share = models.FloatField(_("cumulative share of revenue"), null=True)
    pareto_account_share = models.FloatField(_("cumulative share of accounts"), null=True)
    cts_class = models.CharField(_("cost-to-serve class"), max_length=1, blank=True, null=True)
    xyz = models.CharField(_("XYZ"), max_length=1, blank=True, null=True)
    rfm_r = models.SmallIntegerField(_("RFM recency score"), null=True)
    rfm_f = models.SmallIntegerField(_("RFM frequency score"), null=True)
    rfm_m = models.SmallIntegerField(_("RFM monetary score"), null=True)
    rfm_segment = models.CharField(_("RFM segment"), max_length=24, blank=True, null=True)
    loyalty = models.FloatField(_("loyalty"), null=True)
    profitability = models.FloatField(_("profitability"), null=True)
    quadrant = models.CharField(_("quadrant"), max_length=3, blank=True, null=True)
    usual_gap_days = models.FloatField(_("usual days between purchases"), null=True)
    churn_risk = models.FloatField(_("churn risk"), null=True)
    churn_flag = models.BooleanField(_("churn warning"), default=False)
    p_alive = models.FloatField(_("probability alive"), null=True)
    expected_purchases_12m = models.FloatField(_("expected purchases, 12 months"), null=True)
    clv_12m = models.FloatField(_("lifetime value, 12 months"), null=True)

    class Meta:
        verbose_name = _("account metrics")
        verbose_name_plural = _("account metrics")
        constraints = [
            models.UniqueConstraint(fields=["account", "run"], name="accountmetrics_account_run")
        ]
        indexes = [models.Index(fields=["run", "account"], name="accountmetrics_run_acc_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.as_of}"


class Segment(models.Model):
    """A saved filter over the accounts (a spec of clientbase.analytics.filters). Its owner
    sees and edits it; a shared one every user sees, each counting only the accounts they see."""

    name = models.CharField(_("name"), max_length=120)
    spec: models.JSONField[Any, Any] = models.JSONField(
        pgettext_lazy("segments", "conditions"), default=dict
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="segments",
    )
    shared = models.BooleanField(_("shared with everyone"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("segments", "segment")
        verbose_name_plural = pgettext_lazy("segments", "segments")
        indexes = [models.Index(fields=["owner", "name"], name="segment_owner_name_idx")]

    def __str__(self) -> str:
        return self.name


class SegmentMembership(models.Model):
    """Which accounts were in a segment as of a metrics run: the basis of movements over time."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    run = models.ForeignKey(MetricRun, on_delete=models.CASCADE, related_name="memberships")
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("segment membership")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "run", "account"], name="segmentmembership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}@{self.run_id}: {self.account_id}"


class PlaybookKind(models.TextChoices):
    """What a playbook is attached to: a class of one of the built-in models, or a saved segment."""

    TIER = "tier", _("Tier")
    QUADRANT = "quadrant", _("Quadrant")
    RFM = "rfm", _("RFM segment")
    ABC = "abc", _("ABC class")
    SEGMENT = "segment", pgettext_lazy("segments", "Saved segment")


class ServiceLevel(models.TextChoices):
    HIGH_TOUCH = "high_touch", _("High-touch personal service")
    CONSULTATIVE = "consultative", _("Consultative selling")
    STANDARD = "standard", _("Standard service with periodic reviews")
    LOW_TOUCH = "low_touch", _("Low-touch automation")


class Playbook(models.Model):
    """How to treat the accounts of one tier, quadrant, RFM segment, ABC class or saved segment.

    A row holds an admin's changes to the built-in playbook (clientbase.analytics.playbooks):
    a blank description, service level or role, or an empty contact frequency, keeps the
    built-in value, so the built-in texts stay translated. A saved segment has no built-in
    playbook: its row is the whole of it (`key` is the segment's id)."""

    kind = models.CharField(_("kind"), max_length=8, choices=PlaybookKind.choices)
    key = models.CharField(_("class"), max_length=24)
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, null=True, blank=True, related_name="playbooks"
    )
    description = models.TextField(_("description"), blank=True, default="")
    service_level = models.CharField(
        _("service level"), max_length=12, choices=ServiceLevel.choices, blank=True, default=""
    )
    # 0: no regular contact; None: the built-in frequency.
    contact_every_days = models.PositiveSmallIntegerField(
        _("contact every (days)"), null=True, blank=True
    )
    responsible_role = models.CharField(
        _("responsible role"), max_length=20, blank=True, default=""
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="playbook_kind_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
