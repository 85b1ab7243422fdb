"""The password policy: long enough, not common, not leaked (checked offline), with messages."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from clientbase.login.passwords import breached_passwords, is_breached

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["dragon", "Password123!", "Sunshine2026", "1qaz2wsx3edc", "!!Football99", "qwertyuiop"],
)
def test_it_rejects_leaked_passwords_and_their_usual_disguises(password: str) -> None:
    assert is_breached(password)
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_offline_list_is_larger_than_djangos_own() -> None:
    assert len(breached_passwords()) >= 30_000


def test_it_accepts_a_long_uncommon_passphrase() -> None:
    validate_password("violet tractor under Kazan bridge")


def test_it_rejects_a_short_password_with_a_clear_message() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("x7#Kq2")
    assert any("at least 10 characters" in message for message in caught.value.messages)


@pytest.mark.parametrize(
    ("language", "phrase"), [("en", "leaked"), ("ru", "утёкших"), ("fa", "لو رفته")]
)
def test_the_leaked_password_message_is_translated(language: str, phrase: str) -> None:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        validate_password("Dragon2024!!")
    assert any(phrase in message for message in caught.value.messages)
