"""The playbooks page and its form: everyone reads them, admins and directors change them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import AuditEvent, User
from clientbase.analytics.models import Playbook

from .conftest import text_of

pytestmark = pytest.mark.django_db
EDIT_1A = ("tier", "1a")


def test_the_list_shows_the_built_in_playbooks_to_a_rep_without_edit_buttons(
    login: Callable[[User], Client], owner: User
) -> None:
    response = login(owner).get(reverse("web:playbooks"))

    page = text_of(response.content.decode())
    assert response.status_code == 200
    assert "High-touch personal service: a named account manager" in page
    assert "Loyal and profitable: maximum care and loyalty programmes." in page
    assert "every 14 days" in page
    assert f'href="{reverse("web:playbook_edit", args=EDIT_1A)}"' not in response.content.decode()
    assert reverse("web:playbook_tasks", args=EDIT_1A) in response.content.decode()


def test_it_rejects_the_form_without_the_right(
    login: Callable[[User], Client], owner: User
) -> None:
    client = login(owner)

    assert client.get(reverse("web:playbook_edit", args=EDIT_1A)).status_code == 403
    response = client.post(reverse("web:playbook_edit", args=EDIT_1A), {"description": "x"})
    assert response.status_code == 403
    assert not Playbook.objects.exists()


def test_a_director_saves_the_form_and_the_list_shows_it(
    login: Callable[[User], Client], director: User
) -> None:
    client = login(director)

    response = client.post(
        reverse("web:playbook_edit", args=EDIT_1A),
        {
            "description": "Monthly visit by the key account manager.",
            "service_level": "",
            "contact_every_days": "30",
            "responsible_role": "director",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    page = text_of(client.get(reverse("web:playbooks")).content.decode())
    assert "Monthly visit by the key account manager." in page
    assert "every 30 days" in page
    assert AuditEvent.objects.filter(action="analytics.playbook_save", actor=director).exists()


def test_a_bad_frequency_is_refused_with_the_reason_and_nothing_saved(
    login: Callable[[User], Client], director: User
) -> None:
    response = login(director).post(
        reverse("web:playbook_edit", args=EDIT_1A),
        {"contact_every_days": "-3", "is_active": "on"},
    )

    assert response.status_code == 400
    assert "Contact every (days)" in text_of(response.content.decode())
    assert not Playbook.objects.exists()


def test_an_unknown_class_is_not_found(login: Callable[[User], Client], director: User) -> None:
    response = login(director).get(reverse("web:playbook_edit", args=("tier", "7")))

    assert response.status_code == 404


def test_the_form_speaks_russian_and_persian(
    login: Callable[[User], Client], director: User
) -> None:
    client = login(director)
    for language, word in (("ru", "Сценарии работы"), ("fa", "راهنماهای عمل")):
        director.language = language
        director.save()
        page = text_of(client.get(reverse("web:playbooks")).content.decode())
        assert word in page, language


def test_reset_brings_back_the_built_in_text(
    login: Callable[[User], Client], director: User
) -> None:
    client = login(director)
    client.post(reverse("web:playbook_edit", args=EDIT_1A), {"description": "x", "is_active": "on"})

    client.post(reverse("web:playbook_edit", args=EDIT_1A), {"action": "reset"})

    assert not Playbook.objects.exists()
