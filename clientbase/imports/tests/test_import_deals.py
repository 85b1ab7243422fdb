# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""Deals from a CRM export: created on their stage, upserted by external id with history,
a stage change on re-import moves the deal, and a batch rolls back whole."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.imports.models import ImportBatch, RecordHistory
from clientbase.imports.services import rollback_batch, run_import
from clientbase.imports.tests.crm_support import (  # noqa: F401 - fixtures
    INN_A,
    SOURCE,
    crm_accounts,
    pipeline,
)
from clientbase.sales.models import Deal, DealStageChange

pytestmark = pytest.mark.usefixtures("crm_accounts", "pipeline")

HEADER = "ID;Название сделки;ID компании;ИНН;Этап сделки;Бюджет;Ответственный;Дата закрытия\n"
FIRST = HEADER + (
    "D-1;Насосы для котельной;C-1;;Первичный контакт;150 000,00;owner;31.03.2024\n"
    "D-2;Pumps for Tehran;;{inn};Переговоры;2500;;2024-04-15\n"
    "D-3;Старый тендер;C-2;;Закрыто и не реализовано;0;;\n"
).replace("{inn}", INN_A)


def _batch(result: Any) -> ImportBatch:
    return ImportBatch.objects.get(pk=result.batch_id)


def _state() -> list[Any]:
    return list(Deal.objects.order_by("external_id").values())


def test_it_creates_deals_on_their_stages_with_a_first_stage_change(
    write: Callable[..., Path], owner: User, crm_accounts: dict[str, Account]
) -> None:
    result = run_import(actor=None, path=write("deals.csv", FIRST), source_system=SOURCE)

    assert (result.status, result.created, result.rejected) == ("done", 3, 0)
    assert _batch(result).target == "deals"
    d1, d2, d3 = Deal.objects.order_by("external_id")
    assert (d1.account_id, d1.stage.name, d1.amount, d1.owner_id) == (
        crm_accounts["C-1"].pk,
        "Первичный контакт",
        Decimal("150000.00"),
        owner.pk,
    )
    assert str(d1.expected_close) == "2024-03-31"
    assert (d2.account_id, d2.probability, d2.status) == (crm_accounts["C-1"].pk, 40, "open")
    assert (d3.status, d3.closed_at is not None) == ("lost", True)
    assert DealStageChange.objects.filter(from_stage=None).count() == 3


def test_reimporting_the_same_file_changes_nothing(write: Callable[..., Path]) -> None:
    path = write("deals.csv", FIRST)
    run_import(actor=None, path=path, source_system=SOURCE)
    before = _state()

    again = run_import(actor=None, path=path, source_system=SOURCE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _state() == before
    assert DealStageChange.objects.count() == 3
    assert not RecordHistory.objects.filter(batch_id=again.batch_id).exists()


def test_a_changed_stage_moves_the_deal_and_rollback_moves_it_back(
    write: Callable[..., Path], director: User
) -> None:
    first = run_import(actor=None, path=write("deals.csv", FIRST), source_system=SOURCE)
    changed = FIRST.replace("Первичный контакт;150 000,00", "Успешно реализовано;175000")

    second = run_import(actor=director, path=write("won.csv", changed), source_system=SOURCE)

    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    deal = Deal.objects.get(external_id="D-1")
    assert (deal.stage.name, deal.status, deal.amount) == (
        "Успешно реализовано",
        "won",
        Decimal("175000"),
    )
    moves = list(deal.stage_history.order_by("pk").values_list("to_stage__name", "actor"))
    assert moves == [("Первичный контакт", None), ("Успешно реализовано", director.pk)]
    assert AuditEvent.objects.filter(action="deal.move", object_id=str(deal.pk)).exists()
    fields = set(RecordHistory.objects.filter(batch_id=second.batch_id).values_list("field"))
    assert {("stage_id",), ("status",), ("amount",), ("import_batch_id",)} <= fields

    rollback_batch(actor=director, batch=_batch(second))

    deal.refresh_from_db()
    assert (deal.stage.name, deal.status, deal.amount, deal.closed_at) == (
        "Первичный контакт",
        "open",
        Decimal("150000.00"),
        None,
    )
    assert deal.import_batch_id == first.batch_id
    assert deal.stage_history.count() == 3  # the way back is a move too, never an erasure


def test_a_stage_change_alone_counts_as_an_update(write: Callable[..., Path]) -> None:
    run_import(actor=None, path=write("deals.csv", FIRST), source_system=SOURCE)
    moved = FIRST.replace(
        "Pumps for Tehran;;7707083893;Переговоры", "Pumps for Tehran;;7707083893;2"
    )

    again = run_import(actor=None, path=write("moved.csv", moved), source_system=SOURCE)

    assert (again.updated, again.unchanged) == (0, 3)  # position 2 is the same stage
    lost = FIRST.replace(";Переговоры;", ";Закрыто и не реализовано;")
    third = run_import(actor=None, path=write("lost.csv", lost), source_system=SOURCE)
    assert (third.updated, third.unchanged) == (1, 2)
    assert Deal.objects.get(external_id="D-2").import_batch_id == third.batch_id


def test_rolling_back_the_first_batch_deletes_its_deals_and_their_history(
    write: Callable[..., Path], director: User
) -> None:
    result = run_import(actor=None, path=write("deals.csv", FIRST), source_system=SOURCE)

    counts = rollback_batch(actor=director, batch=_batch(result))

    assert counts["deleted"] >= 3
    assert not Deal.objects.exists()
    assert not DealStageChange.objects.exists()


def test_a_deal_of_a_merged_away_account_lands_on_the_survivor(
    write: Callable[..., Path], crm_accounts: dict[str, Account]
) -> None:
    from clientbase.accounts.services import merge_accounts

    merge_accounts(actor=None, survivor=crm_accounts["C-1"], merged=crm_accounts["C-2"])

    run_import(actor=None, path=write("deals.csv", FIRST), source_system=SOURCE)

    assert Deal.objects.get(external_id="D-3").account_id == crm_accounts["C-1"].pk


def test_the_shipped_amocrm_template_reads_the_export(write: Callable[..., Path]) -> None:
    result = run_import(
        actor=None,
        path=write("deals.csv", FIRST),
        source_system=SOURCE,
        mapping=_template("amocrm_deals"),
    )

    assert (result.created, result.rejected) == (3, 0)


def _template(name: str) -> dict[str, Any]:
    from clientbase.imports.mapping import shipped_templates

    return shipped_templates()[name]
