"""Our own organisation: company settings, departments, teams, users, and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The keys of the nine built-in roles (roles themselves are data: RoleDefinition)."""

    ADMIN = "admin", _("Administrator")
    DIRECTOR = "director", _("Sales director")
    TEAM_LEAD = "team_lead", _("Team lead")
    REP = "rep", _("New-business rep")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")


class Scope(models.TextChoices):
    OWN = "own", _("Own records")
    TEAM = "team", _("Team, including sub-teams")
    DEPARTMENT = "department", _("Department")
    ALL = "all", _("All records")


class DepartmentKind(models.TextChoices):
    NEW_BUSINESS = "new_business", _("New business (sales forces)")
    AFTER_SALES = "after_sales", _("After-sales / account management")
    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service")
    FINANCE = "finance", _("Finance")


class CompanySettings(models.Model):
    """Our own company. A single row (pk=1)."""

    name = models.CharField(_("company name"), max_length=200, default="clientbase")
    base_currency = models.CharField(_("base currency"), max_length=3, default="RUB")
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in"), default=1
    )
    default_time_zone = models.CharField(_("default time zone"), max_length=64, default="UTC")

    class Meta:
        verbose_name = _("company settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="access_company_fiscal_month_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)

    class Meta:
        verbose_name = _("department")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class RoleDefinition(models.Model):
    """A role as data: per object type, actions with a record scope; and the restricted fields
    it may see (see clientbase.access.roles). `User.role` holds the `key`."""

    key = models.SlugField(_("key"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    builtin = models.BooleanField(_("built in"), default=False)
    grants: models.JSONField[Any, Any] = models.JSONField(_("grants"), default=dict, blank=True)
    fields: models.JSONField[Any, Any] = models.JSONField(
        _("visible restricted fields"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("role")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    # The key of a RoleDefinition (a plain string: settings elsewhere are keyed by it).
    role = models.CharField(_("role"), max_length=20, default=Role.REP)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        verbose_name = _("user")

    def get_role_display(self) -> str:
        """The role's name (roles are data, so not a field choice)."""
        from clientbase.access.selectors import role_label

        return role_label(self.role, self)


class AuditEvent(models.Model):
    """One row per write (and per view of an account page), written inside the same
    transaction as the write itself. Append-only: database triggers reject UPDATE and DELETE
    (see clientbase/access/audit_trail.py and docs/security.md, "Audit trail"). Rows form a
    hash chain in `seq` order: each row's `hash` covers its content and `prev_hash`."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40, blank=True, default="")
    changes: models.JSONField[Any, Any] = models.JSONField(_("changes"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="access_audit_object_idx"),
            models.Index(fields=["actor", "seq"], name="access_audit_actor_seq_idx"),
            models.Index(fields=["action", "seq"], name="access_audit_action_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
