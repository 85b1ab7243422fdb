"""The playbooks page and the account page's playbooks card take a fixed number of queries,
however many saved segments carry a playbook."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.playbook_services import PlaybookChange, save_playbook
from clientbase.analytics.segment_services import create_segment
from clientbase.analytics.tests.playbook_fixtures import classed_run

pytestmark = pytest.mark.django_db


def _segments_with_playbooks(director: User, owner: User, n: int) -> None:
    for i in range(n):
        segment = create_segment(
            actor=owner,
            name=f"S{i}",
            spec={"all": [{"field": "status", "op": "ne", "value": "former"}]},
            shared=True,
        )
        save_playbook(
            actor=director,
            kind="segment",
            key=str(segment.pk),
            change=PlaybookChange(description=f"Do {i}", contact_every_days=10),
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["playbooks", "account_detail"])
def test_more_segment_playbooks_take_no_more_queries(
    login: Callable[[User], Client],
    director: User,
    owner: User,
    make_account: Callable[..., Account],
    url_name: str,
) -> None:
    account = make_account(owner=owner)
    classed_run({account: {"tier": "1a", "quadrant": "III"}})
    client = login(owner)
    url = reverse(f"web:{url_name}", args=[account.pk] if url_name == "account_detail" else [])
    _segments_with_playbooks(director, owner, 1)
    _queries(client, url)  # warm the caches (session, content types)
    few = _queries(client, url)

    _segments_with_playbooks(director, owner, 4)
    many = _queries(client, url)

    assert many == few
    assert "Do 3" in client.get(url).content.decode()
