"""Logging in and out; every page but the login page is behind it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from clientbase.access.models import User
from clientbase.web import urls as web_urls
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

OPEN_PAGES = {
    "login",
    "logout",
    "login_verify",
    "login_enrol",
}  # the last two need a pending sign-in
SAMPLE_ARGS: dict[str, list[int | str]] = {
    "account_detail": [1],
    "account_questionnaire": [1],
    "duplicate_detail": [1],
    "duplicate_dismiss": [1],
    "duplicate_merge": [1],
    "merge_undo": [1],
    **{
        name: [1]
        for name in (
            "import_detail",
            "import_mapping",
            "import_progress",
            "import_report",
            "import_rollback",
        )
    },
    **{name: [1] for name in ("export_detail", "export_progress", "export_download")},
}
SAMPLE_ARGS.update(
    {name: [1] for name in ("import_parked", "import_parked_resubmit", "import_parked_discard")}
)
SAMPLE_ARGS["analytics_csv"] = ["rfm"]
SAMPLE_ARGS.update({name: [1] for name in ("segment_edit", "segment_delete")})
SAMPLE_ARGS.update({name: ["tier", "1a"] for name in ("playbook_edit", "playbook_tasks")})
SAMPLE_ARGS.update({name: ["rep"] for name in ("role_edit", "role_delete")})
SAMPLE_ARGS.update(
    {
        name: [1]
        for name in (
            "export_request_decide",
            "export_request_run",
            "export_suspend",
            "export_lift",
            "notification_read",
            "contact_detail",
            "contact_consent",
            "contact_subject_export",
            "contact_erase",
            "destruction_act",
        )
    }
)
SAMPLE_ARGS.update(
    {name: [1] for name in ("api_token_revoke", "user_offboard", "user_two_factor_reset")}
)


def test_the_login_page_asks_for_a_username_and_password(client: Client) -> None:
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_user_logs_in_with_the_right_password_and_lands_on_the_account_list(
    client: Client, owner: User
) -> None:
    response = client.post(
        reverse("web:login"), {"username": "owner", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:account_list")
    assert response.wsgi_request.user == owner


def test_a_wrong_password_is_refused_with_a_message(client: Client, owner: User) -> None:
    response = client.post(reverse("web:login"), {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert 'role="alert"' in response.content.decode()


def test_after_login_the_user_returns_to_the_page_they_asked_for(
    client: Client, owner: User
) -> None:
    target = reverse("web:account_detail", args=[42])
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    login = client.get(response["Location"])
    assert f'value="{target}"' in login.content.decode()
    response = client.post(
        response["Location"], {"username": "owner", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_a_signed_in_user_who_opens_the_login_page_goes_to_the_accounts(
    client: Client, owner: User
) -> None:
    client.force_login(owner)
    response = client.get(reverse("web:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:account_list")


def test_logging_out_takes_a_post_and_ends_the_session(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert client.get(reverse("web:account_list")).status_code == 302


def test_home_sends_a_signed_in_user_to_the_account_list(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:account_list")


def _guarded_urls() -> list[str]:
    urls = []
    for pattern in web_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in OPEN_PAGES:
            continue
        urls.append(reverse(f"web:{pattern.name}", args=SAMPLE_ARGS.get(str(pattern.name), [])))
    return urls


@pytest.mark.parametrize("url", _guarded_urls())
def test_every_page_but_login_sends_a_visitor_to_the_login_page(client: Client, url: str) -> None:
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:login") + "?next=")


def test_passwords_are_stored_with_argon2(owner: User) -> None:
    assert owner.password.startswith("argon2")


def test_an_htmx_request_after_the_session_ended_reloads_the_login_page(client: Client) -> None:
    response = client.get(
        reverse("web:account_list"),
        {"q": "roma"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/accounts/?q=rom"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("web:login") + "?next=/accounts/%3Fq%3Drom"
