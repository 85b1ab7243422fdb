"""Sign-in events: failures counted against lock keys with backoff, successes, unlocking.

Every attempt is audited through record_audit: `login` for a success, `login.failed` for a
refusal. The attempted password is never stored; a typed username that names nobody is kept
only as the text typed (object_id stays empty).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientbase.access.models import User
from clientbase.access.selectors import MANAGE, USERS, require
from clientbase.access.services import record_audit
from clientbase.login.models import LoginThrottle
from clientbase.login.selectors import MAX_USERNAME, ip_key, username_key


class FailureReason:
    CREDENTIALS = "credentials"  # wrong password, unknown or deactivated user: one answer
    LOCKED = "locked"  # refused before the password was looked at
    SECOND_FACTOR = "second_factor"  # a wrong or replayed TOTP / recovery code


def lock_seconds(lockouts: int) -> int:
    """The length of the (lockouts+1)-th lock: BASE, 2×BASE, 4×BASE… up to MAX."""
    base = settings.LOGIN_LOCKOUT_BASE_SECONDS
    return int(min(base * 2 ** min(lockouts, 32), settings.LOGIN_LOCKOUT_MAX_SECONDS))


def _count_failure(key: str, threshold: int, now: dt.datetime) -> LoginThrottle:
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
    if row.locked_until is not None and row.locked_until > now:
        return row  # attempts during a lock are refused unread and do not lengthen it
    quiet = (now - row.last_failure_at).total_seconds() if row.last_failure_at else None
    if quiet is not None and quiet > settings.LOGIN_FAILURE_WINDOW_SECONDS:
        row.failures = 0
    if quiet is not None and quiet > settings.LOGIN_LOCKOUT_MAX_SECONDS:
        row.lockouts = 0  # a long quiet spell forgives earlier locks
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= threshold:
        row.locked_until = now + dt.timedelta(seconds=lock_seconds(row.lockouts))
        row.lockouts += 1
        row.failures = 0
    row.save()
    return row


def record_login_failure(
    *, username: str, ip: str, reason: str, user: User | None = None, count: bool = True
) -> None:
    """Audit a refused attempt and (unless it was refused by a lock) count it for both keys."""
    typed = username[:MAX_USERNAME]
    now = timezone.now()
    with transaction.atomic():
        if count:
            _count_failure(username_key(typed), settings.LOGIN_LOCKOUT_USERNAME_FAILURES, now)
            _count_failure(ip_key(ip), settings.LOGIN_LOCKOUT_IP_FAILURES, now)
        record_audit(
            actor=None,
            action="login.failed",
            object_type="access.user",
            object_id=str(user.pk) if user is not None else "",
            changes={"username": typed, "ip": ip, "reason": reason},
        )


def record_second_factor_failure(*, user: User, ip: str) -> None:
    """A wrong code after a right password: counted against the user and the address."""
    now = timezone.now()
    with transaction.atomic():
        _count_failure(username_key(user.username), settings.LOGIN_LOCKOUT_USERNAME_FAILURES, now)
        _count_failure(ip_key(ip), settings.LOGIN_LOCKOUT_IP_FAILURES, now)
        record_audit(
            actor=None,
            action="login.failed",
            obj=user,
            changes={
                "username": user.username,
                "ip": ip,
                "reason": FailureReason.SECOND_FACTOR,
            },
        )


def record_login(*, user: User, ip: str, two_factor: bool) -> None:
    """A completed sign-in: the username's failures are forgotten (the address's are not)."""
    with transaction.atomic():
        LoginThrottle.objects.filter(key=username_key(user.username)).delete()
        record_audit(
            actor=user,
            action="login",
            obj=user,
            changes={"ip": ip, "two_factor": two_factor},
        )


def record_logout(*, user: User, ip: str) -> None:
    with transaction.atomic():
        record_audit(actor=user, action="logout", obj=user, changes={"ip": ip})


def unlock(*, actor: User, key: str) -> int:
    """Lift the lock on one key (`user:<name>` or `ip:<address>`); returns rows removed."""
    require(actor, MANAGE, USERS)
    with transaction.atomic():
        removed, _kinds = LoginThrottle.objects.filter(key=key).delete()
        record_audit(
            actor=actor,
            action="login.unlock",
            object_type="login.loginthrottle",
            object_id=key[:40],
            changes={"key": key, "removed": removed},
        )
    return removed


def unlock_user(*, actor: User, user: User) -> int:
    return unlock(actor=actor, key=username_key(user.username))
