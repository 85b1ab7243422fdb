"""The client base: client companies and the people in them. The single source of truth."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientbase.core.models import Provenance, TimeStamped


class LifecycleStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    LOST = "lost", pgettext_lazy("account status", "Lost")
    FORMER = "former", _("Former")


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro (1–9)")
    SMALL = "small", _("Small (10–49)")
    MEDIUM = "medium", _("Medium (50–249)")
    LARGE = "large", _("Large (250–999)")
    ENTERPRISE = "enterprise", _("Enterprise (1000+)")


class TaxIdKind(models.TextChoices):
    RU_INN = "ru_inn", _("INN (Russia)")
    RU_KPP = "ru_kpp", _("KPP (Russia)")
    RU_OGRN = "ru_ogrn", _("OGRN (Russia)")
    IR_NATIONAL_ID = "ir_national_id", _("National ID (Iran)")
    IR_ECONOMIC_CODE = "ir_economic_code", _("Economic code (Iran)")
    EU_VAT = "eu_vat", _("VAT number (EU)")
    OTHER = "other", _("Other")


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes / no")
    CHOICE = "choice", _("Choice")


# The account fields people edit (forms, imports, merges): one list, in display order.
ACCOUNT_FIELDS: tuple[str, ...] = (
    "legal_name",
    "display_name",
    "aliases",
    "industry",
    "size_band",
    "country",
    "region",
    "city",
    "address",
    "time_zone",
    "work_starts",
    "work_ends",
    "website",
    "phone",
    "email",
    "status",
    "owner",
    "account_manager",
    "source_channel",
    "source_campaign",
    "custom",
)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class CustomFieldDefinition(models.Model):
    """A declared custom field; values live in Account.custom and are checked against this."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=120)
    type = models.CharField(_("type"), max_length=10, choices=CustomFieldType.choices)
    choices: models.JSONField[Any, Any] = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("custom field")

    def __str__(self) -> str:
        return self.label


class Account(Provenance, TimeStamped):
    legal_name = models.CharField(_("legal name"), max_length=300)
    display_name = models.CharField(_("name"), max_length=200)
    # Folded (case, script, ё/е, ی/ي) name and aliases, for search.
    search_name = models.CharField(max_length=600, editable=False, default="")
    aliases: models.JSONField[Any, Any] = models.JSONField(_("aliases"), default=list, blank=True)
    industry = models.CharField(_("industry"), max_length=80, blank=True, default="")
    size_band = models.CharField(
        _("size"), max_length=12, choices=SizeBand.choices, blank=True, default=""
    )
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    region = models.CharField(_("region"), max_length=120, blank=True, default="")
    city = models.CharField(_("city"), max_length=120, blank=True, default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    work_starts = models.TimeField(_("working hours from"), null=True, blank=True)
    work_ends = models.TimeField(_("working hours to"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")  # E.164
    email = models.EmailField(_("e-mail"), blank=True, default="")  # lower-cased
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LifecycleStatus.choices,
        default=LifecycleStatus.PROSPECT,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_accounts",
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_accounts",
    )
    source_channel = models.ForeignKey(
        "marketing.Channel",
        verbose_name=_("acquisition channel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_campaign = models.ForeignKey(
        "marketing.Campaign",
        verbose_name=_("acquisition campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    custom: models.JSONField[Any, Any] = models.JSONField(
        _("custom fields"), default=dict, blank=True
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="accounts")
    # Set when this account was merged into another: the row stays as a tombstone that keeps
    # its provenance (so re-imports still find it) and resolves to the survivor.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=True,
        related_name="merged_from",
    )

    class Meta(Provenance.Meta):
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        # Each list sort is (column, id) so keyset pagination is one index range scan.
        indexes = [
            models.Index(fields=["display_name", "id"], name="acc_name_id_idx"),
            models.Index(fields=["city", "id"], name="acc_city_id_idx"),
            models.Index(fields=["status", "id"], name="acc_status_id_idx"),
            models.Index(fields=["created_at", "id"], name="acc_created_id_idx"),
            models.Index(fields=["owner", "display_name", "id"], name="acc_owner_name_idx"),
            models.Index(fields=["account_manager", "display_name"], name="acc_am_name_idx"),
            models.Index(fields=["search_name"], name="acc_search_name_idx"),
            models.Index(fields=["phone"], name="acc_phone_idx"),
            models.Index(fields=["email"], name="acc_email_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name


class TaxIdentifier(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tax_ids")
    kind = models.CharField(_("kind"), max_length=20, choices=TaxIdKind.choices)
    value = models.CharField(_("value"), max_length=32, db_index=True)

    class Meta:
        verbose_name = _("tax identifier")
        verbose_name_plural = _("tax identifiers")
        constraints = [
            models.UniqueConstraint(fields=["account", "kind"], name="accounts_taxid_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class BuyingRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    ADVISOR = "advisor", _("Advisor")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")


class Contact(Provenance, TimeStamped):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", null=True, blank=True
    )
    full_name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False, default="")
    position = models.CharField(_("position"), max_length=120, blank=True, default="")
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=3, help_text=_("1 = top management … 5 = staff")
    )
    buying_role = models.CharField(
        _("buying role"), max_length=16, choices=BuyingRole.choices, blank=True, default=""
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="", db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, default="", db_index=True)
    # Further phones (E.164), e-mails and messenger handles, e.g. {"telegram": "@x"}.
    phones: models.JSONField[Any, Any] = models.JSONField(_("phones"), default=list, blank=True)
    emails: models.JSONField[Any, Any] = models.JSONField(_("e-mails"), default=list, blank=True)
    messengers: models.JSONField[Any, Any] = models.JSONField(
        _("messengers"), default=dict, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, blank=True, default=""
    )

    class Meta(Provenance.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["account", "rank"], name="contact_account_rank_idx")]

    def __str__(self) -> str:
        return self.full_name


class ConsentPurpose(models.TextChoices):
    MARKETING_EMAIL = "marketing_email", _("Marketing e-mails")
    CALLS = "calls", _("Sales calls")
    PERSONAL_DATA = "personal_data", _("Processing of personal data")


class Consent(models.Model):
    """A versioned consent record: never edited, a newer row supersedes an older one."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("channel"), max_length=40, blank=True, default="")
    text_version = models.CharField(_("text version"), max_length=40, blank=True, default="")
    # The exact wording agreed to (privacy.ConsentText), its language, and who recorded it.
    language = models.CharField(_("language"), max_length=5, blank=True, default="")
    consent_text = models.ForeignKey(
        "privacy.ConsentText",
        verbose_name=_("consent text"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["contact", "purpose", "-at"], name="consent_latest_idx")]

    def __str__(self) -> str:
        return f"{self.purpose}={self.granted}"


class MergeRecord(models.Model):
    """One merge of `merged` into `survivor`, with everything needed to undo it exactly."""

    survivor = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("survivor")
    )
    merged = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged account")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # {"phone": "merged", ...}: the choice made (explicit or by survivorship) for each field.
    field_choices: models.JSONField[Any, Any] = models.JSONField(_("field choices"), default=dict)
    survivor_before: models.JSONField[Any, Any] = models.JSONField(default=dict)
    merged_before: models.JSONField[Any, Any] = models.JSONField(default=dict)
    # {"orders": [ids], "deals": [...], "activities": [...], "contacts": [...],
    #  "tax_ids": [...], "tags": [...], "consents": [...]}
    moved: models.JSONField[Any, Any] = models.JSONField(default=dict)
    # Tax ids of the merged account that conflicted with the survivor's: [{"kind", "value"}].
    tax_id_conflicts: models.JSONField[Any, Any] = models.JSONField(default=list)
    candidate = models.ForeignKey(
        "identity.DuplicateCandidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("account merge")

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"
