"""Small pure helpers that turn records into what a page shows. No database access here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import TimelineEntry
from clientbase.activities.models import ActivityKind, ActivityStatus
from clientbase.sales.models import DealStatus
from clientbase.web.formatting import zone


@dataclass(frozen=True)
class ClientClock:
    """What time it is at the client now, and whether someone should pick up the phone."""

    now: dt.datetime  # aware, in the client's time zone
    time_zone: str
    starts: dt.time | None
    ends: dt.time | None

    @property
    def has_hours(self) -> bool:
        return self.starts is not None and self.ends is not None

    @property
    def is_working_hours(self) -> bool | None:
        """True/False when the account has working hours; None when it has none."""
        if self.starts is None or self.ends is None:
            return None
        moment = self.now.time().replace(tzinfo=None)
        if self.starts <= self.ends:
            return self.starts <= moment < self.ends
        return moment >= self.starts or moment < self.ends  # a night shift across midnight


def client_clock(account: Account, now: dt.datetime) -> ClientClock:
    if now.tzinfo is None:
        raise ValueError("`now` must be timezone-aware")
    tz = zone(account.time_zone)
    return ClientClock(
        now=now.astimezone(tz),
        time_zone=account.time_zone or "UTC",
        starts=account.work_starts,
        ends=account.work_ends,
    )


def person_name(user: User | None) -> str:
    """A user as people call them: the full name, else the login."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def initials(user: User | None) -> str:
    name = person_name(user)
    parts = [part for part in name.replace(".", " ").split() if part]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


# --- The account list's sortable columns ---------------------------------------------------------


@dataclass(frozen=True)
class SortColumn:
    key: str  # the selector's sort key: "name", "city", "status", "created"
    label: str | Promise
    next_sort: str  # what clicking the header asks for
    direction: Literal["asc", "desc", ""]  # how the list is sorted by this column now

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction, "none")


SORTABLE: tuple[tuple[str, str | Promise], ...] = (
    ("name", _("Name")),
    ("city", _("City")),
    ("status", _("Status")),
    ("created", _("Created")),
)


def sort_columns(current: str) -> dict[str, SortColumn]:
    """Each sortable column's header: its direction now and where a click takes it."""
    columns: dict[str, SortColumn] = {}
    for key, label in SORTABLE:
        if current == key:
            columns[key] = SortColumn(key, label, f"-{key}", "asc")
        elif current == f"-{key}":
            columns[key] = SortColumn(key, label, key, "desc")
        else:
            columns[key] = SortColumn(key, label, key, "")
    return columns


# --- The account timeline ------------------------------------------------------------------------

ENTRY_KINDS: dict[str, str | Promise] = {
    "order": _("Order"),
    "deal": _("Deal"),
    **{str(value): label for value, label in ActivityKind.choices},
}
ENTRY_STATUSES: dict[str, dict[str, str | Promise]] = {
    "deal": {str(value): label for value, label in DealStatus.choices},
    "activity": {str(value): label for value, label in ActivityStatus.choices},
}


@dataclass(frozen=True)
class TimelineRow:
    entry: TimelineEntry
    kind_label: str | Promise
    status_label: str | Promise
    currency: str

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def amount(self) -> Any:
        return self.entry.amount


def timeline_rows(entries: Iterable[TimelineEntry], *, base_currency: str) -> list[TimelineRow]:
    """Timeline entries with translated labels. Orders are totalled in the base currency."""
    rows = []
    for entry in entries:
        family = "deal" if entry.kind == "deal" else "activity"
        currency = str(getattr(entry, "currency", "") or base_currency)
        rows.append(
            TimelineRow(
                entry=entry,
                kind_label=ENTRY_KINDS.get(entry.kind, entry.kind),
                status_label=ENTRY_STATUSES[family].get(entry.status, entry.status),
                currency=currency,
            )
        )
    return rows
