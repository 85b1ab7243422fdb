"""The account's questionnaire: the reps answer it; the account page shows the tier it gives."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clientbase.accounts import selectors as account_selectors
from clientbase.questionnaires.models import QuestionKind
from clientbase.questionnaires.selectors import QuestionRow, account_answers, answer_history
from clientbase.questionnaires.services import answer_account
from clientbase.web.auth import member_required
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


@member_required
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
