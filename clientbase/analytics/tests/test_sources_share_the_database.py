"""The engine reads the database over its own ADBC connection; that must not disturb the
application's connections (on SQLite a second SQLite library in the process could, unless
it opens the file read-only)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from clientbase.accounts.models import Account
from clientbase.analytics import sources

pytestmark = pytest.mark.django_db(transaction=True)


def _count_in_a_new_connection() -> list[object]:
    seen: list[object] = []

    def count() -> None:
        try:
            seen.append(Account.objects.count())
        except Exception as exc:  # the failure is what the test reports
            seen.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=count)
    worker.start()
    worker.join()
    return seen


def test_a_new_connection_works_after_the_sources_are_read(
    small_company: dict[str, Account], make_account: Callable[..., Account]
) -> None:
    data = sources.from_database()
    make_account()  # the application writes on after the read

    assert data.tables["accounts"].num_rows == 3
    assert _count_in_a_new_connection() == [4]


def test_an_account_without_orders_reads_with_empty_typed_columns(
    make_account: Callable[..., Account],
) -> None:
    make_account()

    data = sources.from_database()

    assert data.tables["accounts"].num_rows == 1
    assert data.tables["orders"].num_rows == 0
    assert data.tables["orders"].schema == sources.SCHEMAS["orders"]
