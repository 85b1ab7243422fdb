"""Defining and editing a questionnaire is for admins, directors and analysts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.questionnaires.defaults import DEFAULT_QUESTIONS, QuestionSpec
from clientbase.questionnaires.models import Dimension, QuestionKind, Questionnaire
from clientbase.questionnaires.services import (
    create_questionnaire,
    save_question,
    update_questionnaire,
)

pytestmark = pytest.mark.django_db


def test_a_director_defines_the_default_questionnaire_with_an_audit_row(director: User) -> None:
    questionnaire = create_questionnaire(actor=director)

    assert questionnaire.is_active
    assert [q.code for q in questionnaire.questions.all()] == [q.code for q in DEFAULT_QUESTIONS]
    assert AuditEvent.objects.filter(action="questionnaires.create", actor=director).exists()


def test_it_rejects_a_questionnaire_without_right(owner: User) -> None:
    with pytest.raises(PermissionDenied):
        create_questionnaire(actor=owner)
    assert not Questionnaire.objects.exists()


def test_it_rejects_an_edit_without_right(director: User, owner: User) -> None:
    questionnaire = create_questionnaire(actor=director)
    with pytest.raises(PermissionDenied):
        update_questionnaire(
            actor=owner, questionnaire=questionnaire, settings={"top_threshold": 0.5}
        )
    with pytest.raises(PermissionDenied):
        save_question(
            actor=owner,
            questionnaire=questionnaire,
            spec=QuestionSpec("x", Dimension.NEED, QuestionKind.SCALE, 1.0, "X", "", ""),
        )
    questionnaire.refresh_from_db()
    assert questionnaire.top_threshold == 0.7


def test_an_analyst_moves_the_thresholds_and_adds_a_question(analyst: User) -> None:
    questionnaire = create_questionnaire(actor=analyst)
    update_questionnaire(
        actor=analyst, questionnaire=questionnaire, settings={"top_threshold": 0.6}
    )
    save_question(
        actor=analyst,
        questionnaire=questionnaire,
        spec=QuestionSpec("saas", Dimension.NEED, QuestionKind.YES_NO, 1.5, "Uses SaaS", "", ""),
    )

    questionnaire.refresh_from_db()
    assert questionnaire.top_threshold == 0.6
    assert questionnaire.questions.get(code="saas").weight == 1.5
    assert AuditEvent.objects.filter(action="questionnaires.update").exists()


def test_a_new_questionnaire_replaces_the_active_one(director: User) -> None:
    first = create_questionnaire(actor=director, name="First")
    second = create_questionnaire(actor=director, name="Second")

    first.refresh_from_db()
    assert not first.is_active
    assert second.is_active


@pytest.mark.parametrize(
    "values", [{"top_threshold": 1.5}, {"need_indicator_weight": "lots"}, {"colour": 1}]
)
def test_it_rejects_settings_out_of_range(director: User, values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        create_questionnaire(actor=director, settings=values)


def test_it_rejects_a_number_question_without_a_range(director: User) -> None:
    questionnaire = create_questionnaire(actor=director)
    with pytest.raises(ValidationError, match="minimum below its maximum"):
        save_question(
            actor=director,
            questionnaire=questionnaire,
            spec=QuestionSpec("n", Dimension.VALUE, QuestionKind.NUMBER, 1.0, "N", "", ""),
        )
