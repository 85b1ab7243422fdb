"""Personal API tokens: shown once, kept only as a digest, named, revocable, last use noted;
the API takes them next to the web session and sees exactly what their owner sees."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.login.models import ApiToken
from clientbase.login.token_services import create_token, revoke_token

pytestmark = pytest.mark.django_db

ACCOUNTS = "/api/v1/accounts"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_a_token_is_shown_once_and_stored_only_as_a_digest(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post(reverse("web:api_tokens"), {"name": "nightly sync"})
    html = response.content.decode()
    shown = re.search(r"(cb_[A-Za-z0-9_-]{40,})", html)
    assert shown is not None
    raw = shown.group(1)
    token = ApiToken.objects.get(user=owner)
    assert token.name == "nightly sync"
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    assert raw not in client.get(reverse("web:api_tokens")).content.decode()
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


def test_the_api_accepts_a_token_and_answers_as_its_owner(
    client: Client, owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    mine = make_account(owner=owner)
    make_account(owner=outsider)
    _token, raw = create_token(actor=owner, name="script")
    response = client.get(ACCOUNTS, headers=bearer(raw))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [mine.pk]
    assert ApiToken.objects.get().last_used_at is not None


def test_the_web_session_still_works_for_the_api(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert client.get(ACCOUNTS).status_code == 200


@pytest.mark.parametrize("raw", ["", "cb_made-up", "not-even-ours", "cb_" + "x" * 300])
def test_the_api_rejects_a_wrong_token(client: Client, owner: User, raw: str) -> None:
    create_token(actor=owner, name="real")
    assert client.get(ACCOUNTS, headers=bearer(raw)).status_code == 401


def test_a_revoked_token_is_rejected_at_once(client: Client, owner: User) -> None:
    token, raw = create_token(actor=owner, name="old laptop")
    assert client.get(ACCOUNTS, headers=bearer(raw)).status_code == 200
    client.force_login(owner)
    client.post(reverse("web:api_token_revoke", args=[token.pk]))
    client.logout()
    assert client.get(ACCOUNTS, headers=bearer(raw)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == owner
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()


def test_a_deactivated_users_token_is_rejected(client: Client, owner: User) -> None:
    _token, raw = create_token(actor=owner, name="script")
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert client.get(ACCOUNTS, headers=bearer(raw)).status_code == 401


def test_it_rejects_revoking_another_users_token(
    client: Client, owner: User, teammate: User
) -> None:
    token, raw = create_token(actor=teammate, name="theirs")
    with pytest.raises(Http404):
        revoke_token(actor=owner, token_id=token.pk)
    client.force_login(owner)
    assert client.post(reverse("web:api_token_revoke", args=[token.pk])).status_code == 404
    client.logout()
    assert client.get(ACCOUNTS, headers=bearer(raw)).status_code == 200


def test_the_page_lists_only_the_users_own_tokens(
    client: Client, owner: User, teammate: User
) -> None:
    create_token(actor=owner, name="my script")
    create_token(actor=teammate, name="their script")
    client.force_login(owner)
    html = client.get(reverse("web:api_tokens")).content.decode()
    assert "my script" in html
    assert "their script" not in html


def test_it_rejects_a_token_without_a_name(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post(reverse("web:api_tokens"), {"name": "   "})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not ApiToken.objects.exists()
