"""Writes of export control (issue 5): row limits per role, requests above them and their
approval, and suspensions of a user's export right. Each one audited in its transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.selectors import EXPORT, can, require
from clientbase.access.services import record_audit
from clientbase.accounts import selectors as account_selectors
from clientbase.accounts.selectors import AccountListQuery
from clientbase.exports.limits import (
    APPROVE,
    EXPORT_POLICY,
    EXPORT_REQUESTS,
    MANAGE,
    REVIEW,
    USAGE_ALERTS,
    check_not_suspended,
    limits_for,
    over_limit_message,
    rows_exported_today,
)
from clientbase.exports.models import (
    ExportPolicy,
    ExportRequest,
    ExportSuspension,
    RequestStatus,
)
from clientbase.notifications.services import notify

OBJECT_TYPE = "accounts"
MAX_REASON = 2000
MAX_LIMIT = 100_000_000


def update_policy(
    *,
    actor: User,
    role: str,
    max_rows_per_export: int | None,
    max_rows_per_day: int | None,
) -> ExportPolicy:
    """Set one role's row limits (None is unlimited). Admins only."""
    require(actor, MANAGE, EXPORT_POLICY)
    role = role.strip()
    if not role or len(role) > 40:
        raise ValidationError({"role": _("Name a role (at most 40 characters).")})
    for field, value in (
        ("max_rows_per_export", max_rows_per_export),
        ("max_rows_per_day", max_rows_per_day),
    ):
        if value is not None and not 0 <= value <= MAX_LIMIT:
            raise ValidationError(
                {
                    field: _("Enter a number of rows from 0 to %(max)d, or leave it empty.")
                    % {"max": MAX_LIMIT}
                }
            )
    with transaction.atomic():
        before = limits_for_role(role)
        policy, _created = ExportPolicy.objects.select_for_update().get_or_create(role=role)
        policy.max_rows_per_export = max_rows_per_export
        policy.max_rows_per_day = max_rows_per_day
        policy.updated_by = actor
        policy.updated_at = timezone.now()
        policy.save()
        record_audit(
            actor=actor,
            action="export.policy",
            obj=policy,
            changes={
                "role": role,
                "per_export": [before[0], max_rows_per_export],
                "per_day": [before[1], max_rows_per_day],
            },
        )
    return policy


def limits_for_role(role: str) -> tuple[int | None, int | None]:
    from clientbase.exports.limits import DEFAULT_LIMITS, FALLBACK_LIMITS

    policy = ExportPolicy.objects.filter(role=role).first()
    if policy is not None:
        return policy.max_rows_per_export, policy.max_rows_per_day
    return DEFAULT_LIMITS.get(role, FALLBACK_LIMITS)


def filter_of(query: AccountListQuery) -> dict[str, str]:
    saved = {"q": query.q, "status": query.status, "sort": query.sort}
    if query.spec:
        saved["spec"] = query.spec
    return saved


def file_export_request(
    *, actor: User, query: AccountListQuery, fmt: str, reason: str
) -> ExportRequest:
    """Ask a director to approve an export above `actor`'s limits: the list's filter, the
    rows it holds now and why. A second identical pending request returns the first."""
    require(actor, EXPORT, OBJECT_TYPE)
    check_not_suspended(actor)
    if fmt not in ("csv", "xlsx"):
        raise ValidationError({"fmt": _("Choose csv or xlsx.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need this export.")})
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": MAX_REASON}}
        )
    rows = account_selectors.account_export_source(actor=actor, query=query).rows.count()
    filter_ = filter_of(query)
    limits = limits_for(actor)
    today = rows_exported_today(actor)
    if over_limit_message(rows=rows, limits=limits, today=today) is None:
        raise ValidationError(
            _("This export is within your limits: download it without an approval.")
        )
    with transaction.atomic():
        pending = ExportRequest.objects.filter(
            requested_by=actor,
            object_type=OBJECT_TYPE,
            filter=filter_,
            fmt=fmt,
            status=RequestStatus.PENDING,
        ).first()
        if pending is not None:
            return pending
        request = ExportRequest.objects.create(
            requested_by=actor,
            object_type=OBJECT_TYPE,
            filter=filter_,
            fmt=fmt,
            estimated_rows=rows,
            reason=reason,
        )
        record_audit(
            actor=actor,
            action="export.request",
            obj=request,
            changes={
                "filter": filter_,
                "format": fmt,
                "rows": rows,
                "today": today,
                "per_export": limits.per_export,
                "per_day": limits.per_day,
                "reason": reason,
            },
        )
        link = reverse("web:export_requests")
        for approver in approvers():
            if approver.pk == actor.pk:
                continue
            with translation.override(approver.language or None):
                notify(
                    recipient=approver,
                    kind="export.request",
                    title=_("%(user)s asks to export %(rows)d rows")
                    % {"user": actor.get_username(), "rows": rows},
                    body=reason,
                    link=link,
                )
    return request


def approvers() -> list[User]:
    """Active users who may approve export requests (directors and admins by default)."""
    return [
        u
        for u in User.objects.filter(is_active=True).order_by("pk")
        if can(u, APPROVE, EXPORT_REQUESTS)
    ]


def decide_export_request(
    *, actor: User, request_id: int, approve: bool, note: str = ""
) -> ExportRequest:
    """Approve or reject a pending request; its requester is notified. Nobody decides their
    own request."""
    require(actor, APPROVE, EXPORT_REQUESTS)
    note = note.strip()[:MAX_REASON]
    with transaction.atomic():
        request = (
            ExportRequest.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            from django.http import Http404

            raise Http404("No such export request")
        if request.requested_by_id == actor.pk:
            raise ValidationError(_("You cannot decide your own export request."))
        if request.status != RequestStatus.PENDING:
            raise ValidationError(
                _("This request has already been decided (%(status)s).")
                % {"status": request.get_status_display()}
            )
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record_audit(
            actor=actor,
            action="export.approve" if approve else "export.reject",
            obj=request,
            changes={
                "requested_by": request.requested_by_id,
                "filter": request.filter,
                "format": request.fmt,
                "rows": request.estimated_rows,
                "note": note,
            },
        )
        requester = request.requested_by
        with translation.override(requester.language or None):
            if approve:
                title = _("Your export of %(rows)d rows is approved") % {
                    "rows": request.estimated_rows
                }
                body = _("You can run it once from your export requests.")
            else:
                title = _("Your export of %(rows)d rows was rejected") % {
                    "rows": request.estimated_rows
                }
                body = ""
            notify(
                recipient=requester,
                kind="export.approved" if approve else "export.rejected",
                title=title,
                body="\n".join(part for part in (body, note) if part),
                link=reverse("web:export_requests"),
            )
    return request


def suspend_exports(*, actor: User | None, user: User, reason: str) -> ExportSuspension | None:
    """Suspend `user`'s export right until it is lifted. `actor` None is the system (an
    anti-theft alert, already inside its transaction). Returns None if already suspended."""
    if actor is not None:
        require(actor, REVIEW, USAGE_ALERTS)
    with transaction.atomic():
        if ExportSuspension.objects.filter(user=user, lifted_at__isnull=True).exists():
            return None
        suspension = ExportSuspension.objects.create(
            user=user, reason=reason[:MAX_REASON], suspended_by=actor
        )
        record_audit(
            actor=actor,
            action="export.suspend",
            obj=suspension,
            changes={"user": user.pk, "reason": reason},
        )
    return suspension


def lift_suspension(*, actor: User, user: User) -> int:
    """Give `user` their export right back. Returns how many suspensions were lifted (0/1)."""
    require(actor, REVIEW, USAGE_ALERTS)
    with transaction.atomic():
        open_ = list(
            ExportSuspension.objects.select_for_update().filter(user=user, lifted_at__isnull=True)
        )
        for suspension in open_:
            suspension.lifted_at = timezone.now()
            suspension.lifted_by = actor
            suspension.save(update_fields=["lifted_at", "lifted_by"])
            record_audit(
                actor=actor, action="export.lift", obj=suspension, changes={"user": user.pk}
            )
    return len(open_)
