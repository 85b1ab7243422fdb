"""The web shell's pages. Each view parses the request, calls a selector and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT, EXPORT, VIEW
from clientbase.access.routes import AUTHENTICATED
from clientbase.access.selectors import company_settings
from clientbase.access.services import record_view, set_user_language
from clientbase.accounts import selectors
from clientbase.accounts.models import Account
from clientbase.analytics.filters import SpecError
from clientbase.exports.limits import ExportLimitExceeded, may_export
from clientbase.exports.models import Export
from clientbase.exports.services import request_account_export
from clientbase.imports.selectors import provenance_of
from clientbase.web.analytics_text import segments_card
from clientbase.web.auth import allow, is_htmx_swap
from clientbase.web.forms import AccountListForm, LanguageForm
from clientbase.web.presenters import client_clock, sort_columns, timeline_rows


def acting_user(request: HttpRequest) -> User:
    """The signed-in user (every view but login is behind member_required)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


@allow(AUTHENTICATED)
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:account_list")


@allow(VIEW, ACCOUNT)
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    from clientbase.web.segments import with_segment  # the segment pages import this module

    form = AccountListForm(request.GET)
    query, segment = with_segment(request, form.to_query())
    segment_error = ""
    try:
        page = selectors.account_list(actor=acting_user(request), query=query)
    except SpecError as error:  # e.g. a field since hidden from this user
        segment_error = str(error)
        page = selectors.AccountPage([], selectors.DEFAULT_SORT, None, True)
    # The list's own parameters, without the cursor: what sort and paging links build on.
    params = {"q": query.q, "status": query.status, "segment": str(segment.pk) if segment else ""}
    if page.sort != selectors.DEFAULT_SORT:
        params["sort"] = page.sort
    context = {
        "form": form,
        "query": query,
        "page": page,
        "params": {key: value for key, value in params.items() if value},
        "columns": sort_columns(page.sort),
        "can_export": may_export(acting_user(request), "accounts"),
        "segment": segment,
        "segment_error": segment_error,
    }
    template = "web/account_list.html"
    if is_htmx_swap(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


@allow(EXPORT, ACCOUNT, enforce=False)
@require_GET
def account_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered account list as a file, or, when it is large, a background export whose
    progress page the user is sent to. The service checks the right (403 otherwise)."""
    from clientbase.web.segments import with_segment

    fmt = "xlsx" if request.GET.get("fmt") == "xlsx" else "csv"
    query, _segment = with_segment(request, AccountListForm(request.GET).to_query())
    try:
        result = request_account_export(actor=acting_user(request), query=query, fmt=fmt)
    except SpecError as error:
        raise BadRequest(str(error)) from None
    except ExportLimitExceeded as refused:
        # Over the role's limits: offer the approval request for exactly this export.
        messages.warning(request, str(refused))
        return redirect(f"{reverse('web:export_request_new')}?{request.GET.urlencode()}")
    if isinstance(result, Export):
        return redirect("web:export_detail", export_id=result.pk)
    return FileResponse(
        result.file,
        as_attachment=True,
        filename=result.filename,
        content_type=result.content_type,
    )


@allow(VIEW, ACCOUNT)
@require_GET
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = acting_user(request)
    account = selectors.get_account(actor=actor, account_id=account_id)
    if account.pk != account_id:  # a merged-away account: its survivor has the real page
        return redirect("web:account_detail", account_id=account.pk)
    context = account_context(actor, account)
    record_view(
        actor=actor,
        obj=account,
        channel="web",
        shown={"contacts": [contact.pk for contact in context["contacts"]]},
    )
    return render(request, "web/account_detail.html", context)


def account_context(actor: User, account: Account, **extra: Any) -> dict[str, Any]:
    """What the account page shows; also used to re-render it with an error."""
    return {
        "account": account,
        "tax_ids": list(account.tax_ids.all()),
        "tags": list(account.tags.all()),
        "custom_fields": selectors.account_custom_fields(actor=actor, account=account),
        "contacts": selectors.account_contacts(actor=actor, account=account),
        "timeline": timeline_rows(
            selectors.account_timeline(actor=actor, account=account),
            base_currency=_base_currency(),
        ),
        "clock": client_clock(account, timezone.now()),
        "merges": selectors.undoable_merges(actor=actor, account=account),
        "provenance": provenance_of(actor=actor, account=account),
        "segments": segments_card(actor=actor, account=account),
        "base_currency": _base_currency(),
        **extra,
    }


@allow(AUTHENTICATED)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        raise BadRequest("unknown language")
    set_user_language(actor=acting_user(request), language=form.cleaned_data["language"])
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:account_list")
    return redirect(target)


def _base_currency() -> str:
    """The currency orders are totalled in."""
    return company_settings().base_currency
