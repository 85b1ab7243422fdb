# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""A deals export uploaded through the import pages is recognised and imported."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from clientbase.access.models import User
from clientbase.imports.models import BatchStatus, ImportBatch
from clientbase.imports.tests.crm_support import (  # noqa: F401 - fixtures
    SOURCE,
    crm_accounts,
    pipeline,
)
from clientbase.sales.models import Deal
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    _imports_setup,
    start,
    upload,
)

DEALS = "ID;Название сделки;ID компании;Этап сделки;Бюджет\nD-1;Насосы;C-1;Переговоры;100\n"


@pytest.mark.usefixtures("crm_accounts", "pipeline")
def test_an_uploaded_deals_export_is_detected_and_imported(
    login: Callable[[User], Client], lead: User, upload: Callable[..., ImportBatch]
) -> None:
    client = login(lead)
    batch = upload(DEALS, name="deals.csv", source_system=SOURCE, target="")
    assert batch.target == "deals"

    start(client, batch)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Deal.objects.get(external_id="D-1").stage.name == "Переговоры"
