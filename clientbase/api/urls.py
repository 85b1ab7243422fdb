from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI
from ninja.security import django_auth

from clientbase.access.routes import PUBLIC, access
from clientbase.api.auth import ApiTokenAuth
from clientbase.api.views import router as accounts_router
from clientbase.web.auth import signed_in

api = NinjaAPI(
    title="clientbase API",
    version="1",
    urls_namespace="api",
    auth=[ApiTokenAuth(), django_auth],
    docs_url="/docs",
)
api.add_router("/", accounts_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


def _declared(urls: tuple[list[URLPattern | URLResolver], str, str]) -> Any:
    """The API's URLs with ninja's own views declared: the schema and docs for signed-in
    users (the login redirect in front), the bare root (always 404) for anyone."""
    patterns, app_name, namespace = urls
    for entry in patterns:
        if isinstance(entry, URLPattern) and entry.name in ("openapi-json", "openapi-view"):
            entry.callback = signed_in(entry.callback)
        elif isinstance(entry, URLPattern) and entry.name == "api-root":
            entry.callback = access(PUBLIC)(entry.callback)
    return patterns, app_name, namespace


urlpatterns = [path("v1/", _declared(api.urls))]
