"""Changing a playbook: admins and directors only, validated, audited; blank keeps built-in."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from clientbase.access.models import AuditEvent, User
from clientbase.analytics.models import Playbook
from clientbase.analytics.playbook_selectors import get_playbook
from clientbase.analytics.playbook_services import PlaybookChange, reset_playbook, save_playbook
from clientbase.analytics.segment_services import create_segment

pytestmark = pytest.mark.django_db

EVERYONE = {"all": [{"field": "status", "op": "ne", "value": "former"}]}


def test_the_built_in_playbook_of_a_tier_carries_its_strategy() -> None:
    playbook = get_playbook(actor=User(role="rep", is_active=True), kind="tier", key="1a")

    assert playbook.description.startswith("High-touch personal service")
    assert playbook.service_level == "high_touch"
    assert playbook.contact_every_days == 14
    assert playbook.responsible_role == "account_manager"
    assert playbook.is_active
    assert not playbook.customised


def test_a_director_changes_a_quadrant_playbook_and_it_is_audited(director: User) -> None:
    save_playbook(
        actor=director,
        kind="quadrant",
        key="III",
        change=PlaybookChange(description="Quarterly business review.", contact_every_days=90),
    )

    playbook = get_playbook(actor=director, kind="quadrant", key="III")
    assert playbook.description == "Quarterly business review."
    assert playbook.contact_every_days == 90
    assert playbook.service_level == "high_touch"  # blank: the built-in value stays
    event = AuditEvent.objects.get(action="analytics.playbook_save")
    assert event.actor == director
    assert event.changes["contact_every_days"] == [None, 90]


def test_zero_days_means_no_regular_contact(director: User) -> None:
    save_playbook(actor=director, kind="abc", key="A", change=PlaybookChange(contact_every_days=0))

    assert get_playbook(actor=director, kind="abc", key="A").contact_every_days == 0


def test_it_rejects_a_change_without_the_right(owner: User) -> None:
    with pytest.raises(PermissionDenied):
        save_playbook(actor=owner, kind="tier", key="1a", change=PlaybookChange(description="x"))

    assert not Playbook.objects.exists()
    assert not AuditEvent.objects.filter(action="analytics.playbook_save").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (PlaybookChange(contact_every_days=366), "contact_every_days"),
        (PlaybookChange(service_level="platinum"), "service_level"),
        (PlaybookChange(responsible_role="janitor"), "responsible_role"),
        (PlaybookChange(description="x" * 2001), "description"),
    ],
)
def test_it_rejects_bad_values_and_writes_nothing(
    director: User, change: PlaybookChange, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        save_playbook(actor=director, kind="rfm", key="champions", change=change)

    assert field in error.value.message_dict
    assert not Playbook.objects.exists()


def test_it_rejects_a_class_that_does_not_exist(director: User) -> None:
    with pytest.raises(Http404):
        save_playbook(actor=director, kind="tier", key="9z", change=PlaybookChange())


def test_a_segment_playbook_needs_a_segment_the_director_may_use(
    director: User, owner: User
) -> None:
    private = create_segment(actor=owner, name="Mine", spec=EVERYONE)
    shared = create_segment(actor=owner, name="Ours", spec=EVERYONE, shared=True)

    with pytest.raises(Http404):
        save_playbook(actor=director, kind="segment", key=str(private.pk), change=PlaybookChange())
    save_playbook(
        actor=director,
        kind="segment",
        key=str(shared.pk),
        change=PlaybookChange(description="Call them.", contact_every_days=10),
    )

    playbook = get_playbook(actor=owner, kind="segment", key=str(shared.pk))
    assert playbook.is_active
    assert playbook.description == "Call them."
    assert playbook.label == "Segment “Ours”"


def test_a_segment_without_a_playbook_has_none_in_use(owner: User) -> None:
    segment = create_segment(actor=owner, name="Mine", spec=EVERYONE)

    assert not get_playbook(actor=owner, kind="segment", key=str(segment.pk)).is_active


def test_reset_puts_the_built_in_playbook_back(director: User) -> None:
    save_playbook(
        actor=director, kind="tier", key="3", change=PlaybookChange(description="Ignore them.")
    )

    reset_playbook(actor=director, kind="tier", key="3")

    assert get_playbook(actor=director, kind="tier", key="3").description.startswith(
        "Low-touch automation"
    )
    assert AuditEvent.objects.filter(action="analytics.playbook_reset").count() == 1
