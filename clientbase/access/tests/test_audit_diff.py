"""An update's audit row says which fields changed, from what, to what, in plain JSON."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from clientbase.access.models import User
from clientbase.access.services import diff


def test_it_lists_only_the_fields_that_changed() -> None:
    changes = diff(
        {"city": "Moscow", "status": "prospect"}, {"city": "Kazan", "status": "prospect"}
    )

    assert changes == {"city": ["Moscow", "Kazan"]}


def test_it_records_a_related_record_by_its_id(owner: User, teammate: User) -> None:
    assert diff({"owner": owner}, {"owner": teammate}) == {"owner": [owner.pk, teammate.pk]}
    assert diff({"owner": None}, {"owner": owner}) == {"owner": [None, owner.pk]}


def test_it_writes_dates_and_decimals_as_text_that_serialises() -> None:
    changes = diff(
        {"work_starts": None, "amount": Decimal("1.50")},
        {"work_starts": dt.time(9, 30), "amount": Decimal("2.00")},
    )

    assert changes == {"work_starts": [None, "09:30:00"], "amount": ["1.50", "2.00"]}
    assert json.loads(json.dumps(changes)) == changes


def test_it_sees_no_change_when_a_value_is_merely_the_same_record(owner: User) -> None:
    same_owner = User.objects.get(pk=owner.pk)

    assert diff({"owner": owner}, {"owner": same_owner}) == {}
