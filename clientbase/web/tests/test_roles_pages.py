"""The roles pages: an administrator lists, defines, changes and removes roles; nobody else
reaches them. Every change is audited."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, RoleDefinition, User
from clientbase.access.services import create_user

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _seeded(db: None) -> None:
    """The built-in roles as the migration seeds them (a flushed test database lost them)."""
    seed = importlib.import_module("clientbase.access.migrations.0003_roles_seed").seed
    seed(apps, None)


@pytest.fixture
def admin(db: None) -> User:
    return create_user(actor=None, username="root", password=None, role="admin")


def test_an_administrator_sees_every_role(login: Login, admin: User) -> None:
    response = login(admin).get(reverse("web:role_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Sales director", "New-business rep", "Read-only auditor"):
        assert name in html


@pytest.mark.parametrize("name", ["web:role_list", "web:role_new"])
def test_it_rejects_the_pages_without_the_right(login: Login, director: User, name: str) -> None:
    assert login(director).get(reverse(name)).status_code == 403


def test_an_administrator_defines_a_role_with_scoped_grants_and_fields(
    login: Login, admin: User
) -> None:
    response = login(admin).post(
        reverse("web:role_new"),
        {
            "key": "collector",
            "name": "Debt collector",
            "grant-account-view": "department",
            "grant-account-edit": "own",
            "fields": ["order.cost"],
        },
    )
    assert response.status_code == 302
    role = RoleDefinition.objects.get(key="collector")
    assert role.grants == {"account": {"view": "department", "edit": "own"}}
    assert role.fields == ["order.cost"]
    assert AuditEvent.objects.filter(action="role.create", actor=admin).count() == 1


def test_it_changes_a_built_in_role(login: Login, admin: User) -> None:
    client = login(admin)
    page = client.get(reverse("web:role_edit", args=["rep"]))
    assert page.status_code == 200
    response = client.post(
        reverse("web:role_edit", args=["rep"]),
        {"name": "New-business rep", "grant-account-view": "team"},
    )
    assert response.status_code == 302
    assert RoleDefinition.objects.get(key="rep").grants == {"account": {"view": "team"}}


def test_it_rejects_a_bad_scope_and_keeps_the_role(login: Login, admin: User) -> None:
    response = login(admin).post(
        reverse("web:role_edit", args=["rep"]),
        {"name": "Rep", "grant-account-view": "galaxy"},
    )
    assert response.status_code == 400
    assert RoleDefinition.objects.get(key="rep").name == "New-business rep"


def test_a_built_in_role_cannot_be_removed(login: Login, admin: User) -> None:
    response = login(admin).post(reverse("web:role_delete", args=["rep"]))
    assert response.status_code == 400
    assert RoleDefinition.objects.filter(key="rep").exists()


@pytest.mark.parametrize(("language", "title"), [("ru", "Роли"), ("fa", "نقش‌ها")])
def test_the_page_speaks_russian_and_persian(
    login: Login, admin: User, language: str, title: str
) -> None:
    admin.language = language
    admin.save()
    html = login(admin).get(reverse("web:role_list")).content.decode()
    assert title in html


def test_an_administrator_gives_a_user_another_role(login: Login, admin: User, owner: User) -> None:
    client = login(admin)
    assert client.get(reverse("web:role_holders")).status_code == 200
    response = client.post(reverse("web:role_holders"), {"user": owner.pk, "role": "analyst"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.role == "analyst"
    event = AuditEvent.objects.get(action="user.role")
    assert (event.actor, event.changes) == (admin, {"role": ["rep", "analyst"]})


def test_it_rejects_an_unknown_role_for_a_user(login: Login, admin: User, owner: User) -> None:
    response = login(admin).post(reverse("web:role_holders"), {"user": owner.pk, "role": "king"})
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.role == "rep"


def test_a_director_cannot_change_roles(login: Login, director: User, owner: User) -> None:
    response = login(director).post(
        reverse("web:role_holders"), {"user": owner.pk, "role": "director"}
    )
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.role == "rep"
