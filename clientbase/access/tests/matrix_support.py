"""The authorization matrix: who may use which route on whose records, and a world to test it in.

The matrix is the roles' own data (RoleDefinition: per object type, actions with a scope) and
each route's access declaration. `CASES` says, per route name, how to call it: the HTTP method,
the kind of record its id names (built for a chosen owner) and whose records it reaches:
"scope" (the role's scope for the declared action) or "requester" (the requester's own only).

ADDING A ROUTE: give the view a declaration (`@allow(...)` / `@operation_access(...)`), then add
its name here with a `Case`; the route test fails until both exist.

The world: department West with teams North and South, department East with team Far. One
actor per role, all in North; a record's owner is the actor ("own"), a North rep ("team"), a
South rep ("department") or a Far rep ("other"). Besides the nine built-in roles, a defined
role "regional" (department scope) shows a role added by an administrator works the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientbase.access.models import Department, DepartmentKind, Team, User
from clientbase.access.roles import BUILTIN_KEYS, SCOPE_ORDER
from clientbase.access.routes import Access, Route
from clientbase.access.selectors import role_definition
from clientbase.access.services import create_user, save_role
from clientbase.accounts.models import Account
from clientbase.accounts.services import create_account

TARGETS = ("own", "team", "department", "other")
REGIONAL = "regional"
ROLE_KEYS = (*BUILTIN_KEYS, REGIONAL)
REGIONAL_GRANTS = {
    "account": {"view": "department", "edit": "department", "create": "own"},
    "contact": {"view": "department"},
    "segment": {"view": "own", "create": "own", "edit": "own", "delete": "own"},
    "metrics": {"view": "department"},
}


@dataclass
class World:
    actors: dict[str, User]
    others: dict[str, User]  # "team", "department", "other" -> a rep there
    objects: dict[tuple[str, int], Any] = field(default_factory=dict)
    counter: list[int] = field(default_factory=lambda: [0])

    def owner(self, actor: User, target: str) -> User:
        return actor if target == "own" else self.others[target]

    def next(self) -> int:
        self.counter[0] += 1
        return self.counter[0]


def _act(world: World) -> Any:
    from clientbase.privacy.models import DestructionAct

    return DestructionAct.objects.create(
        number="MATRIX-1", at=timezone.now(), subject_id=1, legal_basis="consent_withdrawn"
    )


def build_world(var_dir: Path) -> World:
    west = Department.objects.create(name="West", kind=DepartmentKind.NEW_BUSINESS)
    east = Department.objects.create(name="East", kind=DepartmentKind.NEW_BUSINESS)
    north = Team.objects.create(name="North", department=west)
    south = Team.objects.create(name="South", department=west)
    far = Team.objects.create(name="Far", department=east)
    save_role(actor=None, key=REGIONAL, name="Regional", grants=REGIONAL_GRANTS, fields=[])
    actors = {
        key: create_user(actor=None, username=f"as_{key}", password=None, role=key, team=north)
        for key in ROLE_KEYS
    }
    others = {
        "team": create_user(actor=None, username="mate", password=None, role="rep", team=north),
        "department": create_user(
            actor=None, username="south", password=None, role="rep", team=south
        ),
        "other": create_user(actor=None, username="far", password=None, role="rep", team=far),
    }
    world = World(actors=actors, others=others)
    for owner in [*actors.values(), *others.values()]:
        make_objects(world, owner, var_dir)
    world.objects[("act", 0)] = _act(world)
    return world


def _account(world: World, owner: User, **fields: Any) -> Account:
    n = world.next()
    fields.setdefault("legal_name", f"ООО «Matrix {n:04d}»")
    fields.setdefault("display_name", f"Matrix {n:04d}")
    return create_account(actor=None, owner=owner, **fields)


def make_objects(world: World, owner: User, var_dir: Path) -> None:
    """One record of each kind a route's id names, owned (or started) by `owner`."""
    from clientbase.accounts.merging import merge_accounts
    from clientbase.analytics.models import Segment
    from clientbase.exports.models import Export, ExportStatus
    from clientbase.exports.services import exports_dir
    from clientbase.identity.models import DuplicateCandidate, MatchRun
    from clientbase.imports.models import BatchStatus, ImportBatch, ParkedRow
    from clientbase.imports.uploads import report_file

    key = owner.pk
    world.objects[("account", key)] = _account(world, owner)
    survivor, merged = _account(world, owner), _account(world, owner)
    world.objects[("merge", key)] = merge_accounts(actor=None, survivor=survivor, merged=merged)
    left, right = sorted((_account(world, owner), _account(world, owner)), key=lambda a: a.pk)
    run = MatchRun.objects.create(started_at=timezone.now(), threshold=0.5)
    world.objects[("candidate", key)] = DuplicateCandidate.objects.create(
        run=run, left=left, right=right, probability=0.97, agreements={"name": "skeleton"}
    )
    batch = ImportBatch.objects.create(
        source_system="matrix",
        created_by=owner,
        status=BatchStatus.DONE,
        target="accounts",
        finished_at=timezone.now(),
    )
    report = report_file(batch)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("row,error\n2,bad phone\n", encoding="utf-8")
    world.objects[("batch", key)] = batch
    world.objects[("parked", key)] = ParkedRow.objects.create(
        batch=batch, row_number=2, raw={"legal_name": "x"}, errors=["bad"]
    )
    export = Export.objects.create(
        created_by=owner,
        fmt="csv",
        background=True,
        status=ExportStatus.DONE,
        finished_at=timezone.now(),
        file_path=f"matrix-{key}.csv",
        row_count=1,
    )
    exports_dir().mkdir(parents=True, exist_ok=True)
    (exports_dir() / export.file_path).write_bytes(b"\xef\xbb\xbfid\n1\n")
    world.objects[("export", key)] = export
    from clientbase.accounts.models import Contact
    from clientbase.login.token_services import create_token

    world.objects[("contact", key)] = Contact.objects.create(
        account=world.objects[("account", key)], full_name=f"Person of {owner.username}"
    )
    world.objects[("token", key)] = create_token(actor=owner, name="matrix")[0]
    world.objects[("user", key)] = owner
    from clientbase.exports.models import ExportRequest
    from clientbase.notifications.models import Notification

    world.objects[("export_request", key)] = ExportRequest.objects.create(
        requested_by=owner, filter={}, fmt="csv", estimated_rows=10, reason="matrix"
    )
    world.objects[("notification", key)] = Notification.objects.create(
        recipient=owner, kind="matrix", title="Matrix"
    )
    world.objects[("segment", key)] = Segment.objects.create(
        name=f"Segment of {owner.username}",
        spec={"field": "status", "op": "eq", "value": "active"},
        owner=owner,
    )


# --- How each route is called ------------------------------------------------------------------

Build = Callable[[World, User], tuple[dict[str, Any], dict[str, Any]]]  # (url kwargs, data)


def _none(world: World, owner: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {}


def _id(kind: str, kwarg: str) -> Build:
    def build(world: World, owner: User) -> tuple[dict[str, Any], dict[str, Any]]:
        return {kwarg: world.objects[(kind, owner.pk)].pk}, {}

    return build


def _parked(world: World, owner: User) -> tuple[dict[str, Any], dict[str, Any]]:
    row = world.objects[("parked", owner.pk)]
    return {"batch_id": row.batch_id}, {"row": str(row.pk)}


def _someone_elses(kind: str, kwarg: str, **data: str) -> Build:
    """A record of the rep in another department (never the caller's own)."""

    def build(world: World, owner: User) -> tuple[dict[str, Any], dict[str, Any]]:
        other = world.others["other"]
        record = world.objects[(kind, other.pk)]
        return {kwarg: record.pk}, dict(data)

    return build


def _fixed(**kwargs: Any) -> Build:
    return lambda world, owner: (dict(kwargs), {})


@dataclass(frozen=True)
class Case:
    method: str = "get"
    build: Build = _none
    reach: str = "none"  # "none": no record; "scope": the role's scope; "requester": own only
    query: dict[str, str] = field(default_factory=dict)
    always: int | None = None  # a status every caller gets (the API's bare root: 404)
    own_session: bool = False  # the request ends its session (log out): on a throwaway one
    data: dict[str, str] = field(default_factory=dict)  # a POST's fixed fields


ACCOUNT = _id("account", "account_id")
BATCH = _id("batch", "batch_id")
EXPORT = _id("export", "export_id")
CANDIDATE = _id("candidate", "candidate_id")
MERGE = _id("merge", "merge_id")
SEGMENT = _id("segment", "segment_id")
CONTACT = _id("contact", "contact_id")
TOKEN = _id("token", "token_id")
PERSON = _id("user", "user_id")
EXPORT_REQUEST = _id("export_request", "request_id")
NOTIFICATION = _id("notification", "notification_id")


def _the_act(world: World, owner: User) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"act_id": world.objects[("act", 0)].pk}, {}


CASES: dict[str, Case] = {
    "api:openapi-json": Case(),
    "api:openapi-view": Case(),
    "api:list_accounts": Case(),
    "api:export_account_list": Case(),
    "api:account_detail": Case(build=ACCOUNT, reach="scope"),
    "api:api-root": Case(always=404),
    "web:home": Case(),
    "web:login": Case(),
    "web:logout": Case(method="post", own_session=True),
    "web:set_language": Case(method="post"),
    "web:account_list": Case(query={"q": "Matrix"}),
    "web:account_export": Case(),
    "web:account_detail": Case(build=ACCOUNT, reach="scope"),
    "web:account_new": Case(),
    "web:account_new_check": Case(query={"legal_name": "Matrix"}),
    "web:merge_undo": Case(method="post", build=MERGE, reach="scope"),
    "web:duplicate_queue": Case(),
    "web:duplicate_detail": Case(build=CANDIDATE, reach="scope"),
    "web:duplicate_dismiss": Case(method="post", build=CANDIDATE, reach="scope"),
    "web:duplicate_merge": Case(method="post", build=CANDIDATE, reach="scope"),
    "web:import_list": Case(),
    "web:import_new": Case(),
    "web:import_detail": Case(build=BATCH, reach="scope"),
    "web:import_mapping": Case(build=BATCH, reach="scope"),
    "web:import_progress": Case(build=BATCH, reach="scope"),
    "web:import_report": Case(build=BATCH, reach="scope"),
    "web:import_rollback": Case(method="post", build=BATCH, reach="scope"),
    "web:import_parked": Case(build=BATCH, reach="scope"),
    "web:import_parked_resubmit": Case(method="post", build=_parked, reach="scope"),
    "web:import_parked_discard": Case(method="post", build=_parked, reach="scope"),
    "web:export_list": Case(),
    "web:export_detail": Case(build=EXPORT, reach="requester"),
    "web:export_progress": Case(build=EXPORT, reach="requester"),
    "web:export_download": Case(build=EXPORT, reach="requester"),
    "web:account_questionnaire": Case(build=ACCOUNT, reach="scope"),
    "web:questionnaire_edit": Case(),
    "web:analytics_dashboard": Case(),
    "web:analytics_runs": Case(),
    "web:analytics_runs_progress": Case(),
    "web:analytics_recompute": Case(method="post"),
    "web:analytics_csv": Case(build=_fixed(table="costs")),
    "web:segment_list": Case(),
    "web:segment_new": Case(),
    "web:segment_builder": Case(method="post"),
    "web:segment_count": Case(method="post"),
    "web:segment_movements": Case(),
    "web:segment_edit": Case(build=SEGMENT, reach="requester"),
    "web:segment_delete": Case(method="post", build=SEGMENT, reach="requester"),
    "web:playbooks": Case(),
    "web:playbook_edit": Case(build=_fixed(kind="tier", key="1a")),
    "web:playbook_tasks": Case(build=_fixed(kind="tier", key="1a")),
    "web:audit_log": Case(),
    "web:export_request_new": Case(),
    "web:export_requests": Case(),
    "web:export_request_decide": Case(
        method="post", build=_someone_elses("export_request", "request_id", decision="reject")
    ),
    "web:export_request_run": Case(method="post", build=EXPORT_REQUEST, reach="requester"),
    "web:export_policy": Case(),
    "web:usage_alerts": Case(),
    "web:export_suspend": Case(method="post", build=_someone_elses("user", "user_id")),
    "web:export_lift": Case(method="post", build=_someone_elses("user", "user_id")),
    "web:notification_list": Case(),
    "web:notification_read": Case(method="post", build=NOTIFICATION, reach="requester"),
    "web:role_list": Case(),
    "web:role_new": Case(),
    "web:role_holders": Case(),
    "web:role_edit": Case(build=_fixed(key=REGIONAL)),
    "web:role_delete": Case(method="post", build=_fixed(key=REGIONAL)),
    # Privacy (issue 5): the contact page, consent, subject export, erasure, destruction acts.
    "web:contact_detail": Case(build=CONTACT, reach="scope"),
    "web:contact_consent": Case(method="post", build=CONTACT, reach="scope"),
    "web:contact_subject_export": Case(build=CONTACT, reach="scope"),
    "web:contact_erase": Case(build=CONTACT, reach="scope"),
    "web:destruction_act_list": Case(),
    "web:destruction_act": Case(build=_the_act),
    # Login hardening (issue 5): second factor, API tokens, people management.
    "web:login_verify": Case(),
    "web:login_enrol": Case(),
    "web:two_factor": Case(),
    "web:api_tokens": Case(),
    "web:api_token_revoke": Case(method="post", build=TOKEN, reach="requester"),
    "web:user_list": Case(),
    "web:user_unlock": Case(method="post", data={"key": "user:nobody"}),
    "web:user_offboard": Case(build=PERSON),
    "web:user_two_factor_reset": Case(method="post", build=PERSON),
}


# --- What the matrix says ----------------------------------------------------------------------


def grants_of(role: str) -> dict[str, dict[str, str]]:
    row = role_definition(role)
    assert row is not None
    return dict(row.grants)


def within(scope: str, target: str) -> bool:
    """Whether a record of `target` lies inside `scope` for an actor in North (team North,
    department West)."""
    return (
        SCOPE_ORDER.index(scope) >= TARGETS.index(target) if target != "other" else (scope == "all")
    )


def expected_allowed(access: Access, case: Case, role: str | None, target: str) -> bool:
    """The matrix's answer: may `role` (None: not signed in) use the route on `target`'s record."""
    if access.kind == "public":
        return True
    if role is None:
        return False
    if access.kind == "authenticated":
        return case.reach != "requester" or target == "own"
    scope = grants_of(role).get(access.object_type, {}).get(access.action)
    if scope is None:
        return False
    if case.reach == "none":
        return True
    if case.reach == "requester":
        return target == "own"
    return within(scope, target)


def call(client: Client, route: Route, case: Case, world: World, owner: User) -> tuple[int, str]:
    """The status (and redirect target) of one request, its writes rolled back, so every case
    starts from the same world."""
    kwargs, data = case.build(world, owner)
    data = {**case.data, **data}
    if case.own_session and "_auth_user_id" in client.session:
        signed_in = client.session["_auth_user_id"]
        client = Client()
        client.force_login(User.objects.get(pk=signed_in))
    url = reverse(route.name, kwargs=kwargs or None)
    with transaction.atomic():
        send = client.post if case.method == "post" else client.get
        response = send(url, data if case.method == "post" else case.query)
        transaction.set_rollback(True)
    return response.status_code, response.headers.get("Location", "")


def outcome_is_allowed(status: int) -> bool:
    return status not in (401, 403, 404) and status < 500


def anonymous_was_refused(route: Route, status: int, location: str) -> bool:
    if route.name.startswith("api:") and route.methods:
        return status == 401
    return status == 302 and "/login/" in location
