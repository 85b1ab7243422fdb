"""The whole client base as one Arrow table of normalised keys, ready for DuckDB and splink.

Read with plain cursors (three queries, no ORM objects) because at 100k accounts and their
contacts the ORM alone would eat the time budget.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.db import connection

from clientbase.core.text import fold
from clientbase.identity import keys

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


@dataclass
class _Acc:
    id: int
    legal: str
    display: str
    aliases: list[str]
    city: str
    region: str
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    taxes: set[str] = field(default_factory=set)


def _json_list(value: Any) -> list[Any]:
    if value == "[]" or not value:  # most accounts and contacts: skip the parser
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def _phone(raw: Any, region: str) -> str:
    if not isinstance(raw, str) or not raw:
        return ""
    if _E164.match(raw):  # already canonical: skip the (slow) parser
        return raw
    return keys.phone_key(raw, region)


def _load(account_ids: Iterable[int] | None) -> dict[int, _Acc]:
    only = set(account_ids) if account_ids is not None else None
    accounts: dict[int, _Acc] = {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, legal_name, display_name, aliases, city, country, phone, email "
            "FROM accounts_account WHERE merged_into_id IS NULL"  # tombstones are not candidates
        )
        for pk, legal, display, aliases, city, country, phone, email in cur.fetchall():
            if only is not None and pk not in only:
                continue
            region = country or "RU"
            acc = _Acc(pk, legal or "", display or "", _json_list(aliases), city or "", region)
            if p := _phone(phone, region):
                acc.phones.add(p)
            if e := keys.email_key(email or ""):
                acc.emails.add(e)
            accounts[pk] = acc
        cur.execute("SELECT account_id, kind, value FROM accounts_taxidentifier")
        for account_id, kind, value in cur.fetchall():
            tax_owner = accounts.get(account_id)
            if tax_owner is not None and (k := keys.tax_key(kind, value or "")):
                tax_owner.taxes.add(k)
        cur.execute(
            "SELECT account_id, phone, email, phones, emails "
            "FROM accounts_contact WHERE account_id IS NOT NULL"
        )
        for account_id, phone, email, phones, emails in cur.fetchall():
            contact_owner = accounts.get(account_id)
            if contact_owner is None:
                continue
            for raw in [phone, *_json_list(phones)]:
                if p := _phone(raw, contact_owner.region):
                    contact_owner.phones.add(p)
            for raw in [email, *_json_list(emails)]:
                if isinstance(raw, str) and (e := keys.email_key(raw)):
                    contact_owner.emails.add(e)
    return accounts


def _or_null(values: Iterable[str]) -> list[str] | None:
    out = sorted(values)
    if out and not out[0]:  # sorted, so empty keys can only come first
        out = [v for v in out if v]
    return out or None


def load_records(account_ids: Iterable[int] | None = None) -> pa.Table:
    """One row per account: unique_id, name forms, city key and the key lists (NULL if none)."""
    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "unique_id",
            "name_lat",
            "name_lat2",
            "name_compact",
            "skel",
            "skels",
            "prefix",
            "city_key",
            "phones",
            "emails",
            "domains",
            "taxes",
            "domain1",
        )
    }
    city_keys: dict[str, str] = {}  # a few hundred cities among 100k accounts
    for acc in _load(account_ids).values():
        city_key = city_keys.get(acc.city)
        if city_key is None:
            city_key = city_keys[acc.city] = keys.skeleton(keys.to_latin(fold(acc.city)))
        legal = keys.latin_name(acc.legal) or keys.latin_name(acc.display)
        display = keys.latin_name(acc.display) or legal
        forms = {legal, display, *(keys.latin_name(a) for a in acc.aliases if isinstance(a, str))}
        skels = {keys.skeleton(f) for f in forms if f}
        skel = keys.skeleton(legal)
        domains = _or_null(keys.email_domain(e) for e in acc.emails)
        rows["unique_id"].append(acc.id)
        rows["name_lat"].append(legal or None)
        rows["name_lat2"].append(display.replace(" ", "") or None)
        rows["name_compact"].append(legal.replace(" ", "") or None)
        rows["skel"].append(skel or None)
        rows["skels"].append(_or_null(skels))
        rows["prefix"].append(skel[:4] or None)
        rows["city_key"].append(city_key or None)
        rows["phones"].append(_or_null(acc.phones))
        rows["emails"].append(_or_null(acc.emails))
        rows["domains"].append(domains)
        rows["taxes"].append(_or_null(acc.taxes))
        rows["domain1"].append(domains[0] if domains else None)
    schema = pa.schema(
        [
            ("unique_id", pa.int64()),
            *[(n, pa.string()) for n in ("name_lat", "name_lat2", "name_compact", "skel")],
            ("skels", pa.list_(pa.string())),
            ("prefix", pa.string()),
            ("city_key", pa.string()),
            *[(n, pa.list_(pa.string())) for n in ("phones", "emails", "domains", "taxes")],
            ("domain1", pa.string()),
        ]
    )
    return pa.table(rows, schema=schema)
