"""A user with two-factor sign-in gives a code after the password: a TOTP code once, or a
recovery code once; the password alone opens nothing."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.login import two_factor_services as tf
from clientbase.login.tests.support import post_login, previous_step_code
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(owner: User) -> tuple[User, pyotp.TOTP, list[str]]:
    two_factor = tf.begin_enrolment(actor=owner)
    totp = pyotp.TOTP(two_factor.secret)
    # the code of the previous step: still accepted at confirmation, leaves "now" unused
    codes = tf.confirm_enrolment(actor=owner, code=previous_step_code(two_factor.secret))
    return owner, totp, codes


def test_the_password_alone_leads_to_the_code_step_not_into_the_app(
    client: Client, enrolled: Any
) -> None:
    response = post_login(client, "owner", PASSWORD)
    assert response["Location"] == reverse("web:login_verify")
    assert client.get(reverse("web:account_list")).status_code == 302
    assert not AuditEvent.objects.filter(action="login").exists()


def test_a_current_code_finishes_the_sign_in(client: Client, enrolled: Any) -> None:
    _owner, totp, _codes = enrolled
    post_login(client, "owner", PASSWORD)
    response = client.post(reverse("web:login_verify"), {"code": totp.now()})
    assert response["Location"] == reverse("web:account_list")
    assert client.get(reverse("web:account_list")).status_code == 200
    assert AuditEvent.objects.get(action="login").changes["two_factor"] is True


def test_a_code_works_only_once(client: Client, enrolled: Any) -> None:
    _owner, totp, _codes = enrolled
    code = totp.now()
    post_login(client, "owner", PASSWORD)
    client.post(reverse("web:login_verify"), {"code": code})
    client.post(reverse("web:logout"))
    post_login(client, "owner", PASSWORD)
    replay = client.post(reverse("web:login_verify"), {"code": code})
    assert replay.status_code == 200
    assert "already used" in replay.content.decode()
    assert client.get(reverse("web:account_list")).status_code == 302


def test_a_recovery_code_lets_the_user_in_once(client: Client, enrolled: Any) -> None:
    _owner, _totp, codes = enrolled
    assert len(codes) == tf.RECOVERY_CODES
    post_login(client, "owner", PASSWORD)
    assert client.post(reverse("web:login_verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("web:logout"))
    post_login(client, "owner", PASSWORD)
    assert client.post(reverse("web:login_verify"), {"code": codes[0]}).status_code == 200
    assert AuditEvent.objects.filter(action="two_factor.recovery_used").count() == 1


def test_wrong_codes_are_audited_and_lead_to_the_lock(
    client: Client, enrolled: Any, settings: Any
) -> None:
    _owner, totp, _codes = enrolled
    post_login(client, "owner", PASSWORD)
    for _n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES):
        client.post(reverse("web:login_verify"), {"code": "000000"})
    response = client.post(reverse("web:login_verify"), {"code": totp.now()})
    assert response["Location"] == reverse("web:login")
    assert client.get(reverse("web:account_list")).status_code == 302
    failures = AuditEvent.objects.filter(action="login.failed", changes__reason="second_factor")
    assert failures.count() == settings.LOGIN_LOCKOUT_USERNAME_FAILURES


def test_the_code_step_without_a_password_goes_back_to_the_login(client: Client) -> None:
    response = client.post(reverse("web:login_verify"), {"code": "123456"})
    assert response["Location"] == reverse("web:login")
