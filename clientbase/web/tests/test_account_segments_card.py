"""The account page's segments card: the latest run's verdicts, each with a plain meaning."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account

from .analytics_support import MakeRun, buyer, make_run
from .conftest import text_of

__all__ = ["make_run"]
pytestmark = pytest.mark.django_db


def _page(client: Client, account: Account) -> str:
    response = client.get(reverse("web:account_detail", args=[account.pk]))
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_the_card_explains_each_segment_of_the_account(
    login: Callable[[User], Client],
    owner: User,
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    account = make_account(owner=owner)
    make_run(
        {
            account: buyer(
                100.0,
                abc_margin="B",
                xyz="Y",
                cts_class="C",
                rfm_segment="cannot_lose",
                quadrant="II",
                churn_risk=0.72,
                churn_flag=True,
                clv_12m=1234.5,
            )
        }
    )

    page = _page(login(owner), account)

    assert "Segments" in page
    assert "Revenue: among the accounts bringing the first 80% of it." in page
    # ABC by margin is a margin figure: a rep's role does not see it, a director's does.
    assert "Margin:" not in page
    assert "Margin: among the accounts bringing the next 15% of it." in _page(
        login(director), account
    )
    assert "buys with ups and downs" in page
    assert "little margin for the work it takes" in page
    assert "Cannot lose them" in page
    assert "Golden reserve" in page
    assert "72%" in page
    assert "Warning: buying has stopped" in page
    assert "RUB 1,234.50" in page  # text_of folds the no-break space


def test_there_is_no_card_before_any_run(
    login: Callable[[User], Client], owner: User, make_account: Callable[..., Account]
) -> None:
    page = _page(login(owner), make_account(owner=owner))

    assert "Segments" not in page


def test_an_account_newer_than_the_run_has_no_card(
    login: Callable[[User], Client],
    owner: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    make_run({make_account(owner=owner): buyer(100.0)})

    page = _page(login(owner), make_account(owner=owner))

    assert "Segments" not in page


def test_the_account_of_another_rep_stays_hidden_with_its_segments(
    login: Callable[[User], Client],
    owner: User,
    outsider: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    theirs = make_account(owner=outsider)
    make_run({theirs: buyer(100.0)})

    response = login(owner).get(reverse("web:account_detail", args=[theirs.pk]))

    assert response.status_code == 404


def test_the_card_shows_in_persian_digits_right_to_left(
    login: Callable[[User], Client],
    owner: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    account = make_account(owner=owner)
    make_run({account: buyer(100.0, churn_risk=0.72)})
    client = login(owner)
    client.post(reverse("web:set_language"), {"language": "fa", "next": "/"})

    page = _page(client, account)

    assert "۷۲٪" in page
