# ruff: noqa: F811 - the shared fixtures are imported by name and requested as arguments
"""Who may use the import pages and read a batch's report."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.imports.models import ImportBatch
from clientbase.web.tests.imports_support import (  # noqa: F401 - fixtures
    BAD_CSV,
    _imports_setup,
    analyst,
    start,
    upload,
)


def test_a_rep_without_the_right_gets_403_on_every_import_url(
    client: Client, lead: User, owner: User, upload: Callable[..., ImportBatch]
) -> None:
    client.force_login(lead)
    batch = upload()
    client.force_login(owner)
    for name in ("import_list", "import_new"):
        assert client.get(reverse(f"web:{name}")).status_code == 403
    for name in ("import_detail", "import_mapping", "import_progress", "import_report"):
        assert client.get(reverse(f"web:{name}", args=[batch.pk])).status_code == 403
    rollback = client.post(reverse("web:import_rollback", args=[batch.pk]), {"confirm": "1"})
    assert rollback.status_code == 403
    assert client.post(reverse("web:import_new"), {}).status_code == 403


def test_the_nav_link_shows_only_with_the_right(client: Client, lead: User, owner: User) -> None:
    client.force_login(owner)
    assert (
        reverse("web:import_list") not in client.get(reverse("web:account_list")).content.decode()
    )
    client.force_login(lead)
    assert reverse("web:import_list") in client.get(reverse("web:account_list")).content.decode()


@pytest.mark.parametrize(
    "name", ["import_detail", "import_report", "import_progress", "import_mapping"]
)
def test_another_importer_cannot_read_the_batch(
    client: Client,
    lead: User,
    analyst: User,
    upload: Callable[..., ImportBatch],
    name: str,
) -> None:
    client.force_login(lead)
    batch = upload(BAD_CSV)
    start(client, batch)
    client.force_login(analyst)
    assert client.get(reverse(f"web:{name}", args=[batch.pk])).status_code == 404
    assert "bad" not in client.get(reverse("web:import_list")).content.decode().lower().split(
        "<main"
    )[-1].replace("badge", "")


def test_a_director_reads_anyones_report(
    client: Client, lead: User, director: User, upload: Callable[..., ImportBatch]
) -> None:
    client.force_login(lead)
    batch = upload(BAD_CSV)
    start(client, batch)
    client.force_login(director)
    assert client.get(reverse("web:import_report", args=[batch.pk])).status_code == 200


def test_another_importer_cannot_roll_the_batch_back(
    client: Client, lead: User, analyst: User, upload: Callable[..., ImportBatch]
) -> None:
    client.force_login(lead)
    batch = upload()
    start(client, batch)
    client.force_login(analyst)
    response = client.post(reverse("web:import_rollback", args=[batch.pk]), {"confirm": "1"})
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == "done"
