"""Counting each user's daily usage, and alerting directors when a day is far beyond the usual.

`count_usage` is called on every counted request (a record page, an API read) and for every
export's rows: one UPDATE ... RETURNING on the day's row in the common case. The day's row
carries its alert threshold, computed once when the row is created (from the user's usual day
over the last `baseline_days` days and the alert settings), so the hot path reads no history.
"""

from __future__ import annotations

import logging
import math
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.selectors import require
from clientbase.access.services import record_audit
from clientbase.exports.control_services import suspend_exports
from clientbase.exports.limits import EXPORT_POLICY, MANAGE, limits_for, today
from clientbase.notifications.services import notify
from clientbase.usage.models import AlertSettings, UsageAlert, UsageDay, UsageKind
from clientbase.usage.selectors import alert_reviewers, alert_settings

log = logging.getLogger(__name__)


def usual_day(*, user: User, kind: str, day: date, days: int) -> float:
    """The mean count of `user`'s active days of `kind` in the `days` days before `day`."""
    mean = UsageDay.objects.filter(
        user=user, kind=kind, day__lt=day, day__gte=day - timedelta(days=days), count__gt=0
    ).aggregate(mean=Avg("count"))["mean"]
    return float(mean or 0)


def threshold_for(*, user: User, kind: str, baseline: float, config: AlertSettings) -> int:
    """The day's count that raises an alert: `multiplier` × the usual day, never below the
    kind's floor; for exported rows also the share of the role's daily limit, if lower."""
    floors: dict[str, int] = {
        UsageKind.VIEWS: config.views_floor,
        UsageKind.API_READS: config.api_floor,
        UsageKind.EXPORT_ROWS: config.export_rows_floor,
    }
    floor = floors.get(kind, config.views_floor)
    threshold = max(floor, math.ceil(config.multiplier * baseline))
    if kind == UsageKind.EXPORT_ROWS:
        per_day = limits_for(user).per_day
        if per_day is not None:
            threshold = min(
                threshold, max(1, math.ceil(per_day * config.export_limit_percent / 100))
            )
    return int(threshold)


def _increment(user_id: int, kind: str, day: date, amount: int) -> tuple[int, int, bool] | None:
    table = connection.ops.quote_name(UsageDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = count + %s "  # noqa: S608 - the table name is ours
            "WHERE user_id = %s AND kind = %s AND day = %s RETURNING count, threshold, alerted",
            [amount, user_id, kind, day],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return int(row[0]), int(row[1]), bool(row[2])


def count_usage(*, user: User, kind: str, amount: int = 1) -> UsageAlert | None:
    """Add `amount` to `user`'s count of `kind` today; raise an alert (once a day per kind)
    when the count reaches the day's threshold. Returns the alert raised, if any."""
    if amount <= 0 or not user.pk:
        return None
    day = today()
    with transaction.atomic():
        row = _increment(user.pk, kind, day, amount)
        if row is None:
            config = alert_settings()
            baseline = usual_day(user=user, kind=kind, day=day, days=config.baseline_days)
            threshold = threshold_for(user=user, kind=kind, baseline=baseline, config=config)
            try:
                with transaction.atomic():
                    UsageDay.objects.create(
                        user=user,
                        day=day,
                        kind=kind,
                        count=amount,
                        baseline=baseline,
                        threshold=threshold,
                    )
                row = (amount, threshold, False)
            except IntegrityError:  # another request created it a moment ago
                row = _increment(user.pk, kind, day, amount)
                if row is None:
                    raise
        count, threshold, alerted = row
        if alerted or count < threshold:
            return None
        return _raise_alert(user=user, kind=kind, day=day, count=count)


def _raise_alert(*, user: User, kind: str, day: date, count: int) -> UsageAlert | None:
    claimed = UsageDay.objects.filter(user=user, kind=kind, day=day, alerted=False).update(
        alerted=True
    )
    if not claimed:
        return None
    usage = UsageDay.objects.get(user=user, kind=kind, day=day)
    config = alert_settings()
    alert = UsageAlert.objects.create(
        user=user,
        day=day,
        kind=kind,
        count=count,
        baseline=usage.baseline,
        threshold=usage.threshold,
        suspended=config.suspend_exports,
    )
    if config.suspend_exports:
        suspend_exports(
            actor=None,
            user=user,
            reason=_("Automatically, with alert #%(id)d.") % {"id": alert.pk},
        )
    record_audit(
        actor=user,
        action="usage.alert",
        obj=alert,
        changes={
            "user": user.pk,
            "kind": kind,
            "count": count,
            "usual_day": round(usage.baseline, 1),
            "threshold": usage.threshold,
            "suspended": config.suspend_exports,
        },
    )
    # Whoever is alerted about, a director included, is not among those told.
    reviewers = [r for r in alert_reviewers() if r.pk != user.pk]
    link = reverse("web:usage_alerts")
    for reviewer in reviewers:
        with translation.override(reviewer.language or None):
            notify(
                recipient=reviewer,
                kind="usage.alert",
                title=alert_title(alert),
                body=alert_body(alert),
                link=link,
            )
    alert_id = alert.pk
    transaction.on_commit(lambda: _send_alert_mails(alert_id, reviewers))
    return alert


def alert_title(alert: UsageAlert) -> str:
    return _("Unusual activity: %(user)s") % {"user": alert.user.get_username()}


def alert_body(alert: UsageAlert) -> str:
    text = _(
        "%(user)s reached %(count)d %(kind)s today; their usual day is %(usual)s "
        "(alert threshold %(threshold)d)."
    ) % {
        "user": alert.user.get_username(),
        "count": alert.count,
        "kind": UsageKind(alert.kind).label,
        "usual": f"{alert.baseline:.0f}",
        "threshold": alert.threshold,
    }
    if alert.suspended:
        text += " " + _("Their export right has been suspended until someone lifts it.")
    return text


def _send_alert_mails(alert_id: int, reviewers: list[User]) -> None:
    """E-mail every reviewer with an address, each in their own language. A mail server that
    is down must not undo the alert: the in-app notification is already there."""
    alert = UsageAlert.objects.select_related("user").get(pk=alert_id)
    for reviewer in reviewers:
        if not reviewer.email:
            continue
        with translation.override(reviewer.language or None):
            try:
                send_mail(
                    subject=alert_title(alert),
                    message=alert_body(alert),
                    from_email=None,
                    recipient_list=[reviewer.email],
                )
            except OSError:
                log.exception("the alert e-mail to %s was not sent", reviewer.email)


def update_alert_settings(
    *,
    actor: User,
    multiplier: int,
    views_floor: int,
    api_floor: int,
    export_rows_floor: int,
    export_limit_percent: int,
    baseline_days: int,
    suspend_exports_on_alert: bool,
) -> AlertSettings:
    """Change when alerts are raised. Today's thresholds are recomputed at once."""
    require(actor, MANAGE, EXPORT_POLICY)
    with transaction.atomic():
        config = AlertSettings.objects.select_for_update().filter(pk=1).first() or AlertSettings(
            pk=1
        )
        before = _settings_dict(config)
        config.multiplier = multiplier
        config.views_floor = views_floor
        config.api_floor = api_floor
        config.export_rows_floor = export_rows_floor
        config.export_limit_percent = export_limit_percent
        config.baseline_days = baseline_days
        config.suspend_exports = suspend_exports_on_alert
        config.updated_by = actor
        config.updated_at = timezone.now()
        config.full_clean(exclude=["updated_by"])
        config.save()
        after = _settings_dict(config)
        record_audit(
            actor=actor,
            action="usage.settings",
            obj=config,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
        for usage in UsageDay.objects.filter(day=today()).select_related("user"):
            usage.threshold = threshold_for(
                user=usage.user, kind=usage.kind, baseline=usage.baseline, config=config
            )
            usage.save(update_fields=["threshold"])
    return config


def _settings_dict(config: AlertSettings) -> dict[str, object]:
    return {
        "multiplier": config.multiplier,
        "views_floor": config.views_floor,
        "api_floor": config.api_floor,
        "export_rows_floor": config.export_rows_floor,
        "export_limit_percent": config.export_limit_percent,
        "baseline_days": config.baseline_days,
        "suspend_exports": config.suspend_exports,
    }
