"""Each user's own API tokens: make one (shown once), see when each was last used, revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from clientbase.login.selectors import own_tokens
from clientbase.login.token_services import create_token, revoke_token
from clientbase.web.auth import member_required
from clientbase.web.views import acting_user


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)


@member_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    form = TokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = create_token(actor=actor, name=form.cleaned_data["name"])
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            form = TokenForm()
    return render(
        request,
        "web/api_tokens.html",
        {"form": form, "tokens": own_tokens(actor=actor), "new_token": new_token},
    )


@member_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = revoke_token(actor=acting_user(request), token_id=token_id)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("web:api_tokens")
