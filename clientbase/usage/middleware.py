"""Counts each signed-in user's record views and API reads, one per successful GET."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from clientbase.access.models import User
from clientbase.usage.models import UsageKind
from clientbase.usage.services import count_usage

# Pages that show one client record (more as record pages are added).
RECORD_VIEWS = frozenset({"web:account_detail", "web:contact_detail"})
API_NAMESPACE = "api"
log = logging.getLogger(__name__)


def usage_kind(request: HttpRequest, response: HttpResponse) -> str | None:
    """What a finished request counts as, if anything."""
    if request.method != "GET" or not 200 <= response.status_code < 300:
        return None
    match = request.resolver_match
    if match is None:
        return None
    if match.view_name in RECORD_VIEWS:
        return UsageKind.VIEWS
    if API_NAMESPACE in match.namespaces:
        return UsageKind.API_READS
    return None


class UsageCountingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        kind = usage_kind(request, response)
        if kind is not None:
            user = getattr(request, "auth", None)
            if not isinstance(user, User):
                user = getattr(request, "user", None)
            if isinstance(user, User) and user.is_authenticated:
                try:
                    count_usage(user=user, kind=kind)
                except DatabaseError:
                    # The page is already rendered: a busy database must not turn it into an
                    # error. The miss is logged (loudly: the counters are a security control).
                    log.exception("usage of user %s (%s) not counted", user.pk, kind)
        return response
