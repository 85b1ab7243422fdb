"""Only roles with the export right may export; the server refuses everyone else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clientbase.access.models import Role, User
from clientbase.access.selectors import can, require
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import export_events

pytestmark = pytest.mark.django_db

ALLOWED = [Role.ADMIN, Role.DIRECTOR, Role.ANALYST, Role.TEAM_LEAD]
DENIED = [Role.REP, Role.ACCOUNT_MANAGER, Role.MARKETING, Role.SERVICE, Role.AUDITOR]


@pytest.mark.parametrize("role", ALLOWED)
def test_these_roles_may_export_accounts(role: str) -> None:
    user = create_user(actor=None, username=f"u-{role}", password=None, role=role)
    assert can(user, "export", "accounts")
    require(user, "export", "accounts")


@pytest.mark.parametrize("role", DENIED)
def test_these_roles_may_not_export_accounts(role: str) -> None:
    user = create_user(actor=None, username=f"u-{role}", password=None, role=role)
    assert not can(user, "export", "accounts")
    with pytest.raises(PermissionDenied):
        require(user, "export", "accounts")


def test_a_deactivated_director_may_not_export(director: User) -> None:
    director.is_active = False
    director.save()
    assert not can(director, "export", "accounts")


def test_it_rejects_export_without_right(owner: User, make_account: Callable[..., Account]) -> None:
    make_account(owner=owner)
    with pytest.raises(PermissionDenied):
        export_accounts(actor=owner, query=AccountListQuery(q="Account"), fmt="csv")
    assert export_events() == []
    [denied] = export_events("export.denied")
    assert denied.actor == owner
    assert denied.changes == {
        "filter": {"q": "Account", "status": "", "sort": "name"},
        "format": "csv",
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_rep_calling_the_export_url_gets_403_and_no_rows(
    client: Client, owner: User, make_account: Callable[..., Account], fmt: str
) -> None:
    make_account(owner=owner, display_name="Secret Co")
    client.force_login(owner)
    response = client.get(reverse("web:account_export"), {"fmt": fmt})
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert b"Secret Co" not in response.content
    assert export_events() == []
    assert len(export_events("export.denied")) == 1


def test_a_rep_calling_the_api_export_gets_403_and_no_rows(
    client: Client, owner: User, make_account: Callable[..., Account]
) -> None:
    make_account(owner=owner, display_name="Secret Co")
    client.force_login(owner)
    response = client.get("/api/v1/accounts/export", {"fmt": "csv"})
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert "export" in response.json()["detail"]
    assert export_events() == []
    assert len(export_events("export.denied")) == 1


def test_an_anonymous_visitor_cannot_export(client: Client, db: None) -> None:
    assert client.get("/api/v1/accounts/export").status_code == 401
    response = client.get(reverse("web:account_export"))
    assert response.status_code == 302
    assert export_events() == []
