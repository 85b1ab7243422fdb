"""Each user reads the interface in their own language and sees times in their own zone."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from clientbase.access.models import User
from clientbase.web.formatting import zone

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Activates the signed-in user's language and time zone for the request.

    Before signing in, the language comes from `?lang=` (remembered in the language cookie)
    or that cookie, else the site default; times are shown in UTC.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = settings.LANGUAGE_CODE
        user = getattr(request, "user", None)
        member = user if isinstance(user, User) and user.is_authenticated else None
        asked = request.GET.get("lang")
        remember = False
        if member is not None and member.language in _SUPPORTED:
            language = member.language
        elif asked in _SUPPORTED:
            language = str(asked)
            remember = True
        elif (cookie := request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) in _SUPPORTED:
            language = str(cookie)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        if member is not None:
            timezone.activate(zone(member.time_zone))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        if remember:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
            )
        return response
