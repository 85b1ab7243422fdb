"""An export holds exactly the rows the exporter may see in the list, never more."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.services import export_accounts
from clientbase.exports.tests.conftest import read

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_never_exports_rows_outside_the_users_scope(
    lead: User,
    owner: User,
    teammate: User,
    outsider: User,
    make_account: Callable[..., Account],
    fmt: str,
) -> None:
    make_account(owner=owner, display_name="Owner's")
    make_account(owner=None, account_manager=teammate, display_name="Teammate manages")
    make_account(owner=outsider, display_name="Outsider's")
    make_account(owner=None, display_name="Unassigned")
    rows = read(export_accounts(actor=lead, query=AccountListQuery(), fmt=fmt))
    assert [row["display_name"] for row in rows] == ["Owner's", "Teammate manages"]


def test_a_director_exports_everyones_accounts(
    director: User, owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    make_account(owner=owner, display_name="A")
    make_account(owner=outsider, display_name="B")
    make_account(owner=None, display_name="C")
    rows = read(export_accounts(actor=director, query=AccountListQuery(), fmt="csv"))
    assert [row["display_name"] for row in rows] == ["A", "B", "C"]
