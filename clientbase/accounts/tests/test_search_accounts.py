"""The search box finds an account by name, tax id, phone or e-mail, however it is typed,
and never shows anything outside the searcher's scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery, account_list
from clientbase.accounts.services import create_contact

MakeAccount = Callable[..., Account]


def found(actor: User, q: str) -> set[str]:
    page = account_list(actor=actor, query=AccountListQuery(q=q, limit=500))
    return {account.display_name for account in page.accounts}


@pytest.fixture(autouse=True)
def book(make_account: MakeAccount, owner: User) -> None:
    roga = make_account(
        owner=owner,
        legal_name="ООО «Рога и копыта»",
        display_name="Рога и Копыта",
        aliases=["Horns & Hooves"],
        phone="+7 (495) 123-45-67",
        email="Info@Roga-Kopyta.RU",
        tax_ids={"ru_inn": "7707083893"},
    )
    create_contact(
        actor=None,
        account=roga,
        full_name="Иван Петров",
        email="Ivan.Petrov@Roga-Kopyta.ru",
        phone="+7 916 555-44-33",
    )
    make_account(owner=owner, display_name="Ёлки-Палки")
    make_account(owner=owner, display_name="Елисеевский")
    make_account(owner=owner, display_name="شرکت علي", country="IR", phone="021 8888 8888")
    make_account(owner=owner, display_name="كاوه صنعت")
    make_account(owner=owner, display_name="کتاب\u200cفروشی ققنوس")
    make_account(owner=owner, display_name="نرم افزار پارس")


@pytest.mark.parametrize("q", ["Копыта", "копыта", "КОПЫТА", "  рога  ", "ооо «рога", "hooves"])
def test_it_finds_a_name_whatever_the_case(director: User, q: str) -> None:
    assert found(director, q) == {"Рога и Копыта"}


@pytest.mark.parametrize("q", ["ёлки", "елки", "ЁЛКИ"])
def test_yo_and_ye_are_the_same_letter(director: User, q: str) -> None:
    assert found(director, q) == {"Ёлки-Палки"}


def test_a_yo_in_the_query_finds_a_name_written_with_ye(director: User) -> None:
    assert found(director, "Ёлисеевский") == {"Елисеевский"}


@pytest.mark.parametrize("q", ["علی", "علي"])
def test_persian_and_arabic_yeh_are_the_same_letter(director: User, q: str) -> None:
    assert found(director, q) == {"شرکت علي"}


@pytest.mark.parametrize("q", ["کاوه", "كاوه"])
def test_persian_and_arabic_kaf_are_the_same_letter(director: User, q: str) -> None:
    assert found(director, q) == {"كاوه صنعت"}


def test_a_space_finds_a_name_written_with_a_zero_width_non_joiner(director: User) -> None:
    assert found(director, "کتاب فروشی") == {"کتاب\u200cفروشی ققنوس"}


def test_a_zero_width_non_joiner_finds_a_name_written_with_a_space(director: User) -> None:
    assert found(director, "نرم\u200cافزار") == {"نرم افزار پارس"}


@pytest.mark.parametrize("q", ["7707083893", " 7707 083 893 "])
def test_it_finds_an_account_by_its_inn(director: User, q: str) -> None:
    assert found(director, q) == {"Рога и Копыта"}


@pytest.mark.parametrize(
    "q", ["+7 (495) 123-45-67", "84951234567", "8 (495) 123 45 67", "74951234567", "+74951234567"]
)
def test_it_finds_an_account_by_its_phone_however_it_is_written(director: User, q: str) -> None:
    assert found(director, q) == {"Рога и Копыта"}


@pytest.mark.parametrize(
    "q", ["۰۲۱۸۸۸۸۸۸۸۸", "۰۲۱-۸۸۸۸-۸۸۸۸", "+۹۸ ۲۱ ۸۸۸۸ ۸۸۸۸", "00982188888888", "+98 21 8888 8888"]
)
def test_it_finds_an_iranian_phone_typed_in_persian_digits(director: User, q: str) -> None:
    assert found(director, q) == {"شرکت علي"}


def test_it_finds_an_account_by_a_contacts_phone(director: User) -> None:
    assert found(director, "8 916 555 44 33") == {"Рога и Копыта"}


@pytest.mark.parametrize(
    "q", ["info@roga-kopyta.ru", "INFO@Roga-Kopyta.RU", " info@roga-kopyta.ru "]
)
def test_it_finds_an_account_by_its_email_whatever_the_case(director: User, q: str) -> None:
    assert found(director, q) == {"Рога и Копыта"}


@pytest.mark.parametrize("q", ["ivan.petrov@roga-kopyta.ru", "IVAN.PETROV@ROGA-KOPYTA.RU"])
def test_it_finds_an_account_by_a_contacts_email(director: User, q: str) -> None:
    assert found(director, q) == {"Рога и Копыта"}


@pytest.mark.parametrize("q", ["nobody@nowhere.example", "7700000000", "+7 999 000-00-00", "Зебра"])
def test_it_finds_nothing_for_what_nobody_has(director: User, q: str) -> None:
    assert found(director, q) == set()


def test_an_empty_query_finds_everything_in_scope(director: User) -> None:
    assert len(found(director, "   ")) == 7


EVERY_WAY_TO_FIND_ROGA = pytest.mark.parametrize(
    "q",
    [
        "копыта",
        "7707083893",
        "84951234567",
        "info@roga-kopyta.ru",
        "ivan.petrov@roga-kopyta.ru",
        "8 916 555 44 33",
    ],
)


@EVERY_WAY_TO_FIND_ROGA
def test_a_search_never_widens_the_scope(outsider: User, director: User, q: str) -> None:
    assert found(director, q) == {"Рога и Копыта"}  # the query works...
    assert found(outsider, q) == set()  # ...but not for someone who may not see the account


@EVERY_WAY_TO_FIND_ROGA
def test_a_search_is_also_limited_for_a_team_lead_of_another_team(
    make_account: MakeAccount, outsider: User, q: str
) -> None:
    outsider.role = "team_lead"
    outsider.save()

    assert found(outsider, q) == set()
