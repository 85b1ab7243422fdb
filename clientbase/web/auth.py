"""Login for the web pages, aware of htmx fragment requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from clientbase.access.routes import AUTHENTICATED, Access, access

View = Callable[..., HttpResponseBase]  # file downloads are streaming responses


def is_htmx_swap(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a history restore, which wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def member_required(view: View) -> View:
    """Like login_required; an htmx request whose session has ended is sent, whole page, to
    the login page (instead of the login form being swapped into the results table)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if is_htmx_swap(request):
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            back_to = current.path + (f"?{current.query}" if current.query else "")
            target = redirect_to_login(back_to or request.get_full_path())
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target["Location"]
            return response
        return redirect_to_login(request.get_full_path())

    return guarded


def allow(
    what: Access | str, object_type: str = "", *, enforce: bool = True
) -> Callable[[View], View]:
    """A web view's access declaration: the login redirect (member_required) in front of
    `access(...)`, which records the declaration and enforces the right (403 otherwise;
    `enforce=False` when the service called checks and audits the same right itself).

        @allow(VIEW, ACCOUNT)        @allow(AUTHENTICATED)
    """

    def decorate(view: View) -> View:
        return member_required(access(what, object_type, enforce=enforce)(view))

    return decorate


signed_in = allow(AUTHENTICATED)
