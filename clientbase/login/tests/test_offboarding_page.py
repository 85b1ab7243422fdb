"""The offboarding page: a director previews who gets what, then carries it out; reps may not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.login.tests.conftest import Book

pytestmark = pytest.mark.django_db


def test_the_preview_shows_each_receiver_and_changes_nothing(
    client: Client, book: Book, owner: User, lead: User, teammate: User, director: User
) -> None:
    client.force_login(director)
    response = client.get(reverse("web:user_offboard", args=[owner.pk]), {"rule": "round_robin"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Who gets what" in html
    for receiver in (lead, teammate):
        assert f"<bdi>{receiver.username}</bdi>" in html
    assert book.owned[0].display_name in html
    assert Account.objects.filter(owner=owner).count() == 4
    assert User.objects.get(pk=owner.pk).is_active


def test_confirming_deactivates_and_hands_over(
    client: Client, book: Book, owner: User, lead: User, director: User
) -> None:
    client.force_login(director)
    response = client.post(
        reverse("web:user_offboard", args=[owner.pk]), {"rule": "team_lead", "reason": "left"}
    )
    assert response["Location"] == reverse("web:user_list")
    assert not User.objects.get(pk=owner.pk).is_active
    assert set(
        Account.objects.filter(pk__in=[a.pk for a in book.owned]).values_list("owner_id", flat=True)
    ) == {lead.pk}


def test_a_rule_that_finds_nobody_is_explained_and_changes_nothing(
    client: Client, outsider: User, director: User
) -> None:
    client.force_login(director)
    response = client.post(
        reverse("web:user_offboard", args=[outsider.pk]), {"rule": "round_robin"}
    )
    assert response.status_code == 200
    assert "Nobody else is active in the team" in response.content.decode()
    assert User.objects.get(pk=outsider.pk).is_active


@pytest.mark.parametrize("name", ["user_list", "user_offboard"])
def test_it_rejects_people_without_the_right(
    client: Client, owner: User, lead: User, teammate: User, name: str
) -> None:
    args = [teammate.pk] if name == "user_offboard" else []
    for person in (owner, lead):
        client.force_login(person)
        assert client.get(reverse(f"web:{name}", args=args)).status_code == 403
        assert client.post(
            reverse(f"web:{name}", args=args), {"rule": "team_lead"}
        ).status_code in {
            403,
            405,
        }
    assert User.objects.get(pk=teammate.pk).is_active


def test_an_unknown_user_is_not_found(client: Client, director: User) -> None:
    client.force_login(director)
    assert client.get(reverse("web:user_offboard", args=[987654])).status_code == 404
