"""The account list: scoped, searchable, filterable, sortable, paged by cursor, htmx-aware."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.services import create_contact

pytestmark = pytest.mark.django_db

MakeAccount = Callable[..., Account]
URL = reverse("web:account_list")


def names_on(html: str) -> list[str]:
    """The account names in the results table, top to bottom."""
    return re.findall(r'class="row-link"[^>]*><bdi>([^<]*)</bdi>', html)


def get(client: Client, **params: Any) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_only_the_owners_accounts(
    client: Client, owner: User, outsider: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="Mine")
    make_account(owner=outsider, display_name="Theirs")
    client.force_login(owner)
    assert names_on(get(client)) == ["Mine"]


def test_a_team_lead_sees_the_accounts_of_the_team(
    client: Client,
    lead: User,
    owner: User,
    teammate: User,
    outsider: User,
    make_account: MakeAccount,
) -> None:
    make_account(owner=owner, display_name="A owner")
    make_account(owner=teammate, display_name="B teammate")
    make_account(owner=outsider, display_name="C outsider")
    client.force_login(lead)
    assert names_on(get(client)) == ["A owner", "B teammate"]


def test_it_shows_the_columns_of_each_account(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    account = make_account(
        owner=owner,
        display_name="Romashka",
        city="Moscow",
        status="active",
        phone="+74951234567",
        tax_ids={"ru_inn": "7701234567", "ru_kpp": "770101001"},
    )
    client.force_login(owner)
    html = get(client)
    assert f'href="{reverse("web:account_detail", args=[account.pk])}"' in html
    assert "Moscow" in html
    assert '<span class="badge badge-active">Active</span>' in html
    assert "owner" in html
    assert "7701234567" in html
    assert "770101001" in html
    assert ">INN<" in html
    assert "+7 495 123-45-67" in html


def test_it_finds_an_account_by_inn(client: Client, owner: User, make_account: MakeAccount) -> None:
    make_account(owner=owner, display_name="Romashka", tax_ids={"ru_inn": "7701234567"})
    make_account(owner=owner, display_name="Vasilek", tax_ids={"ru_inn": "7709876543"})
    client.force_login(owner)
    assert names_on(get(client, q="7701234567")) == ["Romashka"]


def test_it_finds_an_account_by_part_of_its_name_in_any_case(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="Ромашка", legal_name="ООО «Ромашка»")
    make_account(owner=owner, display_name="Василёк", legal_name="ООО «Василёк»")
    client.force_login(owner)
    assert names_on(get(client, q="РОМАШ")) == ["Ромашка"]
    assert names_on(get(client, q="василек")) == ["Василёк"]


def test_it_finds_an_account_by_phone_and_by_a_contacts_email(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    called = make_account(owner=owner, display_name="Called", phone="+74951234567")
    mailed = make_account(owner=owner, display_name="Mailed")
    make_account(owner=owner, display_name="Other")
    create_contact(actor=owner, account=mailed, full_name="Olga", email="olga@mailed.example")
    client.force_login(owner)
    assert names_on(get(client, q="8 (495) 123-45-67")) == [called.display_name]
    assert names_on(get(client, q="OLGA@mailed.example")) == [mailed.display_name]


def test_it_filters_by_status(client: Client, owner: User, make_account: MakeAccount) -> None:
    make_account(owner=owner, display_name="Active one", status="active")
    make_account(owner=owner, display_name="Lost one", status="lost")
    client.force_login(owner)
    html = get(client, status="lost")
    assert names_on(html) == ["Lost one"]
    assert '<option value="lost" selected>' in html


def test_an_unknown_status_or_sort_falls_back_to_everything_by_name(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="B")
    make_account(owner=owner, display_name="A")
    client.force_login(owner)
    assert names_on(get(client, status="bogus", sort="password")) == ["A", "B"]


def test_it_sorts_by_a_column_both_ways(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="A", city="Omsk")
    make_account(owner=owner, display_name="B", city="Kazan")
    make_account(owner=owner, display_name="C", city="Tver")
    client.force_login(owner)
    html = get(client, sort="city")
    assert names_on(html) == ["B", "A", "C"]
    assert 'href="?sort=-city"' in html, "clicking the sorted column reverses it"
    assert 'aria-sort="ascending"' in html
    assert names_on(get(client, sort="-city")) == ["C", "A", "B"]
    assert names_on(get(client, sort="-name")) == ["C", "B", "A"]


def test_sorting_keeps_the_search_and_the_status_filter(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="A", status="active")
    client.force_login(owner)
    html = get(client, q="a", status="active")
    assert 'href="?q=a&amp;status=active&amp;sort=city"' in html


def test_it_pages_with_a_stable_cursor(
    client: Client, owner: User, make_account: MakeAccount, settings: Settings
) -> None:
    settings.CLIENTBASE_PAGE_SIZE = 2
    for name in ["B", "D", "F", "H", "J"]:
        make_account(owner=owner, display_name=name)
    client.force_login(owner)

    first = get(client)
    assert names_on(first) == ["B", "D"]
    assert "First page" not in first
    next_link = re.search(r'rel="next" href="\?after=([^"&]+)"', first)
    assert next_link is not None

    # A row that sorts before the cursor arrives meanwhile: page 2 neither repeats nor skips.
    make_account(owner=owner, display_name="A")
    second = get(client, after=next_link.group(1))
    assert names_on(second) == ["F", "H"]
    assert 'href="?"' in second
    assert "First page" in second

    again = get(client, after=next_link.group(1))
    assert names_on(again) == ["F", "H"], "the same cursor gives the same page"
    last_link = re.search(r'rel="next" href="\?after=([^"&]+)"', second)
    assert last_link is not None
    last = get(client, after=last_link.group(1))
    assert names_on(last) == ["J"]
    assert 'rel="next"' not in last


def test_a_malformed_cursor_shows_the_first_page(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="A")
    client.force_login(owner)
    assert names_on(get(client, after="not-a-cursor!")) == ["A"]


def test_typing_in_the_search_box_swaps_only_the_results_table(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="Romashka")
    client.force_login(owner)
    response = client.get(URL, {"q": "roma"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert '<nav class="nav"' not in html
    assert names_on(html) == ["Romashka"]
    assert "HX-Request" in response["Vary"]


def test_the_search_box_is_wired_to_htmx_with_a_debounce(client: Client, owner: User) -> None:
    client.force_login(owner)
    html = get(client)
    search = re.search(r'<input type="search" name="q"[^>]*>', html)
    assert search is not None
    assert 'hx-get="/accounts/"' in search.group(0)
    assert 'hx-target="#results"' in search.group(0)
    assert "delay:300ms" in search.group(0)


def test_an_htmx_history_restore_gets_the_whole_page(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.get(URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_it_says_so_when_nothing_matches(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    make_account(owner=owner, display_name="Romashka")
    client.force_login(owner)
    html = get(client, q="zzz-nothing")
    assert names_on(html) == []
    assert "No accounts match your search." in html


def test_it_says_so_when_the_user_has_no_accounts(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert "No accounts yet." in get(client)


def _queries_for_list(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_a_constant_number_of_queries(
    client: Client,
    director: User,
    owner: User,
    teammate: User,
    outsider: User,
    make_account: MakeAccount,
) -> None:
    people = [owner, teammate, outsider]

    def add(count: int) -> None:
        for n in range(count):
            make_account(
                owner=people[n % 3],
                account_manager=people[(n + 1) % 3],
                phone=f"+7495{n:07d}",
                tax_ids={"ru_inn": f"77{n:08d}", "ru_kpp": f"77{n:07d}"},
            )

    client.force_login(director)
    add(5)
    with_five = _queries_for_list(client)
    add(25)
    with_thirty = _queries_for_list(client)
    assert with_thirty == with_five


def test_a_rep_with_many_accounts_runs_as_many_queries_as_with_few(
    client: Client, owner: User, make_account: MakeAccount
) -> None:
    client.force_login(owner)
    make_account(owner=owner, tax_ids={"ru_inn": "7700000001"})
    with_one = _queries_for_list(client)
    for n in range(29):
        make_account(owner=owner, tax_ids={"ru_inn": f"78{n:08d}"})
    assert _queries_for_list(client) == with_one
