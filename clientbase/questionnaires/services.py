"""Questionnaire writes: define and edit (analysts), answer per account (whoever works on it),
and the tiers of a metrics run. Each is one transaction with its audit row."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import User
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import require_workable_account
from clientbase.analytics.models import AccountMetrics, MetricRun
from clientbase.questionnaires.defaults import DEFAULT_NAME, DEFAULT_QUESTIONS, QuestionSpec
from clientbase.questionnaires.models import (
    AccountTier,
    Answer,
    Dimension,
    Question,
    QuestionKind,
    Questionnaire,
)
from clientbase.questionnaires.scoring import (
    DIMENSIONS,
    QuestionMeta,
    TierSettings,
    answer_score_columns,
    answer_scores,
    blend,
    blend_many,
    indicator_columns,
    tier_of,
    tiers_many,
)
from clientbase.questionnaires.selectors import latest_run, may_edit_questionnaires

SETTING_FIELDS = tuple(TierSettings.__dataclass_fields__)


def _require_editor(actor: User | None) -> None:
    if actor is not None and not may_edit_questionnaires(actor):
        raise PermissionDenied(_("You do not have the right to edit questionnaires."))


def _check_settings(values: Mapping[str, Any]) -> dict[str, float]:
    clean: dict[str, float] = {}
    for name, raw in values.items():
        if name not in SETTING_FIELDS:
            raise ValidationError({name: _("Unknown questionnaire setting.")})
        try:
            number = float(raw)
        except (TypeError, ValueError):
            number = math.nan
        if not 0.0 <= number <= 1.0:
            raise ValidationError({name: _("Enter a number between 0 and 1.")})
        clean[name] = number
    low = clean.get("behaviour_low", 0.0)
    high = clean.get("behaviour_high", 1.0)
    if low > high:
        raise ValidationError(
            {"behaviour_low": _("The tier 1b threshold must not exceed the tier 1a threshold.")}
        )
    return clean


def create_questionnaire(
    *,
    actor: User | None,
    name: str = DEFAULT_NAME,
    questions: Sequence[QuestionSpec] = DEFAULT_QUESTIONS,
    settings: Mapping[str, Any] | None = None,
) -> Questionnaire:
    """A new questionnaire, active from now on (the previous one is kept, inactive)."""
    _require_editor(actor)
    if not name.strip():
        raise ValidationError({"name": _("Give the questionnaire a name.")})
    clean = _check_settings(settings or {})
    with transaction.atomic():
        Questionnaire.objects.filter(is_active=True).update(is_active=False)
        questionnaire = Questionnaire.objects.create(name=name.strip(), is_active=True, **clean)
        for position, spec in enumerate(questions):
            _save_question(questionnaire, spec, position)
        record_audit(
            actor=actor,
            action="questionnaires.create",
            obj=questionnaire,
            changes={"name": questionnaire.name, "questions": [q.code for q in questions]},
        )
    return questionnaire


def update_questionnaire(
    *, actor: User | None, questionnaire: Questionnaire, settings: Mapping[str, Any]
) -> Questionnaire:
    """Change the blend weights or the tier thresholds (they apply from the next run)."""
    _require_editor(actor)
    clean = _check_settings(settings)
    with transaction.atomic():
        before = {k: getattr(questionnaire, k) for k in clean}
        for key, number in clean.items():
            setattr(questionnaire, key, number)
        questionnaire.save()
        record_audit(
            actor=actor,
            action="questionnaires.update",
            obj=questionnaire,
            changes={k: [before[k], v] for k, v in clean.items() if before[k] != v},
        )
    return questionnaire


def save_question(
    *, actor: User | None, questionnaire: Questionnaire, spec: QuestionSpec, is_active: bool = True
) -> Question:
    """Add a question, or change the one with the same code."""
    _require_editor(actor)
    with transaction.atomic():
        position = questionnaire.questions.count()
        question = _save_question(questionnaire, spec, position, is_active=is_active)
        record_audit(
            actor=actor,
            action="questionnaires.save_question",
            obj=question,
            changes={"code": spec.code, "weight": spec.weight, "active": is_active},
        )
    return question


def _save_question(
    questionnaire: Questionnaire, spec: QuestionSpec, position: int, *, is_active: bool = True
) -> Question:
    if spec.dimension not in Dimension.values:
        raise ValidationError({"dimension": _("Choose need, value or behaviour.")})
    if spec.kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose a scale, yes or no, or a number.")})
    if not spec.code or not spec.label.strip():
        raise ValidationError({"label": _("A question needs a code and an English text.")})
    if spec.weight < 0:
        raise ValidationError({"weight": _("A weight cannot be negative.")})
    if spec.kind == QuestionKind.NUMBER and (
        spec.min_value is None or spec.max_value is None or spec.min_value >= spec.max_value
    ):
        raise ValidationError(
            {"max_value": _("A number question needs a minimum below its maximum.")}
        )
    fields = {
        "dimension": spec.dimension,
        "kind": spec.kind,
        "weight": spec.weight,
        "label": spec.label.strip(),
        "label_ru": spec.label_ru.strip(),
        "label_fa": spec.label_fa.strip(),
        "min_value": spec.min_value,
        "max_value": spec.max_value,
        "reverse": spec.reverse,
        "is_active": is_active,
    }
    question, created = Question.objects.get_or_create(
        questionnaire=questionnaire, code=spec.code, defaults={**fields, "position": position}
    )
    if not created:
        for key, value in fields.items():
            setattr(question, key, value)
        question.save()
    return question


def _check_answer(question: Question, value: float) -> float:
    if isinstance(value, bool):
        value = float(value)
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError({question.code: _("Enter a number.")})
    lo, hi = question.bounds()
    if question.kind == QuestionKind.YES_NO and value not in (0, 1):
        raise ValidationError({question.code: _("Answer yes or no.")})
    if question.kind == QuestionKind.SCALE and value != int(value):
        raise ValidationError({question.code: _("Choose a whole number from 1 to 5.")})
    if not lo <= value <= hi:
        raise ValidationError(
            {
                question.code: _("Enter a value from %(lo)s to %(hi)s.")
                % {"lo": f"{lo:g}", "hi": f"{hi:g}"}
            }
        )
    return float(value)


def answer_account(
    *, actor: User | None, account: Account, answers: Mapping[int, float | None]
) -> list[Answer]:
    """Record answers (question id → value; None leaves a question as it is) for an account.

    A changed answer supersedes the current one, which is kept as history; an unchanged one
    writes nothing. The account's tier in the latest run is rescored at once."""
    require_workable_account(actor=actor, account=account, action="answer questions about")
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            pk__in=list(answers), questionnaire__is_active=True, is_active=True
        )
    }
    unknown = [pk for pk in answers if pk not in questions]
    if unknown:
        raise ValidationError(
            {
                "question": _("These questions are not in the active questionnaire: %(ids)s")
                % {"ids": ", ".join(str(pk) for pk in unknown)}
            }
        )
    values = {
        pk: _check_answer(questions[pk], value)
        for pk, value in answers.items()
        if value is not None
    }
    now = timezone.now()
    with transaction.atomic():
        current = {
            a.question_id: a
            for a in Answer.objects.select_for_update().filter(
                account=account, question_id__in=list(values), superseded_at__isnull=True
            )
        }
        changed = {pk: v for pk, v in values.items() if pk not in current or current[pk].value != v}
        Answer.objects.filter(pk__in=[current[pk].pk for pk in changed if pk in current]).update(
            superseded_at=now
        )
        written = Answer.objects.bulk_create(
            [
                Answer(question_id=pk, account=account, value=v, answered_by=actor, answered_at=now)
                for pk, v in changed.items()
            ]
        )
        if changed:
            record_audit(
                actor=actor,
                action="questionnaires.answer",
                obj=account,
                changes={
                    questions[pk].code: [current[pk].value if pk in current else None, v]
                    for pk, v in changed.items()
                },
            )
            _rescore(account)
    return written


def _questionnaire_and_meta() -> tuple[Questionnaire | None, dict[int, QuestionMeta]]:
    questionnaire = Questionnaire.objects.filter(is_active=True).order_by("-pk").first()
    if questionnaire is None:
        return None, {}
    meta = {}
    for q in questionnaire.questions.filter(is_active=True):
        lo, hi = q.bounds()
        meta[q.pk] = QuestionMeta(q.dimension, q.kind, q.weight, lo, hi, q.reverse)
    return questionnaire, meta


def _current_scores(
    meta: dict[int, QuestionMeta], account_id: int | None = None
) -> tuple[dict[int, dict[str, float]], dict[int, int]]:
    rows = Answer.objects.filter(question_id__in=list(meta), superseded_at__isnull=True)
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    accounts, questions, values = [], [], []
    for account, question, value in rows.values_list("account_id", "question_id", "value"):
        accounts.append(account)
        questions.append(question)
        values.append(value)
    counts: dict[int, int] = {}
    for account in accounts:
        counts[account] = counts.get(account, 0) + 1
    return answer_scores(accounts, questions, values, meta), counts


def _scored(
    answered: Mapping[str, float],
    indicator: Mapping[str, float | None],
    answers: int,
    settings: TierSettings,
) -> dict[str, Any]:
    """One account's AccountTier fields (a plain dict: a whole base is scored at once)."""
    need, value, behaviour = (
        blend(answered.get(d), indicator.get(d), settings.indicator_weight(d)) for d in DIMENSIONS
    )
    return {
        "need": need,
        "value": value,
        "behaviour": behaviour,
        "need_indicator": indicator.get(Dimension.NEED),
        "value_indicator": indicator.get(Dimension.VALUE),
        "behaviour_indicator": indicator.get(Dimension.BEHAVIOUR),
        "answers": answers,
        "tier": str(tier_of(need, value, behaviour, settings)),
    }


def _rescore(account: Account) -> None:
    """The account's tier in the latest run, with its new answers and the run's indicators."""
    run = latest_run()
    if run is None:
        return
    questionnaire, meta = _questionnaire_and_meta()
    scores, counts = _current_scores(meta, account.pk)
    existing = AccountTier.objects.filter(run=run, account=account).first()
    indicator: dict[str, float | None] = {}
    if existing is not None:
        indicator = {
            Dimension.NEED: existing.need_indicator,
            Dimension.VALUE: existing.value_indicator,
            Dimension.BEHAVIOUR: existing.behaviour_indicator,
        }
    fields = _scored(
        scores.get(account.pk, {}),
        indicator,
        counts.get(account.pk, 0),
        TierSettings.of(questionnaire),
    )
    AccountTier.objects.update_or_create(run=run, account=account, defaults=fields)


def compute_tiers(*, actor: User | None, run: MetricRun) -> dict[str, int]:
    """Score every account of `run` (and every answered account) and store its tier, replacing
    the run's earlier tiers. Returns the number of accounts per tier."""
    _require_editor(actor)
    questionnaire, meta = _questionnaire_and_meta()
    settings = TierSettings.of(questionnaire)
    metrics = _float_columns(
        AccountMetrics.objects.filter(run=run).values_list(
            "account_id", "revenue_ltm", "margin_ltm", "strategic_share", "demand_variability"
        ),
        5,
    )
    metric_ids = metrics[0].astype(np.int64)
    answers = _float_columns(
        Answer.objects.filter(question_id__in=list(meta), superseded_at__isnull=True).values_list(
            "account_id", "question_id", "value"
        ),
        3,
    )
    answer_accounts = answers[0].astype(np.int64)
    answered = np.unique(answer_accounts)
    # Answers given for accounts merged away since stay with the tombstone, not the run.
    merged = np.fromiter(
        Account.objects.filter(merged_into__isnull=False).values_list("pk", flat=True),
        dtype=np.int64,
    )
    account_ids = np.union1d(metric_ids, np.setdiff1d(answered, merged))
    at = np.searchsorted(account_ids, metric_ids)
    indicator: dict[str, npt.NDArray[np.float64]] = {
        d: np.full(account_ids.shape, np.nan) for d in DIMENSIONS
    }
    for dimension, column in indicator_columns(*metrics[1:]).items():
        indicator[dimension][at] = column
    keep = np.isin(answer_accounts, account_ids)
    question_ids = answers[1][keep].astype(np.int64)
    scores = answer_score_columns(
        answer_accounts[keep], question_ids, answers[2][keep], meta, account_ids
    )
    counts = np.bincount(
        np.searchsorted(account_ids, answer_accounts[keep]), minlength=account_ids.size
    )
    need, value, behaviour = (
        blend_many(scores[d], indicator[d], settings.indicator_weight(d)) for d in DIMENSIONS
    )
    tiers = tiers_many(need, value, behaviour, settings)
    columns: list[list[Any]] = [
        [run.pk] * account_ids.size,
        account_ids.tolist(),
        *(_nullable(c) for c in (need, value, behaviour)),
        *(_nullable(indicator[d]) for d in DIMENSIONS),
        counts.tolist(),
        tiers,
    ]
    totals: dict[str, int] = {}
    for tier in tiers:
        totals[tier] = totals.get(tier, 0) + 1
    with transaction.atomic():
        AccountTier.objects.filter(run=run).delete()
        _write(list(zip(*columns, strict=True)))
        record_audit(
            actor=actor,
            action="questionnaires.compute_tiers",
            obj=run,
            changes={
                "questionnaire": questionnaire.pk if questionnaire else None,
                "tiers": dict(sorted(totals.items())),
            },
        )
    return totals


def _float_columns(rows: Iterable[tuple[Any, ...]], width: int) -> list[npt.NDArray[np.float64]]:
    """Query rows as float columns (None as NaN), read a slice at a time."""
    parts: list[npt.NDArray[np.float64]] = []
    it = iter(rows)
    while chunk := list(itertools.islice(it, 100_000)):
        parts.append(np.array(chunk, dtype=np.float64).reshape(-1, width))
    table = np.concatenate(parts) if parts else np.empty((0, width))
    return [np.ascontiguousarray(table[:, i]) for i in range(width)]


def _nullable(column: npt.NDArray[np.float64]) -> list[float | None]:
    return pa.array(column, from_pandas=True).to_pylist()  # type: ignore[no-any-return]


_COLUMNS = (
    "run_id",
    "account_id",
    "need",
    "value",
    "behaviour",
    "need_indicator",
    "value_indicator",
    "behaviour_indicator",
    "answers",
    "tier",
)


def _write(rows: list[tuple[Any, ...]]) -> None:
    db_table = AccountTier._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(n) for n in _COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A whole base at once: COPY is several times faster than INSERT.
            with cursor.cursor.copy(f"COPY {db_table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_COLUMNS))
            cursor.executemany(f"INSERT INTO {db_table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608
