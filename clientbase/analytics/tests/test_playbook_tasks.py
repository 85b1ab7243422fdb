"""A playbook creates one open follow-up task per covered account, for its responsible
person, only over the accounts the actor sees; running it again duplicates nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clientbase.access.models import AuditEvent, Role, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity, ActivityStatus
from clientbase.activities.services import complete_activity, plan_activity
from clientbase.analytics.playbook_selectors import get_playbook
from clientbase.analytics.playbook_services import (
    PlaybookChange,
    create_playbook_tasks,
    save_playbook,
)
from clientbase.analytics.segment_services import create_segment

from .playbook_fixtures import classed_run

pytestmark = pytest.mark.django_db
MakeAccount = Callable[..., Account]


def _tasks() -> list[Activity]:
    return list(Activity.objects.filter(source_system="playbook").order_by("account_id"))


@pytest.fixture
def accounts(owner: User, outsider: User, make_account: MakeAccount) -> dict[str, Account]:
    mine, other, theirs = (
        make_account(owner=owner),
        make_account(owner=owner),
        make_account(owner=outsider),
    )
    classed_run(
        {
            mine: {"quadrant": "II"},
            other: {"quadrant": "I"},
            theirs: {"quadrant": "II"},
        }
    )
    return {"mine": mine, "other": other, "theirs": theirs}


def test_the_owner_gets_a_task_for_each_of_their_accounts_in_the_class(
    owner: User, accounts: dict[str, Account]
) -> None:
    playbook = get_playbook(actor=owner, kind="quadrant", key="II")

    result = create_playbook_tasks(actor=owner, playbook=playbook)

    (task,) = _tasks()
    assert (result.accounts, result.created, result.already_open) == (1, 1, 0)
    assert task.account == accounts["mine"]
    assert task.owner == owner
    assert task.kind == "task"
    assert task.status == ActivityStatus.PLANNED
    assert "Quadrant II" in task.subject


def test_running_it_twice_does_not_duplicate_open_tasks(
    owner: User, accounts: dict[str, Account]
) -> None:
    playbook = get_playbook(actor=owner, kind="quadrant", key="II")
    create_playbook_tasks(actor=owner, playbook=playbook)

    again = create_playbook_tasks(actor=owner, playbook=playbook)

    assert (again.created, again.already_open) == (0, 1)
    assert len(_tasks()) == 1


def test_a_done_task_lets_the_next_run_plan_the_next_contact(
    owner: User, accounts: dict[str, Account]
) -> None:
    playbook = get_playbook(actor=owner, kind="quadrant", key="II")  # every 30 days
    create_playbook_tasks(actor=owner, playbook=playbook)
    complete_activity(actor=owner, activity=_tasks()[0], outcome="Called")
    done_at = _tasks()[0].done_at
    assert done_at is not None

    again = create_playbook_tasks(actor=owner, playbook=playbook, now=done_at)

    assert again.created == 1
    newest = Activity.objects.filter(source_system="playbook", status="planned").get()
    assert newest.due_at == done_at + dt.timedelta(days=30)


def test_a_teammate_creates_no_tasks_on_the_owners_accounts(
    teammate: User, owner: User, accounts: dict[str, Account]
) -> None:
    result = create_playbook_tasks(
        actor=teammate, playbook=get_playbook(actor=teammate, kind="quadrant", key="II")
    )

    assert (result.accounts, result.created) == (0, 0)
    assert _tasks() == []


def test_the_outsider_only_reaches_their_own_account(
    outsider: User, accounts: dict[str, Account]
) -> None:
    create_playbook_tasks(
        actor=outsider, playbook=get_playbook(actor=outsider, kind="quadrant", key="II")
    )

    assert [t.account for t in _tasks()] == [accounts["theirs"]]


def test_the_director_reaches_every_account_and_each_owner_gets_theirs(
    director: User, owner: User, outsider: User, accounts: dict[str, Account]
) -> None:
    result = create_playbook_tasks(
        actor=director, playbook=get_playbook(actor=director, kind="quadrant", key="II")
    )

    assert result.created == 2
    assert {(t.account, t.owner) for t in _tasks()} == {
        (accounts["mine"], owner),
        (accounts["theirs"], outsider),
    }


def test_a_team_lead_role_gives_the_task_to_the_owners_lead(
    director: User, owner: User, lead: User, accounts: dict[str, Account]
) -> None:
    save_playbook(
        actor=director,
        kind="quadrant",
        key="I",
        change=PlaybookChange(responsible_role=Role.TEAM_LEAD),
    )

    create_playbook_tasks(actor=owner, playbook=get_playbook(actor=owner, kind="quadrant", key="I"))

    (task,) = _tasks()
    assert (task.account, task.owner) == (accounts["other"], lead)


def test_an_account_manager_role_goes_to_the_accounts_manager(
    director: User, owner: User, make_account: MakeAccount
) -> None:
    manager = create_user(actor=None, username="am", password="x" * 12, role=Role.ACCOUNT_MANAGER)
    account = make_account(owner=owner, account_manager=manager)
    classed_run({account: {"tier": "1a"}})  # 1a: the account manager's by default

    create_playbook_tasks(actor=owner, playbook=get_playbook(actor=owner, kind="tier", key="1a"))

    assert [t.owner for t in _tasks()] == [manager]


def test_an_account_without_an_owner_is_counted_not_tasked(
    director: User, make_account: MakeAccount
) -> None:
    classed_run({make_account(owner=None): {"abc_revenue": "B"}})

    result = create_playbook_tasks(
        actor=director, playbook=get_playbook(actor=director, kind="abc", key="B")
    )

    assert (result.created, result.unassigned) == (0, 1)


def test_a_saved_segment_playbook_tasks_its_live_members(
    director: User, owner: User, make_account: MakeAccount
) -> None:
    account = make_account(owner=owner)
    segment = create_segment(
        actor=owner,
        name="Everyone",
        spec={"all": [{"field": "status", "op": "ne", "value": "former"}]},
        shared=True,
    )
    save_playbook(
        actor=director,
        kind="segment",
        key=str(segment.pk),
        change=PlaybookChange(description="Call", contact_every_days=7),
    )

    create_playbook_tasks(
        actor=owner, playbook=get_playbook(actor=owner, kind="segment", key=str(segment.pk))
    )

    assert [(t.account, t.owner) for t in _tasks()] == [(account, owner)]


def test_the_run_is_audited_with_its_counts(owner: User, accounts: dict[str, Account]) -> None:
    create_playbook_tasks(
        actor=owner, playbook=get_playbook(actor=owner, kind="quadrant", key="II")
    )

    event = AuditEvent.objects.get(action="analytics.playbook_tasks")
    assert event.actor == owner
    assert event.object_id == "quadrant:II"
    assert event.changes["created"] == 1
    assert event.changes["tasks_for"] == [accounts["mine"].pk]


def test_it_rejects_a_run_without_the_right(db: None, accounts: dict[str, Account]) -> None:
    auditor = create_user(actor=None, username="aud", password="x" * 12, role=Role.AUDITOR)

    with pytest.raises(PermissionDenied):
        create_playbook_tasks(
            actor=auditor, playbook=get_playbook(actor=auditor, kind="quadrant", key="II")
        )
    assert _tasks() == []


def test_it_rejects_a_playbook_not_in_use(
    director: User, owner: User, accounts: dict[str, Account]
) -> None:
    save_playbook(actor=director, kind="quadrant", key="II", change=PlaybookChange(is_active=False))

    with pytest.raises(ValidationError):
        create_playbook_tasks(
            actor=owner, playbook=get_playbook(actor=owner, kind="quadrant", key="II")
        )
    assert _tasks() == []


def test_tasks_land_in_the_owners_agenda_next_to_hand_planned_ones(
    owner: User, accounts: dict[str, Account]
) -> None:
    plan_activity(actor=owner, kind="call", subject="Hand-planned", account=accounts["mine"])

    create_playbook_tasks(
        actor=owner,
        playbook=get_playbook(actor=owner, kind="quadrant", key="II"),
        now=timezone.now(),
    )

    assert Activity.objects.filter(owner=owner, status="planned").count() == 2
