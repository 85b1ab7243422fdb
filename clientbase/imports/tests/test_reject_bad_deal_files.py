"""A bad deals file gets one row error per problem (row, column, value, reason); in
valid-rows mode the good deals go in and the bad rows are parked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.imports.models import ParkedRow
from clientbase.imports.services import run_import
from clientbase.imports.tests.crm_support import (  # noqa: F401 - fixtures
    SOURCE,
    crm_accounts,
    pipeline,
)
from clientbase.sales.models import Deal

pytestmark = pytest.mark.usefixtures("crm_accounts", "pipeline")

HEADER = "ID;Название сделки;ID компании;Этап сделки;Бюджет;Ответственный;Дата закрытия\n"
GOOD = "D-1;Насосы;C-1;Переговоры;100;;31.03.2024\n"


def _errors(write: Callable[..., Path], *rows: str) -> list[tuple[int, str, str, str]]:
    result = run_import(
        actor=None, path=write("deals.csv", HEADER + GOOD + "".join(rows)), source_system=SOURCE
    )
    assert result.status == "rejected"
    assert not Deal.objects.exists()
    return [(e.row, e.column, e.value, e.reason) for e in result.errors]


def test_it_rejects_a_deal_of_an_unknown_account(write: Callable[..., Path]) -> None:
    assert _errors(write, "D-2;X;C-404;Переговоры;1;;\n") == [
        (3, "ID компании", "C-404", "unknown account")
    ]


def test_it_rejects_an_unknown_stage_and_names_the_pipelines_stages(
    write: Callable[..., Path],
) -> None:
    [(row, column, value, reason)] = _errors(write, "D-2;X;C-1;Согласование;1;;\n")
    assert (row, column, value) == (3, "Этап сделки", "Согласование")
    assert reason.startswith("unknown stage in the pipeline Продажи: use one of Первичный")


def test_it_rejects_a_date_that_does_not_exist(write: Callable[..., Path]) -> None:
    assert _errors(write, "D-2;X;C-1;Переговоры;1;;31.02.2024\n") == [
        (3, "Дата закрытия", "31.02.2024", "not a date")
    ]


def test_it_rejects_a_negative_amount(write: Callable[..., Path]) -> None:
    assert _errors(write, "D-2;X;C-1;Переговоры;-5;;\n") == [
        (3, "Бюджет", "-5", "the amount must not be negative")
    ]


def test_it_rejects_an_external_id_twice_in_one_file(write: Callable[..., Path]) -> None:
    assert _errors(write, "D-1;Again;C-1;Переговоры;1;;\n") == [
        (3, "ID", "D-1", "duplicate external id: already at row 2")
    ]


def test_it_rejects_an_unknown_owner(write: Callable[..., Path]) -> None:
    assert _errors(write, "D-2;X;C-1;Переговоры;1;nobody@example.com;\n") == [
        (3, "Ответственный", "nobody@example.com", "no user with this name or e-mail")
    ]


def test_it_rejects_a_deal_without_an_account(write: Callable[..., Path]) -> None:
    assert _errors(write, "D-2;X;;Переговоры;1;;\n") == [(3, "", "", "the deal names no account")]


def test_valid_rows_mode_imports_the_good_deals_and_parks_the_bad(
    write: Callable[..., Path],
) -> None:
    path = write("deals.csv", HEADER + GOOD + "D-2;X;C-404;Переговоры;1;;\nD-3;Y;C-2;;7;;\n")

    result = run_import(actor=None, path=path, source_system=SOURCE, mode="valid-rows")

    assert (result.status, result.created, result.rejected) == ("done", 2, 1)
    assert sorted(Deal.objects.values_list("external_id", flat=True)) == ["D-1", "D-3"]
    assert Deal.objects.get(external_id="D-3").stage.name == "Первичный контакт"
    parked = ParkedRow.objects.get()
    assert (parked.row_number, parked.raw["ID компании"]) == (3, "C-404")
    assert parked.errors == [["ID компании", "C-404", "unknown account"]]
