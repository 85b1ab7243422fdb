"""Admins set each role's row limits (and the alert settings) on the policy page; the change is
audited; nobody else may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.exports.control_services import update_policy
from clientbase.exports.limits import limits_for
from clientbase.exports.models import ExportPolicy
from clientbase.exports.tests.conftest import export_events
from clientbase.usage.selectors import alert_settings

pytestmark = pytest.mark.django_db


def test_an_admin_sets_a_roles_limits(admin: User, owner: User) -> None:
    update_policy(actor=admin, role="rep", max_rows_per_export=50, max_rows_per_day=None)
    limits = limits_for(owner)
    assert (limits.per_export, limits.per_day) == (50, None)
    [event] = export_events("export.policy")
    assert event.actor == admin
    assert event.changes == {"role": "rep", "per_export": [500, 50], "per_day": [2000, None]}


def test_a_role_administrators_defined_later_has_its_own_limits(admin: User) -> None:
    update_policy(actor=admin, role="partner", max_rows_per_export=10, max_rows_per_day=20)
    assert ExportPolicy.objects.get(role="partner").max_rows_per_day == 20


def test_it_rejects_negative_limits(admin: User) -> None:
    with pytest.raises(ValidationError):
        update_policy(actor=admin, role="rep", max_rows_per_export=-1, max_rows_per_day=None)
    assert not ExportPolicy.objects.exists()


def test_a_director_may_not_change_limits(director: User) -> None:
    with pytest.raises(PermissionDenied):
        update_policy(actor=director, role="rep", max_rows_per_export=None, max_rows_per_day=None)
    assert not ExportPolicy.objects.exists()


def test_the_policy_page_is_for_admins_only(
    client: Client, admin: User, director: User, owner: User
) -> None:
    url = reverse("web:export_policy")
    for user in (director, owner):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"role": "rep", "per_export": "1"}).status_code == 403
    client.force_login(admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "rep", "per_export": "25", "per_day": ""})
    assert response.status_code == 302
    assert limits_for(owner).per_export == 25
    assert client.post(url, {"role": "rep", "per_export": "many"}).status_code == 400


def test_the_admin_turns_on_suspension_on_alert(client: Client, admin: User) -> None:
    client.force_login(admin)
    form = {
        "section": "alerts",
        "multiplier": "4",
        "views_floor": "50",
        "api_floor": "300",
        "export_rows_floor": "200",
        "export_limit_percent": "90",
        "baseline_days": "14",
        "suspend_exports": "on",
    }
    assert client.post(reverse("web:export_policy"), form).status_code == 302
    config = alert_settings()
    assert (config.multiplier, config.views_floor, config.suspend_exports) == (4, 50, True)
    assert len(export_events("usage.settings")) == 1
    assert client.post(reverse("web:export_policy"), form | {"multiplier": "1"}).status_code == 400
