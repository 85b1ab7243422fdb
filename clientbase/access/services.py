"""Writes to our organisation, and the single way any app records an audit event."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from clientbase.access.audit_trail import append
from clientbase.access.models import AuditEvent, Role, RoleDefinition, Team, User
from clientbase.access.roles import (
    BUILTIN_KEYS,
    ROLE,
    Grants,
    builtin_role,
    clean_fields,
    clean_grants,
)


def record_audit(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. Call it inside the transaction of the write it describes, as
    its last statement: on PostgreSQL the row takes the audit chain's lock until commit."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return append(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=jsonable(changes or {}),
    )


def record_view(
    *, actor: User, obj: models.Model, channel: str, shown: dict[str, Any] | None = None
) -> AuditEvent:
    """Record that `actor` opened the page (or API record) of `obj`: one row, written in its
    own short transaction. `shown` names related records the page also revealed (contacts)."""
    label = obj._meta.model_name or "record"
    return record_audit(
        actor=actor,
        action=f"{label}.view",
        obj=obj,
        changes={"channel": channel, **(shown or {})},
    )


def jsonable(value: Any) -> Any:
    """A value as it is written into an audit diff."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def created(values: dict[str, Any]) -> dict[str, list[Any]]:
    """A create's field-level diff: {field: [None, value]} for every field given a value."""
    return diff({}, {key: value for key, value in values.items() if value not in (None, "")})


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes as {field: [old, new]}."""
    return {
        key: [jsonable(before.get(key)), jsonable(value)]
        for key, value in after.items()
        if jsonable(before.get(key)) != jsonable(value)
    }


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str = Role.REP,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    team: Team | None = None,
    manager: User | None = None,
    language: str = "en",
    time_zone: str = "UTC",
) -> User:
    known = role_keys()
    if role not in known:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(known)}")
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            team=team,
            department=team.department if team else None,
            manager=manager,
            language=language,
            time_zone=time_zone,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        record_audit(
            actor=actor,
            action="user.create",
            obj=user,
            changes=created(
                {
                    "username": username,
                    "role": role,
                    "email": email,
                    "first_name": first_name,
                    "last_name": last_name,
                    "team": team,
                    "manager": manager,
                    "language": language,
                    "time_zone": time_zone,
                }
            ),
        )
    from clientbase.access.selectors import rights_of

    rights_of(user)  # the role is read now, once, not by the first check on this object
    return user


def set_user_language(*, actor: User, language: str) -> User:
    """The language `actor` reads the interface in (one of settings.LANGUAGES)."""
    from django.conf import settings
    from django.core.exceptions import ValidationError

    supported = [code for code, _name in settings.LANGUAGES]
    if language not in supported:
        raise ValidationError({"language": f"choose one of {', '.join(supported)}"})
    with transaction.atomic():
        before = actor.language
        actor.language = language
        actor.save(update_fields=["language"])
        if before != language:
            record_audit(
                actor=actor,
                action="user.language",
                obj=actor,
                changes={"language": [before, language]},
            )
    return actor


# --- Roles -------------------------------------------------------------------------------------


def role_keys() -> list[str]:
    """Every role's key: the built-in ones (even before the seed ran) and the defined ones."""
    from django.db import DatabaseError

    try:
        stored = list(RoleDefinition.objects.order_by("pk").values_list("key", flat=True))
    except DatabaseError:  # a database not set up yet: only the built-in roles exist
        stored = []
    return [*BUILTIN_KEYS, *(key for key in stored if key not in BUILTIN_KEYS)]


def _require_role_admin(actor: User | None) -> None:
    from clientbase.access.selectors import require

    if actor is not None:
        require(actor, "edit", ROLE)


def _checked(grants: Grants, fields: list[str]) -> tuple[Grants, list[str]]:
    from django.core.exceptions import ValidationError

    cleaned = clean_grants(grants)
    if cleaned != {obj: dict(actions) for obj, actions in grants.items() if actions}:
        raise ValidationError({"grants": _("Unknown kind of record, action or scope.")})
    kept = sorted(clean_fields(fields))
    if kept != sorted(set(fields)):
        raise ValidationError({"fields": _("Unknown restricted field.")})
    return cleaned, kept


def save_role(
    *,
    actor: User | None,
    key: str,
    name: str,
    grants: Grants,
    fields: list[str],
) -> RoleDefinition:
    """Create the role `key` or change its name, grants and fields (audited with the diff)."""
    from django.core.exceptions import ValidationError

    _require_role_admin(actor)
    grants, kept = _checked(grants, fields)
    with transaction.atomic():
        role = RoleDefinition.objects.select_for_update().filter(key=key).first()
        if role is None:
            if not key or not key.replace("_", "").isalnum() or key != key.lower():
                raise ValidationError(
                    {"key": _("Use lower-case letters, digits and underscores for the key.")}
                )
            role = RoleDefinition(key=key, builtin=builtin_role(key) is not None)
            before: dict[str, Any] = {}
            action = "role.create"
        else:
            before = {"name": role.name, "grants": role.grants, "fields": role.fields}
            action = "role.update"
        role.name = name.strip()
        role.grants = grants
        role.fields = kept
        role.full_clean()
        role.save()
        after = {"name": role.name, "grants": role.grants, "fields": role.fields}
        record_audit(actor=actor, action=action, obj=role, changes=diff(before, after))
    return role


def delete_role(*, actor: User | None, key: str) -> None:
    """Remove a defined role; a built-in role, or one still held by a user, stays."""
    from django.core.exceptions import ValidationError

    _require_role_admin(actor)
    with transaction.atomic():
        role = RoleDefinition.objects.select_for_update().filter(key=key).first()
        if role is None:
            raise ValidationError({"key": _("No such role.")})
        if role.builtin or key in BUILTIN_KEYS:
            raise ValidationError({"key": _("A built-in role cannot be removed.")})
        if User.objects.filter(role=key).exists():
            raise ValidationError({"key": _("Users still hold this role.")})
        record_audit(actor=actor, action="role.delete", obj=role, changes={"key": key})
        role.delete()


def set_user_role(*, actor: User | None, user: User, role: str) -> User:
    """Give `user` the role `role` (audited; their rights change with their next request)."""
    from django.core.exceptions import ValidationError

    from clientbase.access.selectors import forget_rights

    _require_role_admin(actor)
    if role not in role_keys():
        raise ValidationError({"role": _("No such role.")})
    with transaction.atomic():
        before = user.role
        user.role = role
        user.save(update_fields=["role"])
        if before != role:
            record_audit(
                actor=actor, action="user.role", obj=user, changes={"role": [before, role]}
            )
    forget_rights(user)
    return user
