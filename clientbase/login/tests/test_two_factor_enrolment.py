"""Turning two-factor sign-in on: a QR code drawn on our own server, a first code to confirm,
recovery codes shown once; a role can make it mandatory, and its users enrol at next login."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.login import two_factor_services as tf
from clientbase.login.models import RecoveryCode, TwoFactor
from clientbase.login.selectors import has_two_factor
from clientbase.login.tests.support import post_login, previous_step_code
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def secret_on(html: str) -> str:
    found = re.search(r'class="secret-key">([A-Z2-7]+)<', html)
    assert found is not None
    return found.group(1)


def test_the_settings_page_shows_a_local_qr_code_and_turns_it_on(
    client: Client, owner: User
) -> None:
    client.force_login(owner)
    html = client.get(reverse("web:two_factor")).content.decode()
    assert 'src="data:image/svg+xml' in html  # drawn here: no image from another server
    secret = secret_on(html)
    response = client.post(
        reverse("web:two_factor"), {"action": "confirm", "code": pyotp.TOTP(secret).now()}
    )
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(codes) == tf.RECOVERY_CODES
    assert has_two_factor(owner)
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert not stored & set(codes)
    assert AuditEvent.objects.filter(action="two_factor.enable", object_id=str(owner.pk)).exists()


def test_it_rejects_a_wrong_first_code_and_stays_off(client: Client, owner: User) -> None:
    client.force_login(owner)
    client.get(reverse("web:two_factor"))
    response = client.post(reverse("web:two_factor"), {"action": "confirm", "code": "000000"})
    assert 'role="alert"' in response.content.decode()
    assert not has_two_factor(owner)


def test_a_user_turns_it_off_with_a_current_code(client: Client, owner: User) -> None:
    secret = tf.begin_enrolment(actor=owner).secret
    tf.confirm_enrolment(actor=owner, code=previous_step_code(secret))
    client.force_login(owner)
    client.post(reverse("web:two_factor"), {"action": "disable", "code": "000000"})
    assert has_two_factor(owner)
    client.post(reverse("web:two_factor"), {"action": "disable", "code": pyotp.TOTP(secret).now()})
    assert not has_two_factor(owner)
    assert not RecoveryCode.objects.filter(user=owner).exists()


def test_a_role_that_requires_it_sends_its_users_to_enrol_at_next_login(
    client: Client, owner: User, settings: Any
) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = ["rep"]
    response = post_login(client, "owner", PASSWORD)
    assert response["Location"] == reverse("web:login_enrol")
    assert client.get(reverse("web:account_list")).status_code == 302  # not in yet
    html = client.get(reverse("web:login_enrol")).content.decode()
    assert 'src="data:image/svg+xml' in html
    secret = secret_on(html)
    done = client.post(reverse("web:login_enrol"), {"code": pyotp.TOTP(secret).now()})
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", done.content.decode())) == 10
    assert client.get(reverse("web:account_list")).status_code == 200
    assert TwoFactor.objects.get(user=owner).confirmed_at is not None
    assert AuditEvent.objects.get(action="login").changes["two_factor"] is True


def test_a_user_whose_role_requires_it_cannot_turn_it_off(
    client: Client, owner: User, settings: Any
) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = ["rep"]
    secret = tf.begin_enrolment(actor=owner).secret
    tf.confirm_enrolment(actor=owner, code=previous_step_code(secret))
    client.force_login(owner)
    response = client.post(
        reverse("web:two_factor"), {"action": "disable", "code": pyotp.TOTP(secret).now()}
    )
    assert "cannot be turned off" in response.content.decode()
    assert has_two_factor(owner)


def test_other_roles_are_not_forced(client: Client, owner: User, settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = ["director"]
    assert post_login(client, "owner", PASSWORD)["Location"] == reverse("web:account_list")


def test_an_administrator_resets_a_lost_phone(owner: User, director: User) -> None:
    secret = tf.begin_enrolment(actor=owner).secret
    tf.confirm_enrolment(actor=owner, code=pyotp.TOTP(secret).now())
    tf.disable_two_factor(actor=director, user=owner)
    assert not has_two_factor(owner)
    assert AuditEvent.objects.filter(action="two_factor.disable", actor=director).exists()
