"""Helpers for the web tests. The people (owner, teammate, outsider, lead, director) and
`make_account` come from the project's conftest.py."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from clientbase.access.models import User


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Sign `user` in on the test client and return the client."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


def text_of(html: str) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
