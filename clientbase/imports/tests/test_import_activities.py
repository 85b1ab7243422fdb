# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""Activities (calls, meetings, e-mails, tasks, notes, tickets) from a CRM export: upserted by
external id with history, tied to accounts, contacts and deals by their ids, rolled back whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account, Contact
from clientbase.activities.models import Activity
from clientbase.imports.models import ImportBatch, RecordHistory
from clientbase.imports.services import rollback_batch, run_import
from clientbase.imports.tests.crm_support import (  # noqa: F401 - fixtures
    SOURCE,
    crm_accounts,
    crm_contact,
    pipeline,
)

pytestmark = pytest.mark.usefixtures("crm_accounts", "crm_contact")

HEADER = "ID;Тип;Тема;Статус;Крайний срок;Дата выполнения;ID компании;ID контакта;Ответственный\n"
FIRST = HEADER + (
    "A-1;Звонок;Уточнить объём;Запланировано;15.03.2024 10:30;;C-1;;owner\n"
    "A-2;Встреча;Презентация;Выполнено;2024-03-01;2024-03-01T15:00:00+03:00;;P-7;\n"
    "A-3;Письмо;КП отправлено;;;01.03.2024;C-2;;\n"
    "A-4;Обращение;Течёт насос;в работе;;;C-1;;\n"
)


def _state() -> list[Any]:
    """Every activity's stored fields, but when it was last saved."""
    return [
        {k: v for k, v in row.items() if k != "updated_at"}
        for row in Activity.objects.order_by("external_id").values()
    ]


def test_it_creates_activities_of_each_kind_tied_to_accounts_and_contacts(
    write: Callable[..., Path],
    owner: User,
    crm_accounts: dict[str, Account],
    crm_contact: Contact,
) -> None:
    result = run_import(actor=None, path=write("activities.csv", FIRST), source_system=SOURCE)

    assert (result.status, result.created, result.rejected) == ("done", 4, 0)
    assert ImportBatch.objects.get(pk=result.batch_id or 0).target == "activities"
    call, meeting, email, ticket = Activity.objects.order_by("external_id")
    assert (call.kind, call.status, call.owner_id) == ("call", "planned", owner.pk)
    assert call.due_at == dt.datetime(2024, 3, 15, 10, 30, tzinfo=dt.UTC)
    assert call.account_id == crm_accounts["C-1"].pk
    assert (meeting.kind, meeting.status, meeting.contact_id) == ("meeting", "done", crm_contact.pk)
    assert meeting.account_id == crm_accounts["C-2"].pk  # the contact's company
    assert meeting.done_at == dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
    assert (email.kind, email.status) == ("email", "done")  # done on a date, so done
    assert (ticket.kind, ticket.status) == ("ticket", "planned")


def test_reimporting_the_same_file_changes_nothing(write: Callable[..., Path]) -> None:
    path = write("activities.csv", FIRST)
    run_import(actor=None, path=path, source_system=SOURCE)
    before = _state()

    again = run_import(actor=None, path=path, source_system=SOURCE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert _state() == before
    assert not RecordHistory.objects.filter(batch_id=again.batch_id).exists()


def test_a_changed_row_updates_with_history_and_rollback_restores_it(
    write: Callable[..., Path], director: User
) -> None:
    first = run_import(actor=None, path=write("activities.csv", FIRST), source_system=SOURCE)
    before = _state()
    done = FIRST.replace(
        "Уточнить объём;Запланировано;15.03.2024 10:30;;", "Уточнить объём;Выполнено;;16.03.2024;"
    )

    second = run_import(actor=director, path=write("done.csv", done), source_system=SOURCE)

    assert (second.created, second.updated, second.unchanged) == (0, 1, 3)
    call = Activity.objects.get(external_id="A-1")
    assert (call.status, call.done_at) == ("done", dt.datetime(2024, 3, 16, tzinfo=dt.UTC))
    assert call.due_at is not None  # an empty cell leaves the value alone
    history = RecordHistory.objects.filter(batch_id=second.batch_id, model="activities.activity")
    assert set(history.values_list("field", flat=True)) == {"status", "done_at", "import_batch_id"}

    rollback_batch(actor=director, batch=ImportBatch.objects.get(pk=second.batch_id or 0))

    assert _state() == before
    rollback_batch(actor=director, batch=ImportBatch.objects.get(pk=first.batch_id or 0))
    assert not Activity.objects.exists()


def test_an_activity_names_its_deal_by_the_deals_external_id(
    write: Callable[..., Path], pipeline: Any
) -> None:
    deals = "ID;Название сделки;ID компании\nD-1;Насосы;C-1\n"
    run_import(actor=None, path=write("deals.csv", deals), source_system=SOURCE)
    path = write("activities.csv", "ID;Тип;Тема;ID сделки\nA-9;Задача;Выставить счёт;D-1\n")

    result = run_import(actor=None, path=path, source_system=SOURCE)

    assert (result.created, result.rejected) == (1, 0)
    assert Activity.objects.get(external_id="A-9").deal.external_id == "D-1"  # type: ignore[union-attr]


def test_a_contact_can_be_named_by_e_mail(write: Callable[..., Path], crm_contact: Contact) -> None:
    path = write(
        "log.csv", "ID,Type,Subject,Contact email\nL-1,Note,Called back,Maria@Pars.example\n"
    )

    result = run_import(actor=None, path=path, source_system=SOURCE)

    assert (result.created, result.rejected) == (1, 0)
    note = Activity.objects.get(external_id="L-1")
    assert (note.kind, note.contact_id, note.account_id) == (
        "note",
        crm_contact.pk,
        crm_contact.account_id,
    )
