"""Who may see which records. Every record selector in every app starts here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientbase.access.models import CompanySettings, Role, RoleDefinition, Scope, Team, User
from clientbase.access.roles import (
    ACCOUNT,
    ACTIONS,
    ALIASES,
    ANALYZE,
    BUILTIN_KEYS,
    EDIT,
    EXPORT,
    FIELD_COLUMNS,
    IMPORT,
    MANAGE,
    OBJECT_TYPES,
    RESTRICTED_FIELDS,
    USERS,
    VIEW,
    Grants,
    builtin_role,
    clean_fields,
    clean_grants,
)

__all__ = ["ANALYZE", "EXPORT", "IMPORT", "MANAGE", "USERS", "VIEW"]
# (key, grants, fields, name) put on the user by the sign-in backend
LOADED_ROLE = "_loaded_role"


@dataclass(frozen=True)
class Rights:
    """What one role grants: {object type: {action: scope}} and the visible restricted fields."""

    key: str
    grants: Grants
    fields: frozenset[str]


NO_RIGHTS = Rights("", {}, frozenset())
_CACHE = "_access_cache"  # per user object, so per request: the rights and the visible ids


def _cache(user: User) -> dict[Any, Any]:
    # getattr/setattr, not __dict__: request.user is a lazy object passing them through.
    cache: dict[Any, Any] | None = getattr(user, _CACHE, None)
    if cache is None or cache.get("role") != (user.role, user.is_superuser, user.is_active):
        cache = {"role": (user.role, user.is_superuser, user.is_active)}
        setattr(user, _CACHE, cache)
    return cache


def forget_rights(user: User) -> None:
    """Drop what was cached on this user object (after its role or the role itself changed)."""
    for name in (_CACHE, LOADED_ROLE):
        if hasattr(user, name):
            delattr(user, name)


def rights_of(user: object) -> Rights:
    """The rights of `user`'s role: read once per user object (the sign-in backend loads them
    with the user, so a request adds no query for them)."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return NO_RIGHTS
    cache = _cache(user)
    rights: Rights | None = cache.get("rights")
    if rights is not None:
        return rights
    if user.is_superuser:
        admin = builtin_role(Role.ADMIN)
        assert admin is not None
        rights = Rights(Role.ADMIN, admin.grants, frozenset(admin.fields))
    else:
        loaded = getattr(user, LOADED_ROLE, None)
        if loaded is not None and loaded[0] == user.role:
            grants, fields = loaded[1], loaded[2]
        else:
            row = (
                RoleDefinition.objects.filter(key=user.role).values_list("grants", "fields").first()
            )
            if row is None and (builtin := builtin_role(user.role)) is not None:
                # A built-in role is never deleted; before the seed (a flushed test database)
                # its definition in code stands in.
                row = (builtin.grants, list(builtin.fields))
            grants, fields = row if row is not None else ({}, [])
        rights = Rights(user.role, clean_grants(grants), clean_fields(fields))
    cache["rights"] = rights
    return rights


def role_definition(key: str) -> RoleDefinition | None:
    """The role `key` as stored; a built-in role not stored yet (before the seed, or in a
    flushed test database) as its definition in code, unsaved."""
    row = RoleDefinition.objects.filter(key=key).first()
    if row is None and (builtin := builtin_role(key)) is not None:
        row = RoleDefinition(
            key=key,
            name=str(builtin.name),
            builtin=True,
            grants=builtin.grants,
            fields=list(builtin.fields),
        )
    return row


def role_definitions() -> list[RoleDefinition]:
    """Every role: the built-in ones first (stored or from code), then the defined ones."""
    stored = {row.key: row for row in RoleDefinition.objects.order_by("pk")}
    builtins = [stored.pop(key, None) or role_definition(key) for key in BUILTIN_KEYS]
    return [row for row in builtins if row is not None] + list(stored.values())


def role_label(key: str, user: User | None = None) -> str:
    """A role's name for display: a built-in role's in the reader's language; a defined one's
    as stored (read with `user` by the sign-in backend, when given)."""
    builtin = builtin_role(key)
    if builtin is not None:
        return str(builtin.name)
    loaded = getattr(user, LOADED_ROLE, None) if user is not None else None
    if loaded is not None and loaded[0] == key and loaded[3]:
        return str(loaded[3])
    name = RoleDefinition.objects.filter(key=key).values_list("name", flat=True).first()
    return name or key


def scope_of(user: User, object_type: str = ACCOUNT, action: str = VIEW) -> Scope | None:
    """The record scope `user` holds for `action` on `object_type`; None: not granted at all."""
    object_type = ALIASES.get(object_type, object_type)
    scope = rights_of(user).grants.get(object_type, {}).get(action)
    return Scope(scope) if scope is not None else None


def team_subtree_ids(root_ids: Iterable[int], edges: Iterable[tuple[int, int | None]]) -> set[int]:
    """The given teams and all teams below them, from (team id, parent id) pairs."""
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in edges:
        children.setdefault(parent_id, []).append(team_id)
    found: set[int] = set()
    stack = list(root_ids)
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def visible_user_ids(user: User, object_type: str = ACCOUNT, action: str = VIEW) -> set[int] | None:
    """Ids of users whose records `user` may `action` (view by default); None means everyone's.

    Computed once per user object and scope (a list page asks many times, queries once)."""
    scope = scope_of(user, object_type, action)
    if scope == Scope.ALL:
        return None
    if scope is None:
        return set()
    cache = _cache(user)
    key = ("ids", str(scope))
    if key in cache:
        return set(cache[key])
    ids: set[int] = {user.pk}
    if scope == Scope.TEAM:
        # Teams are few: one query for the whole tree, one for the members.
        teams = list(Team.objects.values_list("id", "parent_id", "lead_id"))
        roots = {team_id for team_id, _parent, lead_id in teams if lead_id == user.pk}
        if user.team_id is not None:
            roots.add(user.team_id)
        subtree = team_subtree_ids(roots, ((t, p) for t, p, _lead in teams))
        ids |= set(User.objects.filter(team_id__in=subtree).values_list("id", flat=True))
    elif scope == Scope.DEPARTMENT and user.department_id is not None:
        members = User.objects.filter(
            Q(department_id=user.department_id) | Q(team__department_id=user.department_id)
        )
        ids |= set(members.values_list("id", flat=True))
    cache[key] = frozenset(ids)
    return ids


def owned_by_visible(
    user: User, *owner_fields: str, object_type: str = ACCOUNT, action: str = VIEW
) -> Q:
    """A filter for records whose owner (any of `owner_fields`) `user` may `action` (view)."""
    if not user.is_active:
        return Q(pk__in=[])
    ids = visible_user_ids(user, object_type, action)
    if ids is None:
        return Q()
    if not ids:
        return Q(pk__in=[])
    condition = Q()
    for field in owner_fields:
        condition |= Q(**{f"{field}__in": sorted(ids)})
    return condition


def may_touch_owner(
    user: User, owner_id: int | None, *, object_type: str = ACCOUNT, action: str = EDIT
) -> bool:
    """Whether `user` may `action` a record owned by `owner_id` (unowned: only an all scope)."""
    ids = visible_user_ids(user, object_type, action)
    if ids is None:
        return scope_of(user, object_type, action) is not None
    return owner_id is not None and owner_id in ids


def company_settings() -> CompanySettings:
    """Our own company's settings (not client data: every signed-in user may read them)."""
    # Before the first set-up there is no row yet: the model's defaults stand in, unsaved.
    return CompanySettings.objects.filter(pk=1).first() or CompanySettings(pk=1)


# --- Rights ----------------------------------------------------------------------------------
# The one check point for "may this user do X to Y at all"; callers only ever ask `can` /
# `require`; which records: `owned_by_visible` / `visible_user_ids` with the same action.


def can(user: object, action: str, object_type: str) -> bool:
    """Whether `user`'s role grants `action` on `object_type` in any scope (e.g. export
    accounts). The record scope is then `scope_of(user, object_type, action)`."""
    object_type = ALIASES.get(object_type, object_type)
    return action in rights_of(user).grants.get(object_type, {})


def require(user: object, action: str, object_type: str) -> None:
    """Raise PermissionDenied unless `user` may `action` on `object_type`."""
    if not can(user, action, object_type):
        raise PermissionDenied(
            _("You do not have the right to %(action)s %(object_type)s.")
            % {
                "action": ACTIONS.get(action, action),
                "object_type": OBJECT_TYPES.get(ALIASES.get(object_type, object_type), object_type),
            }
        )


# --- Field rules -------------------------------------------------------------------------------

MASK = "•••"  # what a restricted value reads as for a viewer without the field right


def may_see_field(user: object, field: str) -> bool:
    """Whether `user` may see the restricted field `field` (e.g. "order.cost")."""
    if field not in RESTRICTED_FIELDS:
        return True
    return field in rights_of(user).fields


def hidden_columns(user: object, object_type: str) -> frozenset[str]:
    """The stored columns of `object_type` (an audit object type such as "sales.order") that
    `user` may not see."""
    hidden: set[str] = set()
    for field, (owner_type, columns) in FIELD_COLUMNS.items():
        if owner_type == object_type and not may_see_field(user, field):
            hidden.update(columns)
    return frozenset(hidden)


def mask_changes(user: object, object_type: str, changes: dict[str, Any]) -> dict[str, Any]:
    """An audit diff as `user` may read it: restricted values replaced by MASK."""
    hidden = hidden_columns(user, object_type)
    if not hidden:
        return changes
    masked: dict[str, Any] = {}
    for key, value in changes.items():
        if key in hidden:
            masked[key] = [MASK, MASK] if isinstance(value, list) else MASK
        else:
            masked[key] = value
    return masked
