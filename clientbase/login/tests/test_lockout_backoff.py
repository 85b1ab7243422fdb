"""Each lock of a name lasts twice the one before; the lock ends by itself or by an admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from clientbase.access.models import User
from clientbase.login.models import LoginThrottle
from clientbase.login.selectors import locked_until, username_key
from clientbase.login.services import lock_seconds, unlock, unlock_user
from clientbase.login.tests.support import post_login
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def fail_until_locked(client: Client, username: str, settings: Any) -> LoginThrottle:
    for n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES):
        post_login(client, username, "wrong", ip=f"10.9.9.{n}")
    return LoginThrottle.objects.get(key=username_key(username))


def expire(throttle: LoginThrottle) -> None:
    throttle.locked_until = timezone.now() - dt.timedelta(seconds=1)
    throttle.save()


def test_each_lock_lasts_twice_as_long_as_the_last_up_to_the_ceiling(settings: Any) -> None:
    settings.LOGIN_LOCKOUT_BASE_SECONDS = 60
    settings.LOGIN_LOCKOUT_MAX_SECONDS = 3600
    assert [lock_seconds(n) for n in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_name_locks_again_for_longer_after_the_first_lock_ends(
    client: Client, owner: User, settings: Any
) -> None:
    first = fail_until_locked(client, "owner", settings)
    assert first.lockouts == 1
    assert first.locked_until is not None
    assert first.last_failure_at is not None
    first_length = (first.locked_until - first.last_failure_at).total_seconds()
    expire(first)
    second = fail_until_locked(client, "owner", settings)
    assert second.lockouts == 2
    assert second.locked_until is not None
    assert second.last_failure_at is not None
    second_length = (second.locked_until - second.last_failure_at).total_seconds()
    assert second_length == 2 * first_length == 2 * settings.LOGIN_LOCKOUT_BASE_SECONDS


def test_a_lock_refuses_the_right_password_until_it_ends(
    client: Client, owner: User, settings: Any
) -> None:
    throttle = fail_until_locked(client, "owner", settings)
    assert post_login(client, "owner", PASSWORD).status_code == 200
    expire(throttle)
    assert post_login(client, "owner", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures_of_the_name(
    client: Client, owner: User, settings: Any
) -> None:
    for _n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES - 1):
        post_login(client, "owner", "wrong")
    assert post_login(client, "owner", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(key=username_key("owner")).exists()


def test_letter_case_does_not_dodge_the_lock(client: Client, owner: User, settings: Any) -> None:
    for n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES):
        post_login(client, "OWNER" if n % 2 else "Owner", "wrong", ip=f"10.8.8.{n}")
    assert locked_until(username="owner", ip="10.0.0.99") is not None


def test_an_administrator_lifts_a_lock(
    client: Client, owner: User, director: User, settings: Any
) -> None:
    fail_until_locked(client, "owner", settings)
    assert unlock_user(actor=director, user=owner) == 1
    assert locked_until(username="owner", ip="10.0.0.99") is None
    assert post_login(client, "owner", PASSWORD).status_code == 302


def test_it_rejects_unlocking_without_the_right(
    client: Client, owner: User, teammate: User, settings: Any
) -> None:
    fail_until_locked(client, "owner", settings)
    with pytest.raises(PermissionDenied):
        unlock(actor=teammate, key=username_key("owner"))
    assert locked_until(username="owner", ip="10.0.0.99") is not None
