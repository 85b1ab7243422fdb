"""Writes to our organisation, and the single way any app records an audit event."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from clientbase.access.audit_trail import append
from clientbase.access.models import AuditEvent, Role, Team, User


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
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
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
