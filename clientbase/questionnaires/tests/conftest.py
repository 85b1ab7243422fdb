"""An analyst, a questionnaire of three questions (one per dimension), and metrics rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from clientbase.access.models import Role, User
from clientbase.access.services import create_user
from clientbase.accounts.models import Account
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus
from clientbase.questionnaires.defaults import QuestionSpec
from clientbase.questionnaires.models import Dimension, QuestionKind, Questionnaire
from clientbase.questionnaires.services import create_questionnaire

THREE = (
    QuestionSpec("fit", Dimension.NEED, QuestionKind.SCALE, 1.0, "Fit", "Соответствие", "تناسب"),
    QuestionSpec("big", Dimension.VALUE, QuestionKind.YES_NO, 1.0, "Big", "Крупный", "بزرگ"),
    QuestionSpec(
        "orderly", Dimension.BEHAVIOUR, QuestionKind.NUMBER, 1.0, "Orderly", "", "", 0.0, 10.0
    ),
)


@pytest.fixture
def analyst(db: None) -> User:
    return create_user(actor=None, username="analyst", password="x" * 12, role=Role.ANALYST)


@pytest.fixture
def questionnaire(analyst: User) -> Questionnaire:
    """Answers only: the indicators weigh nothing unless a test says otherwise."""
    return create_questionnaire(
        actor=analyst,
        name="Three",
        questions=THREE,
        settings={
            "need_indicator_weight": 0,
            "value_indicator_weight": 0,
            "behaviour_indicator_weight": 0,
        },
    )


@pytest.fixture
def make_run(db: None) -> Callable[..., MetricRun]:
    def make(rows: dict[Account, dict[str, Any]]) -> MetricRun:
        run = MetricRun.objects.create(
            as_of=dt.date(2026, 12, 1), started_at=timezone.now(), status=RunStatus.DONE
        )
        for account, figures in rows.items():
            fields: dict[str, Any] = {}
            for f in AccountMetrics._meta.concrete_fields:
                if f.null or f.has_default() or f.name in ("id", "run", "account", "as_of"):
                    continue
                fields[f.name] = 0 if not isinstance(f, models.DateField) else run.as_of
            fields.update(figures)
            AccountMetrics.objects.create(run=run, account=account, as_of=run.as_of, **fields)
        return run

    return make
