"""TOTP second factor: enrol (with a QR code drawn here), check a code, recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.selectors import MANAGE, USERS, can
from clientbase.access.services import record_audit
from clientbase.login.models import RecoveryCode, TwoFactor
from clientbase.login.selectors import two_factor_required

ISSUER = "clientbase"
STEP = 30
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are read off paper


def _digest(code: str) -> str:
    normal = "".join(ch for ch in code.casefold() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


def provisioning_uri(two_factor: TwoFactor) -> str:
    return pyotp.TOTP(two_factor.secret).provisioning_uri(
        name=two_factor.user.username, issuer_name=ISSUER
    )


def qr_data_uri(two_factor: TwoFactor) -> str:
    """The enrolment QR code as an SVG data URI, drawn locally (no third-party service)."""
    return str(
        segno.make(provisioning_uri(two_factor), error="m").svg_data_uri(scale=5, light="#fff")
    )


def begin_enrolment(*, actor: User) -> TwoFactor:
    """A fresh, unconfirmed secret for `actor` (kept until a first code confirms it)."""
    with transaction.atomic():
        current = TwoFactor.objects.select_for_update().filter(user=actor).first()
        if current is not None and current.confirmed_at is not None:
            raise ValidationError(_("Two-factor sign-in is already on."))
        if current is None:
            current = TwoFactor.objects.create(user=actor, secret=pyotp.random_base32())
    return current


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """The 30-second step (now ±1) whose code is `code`, if newer than `after`."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // STEP
    for step in (now_step - 1, now_step, now_step + 1):
        if step > after and hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def confirm_enrolment(*, actor: User, code: str) -> list[str]:
    """Turn two-factor on once `code` proves the authenticator works; returns recovery codes
    (shown once: only their digests are kept)."""
    with transaction.atomic():
        two_factor = TwoFactor.objects.select_for_update().filter(user=actor).first()
        if two_factor is None or two_factor.confirmed_at is not None:
            raise ValidationError(_("Start the set-up again: there is nothing to confirm."))
        step = _matching_step(two_factor.secret, code, after=0)
        if step is None:
            raise ValidationError(
                _("That code is not right. Check the time on your phone and try the next code.")
            )
        two_factor.confirmed_at = timezone.now()
        two_factor.last_step = step
        two_factor.save(update_fields=["confirmed_at", "last_step"])
        codes = _new_recovery_codes(actor)
        record_audit(actor=actor, action="two_factor.enable", obj=actor)
    return codes


def check_code(*, user: User, code: str) -> str | None:
    """'totp' or 'recovery' when `code` lets `user` in (each code works once), else None."""
    with transaction.atomic():
        two_factor = (
            TwoFactor.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if two_factor is None:
            return None
        step = _matching_step(two_factor.secret, code, after=two_factor.last_step)
        if step is not None:
            two_factor.last_step = step
            two_factor.save(update_fields=["last_step"])
            return "totp"
        recovery = (
            RecoveryCode.objects.select_for_update()
            .filter(user=user, digest=_digest(code), used_at__isnull=True)
            .first()
        )
        if recovery is None:
            return None
        recovery.used_at = timezone.now()
        recovery.save(update_fields=["used_at"])
        left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        record_audit(
            actor=user, action="two_factor.recovery_used", obj=user, changes={"left": left}
        )
        return "recovery"


def regenerate_recovery_codes(*, actor: User) -> list[str]:
    with transaction.atomic():
        if not TwoFactor.objects.filter(user=actor, confirmed_at__isnull=False).exists():
            raise ValidationError(_("Turn two-factor sign-in on first."))
        codes = _new_recovery_codes(actor)
        record_audit(actor=actor, action="two_factor.recovery_codes", obj=actor)
    return codes


def disable_two_factor(*, actor: User, user: User) -> None:
    """Turn it off: the user themselves (unless their role demands it), or an administrator
    (a lost phone); a user of such a role enrols again at the next sign-in."""
    managing = actor.pk != user.pk
    if managing and not can(actor, MANAGE, USERS):
        raise PermissionDenied(_("You may not change another user's sign-in."))
    if not managing and two_factor_required(user):
        raise ValidationError(_("Your role requires two-factor sign-in; it cannot be turned off."))
    with transaction.atomic():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        record_audit(actor=actor, action="two_factor.disable", obj=user)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
