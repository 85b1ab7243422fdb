"""A pair of duplicate accounts with something of every kind attached, for the merge tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from clientbase.access.models import User
from clientbase.accounts.merging import snapshot
from clientbase.accounts.models import Account, Consent, Contact, Tag, TaxIdentifier
from clientbase.accounts.services import create_contact
from clientbase.activities.models import Activity
from clientbase.sales.models import Deal, Order, Pipeline, PipelineKind, Stage


@dataclass
class Pair:
    survivor: Account
    merged: Account


def attach_everything(account: Account, label: str) -> None:
    """Two orders, a deal, an activity, a contact with a consent and a tag, all on `account`."""
    pipeline, _ = Pipeline.objects.get_or_create(name="Sales", kind=PipelineKind.NEW_BUSINESS)
    stage, _ = Stage.objects.get_or_create(pipeline=pipeline, position=1, name="Lead")
    for n in range(2):
        Order.objects.create(account=account, number=f"{label}-{n}", date=dt.date(2025, 1, 1 + n))
    contact = create_contact(actor=None, account=account, full_name=f"Person {label}")
    Consent.objects.create(contact=contact, purpose="calls", granted=True, at=timezone.now())
    Deal.objects.create(
        title=f"Deal {label}",
        account=account,
        contact=contact,
        pipeline=pipeline,
        stage=stage,
        opened_at=timezone.now(),
    )
    Activity.objects.create(kind="call", subject=f"Call {label}", account=account)
    account.tags.add(Tag.objects.get_or_create(name=f"tag-{label}")[0])


def make_pair(make_account: Callable[..., Account], owner: User | None) -> Pair:
    survivor = make_account(owner=owner, legal_name="ООО «Ромашка»", display_name="Ромашка")
    merged = make_account(
        owner=owner, legal_name="Romashka LLC", display_name="Romashka", city="Казань"
    )
    TaxIdentifier.objects.create(account=survivor, kind="ru_inn", value="7701234567")
    TaxIdentifier.objects.create(account=merged, kind="ru_inn", value="7709999999")
    TaxIdentifier.objects.create(account=merged, kind="ru_kpp", value="770101001")
    attach_everything(survivor, "s")
    attach_everything(merged, "m")
    Tag.objects.get_or_create(name="shared")
    survivor.tags.add(Tag.objects.get(name="shared"))
    merged.tags.add(Tag.objects.get(name="shared"))
    return Pair(Account.objects.get(pk=survivor.pk), Account.objects.get(pk=merged.pk))


def related_ids(account: Account) -> dict[str, Any]:
    """Every related row of `account`, by kind: what a merge moves and an undo puts back."""
    contacts = sorted(Contact.objects.filter(account=account).values_list("pk", flat=True))
    return {
        "orders": sorted(Order.objects.filter(account=account).values_list("pk", flat=True)),
        "deals": sorted(Deal.objects.filter(account=account).values_list("pk", flat=True)),
        "activities": sorted(Activity.objects.filter(account=account).values_list("pk", flat=True)),
        "contacts": contacts,
        "consents": sorted(
            Consent.objects.filter(contact_id__in=contacts).values_list("pk", flat=True)
        ),
        "tax_ids": sorted(
            TaxIdentifier.objects.filter(account=account).values_list("pk", flat=True)
        ),
        "tags": sorted(account.tags.values_list("pk", flat=True)),
    }


def state(*accounts: Account) -> list[Any]:
    """Full snapshots and related ids of the accounts, to compare before and after."""
    return [(snapshot(a), related_ids(a)) for a in accounts]
