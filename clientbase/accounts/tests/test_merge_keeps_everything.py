from __future__ import annotations

from collections.abc import Callable

import pytest

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account, MergeRecord
from clientbase.accounts.services import merge_accounts
from clientbase.accounts.tests.merge_fixtures import make_pair, related_ids

pytestmark = pytest.mark.django_db


def test_it_moves_every_order_deal_activity_contact_and_consent_to_the_survivor(
    make_account: Callable[..., Account], owner: User
) -> None:
    pair = make_pair(make_account, owner)
    before_s, before_m = related_ids(pair.survivor), related_ids(pair.merged)

    merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    after = related_ids(pair.survivor)
    for kind in ("orders", "deals", "activities", "contacts", "consents", "tags"):
        assert set(after[kind]) == set(before_s[kind]) | set(before_m[kind]), kind
    assert related_ids(pair.merged)["orders"] == []


def test_it_leaves_a_tombstone_that_keeps_its_provenance(
    make_account: Callable[..., Account], owner: User
) -> None:
    pair = make_pair(make_account, owner)
    Account.objects.filter(pk=pair.merged.pk).update(source_system="1c", external_id="A-17")

    merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    tomb = Account.objects.get(pk=pair.merged.pk)
    assert tomb.merged_into_id == pair.survivor.pk
    assert (tomb.source_system, tomb.external_id) == ("1c", "A-17")


def test_every_name_either_account_went_by_stays_as_a_name_or_an_alias(
    make_account: Callable[..., Account], owner: User
) -> None:
    pair = make_pair(make_account, owner)

    merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    survivor = Account.objects.get(pk=pair.survivor.pk)
    names = {survivor.legal_name, survivor.display_name, *survivor.aliases}
    assert names == {"ООО «Ромашка»", "Ромашка", "Romashka LLC", "Romashka"}
    assert len(survivor.aliases) == 2
    assert "romashka" in survivor.search_name


def test_it_keeps_one_tax_id_per_kind_and_records_the_conflicting_one(
    make_account: Callable[..., Account], owner: User
) -> None:
    pair = make_pair(make_account, owner)

    record = merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    kept = dict(pair.survivor.tax_ids.values_list("kind", "value"))
    assert kept == {"ru_inn": "7701234567", "ru_kpp": "770101001"}
    assert record.tax_id_conflicts == [
        {"kind": "ru_inn", "value": "7709999999", "kept": "7701234567"}
    ]


def test_it_writes_an_audit_row_naming_both_accounts(
    make_account: Callable[..., Account], owner: User
) -> None:
    pair = make_pair(make_account, owner)

    record = merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    event = AuditEvent.objects.get(action="account.merge")
    assert event.actor == owner
    assert event.object_id == str(pair.survivor.pk)
    assert event.changes["merged"] == pair.merged.pk
    assert event.changes["merge"] == record.pk
    assert MergeRecord.objects.count() == 1


def test_the_merged_account_disappears_from_the_visible_accounts(
    make_account: Callable[..., Account], owner: User
) -> None:
    from clientbase.accounts.selectors import visible_accounts

    pair = make_pair(make_account, owner)

    merge_accounts(actor=owner, survivor=pair.survivor, merged=pair.merged)

    assert list(visible_accounts(actor=owner).values_list("pk", flat=True)) == [pair.survivor.pk]
