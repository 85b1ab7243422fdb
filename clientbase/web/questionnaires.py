"""The account's questionnaire: the reps answer it; the account page shows the tier it gives."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT, ANALYZE, METRICS, VIEW
from clientbase.accounts import selectors as account_selectors
from clientbase.questionnaires.defaults import QuestionSpec
from clientbase.questionnaires.models import Dimension, QuestionKind, Questionnaire
from clientbase.questionnaires.selectors import (
    QuestionRow,
    account_answers,
    active_questionnaire,
    answer_history,
    may_edit_questionnaires,
)
from clientbase.questionnaires.services import (
    answer_account,
    create_questionnaire,
    save_question,
    update_questionnaire,
)
from clientbase.web.auth import allow
from clientbase.web.views import acting_user


def _parse(rows: list[QuestionRow], data: Any) -> tuple[dict[int, float | None], list[str]]:
    """Answers from the form: blank leaves a question as it is; anything else must be a number."""
    answers: dict[int, float | None] = {}
    errors: list[str] = []
    for row in rows:
        raw = str(data.get(f"q{row.question.pk}", "")).strip().replace(",", ".")
        if not raw:
            continue
        try:
            answers[row.question.pk] = float(raw)
        except ValueError:
            errors.append(_("%(question)s: enter a number.") % {"question": row.question.text()})
    return answers, errors


@allow(VIEW, ACCOUNT)
@require_http_methods(["GET", "POST"])
def account_questionnaire(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = acting_user(request)
    account = account_selectors.get_account(actor=actor, account_id=account_id)
    if account.pk != account_id:
        return redirect("web:account_questionnaire", account_id=account.pk)
    rows = account_answers(actor=actor, account=account)
    errors: list[str] = []
    if request.method == "POST":
        answers, errors = _parse(rows, request.POST)
        if not errors:
            try:
                answer_account(actor=actor, account=account, answers=answers)
            except ValidationError as exc:
                errors = [str(m) for m in exc.messages]
            else:
                return redirect("web:account_detail", account_id=account.pk)
    return render(
        request,
        "web/questionnaires/answer.html",
        {
            "account": account,
            "rows": rows,
            "errors": errors,
            "posted": request.POST if errors else {},
            "history": answer_history(actor=actor, account=account)[:50],
            "kinds": QuestionKind,
            "scale": range(1, 6),
        },
        status=400 if errors else 200,
    )


SETTING_LABELS = (
    ("top_threshold", _lazy("Tier 1 threshold on need and value")),
    ("behaviour_high", _lazy("Behaviour for tier 1a (at least)")),
    ("behaviour_low", _lazy("Behaviour for tier 1b (below)")),
    ("need_indicator_weight", _lazy("Weight of the computed need indicator")),
    ("value_indicator_weight", _lazy("Weight of the computed value indicator")),
    ("behaviour_indicator_weight", _lazy("Weight of the computed behaviour indicator")),
)


def _number(raw: str) -> float | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return math.nan


@allow(ANALYZE, METRICS)
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest) -> HttpResponse:
    """The analysts' page: create the default questionnaire, move thresholds and weights, add
    or change a question. Others get 403."""
    actor = acting_user(request)
    if not may_edit_questionnaires(actor):
        raise PermissionDenied(_("You do not have the right to edit questionnaires."))
    questionnaire = active_questionnaire(actor=actor)
    errors: list[str] = []
    if request.method == "POST":
        try:
            _apply(actor, questionnaire, request.POST)
        except ValidationError as exc:
            errors = [str(m) for m in exc.messages]
        else:
            return redirect("web:questionnaire_edit")
    return render(
        request,
        "web/questionnaires/edit.html",
        {
            "questionnaire": questionnaire,
            "settings": [
                (name, label, getattr(questionnaire, name) if questionnaire else None)
                for name, label in SETTING_LABELS
            ],
            "questions": list(questionnaire.questions.all()) if questionnaire else [],
            "dimensions": Dimension.choices,
            "kinds": QuestionKind.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _apply(actor: User, questionnaire: Questionnaire | None, data: Any) -> None:
    action = data.get("action", "")
    if action == "create":
        create_questionnaire(actor=actor)
        return
    if questionnaire is None:
        raise ValidationError(_("Create the questionnaire first."))
    if action == "settings":
        values = {name: _number(str(data.get(name, ""))) for name, _label in SETTING_LABELS}
        update_questionnaire(
            actor=actor,
            questionnaire=questionnaire,
            settings={k: v for k, v in values.items() if v is not None},
        )
        return
    if action == "question":
        weight = _number(str(data.get("weight", "")))
        spec = QuestionSpec(
            code=slugify(str(data.get("code", ""))).replace("-", "_")[:40],
            dimension=str(data.get("dimension", "")),
            kind=str(data.get("kind", "")),
            weight=1.0 if weight is None else weight,
            label=str(data.get("label", "")),
            label_ru=str(data.get("label_ru", "")),
            label_fa=str(data.get("label_fa", "")),
            min_value=_number(str(data.get("min_value", ""))),
            max_value=_number(str(data.get("max_value", ""))),
            reverse=bool(data.get("reverse")),
        )
        if math.isnan(spec.weight):
            raise ValidationError(_("Enter a number."))
        save_question(
            actor=actor,
            questionnaire=questionnaire,
            spec=spec,
            is_active=bool(data.get("is_active")),
        )
        return
    raise ValidationError(_("Unknown action."))
