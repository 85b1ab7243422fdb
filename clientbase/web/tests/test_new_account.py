"""The "New account" page: creating an account, and the duplicate warning while typing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.identity import keys
from clientbase.identity.models import NameKey
from clientbase.web.tests.conftest import text_of

MakeAccount = Callable[..., Account]
Login = Callable[[User], Client]
URL = "/accounts/new/"
CHECK = "/accounts/new/check/"
VALID_INN = "7707083893"


def _index(*accounts: Account) -> None:
    """The name keys a dedupe run leaves behind for the entry-time check."""
    for account in accounts:
        latin = keys.latin_name(account.legal_name)
        skel = keys.skeleton(latin)
        NameKey.objects.update_or_create(
            account=account, defaults={"latin": latin, "skeleton": skel, "prefix": skel[:4]}
        )


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "legal_name": "ООО «Лютик»",
        "display_name": "Лютик",
        "tax_kind": "ru_inn",
        "tax_id": "",
        "phone": "",
        "email": "",
        "city": "Казань",
        "country": "RU",
        "status": "prospect",
    }
    data.update(overrides)
    return data


@pytest.fixture
def romashka(owner: User, make_account: MakeAccount) -> Account:
    account = make_account(
        owner=owner, legal_name="ООО «Ромашка»", display_name="Ромашка", city="Москва"
    )
    TaxIdentifier.objects.create(account=account, kind="ru_inn", value=VALID_INN)
    _index(account)
    return account


def test_the_account_list_links_to_the_new_account_page(owner: User, login: Login) -> None:
    response = login(owner).get(reverse("web:account_list"))
    assert f'href="{URL}"' in response.content.decode()


def test_it_creates_an_account_owned_by_the_user_and_opens_it(owner: User, login: Login) -> None:
    response = login(owner).post(
        URL, _form(tax_id="7736207543", phone="8 (843) 555-12-34", email="Info@Lutik.RU")
    )

    account = Account.objects.get(display_name="Лютик")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:account_detail", args=[account.pk])
    assert account.owner == owner
    assert account.legal_name == "ООО «Лютик»"
    assert account.phone == "+78435551234"
    assert account.email == "info@lutik.ru"
    assert account.city == "Казань"
    assert list(account.tax_ids.values_list("kind", "value")) == [("ru_inn", "7736207543")]
    assert AuditEvent.objects.filter(action="account.create", object_id=str(account.pk)).exists()


def test_it_shows_errors_next_to_their_fields_and_writes_nothing(owner: User, login: Login) -> None:
    response = login(owner).post(
        URL, _form(legal_name="", tax_id="7707083894", email="not-an-email", phone="12")
    )

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "This field is required." in text
    assert "7707083894 is not a valid INN (Russia): check the digits." in text
    assert "Enter a valid email address." in text
    assert html.count('class="field-error"') >= 3
    assert not Account.objects.exists()


def test_it_reports_a_phone_the_service_rejects_next_to_the_phone(
    owner: User, login: Login
) -> None:
    response = login(owner).post(URL, _form(phone="12"))

    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert not Account.objects.exists()


@pytest.mark.parametrize("typed", ["Romashka LLC", "ромашка ооо"])
def test_the_warning_shows_the_existing_account_for_a_name_in_another_script(
    owner: User, login: Login, romashka: Account, typed: str
) -> None:
    response = login(owner).get(CHECK, {"legal_name": typed}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="duplicates"')
    assert reverse("web:account_detail", args=[romashka.pk]) in html
    assert "Ромашка" in text_of(html)
    assert "name" in text_of(html).lower()


def test_the_warning_shows_the_account_with_the_same_inn_and_says_why(
    owner: User, login: Login, romashka: Account
) -> None:
    response = login(owner).get(CHECK, {"legal_name": "Совсем другое", "tax_id": VALID_INN})

    text = text_of(response.content.decode())
    assert "Ромашка" in text
    assert "Same tax id" in text
    assert "100%" in text


def test_the_warning_stays_quiet_for_an_unrelated_company(
    owner: User, login: Login, romashka: Account
) -> None:
    response = login(owner).get(CHECK, {"legal_name": "Василёк"})

    assert "No similar accounts found." in text_of(response.content.decode())


def test_the_warning_never_shows_an_account_the_user_may_not_see(
    outsider: User, login: Login, romashka: Account
) -> None:
    response = login(outsider).get(CHECK, {"legal_name": "Ромашка", "tax_id": VALID_INN})

    assert "Ромашка" not in text_of(response.content.decode())


def test_the_form_asks_the_check_as_the_user_types(owner: User, login: Login) -> None:
    html = login(owner).get(URL).content.decode()

    assert f'hx-get="{CHECK}"' in html
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert 'hx-target="#duplicates"' in html


def test_it_asks_for_confirmation_before_creating_a_likely_duplicate(
    owner: User, login: Login, romashka: Account
) -> None:
    client = login(owner)

    refused = client.post(URL, _form(legal_name="Romashka LLC", display_name="Romashka"))

    assert refused.status_code == 200
    text = text_of(refused.content.decode())
    assert "This looks like an account that already exists." in text
    assert 'name="create_anyway"' in refused.content.decode()
    assert reverse("web:account_detail", args=[romashka.pk]) in refused.content.decode()
    assert Account.objects.count() == 1

    confirmed = client.post(
        URL, _form(legal_name="Romashka LLC", display_name="Romashka", create_anyway="on")
    )

    assert confirmed.status_code == 302
    assert Account.objects.count() == 2


def test_the_page_renders_right_to_left_in_persian(owner: User, login: Login) -> None:
    owner.language = "fa"
    owner.save(update_fields=["language"])

    html = login(owner).get(URL).content.decode()

    assert '<html lang="fa" dir="rtl">' in html


def test_the_page_needs_a_signed_in_user(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
