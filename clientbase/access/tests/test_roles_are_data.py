"""Roles are rows: the nine built-in ones are seeded, administrators define more, and a role's
grants decide rights, record scope and restricted fields."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbase.access.models import AuditEvent, Department, RoleDefinition, Scope, Team, User
from clientbase.access.roles import BUILTIN_KEYS, BUILTIN_ROLES, METRICS_MARGIN
from clientbase.access.selectors import (
    can,
    may_see_field,
    rights_of,
    scope_of,
    visible_user_ids,
)
from clientbase.access.services import create_user, delete_role, save_role, set_user_role

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_nine_built_in_roles_as_defined() -> None:
    # The seed itself, run again on an empty table (a flushed test database has lost it).
    seed = importlib.import_module("clientbase.access.migrations.0003_roles_seed").seed
    RoleDefinition.objects.all().delete()
    seed(apps, None)
    stored = {r.key: r for r in RoleDefinition.objects.filter(builtin=True)}
    assert sorted(stored) == sorted(BUILTIN_KEYS)
    assert len(stored) == 9
    for builtin in BUILTIN_ROLES:
        assert stored[builtin.key].grants == builtin.grants
        assert sorted(stored[builtin.key].fields) == sorted(builtin.fields)


def test_a_defined_role_grants_what_it_says_and_nothing_else(director: User) -> None:
    save_role(
        actor=None,
        key="collector",
        name="Debt collector",
        grants={"account": {"view": "all", "edit": "own"}},
        fields=[METRICS_MARGIN],
    )
    user = create_user(actor=None, username="c", password=None, role="collector")
    assert can(user, "view", "account")
    assert can(user, "view", "accounts")  # the plural spelling call sites use
    assert not can(user, "export", "account")
    assert scope_of(user, "account", "view") == Scope.ALL
    assert scope_of(user, "account", "edit") == Scope.OWN
    assert scope_of(user, "deal", "view") is None
    assert visible_user_ids(user, "account", "edit") == {user.pk}
    assert may_see_field(user, METRICS_MARGIN)


def test_the_department_scope_reaches_every_team_of_the_department() -> None:
    west = Department.objects.create(name="West", kind="new_business")
    east = Department.objects.create(name="East", kind="new_business")
    north, south = (Team.objects.create(name=n, department=west) for n in ("N", "S"))
    far = Team.objects.create(name="F", department=east)
    save_role(
        actor=None,
        key="regional",
        name="Regional",
        grants={"account": {"view": "department"}},
        fields=[],
    )
    me = create_user(actor=None, username="me", password=None, role="regional", team=north)
    mate = create_user(actor=None, username="m", password=None, role="rep", team=south)
    stranger = create_user(actor=None, username="s", password=None, role="rep", team=far)
    ids = visible_user_ids(me)
    assert ids is not None
    assert {me.pk, mate.pk} <= ids
    assert stranger.pk not in ids


def test_it_rejects_an_unknown_action_scope_or_field() -> None:
    with pytest.raises(ValidationError):
        save_role(actor=None, key="x", name="X", grants={"account": {"fly": "all"}}, fields=[])
    with pytest.raises(ValidationError):
        save_role(actor=None, key="x", name="X", grants={"account": {"view": "galaxy"}}, fields=[])
    with pytest.raises(ValidationError):
        save_role(actor=None, key="x", name="X", grants={}, fields=["salary"])
    assert not RoleDefinition.objects.filter(key="x").exists()


def test_it_rejects_role_changes_without_the_right(owner: User) -> None:
    with pytest.raises(PermissionDenied):
        save_role(actor=owner, key="x", name="X", grants={}, fields=[])
    with pytest.raises(PermissionDenied):
        set_user_role(actor=owner, user=owner, role="director")
    owner.refresh_from_db()
    assert owner.role == "rep"


def test_role_changes_are_audited_with_the_diff() -> None:
    admin = create_user(actor=None, username="root", password=None, role="admin")
    save_role(actor=admin, key="helper", name="Helper", grants={}, fields=[])
    save_role(actor=admin, key="helper", name="Helper", grants={"deal": {"view": "own"}}, fields=[])
    user = create_user(actor=None, username="h", password=None, role="rep")
    set_user_role(actor=admin, user=user, role="helper")
    events = list(AuditEvent.objects.filter(actor=admin).order_by("id"))
    assert [e.action for e in events] == ["role.create", "role.update", "user.role"]
    assert events[1].changes == {"grants": [{}, {"deal": {"view": "own"}}]}
    assert events[2].changes == {"role": ["rep", "helper"]}


def test_a_built_in_role_and_a_role_in_use_are_not_removed() -> None:
    with pytest.raises(ValidationError):
        delete_role(actor=None, key="rep")
    save_role(actor=None, key="temp", name="Temp", grants={}, fields=[])
    create_user(actor=None, username="t", password=None, role="temp")
    with pytest.raises(ValidationError):
        delete_role(actor=None, key="temp")
    assert RoleDefinition.objects.filter(key__in=["rep", "temp"]).count() == 2


def test_an_inactive_user_has_no_rights(director: User) -> None:
    director.is_active = False
    assert not can(director, "view", "account")
    assert rights_of(director).grants == {}


def test_a_request_reads_the_role_with_the_user_not_again(client: Client, owner: User) -> None:
    """The sign-in backend loads the grants in the user's own query: checking rights on a
    page (and the role's name in the sidebar) adds no query on the roles table."""
    save_role(
        actor=None, key="custom", name="Custom", grants={"account": {"view": "own"}}, fields=[]
    )
    owner.role = "custom"
    owner.save()
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:account_list"))
    assert response.status_code == 200
    role_reads = [q["sql"] for q in queries if "access_roledefinition" in q["sql"]]
    assert len(role_reads) == 1  # the user's own query, with the role joined in
    assert 'FROM "access_user"' in role_reads[0]
