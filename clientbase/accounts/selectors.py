"""Reads of the client base. Each takes the acting user and shows only what they may see."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Concat
from django.http import Http404

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT, EDIT
from clientbase.access.selectors import owned_by_visible
from clientbase.accounts.models import Account, Contact, MergeRecord, TaxIdentifier
from clientbase.core.text import digits, e164, fold

SortKey = Literal["name", "-name", "city", "-city", "status", "-status", "created", "-created"]
SORT_COLUMNS: dict[str, str] = {
    "name": "display_name",
    "city": "city",
    "status": "status",
    "created": "created_at",
}
DEFAULT_SORT: SortKey = "name"
MAX_KEY_MATCHES = 10_000  # an e-mail, phone or tax id shared by more accounts is not a key
# What a list row shows (web, API, exports). Loading only these keeps a page of 50 cheap;
# a field read that is not here would cost a query per row, which the query-count tests catch.
LIST_COLUMNS = (
    "id",
    "display_name",
    "legal_name",
    "status",
    "city",
    "country",
    "time_zone",
    "phone",
    "email",
    "owner_id",
    "account_manager_id",
    "created_at",
    "owner__id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "account_manager__id",
    "account_manager__username",
    "account_manager__first_name",
    "account_manager__last_name",
)


def visible_accounts(*, actor: User) -> QuerySet[Account]:
    """All accounts `actor` may see: the base of every other account read."""
    return Account.objects.filter(
        owned_by_visible(actor, "owner", "account_manager"), merged_into__isnull=True
    )


def resolve_account_id(account_id: int) -> int:
    """The id a (possibly merged-away) account id now lives under: follows the merge chain."""
    seen = {account_id}
    current = account_id
    while True:
        target = Account.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if target is None or target in seen:
            return current
        seen.add(target)
        current = target


def require_workable_account(
    *,
    actor: User | None,
    account: Account,
    action: str,
    right: tuple[str, str] = (EDIT, ACCOUNT),
) -> None:
    """The one guard every write touching an account goes through: the actor's role must grant
    `right` (an action on an object type, e.g. create an activity) with a scope that reaches
    the account's owner or manager, the actor must see it, and a merged-away tombstone takes no
    new work. The system itself (actor None: imports, the demo generator) is trusted, and may
    still update a tombstone's provenance."""
    if actor is None:
        return
    if account.merged_into_id is not None:
        raise ValidationError(
            {"account": f"Account {account.pk} was merged into account {account.merged_into_id}."}
        )
    verb, object_type = right
    reach = owned_by_visible(
        actor, "owner", "account_manager", object_type=object_type, action=verb
    )
    if not visible_accounts(actor=actor).filter(reach, pk=account.pk).exists():
        raise PermissionDenied(f"You may not {action} this account.")


def get_account(*, actor: User, account_id: int) -> Account:
    """One account, or 404 when it does not exist *or* the actor may not see it (no oracle).

    A merged-away id resolves to its survivor (the caller compares ids to redirect); the
    chain is only followed on a miss, so the common case stays one query.
    """
    accounts = visible_accounts(actor=actor).select_related(
        "owner", "account_manager", "source_channel", "source_campaign"
    )
    try:
        return accounts.get(pk=account_id)
    except Account.DoesNotExist:
        pass
    survivor_id = resolve_account_id(account_id)
    try:
        if survivor_id != account_id:
            return accounts.get(pk=survivor_id)
    except Account.DoesNotExist:
        pass
    raise Http404("No such account")


# --- Search ----------------------------------------------------------------------------------


def search_condition(q: str) -> Q:
    """What a search box query means: an e-mail, a tax id or phone, or part of a name.

    Key searches resolve to account ids first, in one indexed UNION query: an OR of
    sub-selects inside the paged, sorted query makes planners walk the whole name index.
    """
    q = q.strip()
    if not q:
        return Q()
    if "@" in q:
        email = q.lower()
        ids = (
            Account.objects.filter(email=email)
            .values_list("id")
            .union(
                Contact.objects.filter(email=email, account__isnull=False).values_list("account_id")
            )
        )
        return Q(pk__in=[row[0] for row in ids[:MAX_KEY_MATCHES]])
    numeric = digits(q)
    looks_numeric = len(numeric) >= 5 and len(numeric) >= len(q.replace(" ", "")) * 0.6
    if looks_numeric:
        phones = {f"+{numeric}"}
        for region in ("RU", "IR"):
            with contextlib.suppress(ValueError):
                phones.add(e164(q, region))
        key_ids = (
            TaxIdentifier.objects.filter(value=numeric)
            .values_list("account_id")
            .union(
                Account.objects.filter(phone__in=sorted(phones)).values_list("id"),
                Contact.objects.filter(phone__in=sorted(phones), account__isnull=False).values_list(
                    "account_id"
                ),
            )
        )
        return Q(pk__in=[row[0] for row in key_ids[:MAX_KEY_MATCHES]])
    return Q(search_name__contains=fold(q))


# --- Keyset pagination -----------------------------------------------------------------------


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, default=_json_default, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any] | None:
    """The cursor's values, or None when it is malformed (treated as the first page)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(values, list) or len(values) != 2 or not isinstance(values[1], int):
        return None
    return values


def _cursor_position(values: list[Any] | None, column: str) -> tuple[Any, int] | None:
    """The cursor's (value, id) for `column`, or None when they do not fit it (first page)."""
    if values is None:
        return None
    value, last_id = values
    if column == "created_at":
        try:
            value = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None
        if value is None or value.tzinfo is None:
            return None
    elif not isinstance(value, str):
        return None
    return value, last_id


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@dataclass(frozen=True)
class AccountListQuery:
    q: str = ""
    sort: str = DEFAULT_SORT
    after: str = ""
    status: str = ""
    limit: int = field(default_factory=lambda: int(settings.CLIENTBASE_PAGE_SIZE))
    # A segment spec as JSON text (clientbase.analytics.filters); a bad one raises SpecError.
    spec: str = ""


@dataclass(frozen=True)
class AccountPage:
    accounts: list[Account]
    sort: str
    next_cursor: str | None
    is_first: bool


def _sort_of(query: AccountListQuery) -> tuple[str, str, bool]:
    """The query's sort (a known key or the default), its column and direction."""
    sort = query.sort if query.sort.lstrip("-") in SORT_COLUMNS else DEFAULT_SORT
    return sort, SORT_COLUMNS[sort.lstrip("-")], sort.startswith("-")


def _listed_accounts(*, actor: User, query: AccountListQuery) -> QuerySet[Account]:
    """The accounts the list shows for `query`: scoped to the actor, searched, filtered."""
    rows = visible_accounts(actor=actor).filter(search_condition(query.q))
    if query.status:
        rows = rows.filter(status=query.status)
    if query.spec:
        from clientbase.analytics.filters import compile_spec, parse_spec, registry_for

        registry = registry_for(actor)
        rows = rows.filter(compile_spec(parse_spec(query.spec, registry), registry))
    return rows


def _after(
    rows: QuerySet[Account], column: str, descending: bool, value: Any, last_id: int
) -> QuerySet[Account]:
    """Rows past the keyset position (value, id) in the (column, id) order."""
    op = "lt" if descending else "gt"
    # The redundant `column >= value` bound gives the planner an index range to start from;
    # with the OR alone SQLite walks the index from its first entry on every page.
    bound = {f"{column}__{op}e": value}
    return rows.filter(
        Q(**bound), Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"id__{op}": last_id})
    )


def account_list(*, actor: User, query: AccountListQuery) -> AccountPage:
    """One page of the account list: scoped, searched, sorted, and paged by keyset.

    The page is found with an index range scan on (sort column, id), so page 1,000 is as fast
    as page 1, and rows inserted meanwhile never shift or repeat what the user already saw.
    """
    sort, column, descending = _sort_of(query)
    limit = max(1, min(query.limit, 500))

    rows = _listed_accounts(actor=actor, query=query)
    cursor = _cursor_position(decode_cursor(query.after), column) if query.after else None
    if cursor is not None:
        rows = _after(rows, column, descending, *cursor)
    order = [f"-{column}", "-id"] if descending else [column, "id"]
    page = list(
        rows.select_related("owner", "account_manager")
        .only(*LIST_COLUMNS)
        .prefetch_related(
            Prefetch("tax_ids", TaxIdentifier.objects.only("account_id", "kind", "value"))
        )
        .order_by(*order)[: limit + 1]
    )
    next_cursor = None
    if len(page) > limit:
        page = page[:limit]
        last = page[-1]
        next_cursor = encode_cursor([getattr(last, column), last.pk])
    return AccountPage(accounts=page, sort=sort, next_cursor=next_cursor, is_first=cursor is None)


# --- The account page ------------------------------------------------------------------------


def account_contacts(*, actor: User, account: Account) -> list[Contact]:
    get_account(actor=actor, account_id=account.pk)
    return list(account.contacts.order_by("rank", "full_name"))


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "order", "deal" or an activity kind
    at: datetime | date
    title: str
    detail: str
    amount: Any = None
    status: str = ""
    currency: str = ""  # empty: the base currency


def account_timeline(*, actor: User, account: Account, limit: int = 50) -> list[TimelineEntry]:
    """The newest orders, deals and activities of one account, merged into one list."""
    from clientbase.activities.models import Activity
    from clientbase.sales.models import Deal, Order

    get_account(actor=actor, account_id=account.pk)
    entries: list[TimelineEntry] = []
    for order in Order.objects.filter(account=account).order_by("-date", "-id")[:limit]:
        entries.append(
            TimelineEntry(
                kind="order",
                at=order.date,
                title=order.number or f"#{order.pk}",
                detail="",
                amount=order.net_revenue_base,
            )
        )
    for deal in (
        Deal.objects.filter(account=account).select_related("stage").order_by("-opened_at")[:limit]
    ):
        entries.append(
            TimelineEntry(
                kind="deal",
                at=deal.opened_at,
                title=deal.title,
                detail=deal.stage.name,
                amount=deal.amount,
                status=deal.status,
                currency=deal.currency,
            )
        )
    for activity in Activity.objects.filter(account=account).order_by("-due_at", "-id")[:limit]:
        when = activity.done_at or activity.due_at or activity.created_at
        entries.append(
            TimelineEntry(
                kind=activity.kind,
                at=when,
                title=activity.subject,
                detail=activity.outcome,
                status=activity.status,
            )
        )

    def sort_key(entry: TimelineEntry) -> datetime:
        if isinstance(entry.at, datetime):
            return entry.at
        return datetime(entry.at.year, entry.at.month, entry.at.day, tzinfo=UTC)

    entries.sort(key=sort_key, reverse=True)
    return entries[:limit]


@dataclass(frozen=True)
class CustomFieldValue:
    key: str
    label: str
    type: str
    value: Any


def account_custom_fields(*, actor: User, account: Account) -> list[CustomFieldValue]:
    """An account's custom values with their declared labels, in label order (one query)."""
    from clientbase.accounts.models import CustomFieldDefinition

    get_account(actor=actor, account_id=account.pk)
    values = dict(account.custom or {})
    definitions = {d.key: d for d in CustomFieldDefinition.objects.filter(key__in=list(values))}
    fields = [
        CustomFieldValue(
            key=key,
            label=definitions[key].label if key in definitions else key,
            type=definitions[key].type if key in definitions else "text",
            value=value,
        )
        for key, value in values.items()
        if value not in (None, "")
    ]
    return sorted(fields, key=lambda field: field.label.casefold())


# --- Exports ---------------------------------------------------------------------------------


TAX_IDS = "tax_ids_text"  # the one exported column read from another table (a subquery)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _sorted_list(value: Any) -> str:
    # In kind order on every database (SQLite before 3.44 cannot order inside an aggregate).
    if not value:
        return ""
    return "; ".join(sorted(value.split("; "))) if "; " in value else str(value)


def _iso(value: Any) -> str:
    return "" if value is None else str(value.isoformat())


@dataclass(frozen=True)
class ExportField:
    """One exported column: a stable key (the header, so a re-import maps it), the column it
    is read from (a `values_list` path, so no model object is built per row) and its text.
    `text` None: the column is a NOT NULL text column, written as it is (no call per cell)."""

    key: str
    source: str
    text: Callable[[Any], str] | None = _text


ACCOUNT_EXPORT_FIELDS: tuple[ExportField, ...] = (
    ExportField("id", "id", str),
    ExportField("display_name", "display_name", None),
    ExportField("legal_name", "legal_name", None),
    ExportField("status", "status", None),
    ExportField("city", "city", None),
    ExportField("country", "country", None),
    ExportField("phone", "phone", None),
    ExportField("email", "email", None),
    ExportField("owner", "owner__username"),
    ExportField("account_manager", "account_manager__username"),
    ExportField("tax_ids", TAX_IDS, _sorted_list),
    ExportField("created_at", "created_at", _iso),
)


def exportable_account_fields(actor: User) -> tuple[ExportField, ...]:
    """The account columns `actor` may export: for now what the list shows, to everyone.

    The access issue narrows this per role; every export takes its columns from here.
    """
    return ACCOUNT_EXPORT_FIELDS


@dataclass(frozen=True)
class AccountExportSource:
    """What an export of the list reads: the list's own scoped, filtered rows (unordered),
    the columns the actor may export, and the list's sort."""

    rows: QuerySet[Account]
    fields: tuple[ExportField, ...]
    column: str
    descending: bool


def account_export_source(*, actor: User, query: AccountListQuery) -> AccountExportSource:
    """The list behind `query` as an export reads it; the same scope and filter as the page."""
    _sort, column, descending = _sort_of(query)
    return AccountExportSource(
        rows=_listed_accounts(actor=actor, query=query),
        fields=exportable_account_fields(actor),
        column=column,
        descending=descending,
    )


def account_export_pages(source: AccountExportSource, *, size: int) -> Iterator[list[list[str]]]:
    """The source's rows as text, `size` at a time in keyset pages of (sort column, id).

    Rows are plain column tuples (`values_list`), never model objects; a page holds at most
    `size` rows, so memory stays flat for any length.
    """
    paths = [f.source for f in source.fields]
    keys = ["id", source.column]
    read = list(dict.fromkeys([*keys, *paths]))  # the keyset columns first, each path once
    at = {path: index for index, path in enumerate(read)}
    plan = [(at[f.source], f.text) for f in source.fields]
    order = [f"-{source.column}", "-id"] if source.descending else [source.column, "id"]
    ordered = source.rows.order_by(*order)
    if TAX_IDS in read:
        ordered = ordered.annotate(**{TAX_IDS: _tax_ids_text()})
    position: tuple[Any, int] | None = None
    while True:
        rows = (
            ordered
            if position is None
            else _after(ordered, source.column, source.descending, *position)
        )
        page = list(rows.values_list(*read)[:size])
        if not page:
            return
        yield [
            [row[index] if text is None else text(row[index]) for index, text in plan]
            for row in page
        ]
        if len(page) < size:
            return
        position = (page[-1][1], page[-1][0])


def _tax_ids_text() -> Subquery:
    """Each account's tax ids as "kind:value; …", gathered by the database in the row's own
    query (a correlated subquery on the account index) rather than by a query per page."""
    texts = (
        TaxIdentifier.objects.filter(account_id=OuterRef("pk"))
        .order_by()
        .values("account_id")
        .annotate(text=StringAgg(Concat("kind", Value(":"), "value"), Value("; ")))
        .values("text")
    )
    return Subquery(texts, output_field=TextField())


def undoable_merges(*, actor: User, account: Account) -> list[MergeRecord]:
    """Merges into `account` that can still be undone, newest first (empty if not visible)."""
    if not visible_accounts(actor=actor).filter(pk=account.pk).exists():
        return []
    return list(
        MergeRecord.objects.filter(survivor=account, undone_at__isnull=True)
        .select_related("merged")
        .order_by("-at", "-id")
    )


def get_undoable_merge(*, actor: User, merge_id: int) -> MergeRecord:
    """One merge not yet undone whose survivor the actor sees, or 404."""
    try:
        merge = MergeRecord.objects.select_related("survivor", "merged").get(
            pk=merge_id, undone_at__isnull=True
        )
    except MergeRecord.DoesNotExist:
        raise Http404("No such merge") from None
    if not visible_accounts(actor=actor).filter(pk=merge.survivor_id).exists():
        raise Http404("No such merge")
    return merge
