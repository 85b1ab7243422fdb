"""Custom values are checked against their declared types; a bad one names its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account, CustomFieldDefinition, CustomFieldType
from clientbase.accounts.services import create_account, update_account

MakeAccount = Callable[..., Account]


@pytest.fixture
def definitions(db: None) -> None:
    for key, kind, choices in [
        ("employees", CustomFieldType.INTEGER, []),
        ("revenue", CustomFieldType.DECIMAL, []),
        ("founded", CustomFieldType.DATE, []),
        ("vip", CustomFieldType.BOOLEAN, []),
        ("tier", CustomFieldType.CHOICE, ["gold", "silver"]),
        ("note", CustomFieldType.TEXT, []),
    ]:
        CustomFieldDefinition.objects.create(key=key, label=key.title(), type=kind, choices=choices)


@pytest.mark.usefixtures("definitions")
def test_it_stores_valid_values_in_canonical_form(owner: User) -> None:
    account = create_account(
        actor=owner,
        legal_name="Roga",
        custom={
            "employees": "120",
            "revenue": "1234.50",
            "founded": "1998-03-01",
            "vip": "да",
            "tier": "gold",
            "note": 42,
        },
    )

    account.refresh_from_db()
    assert account.custom == {
        "employees": 120,
        "revenue": "1234.50",
        "founded": "1998-03-01",
        "vip": True,
        "tier": "gold",
        "note": "42",
    }


@pytest.mark.usefixtures("definitions")
@pytest.mark.parametrize("value", ["yes", "1", "true", "بله", True])
def test_it_understands_yes_in_every_language(owner: User, value: Any) -> None:
    account = create_account(actor=owner, legal_name="Roga", custom={"vip": value})

    assert account.custom == {"vip": True}


@pytest.mark.usefixtures("definitions")
def test_an_empty_value_is_stored_as_none(owner: User) -> None:
    account = create_account(actor=owner, legal_name="Roga", custom={"employees": ""})

    assert account.custom == {"employees": None}


BAD_VALUES = pytest.mark.parametrize(
    ("key", "value"),
    [
        ("employees", "many"),
        ("employees", "1.5"),
        ("employees", 1.5),
        ("employees", float("inf")),
        ("revenue", "lots"),
        ("revenue", "NaN"),
        ("revenue", "Infinity"),
        ("founded", "01.03.1998"),
        ("founded", "1998-02-30"),
        ("vip", "maybe"),
        ("tier", "bronze"),
    ],
)


@pytest.mark.usefixtures("definitions")
@BAD_VALUES
def test_it_refuses_a_bad_value_naming_the_field_and_creates_nothing(
    owner: User, key: str, value: Any
) -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        create_account(actor=owner, legal_name="Roga", custom={key: value})

    assert list(refused.value.message_dict) == [f"custom.{key}"]
    assert not Account.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.usefixtures("definitions")
@BAD_VALUES
def test_an_update_with_a_bad_value_changes_nothing(
    make_account: MakeAccount, owner: User, key: str, value: Any
) -> None:
    account = make_account(owner=owner, custom={"note": "kept"})
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        update_account(actor=owner, account=account, custom={"note": "changed", key: value})

    assert list(refused.value.message_dict) == [f"custom.{key}"]
    account.refresh_from_db()
    assert account.custom == {"note": "kept"}
    assert AuditEvent.objects.count() == before


@pytest.mark.usefixtures("definitions")
def test_it_names_every_bad_field_at_once(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        create_account(
            actor=owner, legal_name="Roga", custom={"employees": "many", "tier": "bronze"}
        )

    assert set(refused.value.message_dict) == {"custom.employees", "custom.tier"}


@pytest.mark.usefixtures("definitions")
def test_it_refuses_a_field_that_was_never_declared(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        create_account(actor=owner, legal_name="Roga", custom={"shoe_size": 42})

    assert refused.value.message_dict == {"custom.shoe_size": ["no such custom field"]}


@pytest.mark.usefixtures("definitions")
def test_an_update_records_the_custom_values_in_the_audit_diff(
    make_account: MakeAccount, owner: User
) -> None:
    account = make_account(owner=owner, custom={"employees": 10})

    update_account(actor=owner, account=account, custom={"employees": "12"})

    event = AuditEvent.objects.filter(action="account.update").get()
    assert event.changes == {"custom": [{"employees": 10}, {"employees": 12}]}


def test_it_refuses_an_account_without_a_required_field(db: None, owner: User) -> None:
    CustomFieldDefinition.objects.create(
        key="segment", label="Segment", type=CustomFieldType.TEXT, required=True
    )

    with pytest.raises(ValidationError) as caught:
        create_account(actor=owner, legal_name="ООО «Без сегмента»")

    assert "custom.segment" in caught.value.message_dict
    assert not Account.objects.exists()
    create_account(actor=owner, legal_name="ООО «С сегментом»", custom={"segment": "retail"})
    assert Account.objects.count() == 1
