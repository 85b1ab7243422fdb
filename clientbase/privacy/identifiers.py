"""The strings that identify one person, and a filter for rows whose text mentions them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from clientbase.accounts.models import Contact
from clientbase.privacy.sealing import ERASED

MIN_IDENTIFIER = 3  # shorter strings would match everywhere and identify no one


@dataclass(frozen=True)
class Identifiers:
    values: tuple[str, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(v) for v in self.values), re.IGNORECASE)

    def forms(self) -> list[str]:
        """Each value as typed and as JSON text stores it (SQLite keeps \\u escapes)."""
        found: list[str] = []
        for value in self.values:
            for form in (value, json.dumps(value)[1:-1]):
                if form not in found:
                    found.append(form)
        return found


def identifiers_of(contact: Contact) -> Identifiers:
    raw: list[str] = [contact.full_name, contact.email, contact.phone]
    raw += [str(v) for v in contact.phones or []]
    raw += [str(v) for v in contact.emails or []]
    raw += [str(v) for v in (contact.messengers or {}).values()]
    values: list[str] = []
    for value in raw:
        value = value.strip()
        if len(value) >= MIN_IDENTIFIER and value != ERASED and value not in values:
            values.append(value)
    # Longest first, so "Ivan Petrov" is replaced whole before any shorter value inside it.
    return Identifiers(tuple(sorted(values, key=len, reverse=True)))


def mentions(fields: Iterable[str], json_fields: Iterable[str], ids: Identifiers) -> Q:
    condition = Q(pk__in=[])
    for field in fields:
        for value in ids.values:
            condition |= Q(**{f"{field}__icontains": value})
    for field in json_fields:
        for form in ids.forms():
            condition |= Q(**{f"_text_{field}__contains": form})
    return condition
