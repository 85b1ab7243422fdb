from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.services import merge_accounts

pytestmark = pytest.mark.django_db


def _age(account: Account, days: int) -> None:
    """Make `account` look last updated `days` ago (update() leaves auto_now alone)."""
    Account.objects.filter(pk=account.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=days)
    )
    account.refresh_from_db()


def test_an_explicit_choice_of_the_merged_value_is_honoured(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor = make_account(owner=owner, city="Москва", phone="+74951234567")
    merged = make_account(owner=owner, city="Казань", phone="+78431234567")
    _age(merged, 10)  # survivorship alone would keep the survivor's (newer) values

    record = merge_accounts(
        actor=owner, survivor=survivor, merged=merged, field_choices={"city": "merged"}
    )

    survivor.refresh_from_db()
    assert survivor.city == "Казань"
    assert survivor.phone == "+74951234567"
    assert record.field_choices["city"] == "merged"
    assert record.field_choices["phone"] == "survivor"


def test_an_explicit_choice_of_the_survivor_value_beats_survivorship(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor = make_account(owner=owner, city="Москва")
    merged = make_account(owner=owner, city="Казань")
    _age(survivor, 10)  # the merged one is newer and would win

    merge_accounts(
        actor=owner, survivor=survivor, merged=merged, field_choices={"city": "survivor"}
    )

    survivor.refresh_from_db()
    assert survivor.city == "Москва"


def test_it_rejects_an_unknown_choice_or_field_and_changes_nothing(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)

    with pytest.raises(ValidationError) as error:
        merge_accounts(
            actor=owner,
            survivor=survivor,
            merged=merged,
            field_choices={"city": "both", "merged_into": "merged"},
        )

    assert set(error.value.message_dict) == {"city", "merged_into"}
    assert Account.objects.get(pk=merged.pk).merged_into_id is None
