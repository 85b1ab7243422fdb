"""Erasure: a person's data anonymised everywhere it is kept, with a destruction act.

What happens, in one transaction:
- the contact's identifying fields are replaced (name → "[erased]", phones, e-mails, messengers
  and position emptied) and its search key cleared; the account's name keys are refreshed, so
  identity resolution (which reads contact phones and e-mails) no longer knows them;
- field history (import history rows of the contact) is masked, and every other copy the app
  keeps in free text (activity subjects and outcomes, deal titles, parked import rows, merge
  snapshots, saved export filters) has the person's name, e-mail and phones replaced;
- the person's encryption key is destroyed, so every sealed copy in the append-only audit trail
  becomes unreadable ("[erased]") without rewriting an audit row;
- orders, deals and activities themselves stay: totals and history of the company are intact;
- a DestructionAct row is written (what, when, who, legal basis), printable as the act.
It cannot be undone.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from clientbase.access.models import AuditEvent, User
from clientbase.access.selectors import require
from clientbase.access.services import record_audit
from clientbase.accounts.models import Contact, MergeRecord
from clientbase.activities.models import Activity
from clientbase.exports.models import Export
from clientbase.identity.name_index import refresh_name_keys
from clientbase.imports.models import ParkedRow, RecordHistory
from clientbase.privacy.identifiers import Identifiers, identifiers_of, mentions
from clientbase.privacy.models import DestructionAct, LegalBasis
from clientbase.privacy.sealing import ERASED, PERSONAL_FIELDS, shred
from clientbase.privacy.selectors import ERASE, PERSONAL_DATA, erasure_act, get_contact
from clientbase.sales.models import Deal

# Where else the app keeps free text that may name a person: (model, text fields, JSON fields).
FREE_TEXT: tuple[tuple[type[models.Model], tuple[str, ...], tuple[str, ...]], ...] = (
    (Activity, ("subject", "outcome"), ()),
    (Deal, ("title", "lost_reason"), ()),
    (RecordHistory, (), ("old", "new")),
    (ParkedRow, (), ("raw", "errors")),
    (MergeRecord, (), ("survivor_before", "merged_before")),
    (Export, ("message",), ("filter",)),
)

CATEGORIES = ("full_name", "position", "phone", "email", "phones", "emails", "messengers")


def _scrub_text(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(ERASED, text)


def _scrub_json(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return _scrub_text(value, pattern)
    if isinstance(value, list):
        return [_scrub_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, pattern) for k, v in value.items()}
    return value


def _scrub_free_text(ids: Identifiers, contact: Contact) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not ids.values:
        return counts
    pattern = ids.pattern
    for model, fields, json_fields in FREE_TEXT:
        rows = model._default_manager.annotate(
            **{f"_text_{f}": Cast(f, TextField()) for f in json_fields}
        ).filter(mentions(fields, json_fields, ids))
        changed = 0
        for row in rows.select_for_update(of=("self",)):
            updates: list[str] = []
            for field in fields:
                before = getattr(row, field)
                after = _scrub_text(before, pattern)
                if after != before:
                    setattr(row, field, after)
                    updates.append(field)
            for field in json_fields:
                before = getattr(row, field)
                after = _scrub_json(before, pattern)
                if after != before:
                    setattr(row, field, after)
                    updates.append(field)
            if updates:
                row.save(update_fields=updates)
                changed += 1
        counts[model._meta.label_lower] = changed
    return counts


def _mask_history(contact: Contact) -> int:
    """The contact's own field history: personal fields' old and new values masked."""
    return RecordHistory.objects.filter(
        model="accounts.contact", object_id=contact.pk, field__in=sorted(PERSONAL_FIELDS)
    ).update(old=ERASED, new=ERASED)


def _anonymise(contact: Contact) -> list[str]:
    """Replace the identifying fields; the categories that held something."""
    held = [name for name in CATEGORIES if getattr(contact, name)]
    contact.full_name = ERASED
    contact.search_name = ""
    contact.position = ""
    contact.phone = ""
    contact.email = ""
    contact.phones = []
    contact.emails = []
    contact.messengers = {}
    contact.save(
        update_fields=[
            "full_name",
            "search_name",
            "position",
            "phone",
            "email",
            "phones",
            "emails",
            "messengers",
            "updated_at",
        ]
    )
    return held


def _audit_copies(contact: Contact, ids: Identifiers) -> tuple[int, int]:
    """(audit rows about the person, of them rows still holding a plain copy). Plain copies
    exist only from before values were sealed; the append-only trail keeps them until its own
    retention ends, and the act says how many."""
    about = AuditEvent.objects.filter(object_type="accounts.contact", object_id=str(contact.pk))
    plain = 0
    if ids.values:
        plain = (
            AuditEvent.objects.annotate(_text_changes=Cast("changes", TextField()))
            .filter(mentions((), ("changes",), ids))
            .count()
        )
    return about.count(), plain


def erase_contact(
    *,
    actor: User | None,
    contact: Contact,
    legal_basis: str,
    reason: str = "",
    trigger: str = "manual",
) -> DestructionAct:
    """Anonymise one person everywhere and write the destruction act. Irreversible.

    A person needs the right to erase personal data and must see the contact; actor None is the
    retention schedule."""
    if actor is not None:
        require(actor, ERASE, PERSONAL_DATA)
        get_contact(actor=actor, contact_id=contact.pk)
    if legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": f"choose one of {', '.join(LegalBasis.values)}"})
    reason = reason.strip()
    if len(reason) > 300:
        raise ValidationError({"reason": "keep the reason under 300 characters"})
    with transaction.atomic():
        locked = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("account")
            .get(pk=contact.pk)
        )
        if erasure_act(locked) is not None:
            raise ValidationError({"contact": "this person's data was already erased"})
        ids = identifiers_of(locked)
        reason = _scrub_text(reason, ids.pattern) if ids.values else reason
        categories = _anonymise(locked)
        counts = {"history_masked": _mask_history(locked)}
        counts.update(_scrub_free_text(ids, locked))
        if locked.account_id is not None:
            refresh_name_keys(account_ids=[locked.account_id])
        audit_rows, plain_rows = _audit_copies(locked, ids)
        counts["audit_rows_sealed"] = audit_rows
        counts["audit_rows_plain"] = plain_rows
        counts["key_destroyed"] = int(shred(locked.pk))
        act = DestructionAct.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            at=timezone.now(),
            actor=actor,
            subject_type="accounts.contact",
            subject_id=locked.pk,
            account_id=locked.account_id,
            account_name=(
                _scrub_text(locked.account.legal_name, ids.pattern)
                if locked.account is not None and ids.values
                else (locked.account.legal_name if locked.account is not None else "")
            ),
            legal_basis=legal_basis,
            reason=reason,
            trigger=trigger,
            categories=categories,
            counts=counts,
        )
        act.number = f"PD-{act.at:%Y}-{act.pk:06d}"
        act.save(update_fields=["number"])
        record_audit(
            actor=actor,
            action="privacy.erase",
            obj=locked,
            changes={
                "act": act.number,
                "legal_basis": legal_basis,
                "trigger": trigger,
                "categories": categories,
                "counts": counts,
            },
        )
    return act
