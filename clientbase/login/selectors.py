"""Reads about signing in: lock state, second-factor state, a user's own tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from clientbase.access.models import User
from clientbase.access.selectors import MANAGE, USERS, require
from clientbase.login.models import ApiToken, LoginThrottle, TwoFactor

MAX_USERNAME = 150  # Django's username length; longer input is cut, never stored whole


def username_key(username: str) -> str:
    """The throttle key of a typed username, whether or not such a user exists."""
    return "user:" + username.strip().casefold()[:MAX_USERNAME]


def ip_key(ip: str) -> str:
    return "ip:" + ip[:100]


def locked_until(*, username: str, ip: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the later of the username's and the address's locks ends; None when neither holds."""
    now = now or timezone.now()
    ends = [
        end
        for end in LoginThrottle.objects.filter(
            key__in=[username_key(username), ip_key(ip)], locked_until__gt=now
        ).values_list("locked_until", flat=True)
        if end is not None
    ]
    return max(ends, default=None)


def active_locks(*, actor: User) -> QuerySet[LoginThrottle]:
    """Keys locked right now, for the administrator who may lift them."""
    require(actor, MANAGE, USERS)
    return LoginThrottle.objects.filter(locked_until__gt=timezone.now()).order_by("key")


def two_factor_of(user: User) -> TwoFactor | None:
    return TwoFactor.objects.filter(user=user).first()


def has_two_factor(user: User) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def two_factor_required(user: User) -> bool:
    """Whether the user's role (by its key) makes the second factor mandatory."""
    return user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def own_tokens(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("revoked_at", "-created_at")


# The session key of a sign-in whose password was right and whose second factor is still due.
PENDING_SESSION_KEY = "login.pending"
