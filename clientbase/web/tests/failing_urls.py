"""The site's URLs plus pages that fail on purpose, for the error page tests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as site_urls


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: /srv/app/settings.py line 42")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("secret reason")


urlpatterns: list[URLPattern | URLResolver] = [
    path("test-crash/", crash),
    path("test-forbidden/", forbidden),
    *site_urls,
]
