"""The retention schedule: contacts whose data has been kept past its rule are anonymised.

Rules (privacy.RetentionRule, one per kind):
- inactive_contact: no change to the contact, no activity with them and no consent record for
  `days` days, and no current consent to the processing of personal data;
- consent_withdrawn: the newest consent to the processing of personal data is a withdrawal,
  older than `days` days.
Each expired contact is erased (erasure.erase_contact, trigger "retention") and gets its act;
the run writes one audit row with its counts. Erased contacts are never picked again, so a
second run finds nothing: the job is idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from clientbase.access.models import AuditEvent
from clientbase.access.services import record_audit
from clientbase.accounts.models import Consent, ConsentPurpose, Contact
from clientbase.activities.models import Activity
from clientbase.privacy.erasure import erase_contact
from clientbase.privacy.models import DestructionAct, LegalBasis, RetentionKind, RetentionRule

RUN_ACTION = "privacy.retention_run"


@dataclass
class RetentionOutcome:
    dry_run: bool
    expired: dict[str, list[int]] = field(default_factory=dict)
    acts: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.expired.values())


def _not_erased() -> Q:
    erased = DestructionAct.objects.filter(
        subject_type="accounts.contact", subject_id=OuterRef("pk")
    )
    return ~Q(Exists(erased))


def _latest_personal_data_consent() -> QuerySet[Consent]:
    return Consent.objects.filter(
        contact=OuterRef("pk"), purpose=ConsentPurpose.PERSONAL_DATA
    ).order_by("-at", "-pk")


def inactive_contacts(*, now: dt.datetime, days: int) -> QuerySet[Contact]:
    cutoff = now - dt.timedelta(days=days)
    last_activity = (
        Activity.objects.filter(contact=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    last_consent = Consent.objects.filter(contact=OuterRef("pk")).order_by("-at").values("at")[:1]
    granted = _latest_personal_data_consent().values("granted")[:1]
    return (
        Contact.objects.filter(_not_erased())
        .annotate(
            last_touch=Greatest(
                "updated_at",
                Coalesce(Subquery(last_activity), "updated_at"),
                Coalesce(Subquery(last_consent), "updated_at"),
            ),
            consent_granted=Coalesce(Subquery(granted), False),
        )
        .filter(last_touch__lt=cutoff, consent_granted=False)
    )


def withdrawn_contacts(*, now: dt.datetime, days: int) -> QuerySet[Contact]:
    cutoff = now - dt.timedelta(days=days)
    latest = _latest_personal_data_consent()
    return (
        Contact.objects.filter(_not_erased())
        .annotate(
            latest_granted=Subquery(latest.values("granted")[:1]),
            latest_at=Subquery(latest.values("at")[:1]),
        )
        .filter(latest_granted=False, latest_at__lt=cutoff)
    )


SELECTORS = {
    RetentionKind.INACTIVE_CONTACT: (inactive_contacts, LegalBasis.RETENTION_EXPIRED),
    RetentionKind.CONSENT_WITHDRAWN: (withdrawn_contacts, LegalBasis.CONSENT_WITHDRAWN),
}


def enforce_retention(*, now: dt.datetime, dry_run: bool = False) -> RetentionOutcome:
    """Anonymise every contact past an active rule (the system acts: actor None)."""
    outcome = RetentionOutcome(dry_run=dry_run)
    for rule in RetentionRule.objects.filter(active=True).order_by("kind"):
        select, basis = SELECTORS[RetentionKind(rule.kind)]
        ids = sorted(
            set(select(now=now, days=rule.days).values_list("pk", flat=True))
            - {i for found in outcome.expired.values() for i in found}
        )
        outcome.expired[rule.kind] = ids
        if dry_run:
            continue
        for contact in Contact.objects.filter(pk__in=ids).order_by("pk"):
            act = erase_contact(
                actor=None,
                contact=contact,
                legal_basis=basis,
                reason=f"retention rule {rule.kind}: {rule.days} days",
                trigger="retention",
            )
            outcome.acts.append(act.number)
    if not dry_run:
        with transaction.atomic():
            record_audit(
                actor=None,
                action=RUN_ACTION,
                object_type="privacy.retention",
                changes={
                    "at": now.isoformat(),
                    "erased": {kind: len(ids) for kind, ids in outcome.expired.items()},
                    "acts": outcome.acts,
                },
            )
    return outcome


def run_if_due(*, now: dt.datetime, every_hours: int = 24) -> RetentionOutcome | None:
    """The worker's schedule calls this every minute: a run once per `every_hours`."""
    if every_hours <= 0 or not RetentionRule.objects.filter(active=True).exists():
        return None
    since = now - dt.timedelta(hours=every_hours)
    if AuditEvent.objects.filter(action=RUN_ACTION, at__gt=since).exists():
        return None
    return enforce_retention(now=now)
