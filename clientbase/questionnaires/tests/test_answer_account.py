"""Reps answer the questionnaire for the accounts they work on; every answer is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.questionnaires.models import Answer, Questionnaire
from clientbase.questionnaires.selectors import account_answers, answer_history
from clientbase.questionnaires.services import answer_account

pytestmark = pytest.mark.django_db


def _ids(questionnaire: Questionnaire) -> dict[str, int]:
    return {q.code: q.pk for q in questionnaire.questions.all()}


def test_the_owner_answers_for_an_account(
    owner: User, questionnaire: Questionnaire, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    q = _ids(questionnaire)

    answer_account(actor=owner, account=account, answers={q["fit"]: 4, q["big"]: 1})

    rows = {r.question.code: r.answer for r in account_answers(actor=owner, account=account)}
    assert rows["fit"] is not None
    assert rows["fit"].value == 4
    assert rows["fit"].answered_by == owner
    assert rows["orderly"] is None
    assert AuditEvent.objects.filter(action="questionnaires.answer", actor=owner).exists()


def test_it_rejects_an_answer_from_an_outsider(
    owner: User,
    outsider: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
) -> None:
    account = make_account(owner=owner)

    with pytest.raises(PermissionDenied):
        answer_account(actor=outsider, account=account, answers={_ids(questionnaire)["fit"]: 5})
    assert not Answer.objects.exists()
    assert account_answers(actor=outsider, account=account) == []


def test_a_new_answer_supersedes_the_old_one_which_stays_in_the_history(
    owner: User, lead: User, questionnaire: Questionnaire, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    fit = _ids(questionnaire)["fit"]

    answer_account(actor=owner, account=account, answers={fit: 2})
    answer_account(actor=lead, account=account, answers={fit: 5})

    history = answer_history(actor=owner, account=account)
    assert [(a.value, a.answered_by, a.superseded_at is None) for a in history] == [
        (5, lead, True),
        (2, owner, False),
    ]


def test_an_unchanged_answer_writes_nothing(
    owner: User, questionnaire: Questionnaire, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    fit = _ids(questionnaire)["fit"]
    answer_account(actor=owner, account=account, answers={fit: 3})

    assert answer_account(actor=owner, account=account, answers={fit: 3}) == []
    assert Answer.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("fit", 6, "from 1 to 5"),
        ("fit", 2.5, "whole number"),
        ("big", 2, "yes or no"),
        ("orderly", -1, "from 0 to 10"),
    ],
)
def test_it_rejects_an_answer_off_its_scale(
    owner: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
    code: str,
    value: float,
    message: str,
) -> None:
    account = make_account(owner=owner)
    with pytest.raises(ValidationError, match=message):
        answer_account(actor=owner, account=account, answers={_ids(questionnaire)[code]: value})
    assert not Answer.objects.exists()


def test_it_rejects_a_question_of_another_questionnaire(
    owner: User, questionnaire: Questionnaire, make_account: Callable[..., Account]
) -> None:
    account = make_account(owner=owner)
    with pytest.raises(ValidationError, match="not in the active questionnaire"):
        answer_account(actor=owner, account=account, answers={999_999: 3})
