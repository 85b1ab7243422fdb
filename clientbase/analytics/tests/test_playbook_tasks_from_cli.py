"""`clientbase playbook-tasks KIND KEY --user NAME`: the same run as the button, in the
user's scope, with its counts printed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity
from clientbase.cli import main

from .playbook_fixtures import classed_run

pytestmark = pytest.mark.django_db


def test_the_cli_creates_the_owners_tasks_and_says_how_many(
    owner: User,
    outsider: User,
    make_account: Callable[..., Account],
    capsys: pytest.CaptureFixture[str],
) -> None:
    mine = make_account(owner=owner)
    classed_run({mine: {"quadrant": "II"}, make_account(owner=outsider): {"quadrant": "II"}})

    main(["playbook-tasks", "quadrant", "II", "--user", "owner"])

    assert [a.account for a in Activity.objects.filter(source_system="playbook")] == [mine]
    assert "1 tasks created for 1 accounts" in capsys.readouterr().out


def test_the_cli_refuses_an_unknown_user_or_class(owner: User) -> None:
    with pytest.raises(SystemExit):
        main(["playbook-tasks", "quadrant", "II", "--user", "nobody"])
    with pytest.raises(SystemExit):
        main(["playbook-tasks", "tier", "9", "--user", "owner"])
    assert not Activity.objects.exists()
