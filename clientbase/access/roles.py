"""The vocabulary of rights, and the nine built-in roles as data.

A role grants, per object type, actions with a record scope, plus the restricted fields it may
see. It is stored as one `RoleDefinition` row (seeded from `BUILTIN_ROLES` by a data migration;
administrators add more on the roles page). `User.role` holds the role's key.

    grants = {"account": {"view": "team", "edit": "own", "export": "team"}, ...}
    fields = ["order.cost", "metrics.margin"]
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Actions. ANALYZE (run the metrics, edit the questionnaire) is ours on top of the eight.
VIEW = "view"
CREATE = "create"
EDIT = "edit"
DELETE = "delete"
EXPORT = "export"
IMPORT = "import"
MERGE = "merge"
ASSIGN = "assign"
ANALYZE = "analyze"
MANAGE = "manage"  # people: lift sign-in locks, offboard (login hardening)
ERASE = "erase"  # personal data (privacy)
RUN = "run"  # playbooks: a follow-up task per account
APPROVE = "approve"  # export requests above the limit
REVIEW = "review"  # usage alerts (anti-theft)
ACTIONS: dict[str, object] = {
    VIEW: _("view"),
    CREATE: _("create"),
    EDIT: _("edit"),
    DELETE: _("delete"),
    EXPORT: _("export"),
    IMPORT: _("import"),
    MERGE: _("merge"),
    ASSIGN: _("assign"),
    ANALYZE: _("analyze"),
    MANAGE: _("manage"),
    ERASE: _("erase"),
    RUN: _("run"),
    APPROVE: _("approve"),
    REVIEW: _("review"),
}

# Object types.
ACCOUNT = "account"
CONTACT = "contact"
DEAL = "deal"
ORDER = "order"
ACTIVITY = "activity"
SEGMENT = "segment"
METRICS = "metrics"
AUDIT = "audit"
ROLE = "role"
USERS = "users"
PERSONAL_DATA = "personal_data"
DESTRUCTION_ACT = "destruction_act"
PLAYBOOKS = "playbooks"
EXPORT_REQUESTS = "export_requests"
USAGE_ALERTS = "usage_alerts"
EXPORT_POLICY = "export_policy"
OBJECT_TYPES: dict[str, object] = {
    ACCOUNT: _("accounts"),
    CONTACT: _("contacts"),
    DEAL: _("deals"),
    ORDER: _("orders"),
    ACTIVITY: _("activities"),
    SEGMENT: _("segments"),
    METRICS: _("analytics"),
    AUDIT: _("audit trail"),
    ROLE: _("roles and users"),
    USERS: _("people (sign-in locks, offboarding)"),
    PERSONAL_DATA: _("personal data"),
    DESTRUCTION_ACT: _("destruction acts"),
    PLAYBOOKS: _("playbooks"),
    EXPORT_REQUESTS: _("export requests"),
    USAGE_ALERTS: _("usage alerts"),
    EXPORT_POLICY: _("export limits"),
}
# Plural spellings call sites already use.
ALIASES = {"accounts": ACCOUNT, "contacts": CONTACT, "deals": DEAL, "orders": ORDER}

# Scopes, narrowest first.
OWN = "own"
TEAM = "team"
DEPARTMENT = "department"
ALL = "all"
SCOPE_ORDER = (OWN, TEAM, DEPARTMENT, ALL)

# Restricted fields: hidden on every surface from a role that does not list them.
ORDER_COST = "order.cost"
ORDER_MARGIN = "order.margin"
METRICS_MARGIN = "metrics.margin"
RESTRICTED_FIELDS: dict[str, object] = {
    ORDER_COST: _("order cost"),
    ORDER_MARGIN: _("order margin"),
    METRICS_MARGIN: _("margin figures in analytics"),
}
# Where each restricted field lives: (object type in an audit row, stored field names).
FIELD_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    ORDER_COST: ("sales.order", ("cost_base", "cost")),
    ORDER_MARGIN: ("sales.order", ("margin_base", "margin")),
    METRICS_MARGIN: (
        "analytics.accountmetrics",
        (
            "margin_ltm",
            "margin_lifetime",
            "margin_per_workload",
            "margin_per_month",
            "abc_margin",
            "repeat_margin_mean",
        ),
    ),
}

RECORDS = (ACCOUNT, CONTACT, DEAL, ORDER, ACTIVITY)
EVERY_ACTION = (VIEW, CREATE, EDIT, DELETE, EXPORT, IMPORT, MERGE, ASSIGN)

Grants = dict[str, dict[str, str]]


def _grant(objects: tuple[str, ...], actions: tuple[str, ...], scope: str) -> Grants:
    return {obj: dict.fromkeys(actions, scope) for obj in objects}


def _merge(*parts: Grants) -> Grants:
    out: Grants = {}
    for part in parts:
        for obj, actions in part.items():
            out.setdefault(obj, {}).update(actions)
    return out


_EVERYTHING = _merge(
    _grant(RECORDS, EVERY_ACTION, ALL),
    _grant((SEGMENT,), (VIEW, CREATE, EDIT, DELETE), ALL),
    _grant((METRICS,), (VIEW, EXPORT, ANALYZE), ALL),
)
_READ_ALL = _merge(
    _grant(RECORDS, (VIEW,), ALL),
    _grant((SEGMENT,), (VIEW,), ALL),
    _grant((METRICS,), (VIEW,), ALL),
)
_OWN_WORK = _merge(
    _grant(RECORDS, (VIEW, CREATE, EDIT), OWN),
    _grant((SEGMENT,), (VIEW, CREATE, EDIT, DELETE), OWN),
    _grant((METRICS,), (VIEW,), OWN),
)


class BuiltinRole:
    def __init__(self, key: str, name: object, grants: Grants, fields: tuple[str, ...]) -> None:
        self.key = key
        self.name = name
        self.grants = grants
        self.fields = fields


# People management and the data protection officer's rights: administrators and directors.
_OFFICER = _merge(
    _grant((USERS,), (MANAGE,), ALL),
    _grant((PERSONAL_DATA,), (EXPORT, ERASE), ALL),
    _grant((DESTRUCTION_ACT,), (VIEW,), ALL),
    _grant((PLAYBOOKS,), (MANAGE, RUN), ALL),
    _grant((EXPORT_REQUESTS,), (APPROVE,), ALL),
    _grant((USAGE_ALERTS,), (REVIEW,), ALL),
)
# The sales line runs playbooks over the accounts it sees.
_RUNS_PLAYBOOKS = _grant((PLAYBOOKS,), (RUN,), OWN)

BUILTIN_ROLES: tuple[BuiltinRole, ...] = (
    BuiltinRole(
        "admin",
        _("Administrator"),
        _merge(
            _EVERYTHING,
            _OFFICER,
            _grant((ROLE,), (VIEW, CREATE, EDIT, DELETE, ASSIGN), ALL),
            _grant((EXPORT_POLICY,), (MANAGE,), ALL),
            _grant((AUDIT,), (VIEW,), ALL),
        ),
        tuple(RESTRICTED_FIELDS),
    ),
    BuiltinRole(
        "director", _("Sales director"), _merge(_EVERYTHING, _OFFICER), tuple(RESTRICTED_FIELDS)
    ),
    BuiltinRole(
        "team_lead",
        _("Team lead"),
        _merge(
            _grant(RECORDS, (VIEW, CREATE, EDIT, ASSIGN, EXPORT, IMPORT), TEAM),
            _grant((SEGMENT,), (VIEW, CREATE, EDIT, DELETE), TEAM),
            _grant((METRICS,), (VIEW,), TEAM),
            _grant((PLAYBOOKS,), (RUN,), TEAM),
        ),
        (ORDER_MARGIN, METRICS_MARGIN),
    ),
    BuiltinRole("rep", _("New-business rep"), _merge(_OWN_WORK, _RUNS_PLAYBOOKS), ()),
    BuiltinRole("account_manager", _("Account manager"), _merge(_OWN_WORK, _RUNS_PLAYBOOKS), ()),
    BuiltinRole(
        "marketing",
        _("Marketing"),
        _merge(_READ_ALL, _grant((SEGMENT,), (CREATE, EDIT, DELETE), ALL)),
        (),
    ),
    BuiltinRole(
        "service",
        _("Service"),
        _merge(_READ_ALL, _grant((ACTIVITY, CONTACT), (CREATE, EDIT), ALL)),
        (),
    ),
    BuiltinRole(
        "analyst",
        _("Analyst"),
        _merge(
            _READ_ALL,
            _grant((ACCOUNT,), (EXPORT, MERGE), ALL),
            _grant((ACCOUNT,), (IMPORT,), OWN),
            _grant((SEGMENT,), (CREATE, EDIT, DELETE), ALL),
            _grant((METRICS,), (EXPORT, ANALYZE), ALL),
        ),
        tuple(RESTRICTED_FIELDS),
    ),
    BuiltinRole(
        "auditor",
        _("Read-only auditor"),
        _merge(_READ_ALL, _grant((AUDIT, DESTRUCTION_ACT), (VIEW,), ALL)),
        (),  # the trail without cost and margin figures: they are masked in it
    ),
)
BUILTIN_KEYS = tuple(role.key for role in BUILTIN_ROLES)


def builtin_role(key: str) -> BuiltinRole | None:
    return next((role for role in BUILTIN_ROLES if role.key == key), None)


def clean_grants(raw: object) -> Grants:
    """Only known object types, actions and scopes survive (bad stored data grants nothing)."""
    out: Grants = {}
    if not isinstance(raw, dict):
        return out
    for obj, actions in raw.items():
        if obj not in OBJECT_TYPES or not isinstance(actions, dict):
            continue
        kept = {
            action: scope
            for action, scope in actions.items()
            if action in ACTIONS and scope in SCOPE_ORDER
        }
        if kept:
            out[obj] = kept
    return out


def clean_fields(raw: object) -> frozenset[str]:
    if not isinstance(raw, list | tuple):
        return frozenset()
    return frozenset(f for f in raw if f in RESTRICTED_FIELDS)
