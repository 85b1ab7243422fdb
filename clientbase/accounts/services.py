"""Writes to the client base. One function per use case; each writes its audit row inside
the same transaction, so a failed write leaves neither the change nor its audit behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from clientbase.access.models import User
from clientbase.access.services import diff, record_audit
from clientbase.accounts.merging import merge_accounts, undo_merge
from clientbase.accounts.models import (
    ACCOUNT_FIELDS,
    Account,
    Contact,
    CustomFieldDefinition,
    CustomFieldType,
    TaxIdentifier,
)
from clientbase.accounts.selectors import require_workable_account
from clientbase.core.text import e164, fold
from clientbase.identity.name_index import refresh_name_keys
from clientbase.privacy.sealing import seal_personal
from clientbase.privacy.selectors import erased_external_ids

__all__ = ["merge_accounts", "undo_merge"]  # merging lives in its own module (size)

ACCOUNT_EDITABLE = frozenset(ACCOUNT_FIELDS)
_NAMES = frozenset({"legal_name", "display_name"})  # what the name index is computed from


def _ensure_can_edit(actor: User | None, account: Account) -> None:
    require_workable_account(actor=actor, account=account, action="change")


def _search_name(display_name: str, legal_name: str, aliases: list[str]) -> str:
    return fold(" ".join([display_name, legal_name, *aliases]))[:600]


def clean_custom_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Check custom values against their declared types; return them in canonical JSON form."""
    definitions = {d.key: d for d in CustomFieldDefinition.objects.filter(key__in=list(values))}
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            errors[f"custom.{key}"] = "no such custom field"
            continue
        if value in (None, ""):
            cleaned[key] = None
            continue
        try:
            cleaned[key] = _coerce(definition, value)
        except (ValueError, InvalidOperation):
            errors[f"custom.{key}"] = f"{value!r} is not a valid {definition.type}"
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_custom_fields(values: dict[str, Any]) -> None:
    missing = CustomFieldDefinition.objects.filter(required=True).exclude(
        key__in=[key for key, value in values.items() if value not in (None, "")]
    )
    errors = {f"custom.{d.key}": "this custom field is required" for d in missing}
    if errors:
        raise ValidationError(errors)


def _coerce(definition: CustomFieldDefinition, value: Any) -> Any:
    kind = definition.type
    if kind == CustomFieldType.INTEGER:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)  # int() would silently drop the fraction
        return int(value)
    if kind == CustomFieldType.DECIMAL:
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError(value)
        return str(number)
    if kind == CustomFieldType.DATE:
        return dt.date.fromisoformat(str(value)).isoformat()
    if kind == CustomFieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in {"1", "true", "yes", "да", "بله"}:
            return True
        if lowered in {"0", "false", "no", "нет", "خیر"}:
            return False
        raise ValueError(value)
    if kind == CustomFieldType.CHOICE:
        if value not in definition.choices:
            raise ValueError(value)
        return value
    return str(value)


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if out.get("phone"):
        try:
            out["phone"] = e164(str(out["phone"]), str(out.get("country") or "RU"))
        except ValueError as exc:
            raise ValidationError({"phone": str(exc)}) from None
    if out.get("email"):
        out["email"] = str(out["email"]).strip().lower()
    if "custom" in out:
        out["custom"] = clean_custom_fields(dict(out["custom"] or {}))
    return out


def create_account(
    *,
    actor: User | None,
    legal_name: str,
    display_name: str = "",
    tax_ids: dict[str, str] | None = None,
    **fields: Any,
) -> Account:
    unknown = set(fields) - ACCOUNT_EDITABLE
    if unknown:
        raise ValidationError({name: "not an account field" for name in sorted(unknown)})
    fields = _normalise(fields)
    _require_custom_fields(dict(fields.get("custom") or {}))
    if actor is not None and "owner" not in fields:
        fields["owner"] = actor
    with transaction.atomic():
        account = Account(legal_name=legal_name, display_name=display_name or legal_name, **fields)
        account.search_name = _search_name(
            account.display_name, account.legal_name, list(account.aliases)
        )
        account.full_clean()
        account.save()
        for kind, value in (tax_ids or {}).items():
            TaxIdentifier.objects.create(account=account, kind=kind, value=value)
        refresh_name_keys(account_ids=[account.pk])
        record_audit(
            actor=actor,
            action="account.create",
            obj=account,
            changes={"legal_name": legal_name, **{k: v for k, v in fields.items() if v}},
        )
    return account


def update_account(*, actor: User | None, account: Account, **changes: Any) -> Account:
    unknown = set(changes) - ACCOUNT_EDITABLE
    if unknown:
        raise ValidationError({name: "not an account field" for name in sorted(unknown)})
    _ensure_can_edit(actor, account)
    changes = _normalise(changes)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        before = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.search_name = _search_name(
            locked.display_name, locked.legal_name, list(locked.aliases)
        )
        locked.full_clean()
        locked.save()
        if _NAMES & set(changes):
            refresh_name_keys(account_ids=[locked.pk])
        changed = diff(before, changes)
        if changed:
            record_audit(actor=actor, action="account.update", obj=locked, changes=changed)
    return locked


def create_contact(
    *,
    actor: User | None,
    account: Account | None,
    full_name: str,
    **fields: Any,
) -> Contact:
    if account is not None:
        _ensure_can_edit(actor, account)
    if fields.get("phone"):
        region = account.country if account is not None and account.country else "RU"
        try:
            fields["phone"] = e164(str(fields["phone"]), region)
        except ValueError as exc:
            raise ValidationError({"phone": str(exc)}) from None
    if fields.get("email"):
        fields["email"] = str(fields["email"]).strip().lower()
    with transaction.atomic():
        contact = Contact(account=account, full_name=full_name, **fields)
        contact.search_name = fold(full_name)[:200]
        contact.full_clean()
        contact.save()
        record_audit(
            actor=actor,
            action="contact.create",
            obj=contact,
            # The name goes in sealed with the person's key: erasure shreds the key.
            changes=seal_personal(
                contact_id=contact.pk,
                changes={"full_name": full_name, "account": account.pk if account else None},
            ),
        )
    return contact


# --- bulk import -------------------------------------------------------------------------------


def _tax_kind(number: str) -> str:
    return "ir_national_id" if len(number) == 11 else "ru_inn"


# Records from this source name accounts by our own primary key: a re-imported export of
# this base updates (or leaves alone) the very accounts it lists instead of copying them.
OWN_SOURCE = "clientbase"


def import_accounts(
    *, actor: User | None, source_system: str, batch_id: int, records: list[dict[str, Any]]
) -> Any:
    """Upsert accounts by (source_system, external_id) with their tax ids. Records hold
    validated values; the caller owns the transaction and writes history from the outcome."""
    from clientbase.core.bulk import upsert_by_provenance

    tax_ids: dict[str, dict[str, str]] = {}
    for r in records:
        kinds = dict(r.pop("tax_ids", None) or {})
        if "tax_id" in r:
            number = r.pop("tax_id")
            kinds[_tax_kind(number)] = number
        if kinds:
            tax_ids[r["external_id"]] = kinds

    def prepare(account: Account) -> None:
        account.display_name = account.display_name or account.legal_name
        account.search_name = _search_name(
            account.display_name, account.legal_name, list(account.aliases)
        )
        if actor is not None and account.pk is None and account.owner_id is None:
            account.owner = actor

    outcome, by_id = upsert_by_provenance(
        Account,
        source_system=source_system,
        batch_id=batch_id,
        records=records,
        prepare=prepare,
        also=("search_name", "display_name"),
        by_pk=source_system == OWN_SOURCE,
        follow="merged_into",  # a merged-away account's source rows now update its survivor
    )
    if tax_ids:
        accounts = {by_id[ext].pk: kinds for ext, kinds in tax_ids.items() if ext in by_id}
        current = {
            (t.account_id, t.kind): t
            for t in TaxIdentifier.objects.filter(account_id__in=list(accounts))
        }
        new: list[TaxIdentifier] = []
        for account_id, kinds in accounts.items():
            for kind, value in kinds.items():
                held = current.get((account_id, kind))
                if held is None:
                    new.append(TaxIdentifier(account_id=account_id, kind=kind, value=value))
                elif held.value != value:
                    outcome.changes.append((account_id, f"tax_id:{kind}", held.value, value))
                    held.value = value
                    held.save(update_fields=["value"])
        TaxIdentifier.objects.bulk_create(new, batch_size=500)
    # One refresh for the whole chunk: the new accounts and the renamed ones.
    renamed = {oid for oid, name, _old, _new in outcome.changes if name in _NAMES}
    refresh_name_keys(account_ids=[*outcome.created_ids, *renamed])
    return outcome


def restore_imported_account(*, account_id: int, values: dict[str, Any]) -> None:
    """Put back account values an import changed (rollback), tax ids included."""
    from clientbase.core.bulk import restore_fields

    plain = {k: v for k, v in values.items() if not k.startswith("tax_id:")}
    for key, value in values.items():
        if key.startswith("tax_id:"):
            TaxIdentifier.objects.filter(account_id=account_id, kind=key[7:]).update(value=value)
    if plain:
        restore_fields(Account, account_id, plain)
        account = Account.objects.get(pk=account_id)
        account.search_name = _search_name(
            account.display_name, account.legal_name, list(account.aliases)
        )
        account.save(update_fields=["search_name"])
        refresh_name_keys(account_ids=[account_id])


def import_contacts(
    *, actor: User | None, source_system: str, batch_id: int, records: list[dict[str, Any]]
) -> Any:
    """Upsert contacts; records carry a resolved `account_id` (or none)."""
    from clientbase.core.bulk import upsert_by_provenance

    def prepare(contact: Contact) -> None:
        contact.search_name = fold(contact.full_name)[:200]

    # A person whose data was erased is not brought back by re-importing the source's row.
    erased = erased_external_ids(
        source_system=source_system, external_ids=[str(r["external_id"]) for r in records]
    )
    kept = [r for r in records if str(r["external_id"]) not in erased]
    outcome, _by_id = upsert_by_provenance(
        Contact,
        source_system=source_system,
        batch_id=batch_id,
        records=kept,
        prepare=prepare,
        also=("search_name",),
    )
    outcome.unchanged += len(records) - len(kept)
    return outcome
