"""The questionnaire page of an account, and the tier with its strategy on the account page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.analytics.models import MetricRun, RunStatus
from clientbase.questionnaires.models import Answer, Questionnaire
from clientbase.questionnaires.services import (
    answer_account,
    compute_tiers,
    create_questionnaire,
)
from clientbase.web.tests.conftest import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(director: User) -> Questionnaire:
    return create_questionnaire(actor=director)


def _url(account: Account) -> str:
    return reverse("web:account_questionnaire", args=[account.pk])


def test_the_owner_answers_the_questionnaire_on_the_page(
    login: Callable[[User], Client],
    owner: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
) -> None:
    account = make_account(owner=owner)
    fit = questionnaire.questions.get(code="growth_fit")
    wallet = questionnaire.questions.get(code="wallet_share")
    client = login(owner)

    page = client.get(_url(account))
    assert page.status_code == 200
    assert "Fit with our growth products" in text_of(page.content.decode())

    response = client.post(_url(account), {f"q{fit.pk}": "4", f"q{wallet.pk}": "35,5"})

    assert response.status_code == 302
    assert dict(Answer.objects.values_list("question__code", "value")) == {
        "growth_fit": 4.0,
        "wallet_share": 35.5,
    }


def test_an_answer_off_its_scale_is_refused_with_a_clear_message(
    login: Callable[[User], Client],
    owner: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
) -> None:
    account = make_account(owner=owner)
    fit = questionnaire.questions.get(code="growth_fit")

    response = login(owner).post(_url(account), {f"q{fit.pk}": "9"})

    assert response.status_code == 400
    assert "Enter a value from 1 to 5." in text_of(response.content.decode())
    assert not Answer.objects.exists()


def test_an_outsider_cannot_open_or_post_the_questionnaire(
    login: Callable[[User], Client],
    owner: User,
    outsider: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
) -> None:
    account = make_account(owner=owner)
    fit = questionnaire.questions.get(code="growth_fit")
    client = login(outsider)

    assert client.get(_url(account)).status_code == 404
    assert client.post(_url(account), {f"q{fit.pk}": "5"}).status_code == 404
    assert not Answer.objects.exists()


def test_the_account_page_shows_the_tier_and_its_strategy(
    login: Callable[[User], Client],
    owner: User,
    director: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
) -> None:
    account = make_account(owner=owner)
    top = {"wallet_share": 0, "high_touch": 1, "high_margin": 1}
    answer_account(
        actor=owner,
        account=account,
        answers={q.pk: top.get(q.code, 5) for q in questionnaire.questions.all()},
    )
    run = MetricRun.objects.create(
        as_of=dt.date(2026, 12, 1), started_at=timezone.now(), status=RunStatus.DONE
    )
    compute_tiers(actor=director, run=run)

    response = login(owner).get(reverse("web:account_detail", args=[account.pk]))
    page = text_of(response.content.decode())

    assert "Tier 1a" in page
    assert "High-touch personal service" in page
    assert _url(account) in response.content.decode()
