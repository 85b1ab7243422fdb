"""Signing in: password, then (when the user has one, or their role demands one) a second factor.

The password step answers the same for a real and an unknown username: same status, same page,
one password hash computed either way (Django's ModelBackend hashes the attempt for an unknown
user too), and a lock keyed by the typed name, so a name that exists locks like one that does
not. A locked key is refused before any password is looked at — for real and unknown alike.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from clientbase.access.models import User
from clientbase.login import services
from clientbase.login.selectors import (
    MAX_USERNAME,
    PENDING_SESSION_KEY,
    has_two_factor,
    locked_until,
)
from clientbase.login.selectors import two_factor_required as role_requires_two_factor

PENDING = PENDING_SESSION_KEY
PENDING_SECONDS = 300

INVALID = _("That username and password do not match an active account. Please try again.")
LOCKED = _(
    "Too many failed attempts. Signing in is paused for a while: try again later, "
    "or ask an administrator to lift the lock."
)


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=MAX_USERNAME,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def client_ip(request: HttpRequest) -> str:
    header = settings.LOGIN_CLIENT_IP_HEADER
    raw = request.META.get(header, "") if header else ""
    value = str(raw or request.META.get("REMOTE_ADDR", "") or "unknown")
    return value.split(",")[0].strip()[:100]


def safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _page(request: HttpRequest, form: LoginForm, next_url: str, error: Any = None) -> HttpResponse:
    return render(request, "web/login.html", {"form": form, "next": next_url, "error": error})


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponseBase:
    next_url = str(request.POST.get("next") or request.GET.get("next") or "")
    if request.user.is_authenticated:
        return HttpResponseRedirect(safe_next(request, next_url))
    if request.method != "POST":
        return _page(request, LoginForm(), next_url)
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _page(request, form, next_url)
    username = str(form.cleaned_data["username"])
    ip = client_ip(request)
    if locked_until(username=username, ip=ip) is not None:
        services.record_login_failure(
            username=username,
            ip=ip,
            reason=services.FailureReason.LOCKED,
            user=User.objects.filter(username=username).first(),
            count=False,
        )
        return _page(request, form, next_url, LOCKED)
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if not isinstance(user, User):
        services.record_login_failure(
            username=username,
            ip=ip,
            reason=services.FailureReason.CREDENTIALS,
            user=User.objects.filter(username=username).first(),
        )
        return _page(request, form, next_url, INVALID)
    needs_code = has_two_factor(user)
    if needs_code or role_requires_two_factor(user):
        request.session.cycle_key()
        request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}
        return redirect("web:login_verify" if needs_code else "web:login_enrol")
    return finish_login(request, user, next_url, two_factor=False)


def complete_login(request: HttpRequest, user: User, *, two_factor: bool) -> None:
    request.session.pop(PENDING, None)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    services.record_login(user=user, ip=client_ip(request), two_factor=two_factor)


def finish_login(
    request: HttpRequest, user: User, next_url: str, *, two_factor: bool
) -> HttpResponseRedirect:
    complete_login(request, user, two_factor=two_factor)
    return HttpResponseRedirect(safe_next(request, next_url))


def pending_user(request: HttpRequest) -> tuple[User, str] | None:
    """The user whose password was right a moment ago, and where they were going."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user_id = pending.get("user")
    user = (
        User.objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int)
        else None
    )
    if user is None:
        request.session.pop(PENDING, None)
        return None
    return user, str(pending.get("next", ""))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseRedirect:
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        services.record_logout(user=user, ip=client_ip(request))
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
