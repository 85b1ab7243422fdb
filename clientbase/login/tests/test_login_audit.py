"""Every sign-in and every refused attempt is audited; the attempted password never is."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.login.tests.support import post_login
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECRET_GUESS = "hunter2-Very-Secret"


def everything_stored() -> str:
    return " ".join(
        f"{e.action} {e.object_type} {e.object_id} {e.changes}" for e in AuditEvent.objects.all()
    )


def test_a_sign_in_is_audited_with_the_user_and_the_address(client: Client, owner: User) -> None:
    post_login(client, "owner", PASSWORD, ip="192.0.2.10")
    event = AuditEvent.objects.get(action="login")
    assert event.actor == owner
    assert event.object_id == str(owner.pk)
    assert event.changes == {"ip": "192.0.2.10", "two_factor": False}


def test_a_wrong_password_is_audited_without_the_password(client: Client, owner: User) -> None:
    post_login(client, "owner", SECRET_GUESS, ip="192.0.2.11")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.actor is None
    assert event.object_id == str(owner.pk)
    assert event.changes == {"username": "owner", "ip": "192.0.2.11", "reason": "credentials"}
    assert SECRET_GUESS not in everything_stored()


def test_an_unknown_username_is_kept_only_as_the_text_typed(client: Client, owner: User) -> None:
    post_login(client, "Nobody-Here", SECRET_GUESS, ip="192.0.2.12")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.object_type == "access.user"
    assert event.object_id == ""
    assert event.changes["username"] == "Nobody-Here"
    assert SECRET_GUESS not in everything_stored()


def test_attempts_refused_by_a_lock_are_audited_as_such(
    client: Client, owner: User, settings: Any
) -> None:
    for _n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES + 2):
        post_login(client, "owner", SECRET_GUESS)
    reasons = list(
        AuditEvent.objects.filter(action="login.failed")
        .order_by("pk")
        .values_list("changes__reason", flat=True)
    )
    threshold = settings.LOGIN_LOCKOUT_USERNAME_FAILURES
    assert reasons == ["credentials"] * threshold + ["locked"] * 2


def test_n_attempts_give_n_audit_rows(client: Client, owner: User) -> None:
    for n in range(3):
        post_login(client, "owner", PASSWORD, ip=f"192.0.2.{n}")
        client.post(reverse("web:logout"))
    for n in range(4):
        post_login(client, f"ghost{n}", "x", ip=f"192.0.2.{50 + n}")
    assert AuditEvent.objects.filter(action="login").count() == 3
    assert AuditEvent.objects.filter(action="logout").count() == 3
    assert AuditEvent.objects.filter(action="login.failed").count() == 4
