from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account, TaxIdentifier
from clientbase.identity import keys
from clientbase.identity.models import NameKey
from clientbase.identity.selectors import similar_accounts


def _index(*accounts: Account) -> None:
    """What a dedupe run leaves behind for the entry-time check (account writes keep it too)."""
    for account in accounts:
        latin = keys.latin_name(account.legal_name)
        skel = keys.skeleton(latin)
        NameKey.objects.update_or_create(
            account=account, defaults={"latin": latin, "skeleton": skel, "prefix": skel[:4]}
        )


@pytest.mark.parametrize(
    "typed",
    ["Romashka LLC", "ромашка", 'OOO "Romashka"', "Ромашка ООО", "Ромшака"],
)
def test_it_warns_about_the_same_company_typed_in_another_script_or_with_a_typo(
    owner: User, make_account: Callable[..., Account], typed: str
) -> None:
    romashka = make_account(owner=owner, legal_name="ООО «Ромашка»", display_name="Ромашка")
    make_account(owner=owner, legal_name="ООО «Василёк»", display_name="Василёк")
    _index(*Account.objects.all())

    found = similar_accounts(actor=owner, legal_name=typed)

    assert [s.account.pk for s in found] == [romashka.pk]
    assert any(r.startswith("name") for r in found[0].reasons)


def test_it_finds_a_persian_company_typed_with_arabic_letters_or_in_latin(
    owner: User, make_account: Callable[..., Account]
) -> None:
    behin = make_account(
        owner=owner, legal_name="شرکت بهین زاگرس (سهامی خاص)", display_name="بهین زاگرس"
    )
    _index(behin)

    assert similar_accounts(actor=owner, legal_name="بهين زاگرس")[0].account == behin
    assert similar_accounts(actor=owner, legal_name="Behin Zagros Co.")[0].account == behin


def test_an_exact_tax_id_phone_or_email_is_reason_enough(
    owner: User, make_account: Callable[..., Account]
) -> None:
    account = make_account(
        owner=owner, legal_name="ООО «Альфа»", phone="+74951234567", email="info@alfa.ru"
    )
    TaxIdentifier.objects.create(account=account, kind="ru_inn", value="7707083893")

    by_tax = similar_accounts(actor=owner, legal_name="Совсем другое", tax_id="7707083893")
    by_phone = similar_accounts(actor=owner, legal_name="Другое", phone="8 (495) 123-45-67")
    by_email = similar_accounts(actor=owner, legal_name="Другое", email="INFO@alfa.ru")

    assert by_tax[0].account == account
    assert by_tax[0].reasons == ["tax_id"]
    assert by_phone[0].reasons == ["phone"]
    assert by_email[0].reasons == ["email"]
    assert by_tax[0].score == 100.0


def test_it_never_reveals_an_account_the_user_may_not_see(
    owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    hidden = make_account(owner=outsider, legal_name="ООО «Ромашка»", phone="+74951234567")
    _index(hidden)

    assert similar_accounts(actor=owner, legal_name="Ромашка", phone="+74951234567") == []
    assert similar_accounts(actor=outsider, legal_name="Ромашка")[0].account == hidden


def test_a_merely_different_name_raises_no_warning(
    owner: User, make_account: Callable[..., Account]
) -> None:
    _index(make_account(owner=owner, legal_name="ООО «Ромашка»"))

    assert similar_accounts(actor=owner, legal_name="Рога и копыта") == []
