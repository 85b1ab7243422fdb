"""People management for administrators and sales directors: sign-in locks and offboarding."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientbase.access.models import User
from clientbase.access.selectors import MANAGE, USERS, require
from clientbase.login.models import TwoFactor
from clientbase.login.offboarding import Rule, offboard_user, plan_offboarding
from clientbase.login.selectors import active_locks, username_key
from clientbase.login.services import unlock
from clientbase.login.two_factor_services import disable_two_factor
from clientbase.web.auth import member_required
from clientbase.web.views import acting_user


@member_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    require(actor, MANAGE, USERS)
    locks = list(active_locks(actor=actor))
    locked = {lock.key for lock in locks}
    people = list(
        User.objects.select_related("team")
        .annotate(
            has_two_factor=Exists(
                TwoFactor.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
            )
        )
        .order_by("-is_active", "username")
    )
    for person in people:
        person.lock_key = username_key(person.username)  # type: ignore[attr-defined]
        person.is_locked = person.lock_key in locked  # type: ignore[attr-defined]
    return render(request, "web/users/list.html", {"people": people, "locks": locks})


@member_required
@require_POST
def user_unlock(request: HttpRequest) -> HttpResponseBase:
    actor = acting_user(request)
    key = str(request.POST.get("key", ""))
    if not key.startswith(("user:", "ip:")):
        raise Http404
    unlock(actor=actor, key=key)
    messages.success(request, _("The lock on %(key)s is lifted.") % {"key": key})
    return redirect("web:user_list")


class OffboardForm(forms.Form):
    rule = forms.ChoiceField(label=gettext_lazy("Hand the book over"), choices=Rule.choices)
    named = forms.ModelMultipleChoiceField(
        label=gettext_lazy("People (for “to the people named”)"),
        queryset=User.objects.none(),
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args: object, leaver: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        named = self.fields["named"]
        assert isinstance(named, forms.ModelMultipleChoiceField)
        named.queryset = (
            User.objects.filter(is_active=True).exclude(pk=leaver.pk).order_by("username")
        )


@member_required
@require_http_methods(["GET", "POST"])
def user_offboard(request: HttpRequest, user_id: int) -> HttpResponseBase:
    """GET with a rule shows the preview; POST carries it out."""
    actor = acting_user(request)
    require(actor, MANAGE, USERS)
    leaver = User.objects.select_related("team__lead").filter(pk=user_id).first()
    if leaver is None:
        raise Http404
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "rule" in request.GET else None)
    )
    form = OffboardForm(data, leaver=leaver)
    context: dict[str, object] = {"leaver": leaver, "form": form}
    if data is not None and form.is_valid():
        args = {
            "actor": actor,
            "user": leaver,
            "rule": form.cleaned_data["rule"],
            "named": list(form.cleaned_data["named"]),
        }
        try:
            if request.method == "POST":
                outcome = offboard_user(**args, reason=form.cleaned_data["reason"])
                counts = outcome.plan.counts()
                messages.success(
                    request,
                    _(
                        "%(user)s is deactivated: %(accounts)d accounts, %(deals)d open deals and "
                        "%(activities)d open tasks handed over; %(tokens)d API tokens revoked, "
                        "%(sessions)d sessions ended."
                    )
                    % {
                        "user": leaver.get_username(),
                        "accounts": counts["account"],
                        "deals": counts["deal"],
                        "activities": counts["activity"],
                        "tokens": outcome.tokens_revoked,
                        "sessions": outcome.sessions_ended,
                    },
                )
                return redirect("web:user_list")
            plan = plan_offboarding(**args)
            context["plan"] = plan
            context["groups"] = [
                (receiver, plan.counts(receiver), plan.for_receiver(receiver))
                for receiver in plan.receivers
            ]
        except ValidationError as problem:
            form.add_error(None, problem)
    return render(request, "web/users/offboard.html", context)


@member_required
@require_POST
def user_two_factor_reset(request: HttpRequest, user_id: int) -> HttpResponseBase:
    """Turn a user's second factor off (a lost phone); they set it up again when they sign in."""
    actor = acting_user(request)
    require(actor, MANAGE, USERS)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    disable_two_factor(actor=actor, user=person)
    messages.success(
        request,
        _("Two-factor sign-in is reset for %(user)s.") % {"user": person.get_username()},
    )
    return redirect("web:user_list")
