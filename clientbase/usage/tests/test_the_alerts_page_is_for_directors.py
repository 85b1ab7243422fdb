"""The alerts page and the suspend/lift buttons are for directors and admins; notifications
are each user's own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.notifications.models import Notification
from clientbase.notifications.services import notify
from clientbase.usage.models import UsageKind
from clientbase.usage.services import count_usage

pytestmark = pytest.mark.django_db


def test_directors_and_admins_see_alerts(
    client: Client, director: User, admin: User, owner: User
) -> None:
    count_usage(user=owner, kind=UsageKind.VIEWS, amount=500)
    for user in (director, admin):
        client.force_login(user)
        page = client.get(reverse("web:usage_alerts"))
        assert page.status_code == 200
        assert b"owner" in page.content


def test_everyone_else_gets_403(client: Client, lead: User, owner: User) -> None:
    for user in (lead, owner):
        client.force_login(user)
        assert client.get(reverse("web:usage_alerts")).status_code == 403


def test_a_user_reads_only_their_own_notifications(
    client: Client, owner: User, teammate: User
) -> None:
    mine = notify(recipient=owner, kind="test", title="For the owner", link="/accounts/")
    theirs = notify(recipient=teammate, kind="test", title="For the teammate")
    client.force_login(owner)
    page = client.get(reverse("web:notification_list"))
    assert b"For the owner" in page.content
    assert b"For the teammate" not in page.content
    read = client.post(reverse("web:notification_read", args=[mine.pk]))
    assert (read.status_code, read["Location"]) == (302, "/accounts/")
    assert client.post(reverse("web:notification_read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_a_notification_never_sends_the_reader_off_site(client: Client, owner: User) -> None:
    note = notify(recipient=owner, kind="test", title="x", link="https://evil.example/")
    client.force_login(owner)
    response = client.post(reverse("web:notification_read", args=[note.pk]))
    assert response["Location"] == reverse("web:notification_list")


@pytest.mark.parametrize(
    ("language", "title"), [("ru", "Необычная активность"), ("fa", "فعالیت غیرعادی")]
)
def test_the_alerts_page_and_the_alert_speak_the_directors_language(
    client: Client, director: User, owner: User, language: str, title: str
) -> None:
    director.language = language
    director.save()
    count_usage(user=owner, kind=UsageKind.VIEWS, amount=500)
    [note] = Notification.objects.filter(recipient=director)
    assert note.title.startswith(title)
    client.force_login(director)
    page = client.get(reverse("web:usage_alerts")).content.decode()
    assert title in page
    assert ('dir="rtl"' in page) == (language == "fa")
