"""Audit rows cannot be changed or removed, on SQLite and on PostgreSQL alike: the database
itself refuses, whatever code (ORM, raw SQL, `flush`) asks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from clientbase.access.models import AuditEvent, User
from clientbase.access.services import record_audit


@pytest.fixture
def event(director: User) -> AuditEvent:
    return record_audit(
        actor=director, action="account.update", object_type="accounts.account", object_id="7"
    )


def test_it_rejects_changing_an_audit_row_through_the_orm(event: AuditEvent) -> None:
    event.action = "account.view"

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "account.update"


def test_it_rejects_a_bulk_update_of_audit_rows(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(changes={})

    assert AuditEvent.objects.get(pk=event.pk).changes == {}  # it had none: nothing lost
    assert AuditEvent.objects.filter(action="account.update").count() == 1


def test_it_rejects_an_update_in_raw_sql(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE access_auditevent SET object_id = '8' WHERE id = %s", [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).object_id == "7"


def test_it_rejects_deleting_an_audit_row(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_rejects_deleting_every_audit_row_in_raw_sql(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM access_auditevent")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_it_rejects_truncating_the_audit_table(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the row's foreign key, checked now
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE access_auditevent")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_it_lets_flush_fail_outside_the_test_suite(event: AuditEvent, settings: Any) -> None:
    settings.AUDIT_TRAIL_FLUSHABLE = False

    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert User.objects.exists()
