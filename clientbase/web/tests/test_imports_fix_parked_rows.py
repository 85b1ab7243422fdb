# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""The "Fix parked rows" page: each error next to an editable cell, re-submit or discard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.imports.models import ImportBatch, ParkedRow
from clientbase.web.tests.conftest import text_of
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    BAD_CSV,
    _imports_setup,
    analyst,
    start,
    upload,
)

Upload = Callable[..., ImportBatch]


@pytest.fixture
def parked(client: Client, lead: User, upload: Upload) -> ImportBatch:
    """Lead's valid-rows import of BAD_CSV: row 2 (bad e-mail) and row 3 (no name) parked."""
    client.force_login(lead)
    batch = upload(BAD_CSV, mode="valid-rows")
    start(client, batch)
    assert ParkedRow.objects.filter(batch=batch).count() == 2
    return batch


def _row(batch: ImportBatch, number: int) -> ParkedRow:
    return ParkedRow.objects.get(batch=batch, row_number=number)


def _url(name: str, batch: ImportBatch) -> str:
    return reverse(f"web:{name}", args=[batch.pk])


def test_the_report_links_to_the_fix_page_when_rows_are_parked(
    client: Client, parked: ImportBatch
) -> None:
    report = client.get(_url("import_detail", parked)).content.decode()

    assert _url("import_parked", parked) in report
    assert "2 rows are parked" in text_of(report)


def test_the_page_shows_each_error_next_to_an_editable_cell(
    client: Client, parked: ImportBatch
) -> None:
    response = client.get(_url("import_parked", parked))

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "2 email not-an-email not an e-mail address" in text
    assert "3 legal_name required" in text
    bad_mail = _row(parked, 2)
    assert f'name="cell-{bad_mail.pk}-0" value="not-an-email"' in html


def test_an_htmx_resubmit_imports_the_fixed_row_and_returns_only_its_group(
    client: Client, parked: ImportBatch
) -> None:
    row = _row(parked, 2)

    response = client.post(
        _url("import_parked_resubmit", parked),
        {"row": str(row.pk), f"cell-{row.pk}-0": "info@alfa.ru"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tbody")
    assert "<html" not in html
    assert "1 row imported" in text_of(html)
    assert Account.objects.get(external_id="B-1").email == "info@alfa.ru"
    row.refresh_from_db()
    assert row.resolved
    assert not _row(parked, 3).resolved


def test_a_row_that_still_fails_shows_its_new_error(client: Client, parked: ImportBatch) -> None:
    row = _row(parked, 2)

    response = client.post(
        _url("import_parked_resubmit", parked),
        {"row": str(row.pk), f"cell-{row.pk}-0": "still@wrong"},
        headers={"HX-Request": "true"},
    )

    text = text_of(response.content.decode())
    assert "still@wrong not an e-mail address" in text
    assert "1 row still needs a fix" in text
    row.refresh_from_db()
    assert (row.resolved, row.raw["email"]) == (False, "still@wrong")
    assert not Account.objects.filter(external_id="B-1").exists()


def test_resubmitting_the_whole_page_without_htmx_comes_back_with_a_summary(
    client: Client, parked: ImportBatch, lead: User
) -> None:
    mail, nameless = _row(parked, 2), _row(parked, 3)
    data = {
        "all": "1",
        "shown": [str(mail.pk), str(nameless.pk)],
        f"cell-{mail.pk}-0": "info@alfa.ru",
        f"cell-{nameless.pk}-0": "ООО «Бета»",
    }

    response = client.post(_url("import_parked_resubmit", parked), data, follow=True)

    assert response.redirect_chain[0][0] == _url("import_parked", parked)
    assert "2 rows imported" in text_of(response.content.decode())
    assert "No parked rows are waiting." in text_of(response.content.decode())
    assert Account.objects.get(external_id="B-2").legal_name == "ООО «Бета»"
    event = AuditEvent.objects.get(action="import.resubmit")
    assert event.actor == lead
    assert event.changes["fixes"] == {
        "2": {"email": "info@alfa.ru"},
        "3": {"legal_name": "ООО «Бета»"},
    }


def test_a_discarded_row_leaves_the_page(client: Client, parked: ImportBatch) -> None:
    row = _row(parked, 3)

    response = client.post(
        _url("import_parked_discard", parked), {"row": str(row.pk)}, headers={"HX-Request": "true"}
    )

    assert "1 row discarded." in text_of(response.content.decode())
    assert not ParkedRow.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="import.discard_parked").count() == 1
    assert "legal_name" not in text_of(client.get(_url("import_parked", parked)).content.decode())


@pytest.mark.parametrize(
    "name", ["import_parked", "import_parked_resubmit", "import_parked_discard"]
)
def test_another_importer_gets_404_for_the_batch_and_changes_nothing(
    client: Client, parked: ImportBatch, analyst: User, name: str
) -> None:
    row = _row(parked, 2)
    client.force_login(analyst)

    data = {"row": str(row.pk), f"cell-{row.pk}-0": "info@alfa.ru"}
    url = _url(name, parked)
    response = client.get(url) if name == "import_parked" else client.post(url, data)

    assert response.status_code == 404
    row.refresh_from_db()
    assert (row.resolved, row.raw["email"]) == (False, "not-an-email")
    assert not AuditEvent.objects.filter(action__in=["import.resubmit", "import.discard_parked"])


def test_a_row_of_someone_elses_batch_cannot_be_fixed_through_ones_own(
    client: Client, parked: ImportBatch, analyst: User, upload: Upload
) -> None:
    client.force_login(analyst)
    own = upload(BAD_CSV.replace("B-", "C-"), name="own.csv", mode="valid-rows")
    start(client, own)
    foreign = _row(parked, 2)

    for name in ("import_parked_resubmit", "import_parked_discard"):
        response = client.post(_url(name, own), {"row": str(foreign.pk)})
        assert response.status_code == 404
    assert ParkedRow.objects.filter(pk=foreign.pk, resolved=False).exists()


def test_a_director_may_fix_anyones_rows_and_a_rep_without_the_right_none(
    client: Client, parked: ImportBatch, director: User, owner: User
) -> None:
    client.force_login(owner)
    assert client.get(_url("import_parked", parked)).status_code == 403
    client.force_login(director)
    assert client.get(_url("import_parked", parked)).status_code == 200


def test_the_list_makes_the_same_number_of_queries_for_many_rows(
    client: Client, lead: User, upload: Upload
) -> None:
    client.force_login(lead)
    few = upload(BAD_CSV, mode="valid-rows")
    start(client, few)
    lines = "".join(f"D-{n},,x@y.ru\n" for n in range(30))
    many = upload("external_id,legal_name,email\n" + lines, name="many.csv", mode="valid-rows")
    start(client, many)
    client.get(_url("import_parked", few))  # warm caches (session, settings)

    with CaptureQueriesContext(connection) as for_two:
        client.get(_url("import_parked", few))
    with CaptureQueriesContext(connection) as for_thirty:
        page = client.get(_url("import_parked", many))

    assert "30 rows waiting for a fix" in text_of(page.content.decode())
    assert len(for_thirty.captured_queries) == len(for_two.captured_queries)


def test_the_page_renders_right_to_left_in_persian(
    client: Client, parked: ImportBatch, lead: User
) -> None:
    lead.language = "fa"
    lead.save(update_fields=["language"])

    html = client.get(_url("import_parked", parked)).content.decode()

    assert '<html lang="fa" dir="rtl">' in html
    assert "Fix parked rows" not in html
    assert "۲ ردیف در انتظار اصلاح" in text_of(html)  # the reader's digits


def test_resubmitting_a_page_whose_rows_were_all_handled_just_shows_the_page(
    client: Client, parked: ImportBatch
) -> None:
    shown = [str(_row(parked, 2).pk), str(_row(parked, 3).pk)]
    client.post(_url("import_parked_discard", parked), {"row": ",".join(shown)})

    response = client.post(_url("import_parked_resubmit", parked), {"all": "1", "shown": shown})

    assert response.status_code == 302
    assert response["Location"] == _url("import_parked", parked)
