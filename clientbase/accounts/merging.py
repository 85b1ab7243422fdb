"""Merging a duplicate account into its survivor, and undoing that merge exactly.

The merged-away account stays as a tombstone (`merged_into` set) that keeps its provenance,
so a re-import from its source system still finds it and lands on the survivor. Everything
needed to undo is kept in a MergeRecord: both accounts' full rows before, and the ids of
every related row that moved.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.selectors import owned_by_visible
from clientbase.access.services import record_audit
from clientbase.accounts.models import (
    ACCOUNT_FIELDS,
    Account,
    Consent,
    Contact,
    MergeRecord,
    TaxIdentifier,
)
from clientbase.accounts.selectors import resolve_account_id
from clientbase.activities.models import Activity
from clientbase.core.text import fold
from clientbase.identity.name_index import refresh_name_keys
from clientbase.sales.models import Deal, Order

# Which source wins a field when nobody chose: typed in by hand (no source system) first,
# then the ERP, then the old CRM; any other source ranks after these, equally.
SOURCE_PRIORITY: tuple[str, ...] = ("", "1c", "bitrix24")
# Fields survivorship decides; names go to aliases, tags/tax ids/related rows are unioned.
MERGE_FIELDS: tuple[str, ...] = tuple(f for f in ACCOUNT_FIELDS if f != "aliases")
CHOICES = ("survivor", "merged")
# Related rows that follow their account: key in MergeRecord.moved -> model.
_MOVED: dict[str, type[Model]] = {
    "orders": Order,
    "deals": Deal,
    "activities": Activity,
    "contacts": Contact,
}


def snapshot(account: Account) -> dict[str, Any]:
    """The account's whole row plus its tags and tax ids, as JSON (the undo target)."""
    row = Account.objects.filter(pk=account.pk).values(
        *[f.attname for f in Account._meta.concrete_fields]
    )[0]
    row["tags"] = sorted(account.tags.values_list("pk", flat=True))
    row["tax_ids"] = sorted(
        [pk, kind, value]
        for pk, kind, value in TaxIdentifier.objects.filter(account=account).values_list(
            "pk", "kind", "value"
        )
    )
    loaded: dict[str, Any] = json.loads(json.dumps(row, cls=DjangoJSONEncoder))
    return loaded


def _columns(data: dict[str, Any]) -> dict[str, Any]:
    """A snapshot back as model values for `QuerySet.update` (which leaves updated_at alone)."""
    values: dict[str, Any] = {}
    for f in Account._meta.concrete_fields:
        if f.primary_key:
            continue
        raw = data[f.attname]
        values[f.attname] = raw if raw is None else f.to_python(raw)
    return values


def _attname(field: str) -> str:
    return str(Account._meta.get_field(field).attname)  # type: ignore[union-attr]


def _rank(source_system: str) -> int:
    try:
        return SOURCE_PRIORITY.index(source_system)
    except ValueError:
        return len(SOURCE_PRIORITY)


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def choose_field(field: str, survivor: Account, merged: Account) -> str:
    """Survivorship for one field: 'survivor' or 'merged'.

    An empty value never overwrites a filled one (it carries no information); between two
    filled values the better source wins, then the more recently updated record.
    """
    attname = _attname(field)
    mine, theirs = getattr(survivor, attname), getattr(merged, attname)
    if mine == theirs or _empty(theirs):
        return "survivor"
    if _empty(mine):
        return "merged"
    rank_s, rank_m = _rank(survivor.source_system), _rank(merged.source_system)
    if rank_s != rank_m:
        return "survivor" if rank_s < rank_m else "merged"
    return "merged" if merged.updated_at > survivor.updated_at else "survivor"


def choose_survivor(a: Account, b: Account) -> tuple[Account, Account]:
    """(survivor, merged) for an automatic merge: the older account, then the one with more
    orders, then the lower id."""

    def key(acc: Account) -> tuple[Any, int, int]:
        return (acc.created_at, -Order.objects.filter(account=acc).count(), acc.pk)

    first, second = sorted([a, b], key=key)
    return first, second


def _ensure_mergeable(actor: User | None, survivor: Account, merged: Account) -> None:
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": _("An account cannot be merged into itself.")})
    for role, acc in (("survivor", survivor), ("merged", merged)):
        if acc.merged_into_id is not None:
            raise ValidationError(
                {
                    role: _("Account %(id)s was already merged into account %(into)s.")
                    % {"id": acc.pk, "into": acc.merged_into_id}
                }
            )
    if actor is not None:
        visible = Account.objects.filter(owned_by_visible(actor, "owner", "account_manager"))
        if visible.filter(pk__in=[survivor.pk, merged.pk]).count() != 2:
            raise PermissionDenied(_("You may only merge accounts you can see."))


def _merged_aliases(survivor: Account, merged: Account, legal: str, display: str) -> list[str]:
    """Every name either account went by, except the two the survivor now carries."""
    aliases: list[str] = []
    taken = {fold(legal), fold(display)}
    names = [*(survivor.aliases or []), survivor.legal_name, survivor.display_name]
    names += [merged.legal_name, merged.display_name, *(merged.aliases or [])]
    for name in names:
        if isinstance(name, str) and name and fold(name) not in taken:
            aliases.append(name)
            taken.add(fold(name))
    return aliases


def merge_accounts(
    *,
    actor: User | None,
    survivor: Account,
    merged: Account,
    field_choices: dict[str, str] | None = None,
    candidate: Any = None,
) -> MergeRecord:
    """Merge `merged` into `survivor`: every related row moves, `merged` becomes a tombstone.

    `field_choices` maps a field to "survivor" or "merged"; other fields follow survivorship
    (see `choose_field`). `actor=None` is the system (the auto-merge command).
    """
    from clientbase.identity.models import CandidateStatus, DuplicateCandidate

    field_choices = dict(field_choices or {})
    errors = {
        f: _("Choose 'survivor' or 'merged', not %(v)r.") % {"v": v}
        for f, v in field_choices.items()
        if v not in CHOICES
    }
    errors.update(
        {
            f: _("This field cannot be chosen in a merge.")
            for f in field_choices
            if f not in MERGE_FIELDS
        }
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = {
            a.pk: a
            for a in Account.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
        }
        if len(locked) != (1 if survivor.pk == merged.pk else 2):
            raise ValidationError({"merged": _("One of the two accounts no longer exists.")})
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        _ensure_mergeable(actor, survivor, merged)
        pair = sorted([survivor.pk, merged.pk])
        if candidate is not None:
            ends = sorted(resolve_account_id(i) for i in (candidate.left_id, candidate.right_id))
            if ends != pair:
                raise ValidationError(
                    {
                        "candidate": _("Candidate %(id)s is about other accounts.")
                        % {"id": candidate.pk}
                    }
                )
        survivor_before, merged_before = snapshot(survivor), snapshot(merged)

        choices = {
            f: field_choices.get(f) or choose_field(f, survivor, merged) for f in MERGE_FIELDS
        }
        updates: dict[str, Any] = {}
        for f, choice in choices.items():
            attname = _attname(f)
            if choice == "merged":
                updates[attname] = getattr(merged, attname)
        if "custom" not in field_choices:  # per key: fill the survivor's blanks
            custom = dict(merged.custom or {})
            custom.update({k: v for k, v in (survivor.custom or {}).items() if not _empty(v)})
            updates["custom"] = custom
        aliases = _merged_aliases(
            survivor,
            merged,
            updates.get("legal_name", survivor.legal_name),
            updates.get("display_name", survivor.display_name),
        )
        for attname, value in updates.items():
            setattr(survivor, attname, value)
        survivor.aliases = aliases
        names = [survivor.display_name, survivor.legal_name, *survivor.aliases]
        survivor.search_name = fold(" ".join(names))[:600]
        updates.update(aliases=survivor.aliases, search_name=survivor.search_name)
        updates["updated_at"] = timezone.now()
        Account.objects.filter(pk=survivor.pk).update(**updates)

        moved: dict[str, list[int]] = {}
        for key, model in _MOVED.items():
            rows: QuerySet[Any] = model._default_manager.filter(account_id=merged.pk)
            moved[key] = sorted(rows.values_list("pk", flat=True))
            rows.update(account_id=survivor.pk)
        moved["consents"] = sorted(
            Consent.objects.filter(contact_id__in=moved["contacts"]).values_list("pk", flat=True)
        )
        # Tax ids: one per kind. A kind the survivor lacks moves; a conflicting value stays on
        # the tombstone and is recorded.
        own = dict(TaxIdentifier.objects.filter(account=survivor).values_list("kind", "value"))
        theirs = TaxIdentifier.objects.filter(account=merged)
        moved["tax_ids"] = sorted(theirs.exclude(kind__in=own).values_list("pk", flat=True))
        conflicts = [
            {"kind": kind, "value": value, "kept": own[kind]}
            for kind, value in theirs.filter(kind__in=own).values_list("kind", "value")
            if value != own[kind]
        ]
        TaxIdentifier.objects.filter(pk__in=moved["tax_ids"]).update(account_id=survivor.pk)
        survivor_tags = set(survivor.tags.values_list("pk", flat=True))
        moved["tags"] = sorted(set(merged_before["tags"]) - survivor_tags)
        survivor.tags.add(*moved["tags"])
        merged.tags.clear()
        # Earlier tombstones of `merged` now point straight at the survivor: chains stay one
        # step long, so lookups by provenance resolve with one join.
        tombstones = Account.objects.filter(merged_into_id=merged.pk)
        moved["tombstones"] = sorted(tombstones.values_list("pk", flat=True))
        tombstones.update(merged_into_id=survivor.pk)
        Account.objects.filter(pk=merged.pk).update(
            merged_into_id=survivor.pk, updated_at=timezone.now()
        )
        refresh_name_keys(account_ids=[survivor.pk, merged.pk])  # the tombstone loses its key

        if candidate is None:
            candidate = DuplicateCandidate.objects.filter(
                left_id=pair[0], right_id=pair[1], status=CandidateStatus.OPEN
            ).first()
        if candidate is not None:
            DuplicateCandidate.objects.filter(pk=candidate.pk).update(
                status=CandidateStatus.MERGED, decided_by=actor, decided_at=timezone.now()
            )
        record = MergeRecord.objects.create(
            survivor=survivor,
            merged=merged,
            actor=actor,
            field_choices=choices,
            survivor_before=survivor_before,
            merged_before=merged_before,
            moved=moved,
            tax_id_conflicts=conflicts,
            candidate=candidate,
        )
        record_audit(
            actor=actor,
            action="account.merge",
            obj=survivor,
            changes={
                "merge": record.pk,
                "merged": merged.pk,
                "fields_from_merged": sorted(f for f, c in choices.items() if c == "merged"),
                "moved": {k: len(v) for k, v in moved.items()},
                "tax_id_conflicts": conflicts,
            },
        )
    return record


def undo_merge(*, actor: User | None, merge: MergeRecord) -> MergeRecord:
    """Put both accounts and every moved row back exactly as they were before `merge`."""
    from clientbase.identity.models import CandidateStatus, DuplicateCandidate

    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=merge.pk)
        if record.undone_at is not None:
            raise ValidationError({"merge": _("This merge was already undone.")})
        accounts = {
            a.pk: a
            for a in Account.objects.select_for_update().filter(
                pk__in=[record.survivor_id, record.merged_id]
            )
        }
        survivor, merged = accounts[record.survivor_id], accounts[record.merged_id]
        if survivor.merged_into_id is not None:
            raise ValidationError(
                {
                    "merge": _(
                        "Account %(id)s was itself merged into account %(into)s since; "
                        "undo that merge first."
                    )
                    % {"id": survivor.pk, "into": survivor.merged_into_id}
                }
            )
        if merged.merged_into_id != survivor.pk:
            raise ValidationError(
                {"merge": _("Account %(id)s is no longer merged here.") % {"id": merged.pk}}
            )
        if actor is not None:
            visible = Account.objects.filter(owned_by_visible(actor, "owner", "account_manager"))
            if not visible.filter(pk=survivor.pk).exists():
                raise PermissionDenied(_("You may only undo merges of accounts you can see."))
        _ensure_rows_still_there(record)

        for key, model in _MOVED.items():
            model._default_manager.filter(pk__in=record.moved.get(key, [])).update(
                account_id=merged.pk
            )
        TaxIdentifier.objects.filter(pk__in=record.moved.get("tax_ids", [])).update(
            account_id=merged.pk
        )
        Account.objects.filter(pk__in=record.moved.get("tombstones", [])).update(
            merged_into_id=merged.pk
        )
        survivor.tags.remove(*record.moved.get("tags", []))
        merged.tags.set(record.merged_before["tags"])
        Account.objects.filter(pk=survivor.pk).update(**_columns(record.survivor_before))
        Account.objects.filter(pk=merged.pk).update(**_columns(record.merged_before))
        refresh_name_keys(account_ids=[survivor.pk, merged.pk])
        if record.candidate_id is not None:
            DuplicateCandidate.objects.filter(pk=record.candidate_id).update(
                status=CandidateStatus.OPEN, decided_by=None, decided_at=None
            )
        record.undone_at = timezone.now()
        record.undone_by = actor
        record.save(update_fields=["undone_at", "undone_by"])
        record_audit(
            actor=actor,
            action="account.merge_undo",
            obj=survivor,
            changes={"merge": record.pk, "merged": merged.pk},
        )
    return record


def _ensure_rows_still_there(record: MergeRecord) -> None:
    """Refuse when a moved row was deleted or moved on: the undo could not be exact."""
    models: dict[str, type[Model]] = {**_MOVED, "tax_ids": TaxIdentifier}
    errors: dict[str, str] = {}
    for key, model in models.items():
        wanted = set(record.moved.get(key, []))
        if not wanted:
            continue
        there = set(
            model._default_manager.filter(pk__in=wanted, account_id=record.survivor_id).values_list(
                "pk", flat=True
            )
        )
        if missing := sorted(wanted - there):
            errors[key] = _(
                "%(model)s %(ids)s moved by this merge were deleted or moved since; "
                "the merge cannot be undone exactly."
            ) % {"model": model._meta.verbose_name_plural, "ids": ", ".join(map(str, missing))}
    if errors:
        raise ValidationError(errors)
