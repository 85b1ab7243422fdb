"""Reads about one person: their contact record, consent state and history, everything stored
about them (the subject access export), and the destruction log. Every read takes the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from clientbase.access.models import AuditEvent, User
from clientbase.access.selectors import require, visible_user_ids
from clientbase.accounts.models import Consent, ConsentPurpose, Contact
from clientbase.accounts.selectors import visible_accounts
from clientbase.activities.models import Activity
from clientbase.imports.models import RecordHistory
from clientbase.privacy.identifiers import identifiers_of, mentions
from clientbase.privacy.models import ConsentText, DestructionAct
from clientbase.privacy.sealing import reveal_many
from clientbase.sales.models import Deal

# The rights this app asks `can` / `require` about.
PERSONAL_DATA = "personal_data"
EXPORT = "export"
ERASE = "erase"
DESTRUCTION_ACTS = "destruction_act"
VIEW = "view"


def visible_contacts(*, actor: User) -> QuerySet[Contact]:
    """Contacts of accounts `actor` may see; a contact without an account only for actors who
    see every record."""
    condition = Q(account__in=visible_accounts(actor=actor))
    if actor.is_active and visible_user_ids(actor) is None:
        condition |= Q(account__isnull=True)
    return Contact.objects.filter(condition)


def get_contact(*, actor: User, contact_id: int) -> Contact:
    """One contact, or 404 when it does not exist or the actor may not see it (no oracle)."""
    try:
        return visible_contacts(actor=actor).select_related("account").get(pk=contact_id)
    except Contact.DoesNotExist:
        raise Http404("No such contact") from None


def erasure_act(contact: Contact) -> DestructionAct | None:
    return DestructionAct.objects.filter(
        subject_type="accounts.contact", subject_id=contact.pk
    ).first()


def erased_external_ids(*, source_system: str, external_ids: list[str]) -> set[str]:
    """Which of a source's contact ids belong to people whose data was erased (imports skip
    them, so a re-import does not bring an erased person back)."""
    if not external_ids:
        return set()
    erased = DestructionAct.objects.filter(subject_type="accounts.contact").values("subject_id")
    return set(
        Contact.objects.filter(
            source_system=source_system, external_id__in=external_ids, pk__in=erased
        ).values_list("external_id", flat=True)
    )


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    latest: Consent | None

    @property
    def granted(self) -> bool:
        return self.latest is not None and self.latest.granted


def consent_history(*, actor: User, contact: Contact) -> list[Consent]:
    """Every consent record of the contact, newest first (the caller already sees it)."""
    get_contact(actor=actor, contact_id=contact.pk)
    return list(
        Consent.objects.filter(contact=contact)
        .select_related("consent_text", "recorded_by")
        .order_by("-at", "-pk")
    )


def consent_state(history: list[Consent]) -> list[ConsentState]:
    """The current state per purpose: the newest record wins; no record means not granted."""
    latest: dict[str, Consent] = {}
    for record in history:  # newest first
        latest.setdefault(record.purpose, record)
    return [
        ConsentState(purpose=value, label=str(label), latest=latest.get(value))
        for value, label in ConsentPurpose.choices
    ]


def current_consent_text(*, purpose: str, language: str) -> ConsentText | None:
    """The newest published wording of a purpose in a language."""
    return (
        ConsentText.objects.filter(purpose=purpose, language=language)
        .order_by("-published_at", "-pk")
        .first()
    )


def consent_texts() -> list[ConsentText]:
    return list(ConsentText.objects.order_by("purpose", "language", "-published_at", "-pk"))


# --- The subject access export --------------------------------------------------------------


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _user(user: User | None) -> str | None:
    return user.username if user is not None else None


def subject_data(*, actor: User, contact: Contact) -> dict[str, Any]:
    """Everything stored about one person, as plain JSON-ready data (the right of access,
    152-FZ art. 14, GDPR art. 15). Needs the right to export personal data."""
    require(actor, EXPORT, PERSONAL_DATA)
    contact = get_contact(actor=actor, contact_id=contact.pk)
    consents = consent_history(actor=actor, contact=contact)
    # Linked to the person, or naming them in their text (a call logged on the account).
    ids = identifiers_of(contact)
    activities = list(
        Activity.objects.filter(Q(contact=contact) | mentions(("subject", "outcome"), (), ids))
        .select_related("owner")
        .order_by("pk")
    )
    deals = list(
        Deal.objects.filter(Q(contact=contact) | mentions(("title", "lost_reason"), (), ids))
        .select_related("owner")
        .order_by("pk")
    )
    history = list(
        RecordHistory.objects.filter(model="accounts.contact", object_id=contact.pk).order_by("pk")
    )
    consent_ids = [str(c.pk) for c in consents]
    events = list(
        AuditEvent.objects.filter(
            Q(object_type="accounts.contact", object_id=str(contact.pk))
            | Q(object_type="accounts.consent", object_id__in=consent_ids)
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    revealed = reveal_many([e.changes for e in events])
    act = erasure_act(contact)
    return {
        "format": "clientbase.subject-export/1",
        "generated_at": timezone.now().isoformat(),
        "generated_by": actor.username,
        "subject": {"type": "accounts.contact", "id": contact.pk},
        "erased": act is not None,
        "destruction_act": act.number if act is not None else None,
        "contact": {
            "full_name": contact.full_name,
            "position": contact.position,
            "rank": contact.rank,
            "buying_role": contact.buying_role,
            "phone": contact.phone,
            "email": contact.email,
            "phones": contact.phones,
            "emails": contact.emails,
            "messengers": contact.messengers,
            "preferred_language": contact.preferred_language,
            "source_system": contact.source_system,
            "external_id": contact.external_id,
            "created_at": _iso(contact.created_at),
            "updated_at": _iso(contact.updated_at),
        },
        "account": (
            {"id": contact.account.pk, "name": contact.account.display_name}
            if contact.account is not None
            else None
        ),
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "at": _iso(c.at),
                "channel": c.channel,
                "text_version": c.text_version,
                "language": c.language,
                "text": c.consent_text.text if c.consent_text is not None else None,
                "recorded_by": _user(c.recorded_by),
            }
            for c in consents
        ],
        "activities": [
            {
                "id": a.pk,
                "kind": a.kind,
                "status": a.status,
                "subject": a.subject,
                "outcome": a.outcome,
                "due_at": _iso(a.due_at),
                "done_at": _iso(a.done_at),
                "account_id": a.account_id,
                "deal_id": a.deal_id,
                "owner": _user(a.owner),
            }
            for a in activities
        ],
        "deals": [
            {
                "id": d.pk,
                "title": d.title,
                "status": d.status,
                "account_id": d.account_id,
                "owner": _user(d.owner),
                "created_at": _iso(d.created_at),
            }
            for d in deals
        ],
        "import_history": [
            {"batch_id": h.batch_id, "field": h.field, "old": h.old, "new": h.new} for h in history
        ],
        "audit": [
            {
                "at": _iso(e.at),
                "actor": _user(e.actor),
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "changes": changes,
            }
            for e, changes in zip(events, revealed, strict=True)
        ],
    }


# --- The destruction log --------------------------------------------------------------------


def destruction_acts(*, actor: User) -> list[DestructionAct]:
    require(actor, VIEW, DESTRUCTION_ACTS)
    return list(DestructionAct.objects.select_related("actor").order_by("-at", "-pk"))


def get_destruction_act(*, actor: User, act_id: int) -> DestructionAct:
    require(actor, VIEW, DESTRUCTION_ACTS)
    try:
        return DestructionAct.objects.select_related("actor").get(pk=act_id)
    except DestructionAct.DoesNotExist:
        raise Http404("No such act") from None
