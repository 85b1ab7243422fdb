"""API authentication: a personal token (Authorization: Bearer cb_…) or the web session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from clientbase.access.models import User
from clientbase.login.token_services import user_for_token


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user  # the endpoints act as the token's owner
        return user
