"""A segment only narrows what its user may see, and a field hidden from them is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts import selectors as account_selectors
from clientbase.accounts.models import Account
from clientbase.analytics.filters import SpecError, parse_spec, registry_for, segment_accounts
from clientbase.analytics.segment_selectors import segment_counts
from clientbase.analytics.segment_services import create_segment

pytestmark = pytest.mark.django_db


def test_a_reps_segment_counts_only_their_accounts(
    owner: User, outsider: User, director: User, make_account: Callable[..., Account]
) -> None:
    mine = make_account(owner=owner, status="active")
    make_account(owner=outsider, status="active")
    make_account(owner=None, status="active")
    spec = {"any": [{"field": "status", "op": "eq", "value": "active"}, {"not": {"all": []}}]}
    create_segment(actor=director, name="Active", spec=spec, shared=True)

    rows = segment_accounts(actor=owner, spec=spec)
    assert list(rows.values_list("id", flat=True)) == [mine.pk]
    assert [c.count for c in segment_counts(actor=owner)] == [1]
    assert [c.count for c in segment_counts(actor=director)] == [3]


def test_an_owner_condition_cannot_reach_another_reps_accounts(
    owner: User, outsider: User, make_account: Callable[..., Account]
) -> None:
    make_account(owner=outsider)
    spec = {"field": "owner", "op": "eq", "value": "outsider"}
    assert not segment_accounts(actor=owner, spec=spec).exists()


def test_a_field_hidden_from_the_actor_is_refused(
    owner: User, director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = account_selectors.exportable_account_fields(director)

    def without_email(actor: User) -> tuple[account_selectors.ExportField, ...]:
        if actor == owner:  # as the access issue will narrow columns per role
            return tuple(f for f in everything if f.key != "email")
        return everything

    monkeypatch.setattr(account_selectors, "exportable_account_fields", without_email)
    spec = {"field": "email", "op": "contains", "value": "@"}
    with pytest.raises(SpecError, match="may not filter on the field “email”"):
        parse_spec(spec, registry_for(owner))
    assert "email" not in {f.name for f in registry_for(owner).offered()}
    parse_spec(spec, registry_for(director))
