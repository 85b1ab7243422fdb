"""The movements page's chart and CSV: per saved segment, how many accounts entered and left
it this quarter, drawn from embedded data and downloadable for the export right."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.segment_services import create_segment, snapshot_memberships
from clientbase.analytics.tests.segment_fixtures import finished_run

from .test_analytics_dashboard import charts_of

pytestmark = pytest.mark.django_db
URL = reverse("web:segment_movements")
BIG = {"field": "revenue_ltm", "op": "ge", "value": 100}


@pytest.fixture
def moved(owner: User, make_account: Callable[..., Account]) -> None:
    """'=Big' (a formula-looking name): one account entered it this quarter, one left."""
    create_segment(actor=owner, name="=Big", spec=BIG, shared=True)
    kazan, perm = make_account(owner=owner), make_account(owner=owner)
    before = {kazan: {"revenue_ltm": 500}, perm: {"revenue_ltm": 1}}
    snapshot_memberships(finished_run(dt.date(2026, 9, 30), before))
    after = {kazan: {"revenue_ltm": 5}, perm: {"revenue_ltm": 300}}
    snapshot_memberships(finished_run(dt.date(2026, 12, 1), after))


def test_the_page_embeds_each_segments_entered_and_left_counts_for_its_chart(
    login: Callable[[User], Client], owner: User, moved: None
) -> None:
    html = login(owner).get(URL).content.decode()

    assert '<canvas data-chart="movements"' in html
    chart = charts_of(html)["charts"]["movements"]
    assert chart["categories"] == ["=Big"]
    assert [s["values"] for s in chart["series"]] == [[1], [1]]


def test_a_director_downloads_the_movements_as_csv_without_live_formulas(
    login: Callable[[User], Client], director: User, moved: None
) -> None:
    page = login(director).get(URL)
    assert 'href="?format=csv"' in page.content.decode()

    response = login(director).get(URL, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="segment-movements.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Segment", "Entered", "Left"]
    assert rows[1][0] != "=Big"
    assert rows[1][0].endswith("=Big")
    assert rows[1][1:] == ["1", "1"]  # the director sees every account


def test_it_rejects_the_csv_without_the_export_right(
    login: Callable[[User], Client], owner: User, moved: None
) -> None:
    client = login(owner)
    assert 'href="?format=csv"' not in client.get(URL).content.decode()

    assert client.get(URL, {"format": "csv"}).status_code == 403
