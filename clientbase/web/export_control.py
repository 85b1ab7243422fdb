"""Export control pages (issue 5): asking for an export above the limits, deciding requests,
running an approved export once, the row limits and alert settings, the anti-theft alerts,
and each user's notifications.

Who may use them: filing and running a request needs the export right (and the request is the
requester's own: another user's id is a 404); deciding needs `approve export_requests`
(directors, admins); alerts and suspensions need `review usage_alerts` (directors, admins);
the policy page needs `manage export_policy` (admins). Notifications are each user's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT
from clientbase.access.routes import AUTHENTICATED
from clientbase.access.selectors import EXPORT, can, require
from clientbase.accounts import selectors as account_selectors
from clientbase.analytics.filters import SpecError
from clientbase.exports import control_services
from clientbase.exports.limits import (
    APPROVE,
    EXPORT_POLICY,
    EXPORT_REQUESTS,
    MANAGE,
    REVIEW,
    USAGE_ALERTS,
    ExportLimitExceeded,
    all_limits,
    approvals_valid_since,
    check_not_suspended,
    limits_for,
    rows_exported_today,
)
from clientbase.exports.models import Export, ExportRequest, ExportSuspension, RequestStatus
from clientbase.exports.services import query_from_filter, request_account_export
from clientbase.notifications import selectors as notification_selectors
from clientbase.notifications.services import mark_read
from clientbase.usage import selectors as usage_selectors
from clientbase.usage.services import update_alert_settings
from clientbase.web.auth import allow
from clientbase.web.forms import AccountListForm
from clientbase.web.views import acting_user

OBJECT_TYPE = "accounts"


def _fmt(value: str | None) -> str:
    return "xlsx" if value == "xlsx" else "csv"


# --- Requests above the limits ---------------------------------------------------------------


@allow(EXPORT, ACCOUNT)
@require_http_methods(["GET", "POST"])
def export_request_new(request: HttpRequest) -> HttpResponse:
    """The form a user lands on when an export is over their limits: the list's filter and
    format (from the query string), the rows it holds, the limits, and a reason to give."""
    from clientbase.web.segments import with_segment

    actor = acting_user(request)
    require(actor, EXPORT, OBJECT_TYPE)
    check_not_suspended(actor)
    fmt = _fmt(request.GET.get("fmt"))
    try:
        query, segment = with_segment(request, AccountListForm(request.GET).to_query())
        rows = account_selectors.account_export_source(actor=actor, query=query).rows.count()
    except SpecError as error:
        raise BadRequest(str(error)) from None
    errors: list[str] = []
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            control_services.file_export_request(actor=actor, query=query, fmt=fmt, reason=reason)
        except ValidationError as error:
            errors = [str(m) for m in error.messages]
        else:
            messages.success(request, _("Your request was sent to the directors."))
            return redirect("web:export_requests")
    context = {
        "query": query,
        "segment": segment,
        "fmt": fmt,
        "rows": rows,
        "limits": limits_for(actor),
        "today": rows_exported_today(actor),
        "reason": reason,
        "errors": errors,
    }
    return render(request, "web/exports/request_new.html", context, status=400 if errors else 200)


@allow(EXPORT, ACCOUNT)
@require_GET
def export_requests(request: HttpRequest) -> HttpResponse:
    """The user's own requests (with "Run" once approved) and, for directors and admins, the
    requests waiting for a decision."""
    actor = acting_user(request)
    approver = can(actor, APPROVE, EXPORT_REQUESTS)
    if not approver:
        require(actor, EXPORT, OBJECT_TYPE)
    own = ExportRequest.objects.filter(requested_by=actor).order_by("-id")[:50]
    pending: list[ExportRequest] = []
    decided: list[ExportRequest] = []
    if approver:
        others = ExportRequest.objects.exclude(requested_by=actor).select_related(
            "requested_by", "decided_by"
        )
        pending = list(others.filter(status=RequestStatus.PENDING).order_by("id")[:100])
        decided = list(others.exclude(status=RequestStatus.PENDING).order_by("-id")[:30])
    context = {
        "own": own,
        "pending": pending,
        "decided": decided,
        "approver": approver,
        "valid_since": approvals_valid_since(),
    }
    return render(request, "web/exports/requests.html", context)


@allow(APPROVE, EXPORT_REQUESTS)
@require_POST
def export_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = acting_user(request)
    require(actor, APPROVE, EXPORT_REQUESTS)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        raise BadRequest("decision must be approve or reject")
    try:
        control_services.decide_export_request(
            actor=actor,
            request_id=request_id,
            approve=decision == "approve",
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if decision == "approve":
            messages.success(request, _("Approved: the requester can run this export once."))
        else:
            messages.success(request, _("Rejected: the requester has been told."))
    return redirect("web:export_requests")


@allow(EXPORT, ACCOUNT)
@require_POST
def export_request_run(request: HttpRequest, request_id: int) -> HttpResponseBase:
    """Run one's own approved request: exactly its filter and format, once."""
    actor = acting_user(request)
    approval = ExportRequest.objects.filter(pk=request_id, requested_by=actor).first()
    if approval is None:
        raise Http404("No such export request")
    if approval.status != RequestStatus.APPROVED:
        messages.error(request, _("This request is not approved, or it has already been used."))
        return redirect("web:export_requests")
    if approval.decided_at is None or approval.decided_at < approvals_valid_since():
        messages.error(request, _("This approval has expired: file a new request."))
        return redirect("web:export_requests")
    try:
        result = request_account_export(
            actor=actor, query=query_from_filter(approval.filter), fmt=approval.fmt
        )
    except ExportLimitExceeded as refused:
        messages.error(request, str(refused))
        return redirect("web:export_requests")
    except SpecError as error:
        raise BadRequest(str(error)) from None
    if isinstance(result, Export):
        return redirect("web:export_detail", export_id=result.pk)
    return FileResponse(
        result.file, as_attachment=True, filename=result.filename, content_type=result.content_type
    )


# --- Limits and alert settings (admins) -------------------------------------------------------


def _optional_int(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(_("Enter whole numbers of rows, or leave the field empty.")) from None


@allow(MANAGE, EXPORT_POLICY)
@require_http_methods(["GET", "POST"])
def export_policy(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    require(actor, MANAGE, EXPORT_POLICY)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("section") == "alerts":
                _save_alert_settings(actor, request)
            else:
                role = request.POST.get("role", "")
                control_services.update_policy(
                    actor=actor,
                    role=role,
                    max_rows_per_export=_optional_int(request.POST.get("per_export")),
                    max_rows_per_day=_optional_int(request.POST.get("per_day")),
                )
        except ValidationError as error:
            errors = [str(m) for m in error.messages]
        else:
            messages.success(request, _("Saved."))
            return redirect("web:export_policy")
    context = {
        "limits": all_limits(),
        "config": usage_selectors.alert_settings(),
        "errors": errors,
    }
    return render(request, "web/exports/policy.html", context, status=400 if errors else 200)


def _save_alert_settings(actor: User, request: HttpRequest) -> None:
    numbers: dict[str, int] = {}
    for name in (
        "multiplier",
        "views_floor",
        "api_floor",
        "export_rows_floor",
        "export_limit_percent",
        "baseline_days",
    ):
        value = _optional_int(request.POST.get(name))
        if value is None or value < 0:
            raise ValidationError(_("Fill in every alert setting with a whole number."))
        numbers[name] = value
    update_alert_settings(
        actor=actor,
        suspend_exports_on_alert=request.POST.get("suspend_exports") == "on",
        **numbers,
    )


# --- Alerts and suspensions (directors, admins) ---------------------------------------------


@allow(REVIEW, USAGE_ALERTS)
@require_GET
def usage_alerts(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    alerts = list(usage_selectors.recent_alerts(actor=actor))
    suspensions = list(
        ExportSuspension.objects.filter(lifted_at__isnull=True)
        .select_related("user", "suspended_by")
        .order_by("-id")
    )
    suspended_ids = {s.user_id for s in suspensions}
    context: dict[str, Any] = {
        "alerts": alerts,
        "suspensions": suspensions,
        "suspended_ids": suspended_ids,
        "config": usage_selectors.alert_settings(),
    }
    return render(request, "web/exports/alerts.html", context)


def _user_for(actor: User, user_id: int) -> User:
    require(actor, REVIEW, USAGE_ALERTS)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("No such user")
    return user


@allow(REVIEW, USAGE_ALERTS)
@require_POST
def export_suspend(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = acting_user(request)
    user = _user_for(actor, user_id)
    control_services.suspend_exports(
        actor=actor, user=user, reason=request.POST.get("reason", "") or _("Suspended by hand.")
    )
    messages.success(request, _("Exports suspended for %(user)s.") % {"user": user.username})
    return redirect("web:usage_alerts")


@allow(REVIEW, USAGE_ALERTS)
@require_POST
def export_lift(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = acting_user(request)
    user = _user_for(actor, user_id)
    control_services.lift_suspension(actor=actor, user=user)
    messages.success(request, _("Exports allowed again for %(user)s.") % {"user": user.username})
    return redirect("web:usage_alerts")


# --- Notifications (each user's own) ----------------------------------------------------------


@allow(AUTHENTICATED)
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    context = {"notifications": list(notification_selectors.inbox(actor=actor))}
    return render(request, "web/notifications.html", context)


@allow(AUTHENTICATED)
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one's own notification read and follow its link (only to a page of this site)."""
    notification = mark_read(actor=acting_user(request), notification_id=notification_id)
    target = notification.link
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("web:notification_list")
