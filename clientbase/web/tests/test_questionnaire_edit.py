"""The analysts' questionnaire page: set up, thresholds, questions; refused to others."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.questionnaires.models import Questionnaire
from clientbase.web.tests.conftest import text_of

pytestmark = pytest.mark.django_db
URL = "web:questionnaire_edit"


def test_a_director_sets_up_the_questionnaire_and_moves_a_threshold(
    login: Callable[[User], Client], director: User
) -> None:
    client = login(director)
    assert client.post(reverse(URL), {"action": "create"}).status_code == 302
    questionnaire = Questionnaire.objects.get(is_active=True)

    response = client.post(reverse(URL), {"action": "settings", "top_threshold": "0,65"})

    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.top_threshold == 0.65
    assert "Fit with our growth products" in text_of(client.get(reverse(URL)).content.decode())


def test_a_director_adds_a_question(login: Callable[[User], Client], director: User) -> None:
    client = login(director)
    client.post(reverse(URL), {"action": "create"})

    client.post(
        reverse(URL),
        {
            "action": "question",
            "code": "uses saas",
            "label": "Uses SaaS",
            "dimension": "need",
            "kind": "yes_no",
            "weight": "1.5",
            "is_active": "on",
        },
    )

    question = Questionnaire.objects.get(is_active=True).questions.get(code="uses_saas")
    assert question.weight == 1.5


def test_a_bad_threshold_is_refused_with_a_clear_message(
    login: Callable[[User], Client], director: User
) -> None:
    client = login(director)
    client.post(reverse(URL), {"action": "create"})

    response = client.post(reverse(URL), {"action": "settings", "top_threshold": "7"})

    assert response.status_code == 400
    assert "Enter a number between 0 and 1." in text_of(response.content.decode())


def test_it_refuses_the_page_to_a_rep(login: Callable[[User], Client], owner: User) -> None:
    client = login(owner)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), {"action": "create"}).status_code == 403
    assert not Questionnaire.objects.exists()
