"""The audit trail's page: auditors and administrators search who did what, when, to which
record. Everyone else gets 403. Restricted fields in the diffs are masked per viewer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from clientbase.access.audit_selectors import AUDIT, AuditQuery, audit_page
from clientbase.access.selectors import VIEW, require
from clientbase.web.auth import allow
from clientbase.web.views import acting_user


class AuditFilterForm(forms.Form):
    """The page's GET parameters; a malformed one is dropped, never an error page."""

    actor = forms.CharField(label=_("User"), required=False, max_length=150, strip=True)
    action = forms.CharField(label=_("Action"), required=False, max_length=40, strip=True)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60, strip=True)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=40, strip=True)
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def to_query(self) -> AuditQuery:
        self.is_valid()
        data = self.cleaned_data
        return AuditQuery(
            actor=str(data.get("actor") or ""),
            action=str(data.get("action") or ""),
            object_type=str(data.get("object_type") or ""),
            object_id=str(data.get("object_id") or ""),
            since=_start_of(data.get("since")),
            until=_start_of(data["until"] + dt.timedelta(days=1)) if data.get("until") else None,
            before_seq=data.get("before"),
        )


def _start_of(day: dt.date | None) -> dt.datetime | None:
    """Midnight of `day` in the viewer's time zone."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@allow(VIEW, AUDIT)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    require(actor, VIEW, AUDIT)
    form = AuditFilterForm(request.GET)
    query = form.to_query()
    page = audit_page(actor=actor, query=query, size=int(settings.CLIENTBASE_PAGE_SIZE))
    params = {
        key: value
        for key, value in request.GET.items()
        if key in form.fields and key != "before" and key not in form.errors and value
    }
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "params": params,
        "filtered": bool(params),
        "is_first": query.before_seq is None,
    }
    return render(request, "web/audit/list.html", context)
