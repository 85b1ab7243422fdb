"""The users page: who is locked out, with two-factor on or not; an admin lifts a lock there."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.access.services import create_user
from clientbase.login import two_factor_services as tf
from clientbase.login.selectors import has_two_factor, locked_until, username_key
from clientbase.login.tests.support import post_login
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_director_sees_the_lock_and_lifts_it(
    client: Client, owner: User, director: User, settings: Any
) -> None:
    attacker = Client()
    for n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES):
        post_login(attacker, "owner", "wrong", ip=f"10.7.7.{n}")
    client.force_login(director)
    html = client.get(reverse("web:user_list")).content.decode()
    assert username_key("owner") in html
    assert "locked" in html
    response = client.post(reverse("web:user_unlock"), {"key": username_key("owner")})
    assert response["Location"] == reverse("web:user_list")
    assert locked_until(username="owner", ip="10.0.0.1") is None
    assert AuditEvent.objects.filter(action="login.unlock", actor=director).exists()
    assert post_login(attacker, "owner", PASSWORD).status_code == 302


def test_it_rejects_a_key_that_is_not_a_lock_key(client: Client, director: User) -> None:
    client.force_login(director)
    assert client.post(reverse("web:user_unlock"), {"key": "session:x"}).status_code == 404


def test_it_rejects_unlocking_without_the_right(
    client: Client, owner: User, teammate: User
) -> None:
    client.force_login(teammate)
    response = client.post(reverse("web:user_unlock"), {"key": username_key("owner")})
    assert response.status_code == 403


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, director: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        create_user(actor=None, username=f"member{n}", password=None)
    client.force_login(director)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("web:user_list")).status_code == 200


def test_an_administrator_resets_a_lost_second_factor(
    client: Client, owner: User, director: User
) -> None:
    secret = tf.begin_enrolment(actor=owner).secret
    tf.confirm_enrolment(actor=owner, code=pyotp.TOTP(secret).now())
    client.force_login(director)
    assert "Reset two-factor" in client.get(reverse("web:user_list")).content.decode()
    response = client.post(reverse("web:user_two_factor_reset", args=[owner.pk]))
    assert response["Location"] == reverse("web:user_list")
    assert not has_two_factor(owner)


def test_it_rejects_resetting_a_second_factor_without_the_right(
    client: Client, owner: User, teammate: User
) -> None:
    secret = tf.begin_enrolment(actor=owner).secret
    tf.confirm_enrolment(actor=owner, code=pyotp.TOTP(secret).now())
    client.force_login(teammate)
    assert client.post(reverse("web:user_two_factor_reset", args=[owner.pk])).status_code == 403
    assert has_two_factor(owner)
