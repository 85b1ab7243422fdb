"""Export control (issue 5): who may export right now, and how many rows.

The one check point every export channel passes (the web button, the API, the background task
when it runs, the download of a finished file):

- the export right, asked of `clientbase.access.selectors.can` (the roles own it);
- no open suspension of the user's exports (set by an anti-theft alert or by hand);
- the role's row limits, per export and per day (ExportPolicy, keyed by User.role);
- above a limit, an approved ExportRequest for exactly this export, used once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import Role, User
from clientbase.access.selectors import EXPORT, can
from clientbase.exports.models import (
    Export,
    ExportPolicy,
    ExportRequest,
    ExportStatus,
    ExportSuspension,
    RequestStatus,
)

# Rights of export control, asked of `can` like every right (granted in access.selectors).
APPROVE = "approve"
EXPORT_REQUESTS = "export_requests"  # approve or reject requests above the limits
REVIEW = "review"
USAGE_ALERTS = "usage_alerts"  # see anti-theft alerts, suspend and lift export rights
MANAGE = "manage"
EXPORT_POLICY = "export_policy"  # edit row limits and alert settings

# (rows per export, rows per day); None is unlimited. Admins change them on the policy page.
DEFAULT_LIMITS: dict[str, tuple[int | None, int | None]] = {
    Role.ADMIN: (None, None),
    Role.DIRECTOR: (None, None),
    Role.ANALYST: (5000, 20000),
    Role.TEAM_LEAD: (2000, 10000),
    Role.MARKETING: (2000, 10000),
    Role.REP: (500, 2000),
    Role.ACCOUNT_MANAGER: (500, 2000),
    Role.SERVICE: (500, 2000),
    Role.AUDITOR: (500, 2000),
}
# A role administrators define later starts as strict as a rep.
FALLBACK_LIMITS: tuple[int | None, int | None] = (500, 2000)


@dataclass(frozen=True)
class Limits:
    role: str
    per_export: int | None
    per_day: int | None


class ExportSuspended(PermissionDenied):
    """The user's export right is suspended until a director or admin lifts it."""


class ExportLimitExceeded(PermissionDenied):
    """More rows than the role may export without an approval. Carries the numbers so the page
    can offer an approval request."""

    def __init__(self, message: str, *, rows: int, limits: Limits, today: int) -> None:
        super().__init__(message)
        self.rows = rows
        self.limits = limits
        self.today = today


def role_key(user: User) -> str:
    return str(Role.ADMIN) if user.is_superuser else str(user.role)


def limits_for(user: User) -> Limits:
    """The row limits of `user`'s role: its ExportPolicy row, else the defaults."""
    role = role_key(user)
    policy = ExportPolicy.objects.filter(role=role).first()
    if policy is not None:
        return Limits(role, policy.max_rows_per_export, policy.max_rows_per_day)
    per_export, per_day = DEFAULT_LIMITS.get(role, FALLBACK_LIMITS)
    return Limits(role, per_export, per_day)


def all_limits() -> list[Limits]:
    """Every known role's limits, for the policy page: built-in roles, then any others."""
    saved = {p.role: p for p in ExportPolicy.objects.all()}
    roles = list(Role.values) + sorted(set(saved) - set(Role.values))
    result = []
    for role in roles:
        if role in saved:
            result.append(
                Limits(role, saved[role].max_rows_per_export, saved[role].max_rows_per_day)
            )
        else:
            per_export, per_day = DEFAULT_LIMITS.get(role, FALLBACK_LIMITS)
            result.append(Limits(role, per_export, per_day))
    return result


def today() -> date:
    """The day that limits and usage counters count in: the UTC day, the same for the web
    (where the user's own zone is active), the API and the worker."""
    return timezone.now().astimezone(UTC).date()


def start_of_today() -> datetime:
    return datetime.combine(today(), time.min, tzinfo=UTC)


def rows_exported_today(user: User, *, exclude_export_id: int | None = None) -> int:
    """Rows `user` exported since midnight: finished exports' rows, and the expected rows of
    those still queued or running (so two big requests in a row cannot both slip through)."""
    exports = Export.objects.filter(created_by=user, created_at__gte=start_of_today()).exclude(
        status=ExportStatus.FAILED
    )
    if exclude_export_id is not None:
        exports = exports.exclude(pk=exclude_export_id)
    total = exports.aggregate(
        rows=Sum(
            Case(
                When(
                    status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], then=F("progress_total")
                ),
                default=F("row_count"),
            )
        )
    )["rows"]
    return int(total or 0)


def is_suspended(user: User) -> bool:
    return ExportSuspension.objects.filter(user=user, lifted_at__isnull=True).exists()


def may_export(user: object, object_type: str = "accounts") -> bool:
    """The export right, and no open suspension: what the export buttons show by."""
    return can(user, EXPORT, object_type) and isinstance(user, User) and not is_suspended(user)


def check_not_suspended(user: User) -> None:
    if is_suspended(user):
        raise ExportSuspended(
            _(
                "Your export right is suspended after unusual activity. A director or an "
                "administrator can lift the suspension."
            )
        )


def approvals_valid_since() -> datetime:
    """Approvals decided before this moment have expired (settings.EXPORT_APPROVAL_VALID_HOURS)."""
    return timezone.now() - timedelta(hours=int(settings.EXPORT_APPROVAL_VALID_HOURS))


def matching_approval(
    *, actor: User, object_type: str, filter_: dict[str, str], fmt: str, rows: int
) -> ExportRequest | None:
    """An approved, unused, unexpired request of `actor` for exactly this export, covering
    `rows`."""
    return (
        ExportRequest.objects.filter(
            requested_by=actor,
            object_type=object_type,
            filter=filter_,
            fmt=fmt,
            status=RequestStatus.APPROVED,
            decided_at__gte=approvals_valid_since(),
            estimated_rows__gte=rows,
        )
        .order_by("id")
        .first()
    )


def over_limit_message(*, rows: int, limits: Limits, today: int) -> str | None:
    """Why `rows` more rows are over the limits, or None when they are within them."""
    if limits.per_export is not None and rows > limits.per_export:
        return _(
            "This export has %(rows)d rows; your role may export %(limit)d rows at a time. "
            "Ask a director to approve it."
        ) % {"rows": rows, "limit": limits.per_export}
    if limits.per_day is not None and today + rows > limits.per_day:
        return _(
            "This export has %(rows)d rows and you have exported %(today)d today; your role may "
            "export %(limit)d rows a day. Ask a director to approve it."
        ) % {"rows": rows, "today": today, "limit": limits.per_day}
    return None


def clear_export(
    *,
    actor: User,
    object_type: str,
    filter_: dict[str, str],
    fmt: str,
    rows: int | Callable[[], int],
    exclude_export_id: int | None = None,
) -> ExportRequest | None:
    """Check `rows` (or, lazily, its count: an unlimited role never counts) against `actor`'s
    limits. Within them: None. Above them: the approved request that covers exactly this
    export (the caller marks it used in the transaction that writes the Export), else
    ExportLimitExceeded."""
    check_not_suspended(actor)
    limits = limits_for(actor)
    if limits.per_export is None and limits.per_day is None:
        return None
    if callable(rows):
        rows = rows()
    today = rows_exported_today(actor, exclude_export_id=exclude_export_id)
    message = over_limit_message(rows=rows, limits=limits, today=today)
    if message is None:
        return None
    approval = matching_approval(
        actor=actor, object_type=object_type, filter_=filter_, fmt=fmt, rows=rows
    )
    if approval is None:
        raise ExportLimitExceeded(message, rows=rows, limits=limits, today=today)
    return approval


def use_approval(*, approval: ExportRequest, export: Export) -> None:
    """Mark `approval` used by `export`; call inside the transaction that saves `export`. A
    second use of the same approval (two tabs, a replayed request) is refused."""
    used = ExportRequest.objects.filter(pk=approval.pk, status=RequestStatus.APPROVED).update(
        status=RequestStatus.USED, used_at=timezone.now(), export=export
    )
    if not used:
        raise ExportLimitExceeded(
            _("This approval has already been used: file a new request."),
            rows=export.progress_total or export.row_count,
            limits=limits_for(approval.requested_by),
            today=0,
        )
