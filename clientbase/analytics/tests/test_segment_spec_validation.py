"""A bad segment spec is refused with a message naming the bad field, operator or value."""

from __future__ import annotations

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import CustomFieldDefinition
from clientbase.analytics.filters import SpecError, dumps, parse_spec, registry_for

pytestmark = pytest.mark.django_db


def refusal(director: User, spec: object) -> str:
    with pytest.raises(SpecError) as caught:
        parse_spec(spec, registry_for(director))
    return str(caught.value)


def test_it_names_an_unknown_field(director: User) -> None:
    message = refusal(director, {"all": [{"field": "shoe_size", "op": "eq", "value": 1}]})
    assert "shoe_size" in message
    assert message.startswith("all[0]")


def test_it_names_an_unknown_operator(director: User) -> None:
    assert "“like”" in refusal(director, {"field": "city", "op": "like", "value": "x"})


def test_it_refuses_an_operator_the_field_does_not_take(director: User) -> None:
    message = refusal(director, {"field": "status", "op": "gt", "value": "active"})
    assert "status" in message
    assert "gt" in message


def test_it_refuses_a_value_outside_a_fields_choices(director: User) -> None:
    message = refusal(director, {"field": "xyz", "op": "eq", "value": "Q"})
    assert "Q" in message
    assert "X, Y, Z" in message


def test_it_refuses_a_number_that_is_not_one(director: User) -> None:
    assert "lots" in refusal(director, {"field": "revenue_ltm", "op": "gt", "value": "lots"})


def test_it_refuses_between_without_two_values(director: User) -> None:
    assert "between" in refusal(director, {"field": "churn_risk", "op": "between", "value": [1]})


def test_it_refuses_a_date_that_is_not_one(director: User) -> None:
    assert "31.02" in refusal(director, {"field": "created_at", "op": "ge", "value": "31.02"})


def test_it_refuses_unknown_keys_and_broken_json(director: User) -> None:
    assert "every" in refusal(director, {"every": []})
    assert "JSON" in refusal(director, "{not json")
    assert "isnull" in refusal(director, {"field": "city", "op": "isnull", "value": "yes"})


def test_it_types_custom_fields_by_their_definition(director: User) -> None:
    CustomFieldDefinition.objects.create(key="employees", label="Employees", type="integer")
    assert "many" in refusal(director, {"field": "custom.employees", "op": "gt", "value": "many"})
    spec = parse_spec(
        {"field": "custom.employees", "op": "gt", "value": "40"}, registry_for(director)
    )
    assert dumps(spec) == '{"field":"custom.employees","op":"gt","value":40}'


def test_a_valid_spec_round_trips_through_json(director: User) -> None:
    data = {
        "any": [
            {"not": {"field": "status", "op": "in", "value": ["lost", "former"]}},
            {"all": [{"field": "revenue_ltm", "op": "between", "value": [100, 200.5]}]},
        ]
    }
    registry = registry_for(director)
    assert parse_spec(dumps(parse_spec(data, registry)), registry) == parse_spec(data, registry)
