"""Who sees which accounts: the same answer through visible_accounts, account_list and get_account.

A rep sees the accounts they own or manage; a team lead sees the whole team's, sub-teams
included; a director sees all; an inactive user sees nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from django.http import Http404

from clientbase.access.models import Role, Team, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import (
    AccountListQuery,
    account_list,
    get_account,
    visible_accounts,
)

MakeAccount = Callable[..., Account]
Reader = Callable[[User], set[str]]
PASSWORD = "correct horse battery staple"

ALL = {
    "owner's",
    "teammate's",
    "outsider's, managed by owner",
    "outsider's",
    "lead's",
    "sub-team rep's",
    "nobody's",
}


def through_visible_accounts(actor: User) -> set[str]:
    return set(visible_accounts(actor=actor).values_list("display_name", flat=True))


def through_account_list(actor: User) -> set[str]:
    seen: list[str] = []
    after = ""
    for _ in range(20):
        page = account_list(actor=actor, query=AccountListQuery(after=after, limit=2))
        seen += [account.display_name for account in page.accounts]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert len(seen) == len(set(seen))
    return set(seen)


def through_get_account(actor: User) -> set[str]:
    seen = set()
    for account_id in Account.objects.values_list("pk", flat=True):
        with contextlib.suppress(Http404):
            seen.add(get_account(actor=actor, account_id=account_id).display_name)
    return seen


@pytest.fixture(params=[through_visible_accounts, through_account_list, through_get_account])
def seen_by(request: pytest.FixtureRequest) -> Reader:
    reader: Reader = request.param
    return reader


@pytest.fixture
def sub_team(north: Team) -> Team:
    return Team.objects.create(name="North-East", department=north.department, parent=north)


@pytest.fixture
def sub_team_lead(sub_team: Team) -> User:
    user = create_user(
        actor=None, username="ne-lead", password=PASSWORD, role=Role.TEAM_LEAD, team=sub_team
    )
    sub_team.lead = user
    sub_team.save()
    return user


@pytest.fixture
def sub_team_rep(sub_team: Team, sub_team_lead: User) -> User:
    return create_user(
        actor=None, username="ne-rep", password=PASSWORD, role=Role.REP, team=sub_team
    )


@pytest.fixture(autouse=True)
def book(
    make_account: MakeAccount,
    owner: User,
    teammate: User,
    outsider: User,
    lead: User,
    sub_team_rep: User,
) -> None:
    make_account(owner=owner, display_name="owner's")
    make_account(owner=teammate, display_name="teammate's")
    make_account(owner=outsider, account_manager=owner, display_name="outsider's, managed by owner")
    make_account(owner=outsider, display_name="outsider's")
    make_account(owner=lead, display_name="lead's")
    make_account(owner=sub_team_rep, display_name="sub-team rep's")
    make_account(owner=None, display_name="nobody's")


def test_a_rep_sees_the_accounts_they_own_or_manage(seen_by: Reader, owner: User) -> None:
    assert seen_by(owner) == {"owner's", "outsider's, managed by owner"}


def test_a_teammate_does_not_see_another_reps_accounts(seen_by: Reader, teammate: User) -> None:
    assert seen_by(teammate) == {"teammate's"}


def test_an_outsider_sees_only_their_own(seen_by: Reader, outsider: User) -> None:
    assert seen_by(outsider) == {"outsider's", "outsider's, managed by owner"}


def test_a_team_lead_sees_the_whole_team_including_sub_teams(seen_by: Reader, lead: User) -> None:
    assert seen_by(lead) == {
        "owner's",
        "teammate's",
        "outsider's, managed by owner",
        "lead's",
        "sub-team rep's",
    }


def test_a_sub_team_lead_does_not_see_the_parent_team(seen_by: Reader, sub_team_lead: User) -> None:
    assert seen_by(sub_team_lead) == {"sub-team rep's"}


def test_a_team_lead_sees_a_team_they_lead_without_being_a_member(
    seen_by: Reader, south: Team
) -> None:
    coach = create_user(actor=None, username="coach", password=PASSWORD, role=Role.TEAM_LEAD)
    south.lead = coach
    south.save()

    assert seen_by(coach) == {"outsider's", "outsider's, managed by owner"}


def test_an_account_manager_sees_the_accounts_they_manage(
    seen_by: Reader, make_account: MakeAccount, outsider: User
) -> None:
    manager = create_user(actor=None, username="am", password=PASSWORD, role=Role.ACCOUNT_MANAGER)
    make_account(owner=outsider, account_manager=manager, display_name="managed by am")

    assert seen_by(manager) == {"managed by am"}


def test_a_director_sees_every_account(seen_by: Reader, director: User) -> None:
    assert seen_by(director) == ALL


def test_an_administrator_sees_every_account(seen_by: Reader) -> None:
    admin = create_user(actor=None, username="root", password=PASSWORD, role=Role.ADMIN)

    assert seen_by(admin) == ALL


@pytest.mark.parametrize("who", ["owner", "lead", "director"])
def test_an_inactive_user_sees_nothing(
    seen_by: Reader, request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    user.is_active = False
    user.save()

    assert seen_by(user) == set()


def test_a_user_with_no_team_and_a_rep_role_sees_only_their_own(
    seen_by: Reader, make_account: MakeAccount
) -> None:
    loner = create_user(actor=None, username="loner", password=PASSWORD, role=Role.REP)
    make_account(owner=loner, display_name="loner's")

    assert seen_by(loner) == {"loner's"}
