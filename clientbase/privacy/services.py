"""Writes about personal data: consent texts and records, the audited subject export, retention
rules. Erasure lives in erasure.py and the retention schedule in retention.py (size)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from clientbase.access.models import Role, User
from clientbase.access.services import record_audit
from clientbase.accounts.models import Consent, ConsentPurpose, Contact
from clientbase.accounts.selectors import require_workable_account
from clientbase.privacy.models import ConsentText, RetentionKind, RetentionRule
from clientbase.privacy.selectors import (
    erasure_act,
    get_contact,
    subject_data,
)

LANGUAGE_CODES = ("en", "ru", "fa")
CHANNEL_MAX = 40


def publish_consent_text(
    *, actor: User | None, purpose: str, version: str, language: str, text: str
) -> ConsentText:
    """A new wording of a consent. Published texts are never edited: a new one is a new version."""
    version = version.strip()
    text = text.strip()
    errors: dict[str, str] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = f"choose one of {', '.join(ConsentPurpose.values)}"
    if language not in LANGUAGE_CODES:
        errors["language"] = f"choose one of {', '.join(LANGUAGE_CODES)}"
    if not version or len(version) > 40:
        errors["version"] = "give a version of 1 to 40 characters"
    if not text:
        errors["text"] = "the text may not be empty"
    if errors:
        raise ValidationError(errors)
    if actor is not None and not actor.is_superuser and actor.role != Role.ADMIN:
        raise PermissionDenied("Only an administrator may publish consent texts.")
    with transaction.atomic():
        if ConsentText.objects.filter(purpose=purpose, version=version, language=language).exists():
            raise ValidationError(
                {"version": f"version {version!r} of this text in {language} already exists"}
            )
        published = ConsentText.objects.create(
            purpose=purpose, version=version, language=language, text=text
        )
        record_audit(
            actor=actor,
            action="consent_text.publish",
            obj=published,
            changes={"purpose": purpose, "version": version, "language": language},
        )
    return published


def _require_writable_contact(actor: User | None, contact: Contact) -> None:
    if actor is None:
        return
    get_contact(actor=actor, contact_id=contact.pk)  # 404 when not visible
    if contact.account is not None:
        require_workable_account(actor=actor, account=contact.account, action="change")


def record_consent(
    *,
    actor: User | None,
    contact: Contact,
    purpose: str,
    granted: bool,
    channel: str,
    language: str,
    version: str = "",
    at: dt.datetime | None = None,
) -> Consent:
    """A new consent record (grant or withdrawal) for one purpose. Records are never edited: the
    newest one per purpose is the current state, and the older ones stay as history.

    A grant names the exact text agreed to (the given version, or the newest published one in
    that language); a withdrawal needs no text."""
    _require_writable_contact(actor, contact)
    channel = channel.strip()
    errors: dict[str, str] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = f"choose one of {', '.join(ConsentPurpose.values)}"
    if language not in LANGUAGE_CODES:
        errors["language"] = f"choose one of {', '.join(LANGUAGE_CODES)}"
    if not channel or len(channel) > CHANNEL_MAX:
        errors["channel"] = f"say how the consent was given (1 to {CHANNEL_MAX} characters)"
    when = at or timezone.now()
    if timezone.is_naive(when):
        errors["at"] = "give a time with a time zone"
    elif when > timezone.now() + dt.timedelta(minutes=5):
        errors["at"] = "a consent cannot be dated in the future"
    if errors:
        raise ValidationError(errors)
    texts = ConsentText.objects.filter(purpose=purpose, language=language)
    text = (
        texts.filter(version=version).first()
        if version
        else texts.order_by("-published_at", "-pk").first()
    )
    if text is None and (granted or version):
        raise ValidationError(
            {
                "version": (
                    f"no consent text {version!r} for {purpose} in {language}"
                    if version
                    else f"publish a consent text for {purpose} in {language} first"
                )
            }
        )
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if erasure_act(locked) is not None:
            raise ValidationError({"contact": "this person's data was erased"})
        consent = Consent.objects.create(
            contact=locked,
            purpose=purpose,
            granted=granted,
            at=when,
            channel=channel,
            language=language,
            text_version=text.version if text is not None else "",
            consent_text=text,
            recorded_by=actor,
        )
        record_audit(
            actor=actor,
            action="consent.grant" if granted else "consent.withdraw",
            obj=consent,
            changes={
                "contact": locked.pk,
                "purpose": purpose,
                "granted": granted,
                "at": when.isoformat(),
                "channel": channel,
                "language": language,
                "text_version": consent.text_version,
            },
        )
    return consent


def export_subject_data(*, actor: User, contact: Contact, fmt: str) -> dict[str, Any]:
    """Everything stored about the person (see selectors.subject_data), with the export itself
    audited: who took a copy of whose data, when, in which format."""
    if fmt not in ("json", "html"):
        raise ValidationError({"format": "choose json or html"})
    data = subject_data(actor=actor, contact=contact)
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="privacy.subject_export",
            obj=contact,
            changes={
                "format": fmt,
                "consents": len(data["consents"]),
                "activities": len(data["activities"]),
                "deals": len(data["deals"]),
                "audit": len(data["audit"]),
            },
        )
    return data


def set_retention_rule(
    *, actor: User | None, kind: str, days: int, active: bool = True
) -> RetentionRule:
    """How many days personal data of `kind` is kept before the schedule anonymises it."""
    if kind not in RetentionKind.values:
        raise ValidationError({"kind": f"choose one of {', '.join(RetentionKind.values)}"})
    if days < 1:
        raise ValidationError({"days": "keep data at least one day"})
    if actor is not None and not actor.is_superuser and actor.role != Role.ADMIN:
        raise PermissionDenied("Only an administrator may change retention rules.")
    with transaction.atomic():
        rule = RetentionRule.objects.select_for_update().filter(kind=kind).first()
        before = (rule.days, rule.active) if rule is not None else (None, None)
        if rule is None:
            rule = RetentionRule.objects.create(kind=kind, days=days, active=active)
        else:
            rule.days = days
            rule.active = active
            rule.save(update_fields=["days", "active", "updated_at"])
        if before != (days, active):
            record_audit(
                actor=actor,
                action="privacy.retention_rule",
                obj=rule,
                changes={"kind": kind, "days": [before[0], days], "active": [before[1], active]},
            )
    return rule
