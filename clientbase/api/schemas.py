"""Typed shapes of the REST API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class TaxIdOut(Schema):
    kind: str
    value: str


class AccountOut(Schema):
    id: int
    display_name: str
    legal_name: str
    status: str
    city: str
    country: str
    time_zone: str
    phone: str
    email: str
    owner_id: int | None
    account_manager_id: int | None
    tax_ids: list[TaxIdOut]
    created_at: datetime


class AccountPageOut(Schema):
    items: list[AccountOut]
    next_cursor: str | None


class ErrorOut(Schema):
    detail: str
