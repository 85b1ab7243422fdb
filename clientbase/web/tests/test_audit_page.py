"""The audit trail's page: auditors and administrators search it, newest first, a page at a
time; everyone else gets 403; costs and margins are masked for viewers without the right."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clientbase.access.models import Role, User
from clientbase.access.services import create_user, record_audit
from clientbase.web.tests.conftest import text_of

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
PASSWORD = "correct horse battery staple"
URL = reverse("web:audit_log")


@pytest.fixture
def auditor(db: None) -> User:
    return create_user(actor=None, username="auditor", password=PASSWORD, role=Role.AUDITOR)


@pytest.fixture
def admin(db: None) -> User:
    return create_user(actor=None, username="admin", password=PASSWORD, role=Role.ADMIN)


def write(actor: User | None, action: str, n: int = 1, **changes: Any) -> None:
    for i in range(n):
        record_audit(
            actor=actor,
            action=action,
            object_type="sales.order",
            object_id=str(i),
            changes=changes,
        )


def rows_on(response: Any) -> list[Any]:
    assert response.status_code == 200
    return list(response.context["page"].rows)


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.AUDITOR, Role.ADMIN)])
def test_it_refuses_everyone_but_auditors_and_admins(login: Login, role: Role) -> None:
    user = create_user(actor=None, username=f"u-{role}", password=PASSWORD, role=role)

    assert login(user).get(URL).status_code == 403


def test_it_sends_a_visitor_who_is_not_signed_in_to_the_login_page(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_it_shows_the_newest_rows_first(
    login: Login, who: str, request: pytest.FixtureRequest, owner: User
) -> None:
    viewer = request.getfixturevalue(who)
    write(owner, "deal.move")
    write(owner, "account.update")

    rows = rows_on(login(viewer).get(URL))

    assert [row.event.action for row in rows[:2]] == ["account.update", "deal.move"]
    assert [row.event.seq for row in rows] == sorted((row.event.seq for row in rows), reverse=True)


def test_it_filters_by_user_action_and_object(
    login: Login, auditor: User, owner: User, teammate: User
) -> None:
    write(owner, "account.update", 3)
    write(teammate, "account.update", 2)
    write(owner, "export.accounts", 1)
    client = login(auditor)

    by_owner = rows_on(client.get(URL, {"actor": "owner", "action": "account.update"}))
    by_prefix = rows_on(client.get(URL, {"actor": "teammate", "action": "account."}))
    by_object = rows_on(client.get(URL, {"object_type": "sales.order", "object_id": "1"}))

    assert len(by_owner) == 3
    assert {row.event.actor for row in by_owner} == {owner}
    assert len(by_prefix) == 2
    assert {row.event.object_id for row in by_object} == {"1"}
    assert len(by_object) == 2


def test_it_says_so_when_no_user_has_the_username(login: Login, auditor: User) -> None:
    response = login(auditor).get(URL, {"actor": "nobody"})

    assert rows_on(response) == []
    assert "No user has that username." in text_of(response.content.decode())


def test_it_filters_by_a_date_range_in_the_viewers_days(
    login: Login, auditor: User, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    last_week = timezone.now() - dt.timedelta(days=7)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: last_week)
        write(owner, "account.update", 2)
    write(owner, "account.update", 1)
    client = login(auditor)
    day = timezone.localdate(last_week).isoformat()

    that_day = rows_on(client.get(URL, {"since": day, "until": day, "action": "account.update"}))
    since_then = rows_on(client.get(URL, {"since": day, "action": "account.update"}))

    assert len(that_day) == 2
    assert len(since_then) == 3


def test_it_ignores_a_malformed_filter(login: Login, auditor: User, owner: User) -> None:
    write(owner, "account.update", 2)

    response = login(auditor).get(URL, {"since": "yesterday", "action": "account.update"})

    assert len(rows_on(response)) == 2
    assert "not understood" in text_of(response.content.decode())


def test_it_pages_by_keyset_without_gaps_or_repeats(
    login: Login, auditor: User, owner: User, settings: Any
) -> None:
    settings.CLIENTBASE_PAGE_SIZE = 4
    write(owner, "account.update", 10)
    client = login(auditor)

    seen: list[int] = []
    response = client.get(URL, {"action": "account.update"})
    while True:
        seen += [row.event.seq for row in rows_on(response)]
        before = response.context["page"].next_before
        if before is None:
            break
        response = client.get(URL, {"action": "account.update", "before": before})

    assert len(seen) == 10
    assert seen == sorted(set(seen), reverse=True)


def test_it_reads_the_same_number_of_queries_for_few_and_many_rows(
    login: Login, auditor: User, owner: User
) -> None:
    client = login(auditor)
    write(owner, "account.update", 2)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"actor": "owner"})
    write(owner, "account.update", 40)
    write(auditor, "account.update", 5)
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"actor": "owner"})

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 6  # session, user, actor lookup, the page


def test_it_masks_costs_and_margins_for_an_auditor(
    login: Login, auditor: User, admin: User, owner: User
) -> None:
    write(owner, "order.create", net_revenue="100.00", cost_base="60.00", margin=["30", "40"])

    seen_by_auditor = rows_on(login(auditor).get(URL, {"action": "order.create"}))[0].changes
    seen_by_admin = rows_on(login(admin).get(URL, {"action": "order.create"}))[0].changes

    assert seen_by_auditor == {"net_revenue": "100.00", "cost_base": "•••", "margin": ["•••"] * 2}
    assert seen_by_admin == {"net_revenue": "100.00", "cost_base": "60.00", "margin": ["30", "40"]}


def test_the_masked_value_never_reaches_the_html(login: Login, auditor: User, owner: User) -> None:
    write(owner, "order.create", cost_base="987654.32")

    html = login(auditor).get(URL).content.decode()

    assert "987654.32" not in html
    assert "•••" in html


@pytest.mark.parametrize("language", ["en", "ru", "fa"])
def test_it_speaks_the_viewers_language(login: Login, auditor: User, language: str) -> None:
    auditor.language = language
    auditor.save(update_fields=["language"])
    titles = {"en": "Audit trail", "ru": "Журнал аудита", "fa": "ردپای ممیزی"}

    html = login(auditor).get(URL).content.decode()

    assert titles[language] in html
    if language == "fa":
        assert 'dir="rtl"' in html


def test_the_nav_shows_the_link_only_to_those_who_may_use_it(
    login: Login, auditor: User, owner: User
) -> None:
    assert URL in login(auditor).get(reverse("web:account_list")).content.decode()
    assert URL not in login(owner).get(reverse("web:account_list")).content.decode()


def test_it_keeps_to_the_content_security_policy_and_escapes_diffs(
    login: Login, auditor: User, owner: User
) -> None:
    write(owner, "account.update", city=["<script>alert(1)</script>", 'x" onmouseover="y'])

    response = login(auditor).get(URL)
    html = response.content.decode()

    assert "script-src" in response["Content-Security-Policy"]
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'onmouseover="y' not in html
    assert " style=" not in html
