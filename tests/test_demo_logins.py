"""`clientbase demo` gives one working login per role, each seeing what its role may see."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import authenticate

from clientbase.access.models import Role, User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import visible_accounts
from clientbase.cli import DEMO_PASSWORD, ensure_demo_users
from clientbase.demo.generator import generate


@pytest.fixture
def demo_company(db: None, tmp_path: Path) -> None:
    generate(scale="XS", seed=7, truth_path=tmp_path / "truth.json")


@pytest.mark.usefixtures("demo_company")
def test_there_is_one_login_per_role_and_each_password_works() -> None:
    logins = ensure_demo_users()

    assert len(logins) == len(Role)
    roles = set()
    for username, _label in logins:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert isinstance(user, User), username
        roles.add(user.role)
    assert roles == set(Role.values)


@pytest.mark.usefixtures("demo_company")
def test_running_it_twice_creates_no_second_set_of_users() -> None:
    ensure_demo_users()
    users = User.objects.count()

    ensure_demo_users()

    assert User.objects.count() == users


@pytest.mark.usefixtures("demo_company")
def test_the_rep_login_sees_a_book_and_the_director_sees_everything() -> None:
    logins = dict((label, name) for name, label in ensure_demo_users())
    rep = User.objects.get(username=logins[str(Role.REP.label)])
    director = User.objects.get(username=logins[str(Role.DIRECTOR.label)])

    rep_sees = visible_accounts(actor=rep).count()
    assert 0 < rep_sees < Account.objects.count()
    assert visible_accounts(actor=director).count() == Account.objects.count()
