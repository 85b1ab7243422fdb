"""Creating a user: one audited write, and nothing at all when it fails."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clientbase.access.models import AuditEvent, Role, Team, User
from clientbase.access.services import create_user
from clientbase.access.tests.fixtures import FAILURES, BreakAudit

PASSWORD = "correct horse battery staple"


def test_it_creates_the_user_in_the_team_and_its_department(north: Team, director: User) -> None:
    user = create_user(
        actor=director, username="nadia", password=PASSWORD, role=Role.REP, team=north
    )

    user.refresh_from_db()
    assert user.team == north
    assert user.department == north.department
    assert user.check_password(PASSWORD)
    assert user.password != PASSWORD
    assert not user.is_staff
    assert not user.is_superuser


def test_it_writes_exactly_one_audit_event(north: Team, director: User) -> None:
    before = AuditEvent.objects.count()

    user = create_user(
        actor=director, username="nadia", password=PASSWORD, role=Role.TEAM_LEAD, team=north
    )

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.actor == director
    assert event.action == "user.create"
    assert event.object_type == "access.user"
    assert event.object_id == str(user.pk)
    assert event.changes["username"] == [None, "nadia"]
    assert event.changes["role"] == [None, "team_lead"]
    assert event.changes["team"] == [None, north.pk]


def test_it_makes_an_administrator_staff_and_superuser(db: None) -> None:
    admin = create_user(actor=None, username="root", password=PASSWORD, role=Role.ADMIN)

    assert admin.is_staff
    assert admin.is_superuser


def test_it_gives_a_user_without_a_password_an_unusable_one(db: None) -> None:
    user = create_user(actor=None, username="sso", password=None)

    assert not user.has_usable_password()


def test_it_refuses_an_unknown_role_and_creates_nothing(director: User) -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(ValueError, match="unknown role 'boss'"):
        create_user(actor=director, username="nadia", password=PASSWORD, role="boss")

    assert not User.objects.filter(username="nadia").exists()
    assert AuditEvent.objects.count() == before


def test_it_refuses_a_taken_username_and_creates_nothing(owner: User, director: User) -> None:
    users, events = User.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        create_user(actor=director, username="owner", password=PASSWORD)

    assert "username" in refused.value.message_dict
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events


@FAILURES
@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_user_when_the_audit_fails(
    director: User, break_audit: BreakAudit, failure: Exception
) -> None:
    before = AuditEvent.objects.count()
    saved = break_audit(failure)

    with pytest.raises(type(failure)):
        create_user(actor=director, username="nadia", password=PASSWORD)

    assert saved, "the user row was saved before the audit failed"
    assert not User.objects.filter(username="nadia").exists()
    assert AuditEvent.objects.count() == before
