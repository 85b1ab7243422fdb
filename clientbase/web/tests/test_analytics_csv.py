"""A dashboard table as CSV: the export right, the user's own accounts, no formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account

from .analytics_support import MakeRun, buyer, make_run

__all__ = ["make_run"]
pytestmark = pytest.mark.django_db


def _rows(client: Client, table: str) -> list[list[str]]:
    response = client.get(reverse("web:analytics_csv", args=[table]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="analytics-{table}.csv"'
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_rejects_the_download_without_the_export_right(
    login: Callable[[User], Client],
    owner: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    make_run({make_account(owner=owner): buyer(100.0)})

    response = login(owner).get(reverse("web:analytics_csv", args=["rfm"]))

    assert response.status_code == 403


def test_an_unknown_table_is_not_found(login: Callable[[User], Client], director: User) -> None:
    response = login(director).get(reverse("web:analytics_csv", args=["salaries"]))

    assert response.status_code == 404


def test_a_team_lead_downloads_only_their_teams_accounts(
    login: Callable[[User], Client],
    lead: User,
    owner: User,
    outsider: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    ours = make_account(owner=owner, display_name="Ours")
    other = make_account(owner=outsider, display_name="Other")
    make_run({ours: buyer(100.0, churn_risk=0.8), other: buyer(900.0, churn_risk=0.9)})

    rows = _rows(login(lead), "churn")

    assert [row[1] for row in rows[1:]] == ["Ours"]
    assert _rows(login(lead), "costs")[1][1] == "1"  # class A: one account, not two


def test_a_name_that_looks_like_a_formula_is_neutralised(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    evil = make_account(display_name='=HYPERLINK("http://x.test","click")')
    make_run({evil: buyer(100.0)})

    rows = _rows(login(director), "churn")

    assert rows[1][1] == '\'=HYPERLINK("http://x.test","click")'


def test_each_table_downloads_with_a_header_row(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    make_run({make_account(): buyer(100.0), make_account(): buyer(50.0, abc_revenue="B")})
    client = login(director)

    for table, header in (
        ("pareto", "Share of accounts"),
        ("costs", "Class"),
        ("quadrants", "Quadrant"),
        ("matrix", "ABC"),
        ("rfm", "Segment"),
        ("churn", "Account id"),
    ):
        rows = _rows(client, table)
        assert rows[0][0] == header
        assert len(rows) > 1, table
