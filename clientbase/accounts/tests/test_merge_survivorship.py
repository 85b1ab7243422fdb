from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.services import merge_accounts

pytestmark = pytest.mark.django_db


def _set(account: Account, days_ago: int, source_system: str = "") -> None:
    Account.objects.filter(pk=account.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=days_ago), source_system=source_system
    )
    account.refresh_from_db()


def test_a_value_from_the_erp_beats_one_from_the_old_crm_even_if_older(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor = make_account(owner=owner, industry="Retail")
    merged = make_account(owner=owner, industry="Wholesale")
    _set(survivor, days_ago=0, source_system="bitrix24")
    _set(merged, days_ago=300, source_system="1c")

    record = merge_accounts(actor=owner, survivor=survivor, merged=merged)

    survivor.refresh_from_db()
    assert survivor.industry == "Wholesale"
    assert record.field_choices["industry"] == "merged"


def test_a_value_typed_in_by_hand_beats_any_import(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor = make_account(owner=owner, industry="Retail")
    merged = make_account(owner=owner, industry="Wholesale")
    _set(survivor, days_ago=300, source_system="")
    _set(merged, days_ago=0, source_system="1c")

    merge_accounts(actor=owner, survivor=survivor, merged=merged)

    survivor.refresh_from_db()
    assert survivor.industry == "Retail"


def test_between_equal_sources_the_more_recently_updated_value_wins(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor = make_account(owner=owner, industry="Retail")
    merged = make_account(owner=owner, industry="Wholesale")
    _set(survivor, days_ago=30, source_system="1c")
    _set(merged, days_ago=1, source_system="1c")

    merge_accounts(actor=owner, survivor=survivor, merged=merged)

    survivor.refresh_from_db()
    assert survivor.industry == "Wholesale"


def test_an_empty_value_never_overwrites_a_filled_one(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor = make_account(owner=owner, website="")
    merged = make_account(owner=owner, website="https://romashka.example")
    _set(survivor, days_ago=0, source_system="")
    _set(merged, days_ago=300, source_system="other")

    merge_accounts(actor=owner, survivor=survivor, merged=merged)

    survivor.refresh_from_db()
    assert survivor.website == "https://romashka.example"


def test_custom_fields_are_filled_key_by_key(
    make_account: Callable[..., Account], owner: User
) -> None:
    survivor, merged = make_account(owner=owner), make_account(owner=owner)
    Account.objects.filter(pk=survivor.pk).update(custom={"a": "mine", "b": None})
    Account.objects.filter(pk=merged.pk).update(custom={"a": "theirs", "b": "x", "c": 3})
    survivor.refresh_from_db()
    merged.refresh_from_db()

    merge_accounts(actor=owner, survivor=survivor, merged=merged)

    survivor.refresh_from_db()
    assert survivor.custom == {"a": "mine", "b": "x", "c": 3}
