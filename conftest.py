"""Fixed people for every test: an owner, a teammate, an outsider, their lead and a director.

`owner` and `teammate` are reps in team North (led by `lead`); `outsider` is a rep in team
South. `director` sees everything. Accounts are made with `make_account`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from clientbase.access.models import Department, DepartmentKind, Role, Team, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.accounts.services import create_account

PASSWORD = "correct horse battery staple"  # noqa: S105 - test fixture


@pytest.fixture
def department(db: None) -> Department:
    return Department.objects.create(name="Sales forces", kind=DepartmentKind.NEW_BUSINESS)


@pytest.fixture
def north(department: Department) -> Team:
    return Team.objects.create(name="North", department=department)


@pytest.fixture
def south(department: Department) -> Team:
    return Team.objects.create(name="South", department=department)


@pytest.fixture
def lead(north: Team) -> User:
    user = create_user(
        actor=None, username="lead", password=PASSWORD, role=Role.TEAM_LEAD, team=north
    )
    north.lead = user
    north.save()
    return user


@pytest.fixture
def owner(north: Team, lead: User) -> User:
    return create_user(
        actor=None, username="owner", password=PASSWORD, role=Role.REP, team=north, manager=lead
    )


@pytest.fixture
def teammate(north: Team, lead: User) -> User:
    return create_user(
        actor=None, username="teammate", password=PASSWORD, role=Role.REP, team=north, manager=lead
    )


@pytest.fixture
def outsider(south: Team) -> User:
    return create_user(
        actor=None, username="outsider", password=PASSWORD, role=Role.REP, team=south
    )


@pytest.fixture
def director(db: None) -> User:
    return create_user(actor=None, username="director", password=PASSWORD, role=Role.DIRECTOR)


@pytest.fixture
def make_account(db: None) -> Callable[..., Account]:
    counter = iter(range(1, 1_000_000))

    def make(owner: User | None = None, **fields: Any) -> Account:
        n = next(counter)
        fields.setdefault("legal_name", f"ООО «Account {n:04d}»")
        fields.setdefault("display_name", f"Account {n:04d}")
        return create_account(actor=None, owner=owner, **fields)

    return make


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still argon2 (tests check the algorithm), with costs low enough for hundreds of users."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["conftest.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _flushable_audit_trail() -> None:
    """The test runner empties every table between transactional tests with `flush`; the
    audit table's append-only triggers let it only when this is on (never outside tests)."""
    from django.conf import settings

    settings.AUDIT_TRAIL_FLUSHABLE = True
