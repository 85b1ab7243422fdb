"""Personal API tokens: made (shown once), used, revoked. Only a SHA-256 digest is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.services import record_audit
from clientbase.login.models import ApiToken

TOKEN_PREFIX = "cb_"  # noqa: S105 - a label in front of every token, not a secret
MAX_ACTIVE_TOKENS = 20
LAST_USED_EVERY = dt.timedelta(seconds=60)  # last_used_at is refreshed at most this often


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`; the second value is the token itself, never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that uses it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    if not actor.is_active:
        raise ValidationError(_("A deactivated user cannot make tokens."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You have %(n)d active tokens; revoke one first.") % {"n": active}
            )
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=raw[:10], digest=digest_of(raw)
        )
        record_audit(actor=actor, action="api_token.create", obj=token, changes={"name": name})
    return token, raw


def revoke_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of `actor`'s own tokens (another user's token is not found)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise Http404
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            record_audit(
                actor=actor, action="api_token.revoke", obj=token, changes={"name": token.name}
            )
    return token


def revoke_all_tokens(*, actor: User | None, user: User) -> int:
    """Revoke every live token of `user` (offboarding); one audit row per token."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        record_audit(
            actor=actor, action="api_token.revoke", obj=token, changes={"name": token.name}
        )
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=now, revoked_by=actor)
    return len(tokens)


def user_for_token(raw: str) -> User | None:
    """The active user a live token belongs to, or None; notes when it was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
