"""Saved segments: their owner sees, changes and deletes them; shared ones everyone sees."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from clientbase.access.models import AuditEvent, User
from clientbase.analytics.segment_selectors import get_segment, visible_segments
from clientbase.analytics.segment_services import create_segment, delete_segment, update_segment

pytestmark = pytest.mark.django_db
ACTIVE = {"field": "status", "op": "eq", "value": "active"}


def test_it_saves_a_checked_spec_and_audits_it(owner: User) -> None:
    segment = create_segment(actor=owner, name=" Active ", spec=ACTIVE)
    assert segment.name == "Active"
    assert segment.spec == ACTIVE
    event = AuditEvent.objects.get(action="analytics.segment_create")
    assert event.actor == owner
    assert event.object_id == str(segment.pk)


def test_it_rejects_a_bad_spec_or_no_name_with_clear_errors(owner: User) -> None:
    with pytest.raises(ValidationError) as caught:
        create_segment(actor=owner, name="", spec={"field": "nope", "op": "eq", "value": 1})
    errors = caught.value.message_dict
    assert "name" in errors
    assert "nope" in errors["spec"][0]


def test_the_owner_sees_own_and_shared_an_outsider_only_shared(owner: User, outsider: User) -> None:
    private = create_segment(actor=owner, name="Mine", spec=ACTIVE)
    shared = create_segment(actor=owner, name="Ours", spec=ACTIVE, shared=True)

    assert set(visible_segments(actor=owner)) == {private, shared}
    assert list(visible_segments(actor=outsider)) == [shared]
    assert get_segment(actor=outsider, segment_id=shared.pk) == shared
    with pytest.raises(Http404):
        get_segment(actor=outsider, segment_id=private.pk)


def test_only_the_owner_changes_or_deletes_even_a_shared_segment(
    owner: User, outsider: User
) -> None:
    shared = create_segment(actor=owner, name="Ours", spec=ACTIVE, shared=True)
    with pytest.raises(Http404):
        update_segment(actor=outsider, segment_id=shared.pk, name="X", spec=ACTIVE, shared=True)
    with pytest.raises(Http404):
        delete_segment(actor=outsider, segment_id=shared.pk)

    lost = {"field": "status", "op": "eq", "value": "lost"}
    update_segment(actor=owner, segment_id=shared.pk, name="Lost", spec=lost, shared=False)
    shared.refresh_from_db()
    assert (shared.name, shared.spec, shared.shared) == ("Lost", lost, False)
    change = AuditEvent.objects.get(action="analytics.segment_update").changes
    assert change["name"] == ["Ours", "Lost"]

    delete_segment(actor=owner, segment_id=shared.pk)
    assert not visible_segments(actor=owner).exists()
    assert AuditEvent.objects.filter(action="analytics.segment_delete").count() == 1
