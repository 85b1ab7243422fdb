"""Helpers for the anti-theft tests: a user's past days, and the alert settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from clientbase.access.models import User
from clientbase.exports.limits import today as usage_day
from clientbase.exports.tests.conftest import background, queued_only  # noqa: F401 - fixtures
from clientbase.usage.models import AlertSettings, UsageDay


def history(user: User, kind: str, counts: list[int]) -> None:
    """`user`'s counts of `kind` on the days before today (yesterday first)."""
    today = usage_day()
    for back, count in enumerate(counts, start=1):
        UsageDay.objects.create(user=user, kind=kind, day=today - timedelta(days=back), count=count)


@pytest.fixture
def settings_row(db: None) -> AlertSettings:
    return AlertSettings.objects.create(pk=1)


@pytest.fixture
def admin(db: None) -> Any:
    from clientbase.access.models import Role
    from clientbase.access.services import create_user

    return create_user(actor=None, username="admin", password=None, role=Role.ADMIN)
