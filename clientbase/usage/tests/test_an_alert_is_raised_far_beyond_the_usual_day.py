"""A director is alerted, in-app and by e-mail, when a user's day goes far beyond their usual
day: 5× their record views (with a floor for new users), a burst of API reads, exported rows
near the daily limit. Once a day per kind; audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.models import ExportPolicy
from clientbase.exports.services import export_accounts
from clientbase.notifications.models import Notification
from clientbase.usage.models import AlertSettings, UsageAlert, UsageKind
from clientbase.usage.services import count_usage
from clientbase.usage.tests.conftest import history

pytestmark = pytest.mark.django_db
USUAL = [40, 38, 42, 0, 0, 40, 40]  # a rep's week: 40 account pages a working day


@pytest.fixture
def directors_mail(director: User) -> User:
    director.email = "director@example.com"
    director.save()
    return director


def test_it_does_not_alert_at_one_and_a_half_times_the_usual_day(
    owner: User, directors_mail: User, settings_row: AlertSettings
) -> None:
    history(owner, UsageKind.VIEWS, USUAL)
    assert count_usage(user=owner, kind=UsageKind.VIEWS, amount=60) is None
    assert not UsageAlert.objects.exists()
    assert not Notification.objects.exists()


def test_it_alerts_the_director_at_five_times_the_usual_day(
    owner: User,
    directors_mail: User,
    settings_row: AlertSettings,
    django_capture_on_commit_callbacks: Any,
) -> None:
    history(owner, UsageKind.VIEWS, USUAL)
    with django_capture_on_commit_callbacks(execute=True):
        assert count_usage(user=owner, kind=UsageKind.VIEWS, amount=199) is None
        alert = count_usage(user=owner, kind=UsageKind.VIEWS, amount=1)
    assert alert is not None
    assert (alert.user, alert.kind, alert.count, alert.baseline) == (owner, "views", 200, 40)
    assert alert.threshold == 200
    [note] = Notification.objects.filter(recipient=directors_mail)
    assert (note.kind, note.link) == ("usage.alert", reverse("web:usage_alerts"))
    assert "owner" in note.title
    [message] = mail.outbox
    assert message.to == ["director@example.com"]
    assert "owner" in message.subject
    assert "200" in message.body
    [event] = AuditEvent.objects.filter(action="usage.alert")
    assert event.changes["count"] == 200
    assert event.changes["suspended"] is False


def test_it_alerts_once_a_day_per_kind(
    owner: User, director: User, settings_row: AlertSettings
) -> None:
    history(owner, UsageKind.VIEWS, USUAL)
    assert count_usage(user=owner, kind=UsageKind.VIEWS, amount=250) is not None
    assert count_usage(user=owner, kind=UsageKind.VIEWS, amount=250) is None
    assert UsageAlert.objects.count() == 1
    assert Notification.objects.count() == 1


def test_a_new_user_is_alerted_only_past_the_floor(
    owner: User, director: User, settings_row: AlertSettings
) -> None:
    assert count_usage(user=owner, kind=UsageKind.VIEWS, amount=99) is None
    assert count_usage(user=owner, kind=UsageKind.VIEWS, amount=1) is not None


def test_a_burst_of_api_reads_alerts(
    owner: User, director: User, settings_row: AlertSettings
) -> None:
    history(owner, UsageKind.API_READS, [100, 120, 80])
    assert count_usage(user=owner, kind=UsageKind.API_READS, amount=999) is None
    alert = count_usage(user=owner, kind=UsageKind.API_READS, amount=1)
    assert alert is not None
    assert alert.threshold == 1000  # the floor: 5 × 100 is below it


def test_exports_near_the_daily_limit_alert(
    lead: User, director: User, settings_row: AlertSettings, make_account: Callable[..., Account]
) -> None:
    ExportPolicy.objects.create(role="team_lead", max_rows_per_export=None, max_rows_per_day=10)
    for n in range(8):
        make_account(owner=lead, status="lost" if n < 7 else "active")
    export_accounts(actor=lead, query=AccountListQuery(status="lost"), fmt="csv").file.close()
    assert not UsageAlert.objects.exists()  # 7 of 10
    export_accounts(actor=lead, query=AccountListQuery(status="active"), fmt="csv").file.close()
    [alert] = UsageAlert.objects.all()  # 8 of 10: 80 %
    assert (alert.kind, alert.count, alert.threshold) == ("export_rows", 8, 8)


def test_page_views_raise_it_through_the_middleware(
    client: Client, owner: User, director: User, make_account: Callable[..., Account]
) -> None:
    AlertSettings.objects.create(pk=1, views_floor=4)
    history(owner, UsageKind.VIEWS, [1, 1, 1])
    account = make_account(owner=owner)
    client.force_login(owner)
    for _ in range(4):
        client.get(reverse("web:account_detail", args=[account.pk]))
    assert not UsageAlert.objects.exists()
    client.get(reverse("web:account_detail", args=[account.pk]))
    assert UsageAlert.objects.get().count == 5


def test_an_admin_changing_the_settings_applies_to_today_at_once(
    owner: User, admin: User, settings_row: AlertSettings
) -> None:
    from clientbase.usage.services import update_alert_settings

    history(owner, UsageKind.VIEWS, USUAL)
    assert count_usage(user=owner, kind=UsageKind.VIEWS, amount=100) is None  # threshold 200
    update_alert_settings(
        actor=admin,
        multiplier=2,
        views_floor=10,
        api_floor=1000,
        export_rows_floor=500,
        export_limit_percent=80,
        baseline_days=28,
        suspend_exports_on_alert=False,
    )
    assert count_usage(user=owner, kind=UsageKind.VIEWS) is not None  # threshold now 80


def test_a_directors_own_alert_goes_to_the_others(
    director: User, settings_row: AlertSettings
) -> None:
    from clientbase.access.models import Role
    from clientbase.access.services import create_user

    other = create_user(actor=None, username="other", password=None, role=Role.DIRECTOR)
    assert count_usage(user=director, kind=UsageKind.VIEWS, amount=100) is not None
    assert [n.recipient for n in Notification.objects.all()] == [other]
