"""Privacy fixtures: a contact with everything that identifies them, and published texts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.access.tests.fixtures import break_audit
from clientbase.accounts.models import Account, Contact
from clientbase.accounts.services import create_contact
from clientbase.privacy.models import ConsentText
from clientbase.privacy.services import publish_consent_text

__all__ = ["break_audit"]

NAME = "Иван Сергеевич Петров"
EMAIL = "ivan.petrov@example.ru"
PHONE = "+79161234567"
SECOND_EMAIL = "petrov.home@example.org"
TELEGRAM = "@ivan_petrov_tg"


@pytest.fixture
def admin(db: None) -> User:
    return create_user(actor=None, username="admin", password=None, role=Role.ADMIN)


@pytest.fixture
def auditor(db: None) -> User:
    return create_user(actor=None, username="auditor", password=None, role=Role.AUDITOR)


@pytest.fixture
def account(make_account: Callable[..., Account], owner: User) -> Account:
    return make_account(owner=owner, legal_name="ООО «Ромашка»", display_name="Ромашка")


@pytest.fixture
def person(account: Account, owner: User) -> Contact:
    return create_contact(
        actor=owner,
        account=account,
        full_name=NAME,
        position="Главный бухгалтер",
        phone="8 916 123-45-67",
        email=EMAIL,
        emails=[SECOND_EMAIL],
        messengers={"telegram": TELEGRAM},
    )


@pytest.fixture
def texts(db: None) -> dict[str, ConsentText]:
    return {
        language: publish_consent_text(
            actor=None,
            purpose="personal_data",
            version="2026-01",
            language=language,
            text=text,
        )
        for language, text in {
            "ru": "Я даю согласие на обработку моих персональных данных.",
            "en": "I consent to the processing of my personal data.",
            "fa": "من با پردازش داده‌های شخصی‌ام موافقم.",
        }.items()
    }


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Sign `user` in on the test client and return the client."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in
