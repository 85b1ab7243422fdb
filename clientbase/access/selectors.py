"""Who may see which records. Every record selector in every app starts here."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientbase.access.models import CompanySettings, Role, Scope, Team, User

ROLE_SCOPE: dict[str, Scope] = {
    Role.ADMIN: Scope.ALL,
    Role.DIRECTOR: Scope.ALL,
    Role.ANALYST: Scope.ALL,
    Role.AUDITOR: Scope.ALL,
    Role.MARKETING: Scope.ALL,
    Role.SERVICE: Scope.ALL,
    Role.TEAM_LEAD: Scope.TEAM,
    Role.REP: Scope.OWN,
    Role.ACCOUNT_MANAGER: Scope.OWN,
}


def scope_of(user: User) -> Scope:
    if not user.is_active:
        return Scope.OWN
    if user.is_superuser:
        return Scope.ALL
    return ROLE_SCOPE.get(user.role, Scope.OWN)


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


def visible_user_ids(user: User) -> set[int] | None:
    """Ids of users whose records `user` may see; None means everyone's."""
    scope = scope_of(user)
    if scope == Scope.ALL:
        return None
    if scope == Scope.TEAM:
        # Teams are few: one query for the whole tree, one for the members.
        teams = list(Team.objects.values_list("id", "parent_id", "lead_id"))
        roots = {team_id for team_id, _parent, lead_id in teams if lead_id == user.pk}
        if user.team_id is not None:
            roots.add(user.team_id)
        subtree = team_subtree_ids(roots, ((t, p) for t, p, _lead in teams))
        ids = set(User.objects.filter(team_id__in=subtree).values_list("id", flat=True))
        ids.add(user.pk)
        return ids
    return {user.pk}


def owned_by_visible(user: User, *owner_fields: str) -> Q:
    """A filter for records whose owner (any of `owner_fields`) is visible to `user`."""
    ids = visible_user_ids(user)
    if ids is None:
        return Q()
    if not user.is_active:
        return Q(pk__in=[])
    condition = Q()
    for field in owner_fields:
        condition |= Q(**{f"{field}__in": sorted(ids)})
    return condition


def company_settings() -> CompanySettings:
    """Our own company's settings (not client data: every signed-in user may read them)."""
    # Before the first set-up there is no row yet: the model's defaults stand in, unsaved.
    return CompanySettings.objects.filter(pk=1).first() or CompanySettings(pk=1)


# --- Rights ----------------------------------------------------------------------------------
# The one check point for "may this user do X to Y at all". The access issue will extend it with
# per-role rules, row limits and approvals; callers only ever ask `can` / `require`.

EXPORT = "export"
IMPORT = "import"
ANALYZE = "analyze"
_CURATOR = frozenset({(EXPORT, "accounts"), (IMPORT, "account"), (ANALYZE, "metrics")})

ROLE_RIGHTS: dict[str, frozenset[tuple[str, str]]] = {
    Role.ADMIN: _CURATOR,
    Role.DIRECTOR: _CURATOR,
    Role.ANALYST: _CURATOR,
    Role.TEAM_LEAD: frozenset({(EXPORT, "accounts"), (IMPORT, "account")}),
    Role.REP: frozenset(),
    Role.ACCOUNT_MANAGER: frozenset(),
    Role.MARKETING: frozenset(),
    Role.SERVICE: frozenset(),
    Role.AUDITOR: frozenset(),
}

# People management (lift sign-in locks, offboard a user): administrators and sales directors.
MANAGE = "manage"
USERS = "users"
for _role in (Role.ADMIN, Role.DIRECTOR):
    ROLE_RIGHTS[_role] = ROLE_RIGHTS[_role] | {(MANAGE, USERS)}


# Personal-data rights (privacy): the subject access export and erasure for administrators
# and sales directors (acting as the data protection officer); the destruction log also for
# auditors.
_PRIVACY_OFFICER = frozenset(
    {("export", "personal_data"), ("erase", "personal_data"), ("view", "destruction_act")}
)
for _role in (Role.ADMIN, Role.DIRECTOR):
    ROLE_RIGHTS[_role] = ROLE_RIGHTS[_role] | _PRIVACY_OFFICER
ROLE_RIGHTS[Role.AUDITOR] = ROLE_RIGHTS[Role.AUDITOR] | {("view", "destruction_act")}


# Export control and anti-theft alerts (exportctl): who approves export requests and is alerted
# (directors, admins), who edits row limits and alert settings (admins).
_EXPORT_OVERSIGHT = frozenset({("approve", "export_requests"), ("review", "usage_alerts")})
ROLE_RIGHTS[Role.DIRECTOR] = ROLE_RIGHTS[Role.DIRECTOR] | _EXPORT_OVERSIGHT
ROLE_RIGHTS[Role.ADMIN] = (
    ROLE_RIGHTS[Role.ADMIN] | _EXPORT_OVERSIGHT | {("manage", "export_policy")}
)


def can(user: object, action: str, object_type: str) -> bool:
    """Whether `user` holds the right to `action` on `object_type` (e.g. export accounts)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    role = Role.ADMIN if user.is_superuser else user.role
    return (action, object_type) in ROLE_RIGHTS.get(role, frozenset())


def require(user: object, action: str, object_type: str) -> None:
    """Raise PermissionDenied unless `user` may `action` on `object_type`."""
    if not can(user, action, object_type):
        raise PermissionDenied(
            _("You do not have the right to %(action)s %(object_type)s.")
            % {"action": action, "object_type": object_type}
        )
