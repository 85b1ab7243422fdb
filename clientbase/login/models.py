"""Signing in: brute-force throttles, second factors, recovery codes and API tokens.

Nothing here holds a secret in the clear: recovery codes and API tokens are stored as SHA-256
digests (they are long random strings, so a fast digest is enough); the TOTP seed must be
readable to check a code, so it is the one exception.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """Failed sign-ins counted against one key: `user:<typed username, folded>` or `ip:<address>`.

    The key never says whether the username exists: unknown names are throttled exactly like
    real ones. `lockouts` counts how often the key was locked, and each lock lasts twice as long
    as the one before (up to LOGIN_LOCKOUT_MAX_SECONDS).
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    failures = models.PositiveIntegerField(_("failures since the last lock"), default=0)
    lockouts = models.PositiveIntegerField(_("locks so far"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")

    def __str__(self) -> str:
        return self.key


class TwoFactor(models.Model):
    """A user's TOTP authenticator; `confirmed_at` is set once a first code proved the set-up."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor"
    )
    secret = models.CharField(_("secret"), max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The last 30-second step accepted: a code is good once, never replayed.
    last_step = models.BigIntegerField(_("last accepted step"), default=0)

    class Meta:
        verbose_name = _("two-factor authenticator")

    def __str__(self) -> str:
        return f"2fa:{self.user_id}"


class RecoveryCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(_("digest"), max_length=64)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        indexes = [models.Index(fields=["user", "digest"], name="login_recovery_user_idx")]

    def __str__(self) -> str:
        return f"recovery:{self.user_id}"


class ApiToken(models.Model):
    """A personal API token. Only its digest is kept; the token is shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API token")
        indexes = [models.Index(fields=["user", "revoked_at"], name="login_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
