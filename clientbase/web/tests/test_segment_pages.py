"""The segment pages: build with a live count, save, list with live counts, open as the
account list; the list, its export and the API give the same rows for a segment."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.models import Segment
from clientbase.analytics.segment_services import create_segment, snapshot_memberships
from clientbase.analytics.tests.segment_fixtures import finished_run
from clientbase.exports.cells import is_watermark_row

from .conftest import text_of

pytestmark = pytest.mark.django_db
ACTIVE = {"all": [{"all": [{"field": "status", "op": "eq", "value": "active"}]}]}


def builder_post(**extra: str) -> dict[str, str]:
    data = {
        "name": "Active in Kazan",
        "match": "all",
        "groups": "1",
        "g0-match": "all",
        "g0-rows": "2",
        "g0-r0-field": "status",
        "g0-r0-op": "eq",
        "g0-r0-value": "active",
        "g0-r1-field": "city",
        "g0-r1-op": "in",
        "g0-r1-value": "Kazan, Perm",
    }
    return {**data, **extra}


@pytest.fixture
def accounts(owner: User, outsider: User, make_account: Callable[..., Account]) -> list[Account]:
    return [
        make_account(owner=owner, status="active", city="Kazan"),
        make_account(owner=owner, status="active", city="Perm"),
        make_account(owner=owner, status="lost", city="Kazan"),
        make_account(owner=outsider, status="active", city="Kazan"),
    ]


def test_the_builder_counts_the_users_matching_accounts_as_conditions_change(
    login: Callable[[User], Client], owner: User, accounts: list[Account]
) -> None:
    client = login(owner)
    assert client.get(reverse("web:segment_new")).status_code == 200
    response = client.post(reverse("web:segment_count"), builder_post())
    assert 'data-count="2"' in response.content.decode()
    response = client.post(reverse("web:segment_count"), builder_post(**{"g0-r1-value": "Perm"}))
    assert 'data-count="1"' in response.content.decode()


def test_the_builder_shows_a_bad_condition_as_a_message(
    login: Callable[[User], Client], owner: User
) -> None:
    client = login(owner)
    response = client.post(reverse("web:segment_count"), builder_post(**{"g0-r0-op": "gt"}))
    assert "does not take the operator" in text_of(response.content.decode())


def test_adding_a_group_and_a_condition_redraws_the_builder(
    login: Callable[[User], Client], owner: User
) -> None:
    client = login(owner)
    response = client.post(
        reverse("web:segment_builder"), builder_post(action="add-group")
    ).content.decode()
    assert 'name="g1-r0-field"' in response
    response = client.post(
        reverse("web:segment_builder"), builder_post(action="remove-row:0-1")
    ).content.decode()
    assert 'name="g0-r1-field"' not in response


def test_a_field_with_a_fixed_set_of_values_offers_them_as_a_list_in_words(
    login: Callable[[User], Client], owner: User
) -> None:
    page = login(owner).get(reverse("web:segment_new")).content.decode()
    row = page[page.index('name="g0-r0-field"') : page.index('name="g0-r0-value"') + 600]
    assert '<select name="g0-r0-value"' in row
    assert '<option value="dormant">Dormant</option>' in row
    # the operators a choice takes, not those of numbers or text
    assert ">is one of<" in row
    assert ">is less than<" not in row
    assert ">contains<" not in row


def test_a_new_field_redraws_the_row_with_its_own_operators_and_a_text_box(
    login: Callable[[User], Client], owner: User
) -> None:
    response = login(owner).post(
        reverse("web:segment_builder"),
        builder_post(action="redraw", **{"g0-r0-field": "revenue_ltm"}),
    )
    page = response.content.decode()
    assert '<input type="text" name="g0-r0-value"' in page
    assert ">is less than<" in page
    # the RFM segment's values are named as the analytics pages name them
    response = login(owner).post(
        reverse("web:segment_builder"),
        builder_post(action="redraw", **{"g0-r0-field": "rfm_segment", "g0-r0-value": ""}),
    )
    assert '<option value="cannot_lose">Cannot lose them</option>' in response.content.decode()


def test_several_values_picked_from_a_list_are_saved_as_one_list(
    login: Callable[[User], Client], owner: User, accounts: list[Account]
) -> None:
    client = login(owner)
    data: dict[str, str | list[str]] = {
        **builder_post(**{"g0-rows": "1", "g0-r0-op": "in"}),
        "g0-r0-value": ["active", "lost"],
    }
    response = client.post(reverse("web:segment_count"), data)
    assert 'data-count="3"' in response.content.decode()
    assert client.post(reverse("web:segment_new"), data).status_code == 302
    assert Segment.objects.get().spec == {
        "all": [{"all": [{"field": "status", "op": "in", "value": ["active", "lost"]}]}]
    }
    page = client.get(reverse("web:segment_edit", args=[Segment.objects.get().pk]))
    html = page.content.decode()
    assert '<select name="g0-r0-value" aria-label="Value" multiple size="5">' in html
    assert '<option value="lost" selected>' in html
    assert '<option value="dormant">' in html


def test_a_list_typed_with_persian_commas_is_a_list(
    login: Callable[[User], Client], owner: User, accounts: list[Account]
) -> None:
    response = login(owner).post(
        reverse("web:segment_count"), builder_post(**{"g0-r1-value": "Kazan، Perm"})
    )
    assert 'data-count="2"' in response.content.decode()


def test_saving_stores_the_spec_and_lists_it_with_its_count(
    login: Callable[[User], Client], owner: User, accounts: list[Account]
) -> None:
    client = login(owner)
    response = client.post(
        reverse("web:segment_new"), builder_post(**{"g0-negate": "on", "shared": "on"})
    )
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.shared
    assert segment.spec == {
        "all": [
            {
                "not": {
                    "all": [
                        {"field": "status", "op": "eq", "value": "active"},
                        {"field": "city", "op": "in", "value": ["Kazan", "Perm"]},
                    ]
                }
            }
        ]
    }
    page = text_of(client.get(reverse("web:segment_list")).content.decode())
    assert "Active in Kazan shared 1 owner" in page  # of the owner's three, the lost one


def test_saving_without_a_name_shows_the_error(
    login: Callable[[User], Client], owner: User
) -> None:
    response = login(owner).post(reverse("web:segment_new"), builder_post(name=""))
    assert response.status_code == 400
    assert "needs a name" in response.content.decode()
    assert not Segment.objects.exists()


def test_the_list_of_segments_counts_in_a_fixed_number_of_queries(
    login: Callable[[User], Client], owner: User, accounts: list[Account]
) -> None:
    client = login(owner)
    create_segment(actor=owner, name="One", spec=ACTIVE)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:segment_list")).status_code == 200
        return len(captured)

    one = queries()
    for n in range(5):
        create_segment(actor=owner, name=f"More {n}", spec=ACTIVE)
    assert queries() == one


def csv_ids(response: HttpResponseBase) -> set[int]:
    assert isinstance(response, StreamingHttpResponse | FileResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[arg-type]
    rows = csv.DictReader(io.StringIO(text))
    return {int(row["id"]) for row in rows if not is_watermark_row(list(row.values()))}


def test_the_list_the_export_and_the_api_give_the_same_rows_for_a_segment(
    login: Callable[[User], Client], owner: User, lead: User, accounts: list[Account]
) -> None:
    segment = create_segment(actor=lead, name="Active", spec=ACTIVE)
    client = login(lead)  # the lead sees the team's accounts, not the outsider's
    expected = {a.pk for a in accounts[:2]}

    page = client.get(reverse("web:account_list"), {"segment": segment.pk})
    listed = {a.pk for a in page.context["page"].accounts}
    exported = csv_ids(
        client.get(reverse("web:account_export"), {"segment": str(segment.pk), "fmt": "csv"})
    )
    api = client.get("/api/v1/accounts", {"segment": segment.pk}).json()
    api_exported = csv_ids(client.get("/api/v1/accounts/export", {"segment": segment.pk}))

    assert listed == exported == {item["id"] for item in api["items"]} == api_exported == expected
    assert "Active" in text_of(page.content.decode())


def test_another_users_private_segment_is_a_404_everywhere(
    login: Callable[[User], Client], owner: User, outsider: User
) -> None:
    private = create_segment(actor=owner, name="Mine", spec=ACTIVE)
    client = login(outsider)
    assert client.get(reverse("web:account_list"), {"segment": private.pk}).status_code == 404
    assert client.get("/api/v1/accounts", {"segment": private.pk}).status_code == 404
    assert client.get(reverse("web:segment_edit", args=[private.pk])).status_code == 404
    assert client.post(reverse("web:segment_delete", args=[private.pk])).status_code == 404
    assert client.get(reverse("web:segment_movements"), {"segment": private.pk}).status_code == 404
    assert Segment.objects.filter(pk=private.pk).exists()


def test_a_shared_segment_is_usable_by_others_but_edited_by_its_owner(
    login: Callable[[User], Client], owner: User, outsider: User
) -> None:
    shared = create_segment(actor=owner, name="Ours", spec=ACTIVE, shared=True)
    client = login(outsider)
    assert client.get(reverse("web:account_list"), {"segment": shared.pk}).status_code == 200
    page = client.get(reverse("web:segment_list")).content.decode()
    assert "Ours" in page
    assert reverse("web:segment_edit", args=[shared.pk]) not in page


def test_the_owner_edits_a_saved_segment_in_the_builder(
    login: Callable[[User], Client], owner: User
) -> None:
    segment = create_segment(actor=owner, name="Active", spec=ACTIVE)
    client = login(owner)
    page = client.get(reverse("web:segment_edit", args=[segment.pk])).content.decode()
    assert 'value="active"' in page
    client.post(reverse("web:segment_edit", args=[segment.pk]), builder_post(name="Renamed"))
    segment.refresh_from_db()
    assert segment.name == "Renamed"


def test_the_movements_page_lists_who_entered_and_left_this_quarter(
    login: Callable[[User], Client], owner: User, accounts: list[Account]
) -> None:
    big = {"field": "revenue_ltm", "op": "ge", "value": 100}
    segment = create_segment(actor=owner, name="Big", spec=big)
    kazan, perm = accounts[0], accounts[1]
    snapshot_memberships(
        finished_run(dt.date(2026, 9, 30), {kazan: {"revenue_ltm": 500}, perm: {"revenue_ltm": 1}})
    )
    snapshot_memberships(
        finished_run(dt.date(2026, 12, 1), {kazan: {"revenue_ltm": 5}, perm: {"revenue_ltm": 300}})
    )
    client = login(owner)
    page = text_of(client.get(reverse("web:segment_movements")).content.decode())
    assert "Big 1 1" in page
    detail = client.get(reverse("web:segment_movements"), {"segment": segment.pk})
    moved = detail.context["moved"]
    assert (moved.entered, moved.left) == ([perm], [kazan])
