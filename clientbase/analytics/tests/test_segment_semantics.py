"""What a spec selects: and / or / not, account fields, tags, custom fields and metrics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account, CustomFieldDefinition, Tag
from clientbase.analytics.filters import segment_accounts

from .segment_fixtures import finished_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(make_account: Callable[..., Account], director: User) -> dict[str, Account]:
    CustomFieldDefinition.objects.create(key="employees", label="Employees", type="integer")
    CustomFieldDefinition.objects.create(key="credit", label="Credit", type="decimal")
    CustomFieldDefinition.objects.create(key="vip", label="VIP", type="boolean")
    accounts = {
        "kazan": make_account(
            status="active", city="Kazan", industry="Oil", custom={"employees": 120, "vip": True}
        ),
        "perm": make_account(status="active", city="Perm", custom={"credit": "1500.50"}),
        "tehran": make_account(status="lost", city="Tehran", industry="Oil"),
        "blank": make_account(status="prospect"),
    }
    Tag.objects.create(name="key").accounts.add(accounts["kazan"], accounts["tehran"])
    return accounts


def names(director: User, base: dict[str, Account], spec: object) -> set[str]:
    ids = set(segment_accounts(actor=director, spec=spec).values_list("id", flat=True))
    return {name for name, account in base.items() if account.pk in ids}


def test_all_needs_every_condition_and_any_one_of_them(
    director: User, base: dict[str, Account]
) -> None:
    active = {"field": "status", "op": "eq", "value": "active"}
    oil = {"field": "industry", "op": "eq", "value": "Oil"}
    assert names(director, base, {"all": [active, oil]}) == {"kazan"}
    assert names(director, base, {"any": [active, oil]}) == {"kazan", "perm", "tehran"}


def test_not_is_the_complement_including_empty_values(
    director: User, base: dict[str, Account]
) -> None:
    oil = {"field": "industry", "op": "eq", "value": "Oil"}
    assert names(director, base, {"not": oil}) == {"perm", "blank"}
    assert names(director, base, {"field": "industry", "op": "ne", "value": "Oil"}) == {
        "perm",
        "blank",
    }
    assert names(director, base, {"field": "industry", "op": "isnull", "value": True}) == {
        "perm",
        "blank",
    }


def test_text_in_and_contains(director: User, base: dict[str, Account]) -> None:
    assert names(director, base, {"field": "city", "op": "in", "value": ["Perm", "Tehran"]}) == {
        "perm",
        "tehran",
    }
    assert names(director, base, {"field": "city", "op": "contains", "value": "zA"}) == {"kazan"}


def test_tags_match_without_repeating_accounts(director: User, base: dict[str, Account]) -> None:
    Tag.objects.create(name="north").accounts.add(base["kazan"])
    spec = {"field": "tags", "op": "in", "value": ["key", "north"]}
    rows = list(segment_accounts(actor=director, spec=spec).values_list("id", flat=True))
    assert sorted(rows) == sorted([base["kazan"].pk, base["tehran"].pk])
    assert names(director, base, {"field": "tags", "op": "isnull", "value": True}) == {
        "perm",
        "blank",
    }


def test_custom_fields_compare_as_their_declared_type(
    director: User, base: dict[str, Account]
) -> None:
    assert names(director, base, {"field": "custom.employees", "op": "ge", "value": 100}) == {
        "kazan"
    }
    # a decimal is stored as text: "1500.50" > 200 numerically, not as text
    assert names(director, base, {"field": "custom.credit", "op": "gt", "value": 200}) == {"perm"}
    assert names(director, base, {"field": "custom.vip", "op": "eq", "value": True}) == {"kazan"}
    assert names(director, base, {"field": "custom.employees", "op": "isnull", "value": True}) == {
        "perm",
        "tehran",
        "blank",
    }


def test_metric_criteria_read_the_latest_finished_run(
    director: User, base: dict[str, Account]
) -> None:
    finished_run(
        dt.date(2026, 6, 30),
        {base["perm"]: {"revenue_ltm": 900, "xyz": "X"}, base["kazan"]: {"revenue_ltm": 10}},
    )
    finished_run(
        dt.date(2026, 9, 30),
        {
            base["kazan"]: {"revenue_ltm": 500, "xyz": "X", "churn_flag": True},
            base["perm"]: {"revenue_ltm": 50, "xyz": "Z"},
        },
    )
    assert names(director, base, {"field": "revenue_ltm", "op": "gt", "value": 100}) == {"kazan"}
    assert names(director, base, {"field": "xyz", "op": "in", "value": ["X", "Y"]}) == {"kazan"}
    assert names(director, base, {"field": "churn_flag", "op": "eq", "value": True}) == {"kazan"}
    between = {"field": "revenue_ltm", "op": "between", "value": [40, 60]}
    assert names(director, base, between) == {"perm"}
    # accounts without metrics fall on the "not" side
    assert names(director, base, {"not": between}) == {"kazan", "tehran", "blank"}


def test_metric_criteria_match_nothing_before_any_run(
    director: User, base: dict[str, Account]
) -> None:
    assert names(director, base, {"field": "revenue_ltm", "op": "ge", "value": 0}) == set()


def test_empty_groups_mean_everything_and_nothing(director: User, base: dict[str, Account]) -> None:
    assert names(director, base, {"all": []}) == set(base)
    assert names(director, base, {"any": []}) == set()
