"""Personal-data rights (152-FZ, GDPR): consent texts, per-person encryption keys, destruction
acts and retention rules. Consent records themselves live with the contact (accounts.Consent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientbase.accounts.models import ConsentPurpose


class ConsentText(models.Model):
    """The wording a person agreed to: one row per purpose, version and language. Never edited;
    a changed wording is a new version, so every consent record names the exact text it had."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    version = models.CharField(_("version"), max_length=40)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "version", "language"], name="privacy_consent_text_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.version} ({self.language})"


class SubjectKey(models.Model):
    """The AES-256-GCM key that seals one person's values in append-only copies (audit diffs).

    Erasure deletes this row ("crypto-shredding"): the copies stay, byte for byte, but can no
    longer be read by anyone."""

    contact = models.OneToOneField(
        "accounts.Contact", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    key = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subject key")

    def __str__(self) -> str:
        return f"key of contact {self.contact_id}"


class LegalBasis(models.TextChoices):
    SUBJECT_REQUEST = "subject_request", _("Request of the data subject")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    PURPOSE_ACHIEVED = "purpose_achieved", _("Purpose of processing achieved")
    RETENTION_EXPIRED = "retention_expired", _("Retention period expired")
    UNLAWFUL = "unlawful", _("Processing found unlawful")


# The articles each basis rests on, printed on the act.
LEGAL_BASIS_ARTICLES: dict[str, Any] = {
    LegalBasis.SUBJECT_REQUEST: _("152-FZ art. 14, 21(3); GDPR art. 17(1)"),
    LegalBasis.CONSENT_WITHDRAWN: _("152-FZ art. 9(2), 21(5); GDPR art. 17(1)(b)"),
    LegalBasis.PURPOSE_ACHIEVED: _("152-FZ art. 21(4); GDPR art. 17(1)(a)"),
    LegalBasis.RETENTION_EXPIRED: _("152-FZ art. 5(7); GDPR art. 5(1)(e)"),
    LegalBasis.UNLAWFUL: _("152-FZ art. 21(3); GDPR art. 17(1)(d)"),
}


class DestructionAct(models.Model):
    """The destruction log: one row per erased person, printable as the act 152-FZ requires
    (Roskomnadzor order No. 179). It names the person by record id, never by name."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("performed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_type = models.CharField(_("subject type"), max_length=60, default="accounts.contact")
    subject_id = models.BigIntegerField(_("subject id"))
    # The company the person worked for (not personal data), for finding the act later.
    account_id = models.BigIntegerField(_("account id"), null=True, blank=True)
    account_name = models.CharField(_("account"), max_length=300, blank=True, default="")
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    trigger = models.CharField(_("trigger"), max_length=20, default="manual")
    # ["full_name", "email", ...]: which categories of data were destroyed.
    categories: models.JSONField[Any, Any] = models.JSONField(_("categories"), default=list)
    # {"activities": 2, "history": 1, "audit_rows_shredded": 3, ...}
    counts: models.JSONField[Any, Any] = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("destruction act")
        verbose_name_plural = _("destruction acts")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="privacy_act_once_per_subject"
            )
        ]

    def __str__(self) -> str:
        return self.number


class RetentionKind(models.TextChoices):
    INACTIVE_CONTACT = "inactive_contact", _("Contacts with no activity")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Contacts who withdrew consent to processing")


class RetentionRule(models.Model):
    """How long personal data of one kind is kept before the schedule anonymises it."""

    kind = models.CharField(_("kind"), max_length=20, choices=RetentionKind.choices, unique=True)
    days = models.PositiveIntegerField(_("days"))
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.kind}: {self.days} days"
