"""Where a string is stored in the database: every text-like value of every table, read raw."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", errors="ignore")
    return str(value)


def places_holding(*needles: str) -> list[str]:
    """["table.column", ...] whose stored value contains any needle (as typed, any case, or as
    JSON escapes it)."""
    forms = {
        form.lower()
        for needle in needles
        for form in (needle, json.dumps(needle)[1:-1], json.dumps(needle, ensure_ascii=False))
    }
    found: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = _text(value).lower()
                    if any(form in text for form in forms):
                        found.append(f"{table}.{column}")
    return sorted(set(found))
