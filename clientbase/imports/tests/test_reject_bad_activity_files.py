"""A bad activities file gets one row error per problem; valid-rows mode parks the bad rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.activities.models import Activity
from clientbase.imports.models import ParkedRow
from clientbase.imports.services import run_import
from clientbase.imports.tests.crm_support import (  # noqa: F401 - fixtures
    SOURCE,
    crm_accounts,
    crm_contact,
)

pytestmark = pytest.mark.usefixtures("crm_accounts", "crm_contact")

HEADER = "ID;Тип;Тема;Крайний срок;ID компании;Email контакта;Ответственный\n"
GOOD = "A-1;Звонок;Уточнить объём;15.03.2024;C-1;;\n"


def _errors(write: Callable[..., Path], *rows: str) -> list[tuple[int, str, str, str]]:
    path = write("activities.csv", HEADER + GOOD + "".join(rows))
    result = run_import(actor=None, path=path, source_system=SOURCE)
    assert result.status == "rejected"
    assert not Activity.objects.exists()
    return [(e.row, e.column, e.value, e.reason) for e in result.errors]


def test_it_rejects_an_activity_of_an_unknown_account(write: Callable[..., Path]) -> None:
    assert _errors(write, "A-2;Звонок;X;;C-404;;\n") == [
        (3, "ID компании", "C-404", "unknown account")
    ]


def test_it_rejects_an_unknown_kind(write: Callable[..., Path]) -> None:
    [(row, column, value, reason)] = _errors(write, "A-2;Телеграм;X;;C-1;;\n")
    assert (row, column, value) == (3, "Тип", "Телеграм")
    assert reason == "not one of call, meeting, email, task, note, ticket"


def test_it_rejects_a_date_that_does_not_exist(write: Callable[..., Path]) -> None:
    assert _errors(write, "A-2;Звонок;X;31.02.2024 10:00;C-1;;\n") == [
        (3, "Крайний срок", "31.02.2024 10:00", "not a date")
    ]


def test_it_rejects_a_time_that_does_not_exist(write: Callable[..., Path]) -> None:
    assert _errors(write, "A-2;Звонок;X;01.02.2024 25:00;C-1;;\n") == [
        (3, "Крайний срок", "01.02.2024 25:00", "not a time of day")
    ]


def test_it_rejects_an_external_id_twice_in_one_file(write: Callable[..., Path]) -> None:
    assert _errors(write, "A-1;Звонок;Again;;C-1;;\n") == [
        (3, "ID", "A-1", "duplicate external id: already at row 2")
    ]


def test_it_rejects_an_unknown_contact_and_an_unknown_owner(write: Callable[..., Path]) -> None:
    assert _errors(write, "A-2;Звонок;X;;C-1;who@nowhere.example;ghost\n") == [
        (3, "Email контакта", "who@nowhere.example", "unknown contact"),
        (3, "Ответственный", "ghost", "no user with this name or e-mail"),
    ]


def test_valid_rows_mode_imports_the_good_and_parks_the_bad(write: Callable[..., Path]) -> None:
    path = write("activities.csv", HEADER + GOOD + "A-2;Звонок;X;;C-404;;\n")

    result = run_import(actor=None, path=path, source_system=SOURCE, mode="valid-rows")

    assert (result.status, result.created, result.rejected) == ("done", 1, 1)
    assert list(Activity.objects.values_list("external_id", flat=True)) == ["A-1"]
    assert ParkedRow.objects.get().errors == [["ID компании", "C-404", "unknown account"]]
