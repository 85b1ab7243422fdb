"""Fixtures shared by the domain apps' tests; each app's tests/conftest.py re-exports them.

`break_audit(error)` breaks the audit trail on purpose, to prove that a write and its audit row
commit together: it makes every service's `record_audit` raise `error`. By the time it is
called, the row it describes has already been saved, so a write that leaves nothing behind
proves the row was rolled back together with the (missing) audit event. It returns the list
of saved objects the audit was asked about, so a test can show the failure came after the save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models

from clientbase.access import services as access_services
from clientbase.access.audit_triggers import GUARD_SQL, UNGUARD_SQL
from clientbase.access.models import AuditEvent
from clientbase.accounts import services as accounts_services
from clientbase.activities import services as activities_services
from clientbase.sales import services as sales_services

AUDITED_SERVICES = (access_services, accounts_services, sales_services, activities_services)

# What can go wrong after the row is saved: a crash, a validation error raised mid-way, and the
# database refusing the audit row.
FAILURES = pytest.mark.parametrize(
    "failure",
    [
        RuntimeError("the audit store is down"),
        ValidationError("refused mid-way"),
        IntegrityError("the audit row violates a constraint"),
    ],
    ids=["crash", "validation-error", "integrity-error"],
)


BreakAudit = Callable[[Exception], list[models.Model]]


@pytest.fixture
def break_audit(monkeypatch: pytest.MonkeyPatch) -> BreakAudit:
    def install(error: Exception) -> list[models.Model]:
        saved: list[models.Model] = []

        def broken_record_audit(*, obj: models.Model | None = None, **_: Any) -> AuditEvent:
            if obj is not None and obj.pk is not None:
                saved.append(obj)
            raise error

        for module in AUDITED_SERVICES:
            monkeypatch.setattr(module, "record_audit", broken_record_audit)
        return saved

    return install


@contextmanager
def audit_guard_dropped() -> Iterator[None]:
    """Drop the append-only triggers for the block, the way someone with DDL rights could, so
    a test can tamper with an audit row; they are put back afterwards."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in UNGUARD_SQL[vendor][:-1]:  # keep the gate table
            cursor.execute(statement)
        try:
            yield
        finally:
            for statement in GUARD_SQL[vendor][1:]:  # the gate table is still there
                cursor.execute(statement)
