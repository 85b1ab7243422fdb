"""The accounts endpoints: the same selectors as the web pages, so the same rows."""

from __future__ import annotations

import json
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Schema, Status

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT, EXPORT, VIEW
from clientbase.access.routes import operation_access
from clientbase.access.services import record_view
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery, account_list, get_account
from clientbase.analytics.filters import SpecError
from clientbase.analytics.segment_selectors import get_segment
from clientbase.api.schemas import AccountOut, AccountPageOut, ErrorOut, TaxIdOut
from clientbase.exports.services import export_accounts

router = Router(tags=["accounts"])


class AccountListParams(Schema):
    q: str = ""
    sort: str = "name"
    after: str = ""
    status: str = ""
    limit: int = 50
    segment: int | None = None


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the API's auth guarantees a logged-in user
    return user


def _out(account: Account) -> AccountOut:
    return AccountOut(
        id=account.pk,
        display_name=account.display_name,
        legal_name=account.legal_name,
        status=account.status,
        city=account.city,
        country=account.country,
        time_zone=account.time_zone,
        phone=account.phone,
        email=account.email,
        owner_id=account.owner_id,
        account_manager_id=account.account_manager_id,
        tax_ids=[TaxIdOut(kind=t.kind, value=t.value) for t in account.tax_ids.all()],
        created_at=account.created_at,
    )


def _segment_spec(actor: User, segment_id: int | None) -> str:
    """The saved segment's spec as the list query takes it (404 if the actor may not use it)."""
    if segment_id is None:
        return ""
    segment = get_segment(actor=actor, segment_id=segment_id)
    return json.dumps(segment.spec, ensure_ascii=False, sort_keys=True)


@router.get("/accounts", response={200: AccountPageOut, 400: ErrorOut, 404: ErrorOut})
@operation_access(VIEW, ACCOUNT)
def list_accounts(
    request: HttpRequest, params: Query[AccountListParams]
) -> AccountPageOut | Status[ErrorOut]:
    actor = _actor(request)
    query = AccountListQuery(
        q=params.q,
        sort=params.sort,
        after=params.after,
        status=params.status,
        limit=params.limit,
        spec=_segment_spec(actor, params.segment),
    )
    try:
        page = account_list(actor=actor, query=query)
    except SpecError as error:
        return Status(400, ErrorOut(detail=str(error)))
    return AccountPageOut(items=[_out(a) for a in page.accounts], next_cursor=page.next_cursor)


class AccountExportParams(Schema):
    fmt: Literal["csv", "xlsx"] = "csv"
    q: str = ""
    sort: str = "name"
    status: str = ""
    segment: int | None = None


@router.get("/accounts/export", response={200: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
@operation_access(EXPORT, ACCOUNT, enforce=False)
def export_account_list(
    request: HttpRequest, params: Query[AccountExportParams]
) -> FileResponse | Status[ErrorOut]:
    """The whole filtered list as CSV or XLSX (the export right is checked by the service)."""
    actor = _actor(request)
    query = AccountListQuery(
        q=params.q,
        sort=params.sort,
        status=params.status,
        spec=_segment_spec(actor, params.segment),
    )
    try:
        result = export_accounts(actor=actor, query=query, fmt=params.fmt)
    except PermissionDenied as denied:
        return Status(403, ErrorOut(detail=str(denied)))
    except SpecError as error:
        return Status(400, ErrorOut(detail=str(error)))
    return FileResponse(
        result.file, as_attachment=True, filename=result.filename, content_type=result.content_type
    )


@router.get("/accounts/{account_id}", response={200: AccountOut, 403: ErrorOut, 404: ErrorOut})
@operation_access(VIEW, ACCOUNT)
def account_detail(request: HttpRequest, account_id: int) -> AccountOut:
    actor = _actor(request)
    account = get_account(actor=actor, account_id=account_id)
    record_view(actor=actor, obj=account, channel="api")
    return _out(account)
