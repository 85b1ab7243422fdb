"""The second sign-in step, forced enrolment, and each user's own two-factor settings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from clientbase.access.models import User
from clientbase.login import two_factor_services as tf
from clientbase.login.selectors import has_two_factor, locked_until, two_factor_required
from clientbase.login.services import record_second_factor_failure
from clientbase.web.auth import member_required
from clientbase.web.signin import (
    LOCKED,
    PENDING,
    client_ip,
    complete_login,
    finish_login,
    pending_user,
    safe_next,
)
from clientbase.web.views import acting_user


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _back_to_login(request: HttpRequest, message: str | None = None) -> HttpResponseBase:
    request.session.pop(PENDING, None)
    if message:
        messages.error(request, message)
    return redirect("web:login")


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponseBase:
    """Step two: a code from the authenticator app, or one recovery code."""
    pending = pending_user(request)
    if pending is None or not has_two_factor(pending[0]):
        return _back_to_login(request)
    user, next_url = pending
    ip = client_ip(request)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if locked_until(username=user.username, ip=ip) is not None:
            return _back_to_login(request, str(LOCKED))
        how = tf.check_code(user=user, code=form.cleaned_data["code"])
        if how is not None:
            return finish_login(request, user, next_url, two_factor=True)
        record_second_factor_failure(user=user, ip=ip)
        error = _("That code is not right, or it was already used. Try the next one.")
    return render(request, "web/login_verify.html", {"form": form, "error": error})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponseBase:
    """Forced enrolment: the user's role demands a second factor and they have none yet."""
    pending = pending_user(request)
    if pending is None or has_two_factor(pending[0]) or not two_factor_required(pending[0]):
        return _back_to_login(request)
    user, next_url = pending
    ip = client_ip(request)
    two_factor = tf.begin_enrolment(actor=user)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if locked_until(username=user.username, ip=ip) is not None:
            return _back_to_login(request, str(LOCKED))
        try:
            codes = tf.confirm_enrolment(actor=user, code=form.cleaned_data["code"])
        except ValidationError as problem:
            record_second_factor_failure(user=user, ip=ip)
            error = " ".join(problem.messages)
        else:
            complete_login(request, user, two_factor=True)
            return render(
                request,
                "web/login_enrol.html",
                {"codes": codes, "continue_url": safe_next(request, next_url)},
            )
    return render(
        request,
        "web/login_enrol.html",
        {
            "form": form,
            "error": error,
            "qr": tf.qr_data_uri(two_factor),
            "secret": two_factor.secret,
        },
    )


@member_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on or off, and print new recovery codes."""
    actor = acting_user(request)
    form = CodeForm(request.POST or None)
    context: dict[str, object] = {"form": form, "required": two_factor_required(actor)}
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if action == "confirm":
                context["codes"] = tf.confirm_enrolment(actor=actor, code=code)
            elif action in {"disable", "regenerate"}:
                if tf.check_code(user=actor, code=code) is None:
                    raise ValidationError(_("That code is not right, or it was already used."))
                if action == "disable":
                    tf.disable_two_factor(actor=actor, user=actor)
                    messages.success(request, _("Two-factor sign-in is off."))
                    return render_settings(request, actor, {"form": CodeForm()})
                context["codes"] = tf.regenerate_recovery_codes(actor=actor)
        except ValidationError as problem:
            context["error"] = " ".join(problem.messages)
    return render_settings(request, actor, context)


def render_settings(request: HttpRequest, actor: User, context: dict[str, object]) -> HttpResponse:
    enabled = has_two_factor(actor)
    context.setdefault("required", two_factor_required(actor))
    context["enabled"] = enabled
    if enabled:
        context["codes_left"] = tf.recovery_codes_left(actor)
    else:
        two_factor = tf.begin_enrolment(actor=actor)
        context["qr"] = tf.qr_data_uri(two_factor)
        context["secret"] = two_factor.secret
    return render(request, "web/two_factor.html", context)
