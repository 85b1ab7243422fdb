"""The default need × value × behaviour questionnaire and the reps' answers for every customer,
drawn as noisy observations of the planted scores (segments.py `_scores`)."""

from __future__ import annotations

import numpy as np

from clientbase.demo.calendar import AS_OF_DAY, DAY
from clientbase.demo.columns import F64, I64, NULL_INT, Table
from clientbase.demo.segments import Segments
from clientbase.questionnaires.defaults import DEFAULT_NAME, DEFAULT_QUESTIONS, QuestionSpec
from clientbase.questionnaires.models import Answer, Question, QuestionKind, Questionnaire

Rng = np.random.Generator

ACCOUNT_ANSWERED = 0.9  # share of customers whose rep filled the questionnaire in
QUESTION_ANSWERED = 0.9  # share of questions answered on a filled-in questionnaire
REVISED = 0.05  # answers given twice: the first one stays as superseded history
SCALE_NOISE = 0.5  # on the 1–5 scale
NUMBER_NOISE = 0.1  # as a share of the number's range
YES_NO_NOISE = 0.15


def _observe(spec: QuestionSpec, truth: F64, rng: Rng) -> I64:
    """A rep's answer to one question for every account, from the hidden score in [0, 1]."""
    n = len(truth)
    if spec.kind == QuestionKind.SCALE:
        return np.clip(np.rint(1 + 4 * truth + rng.normal(0, SCALE_NOISE, n)), 1, 5).astype(
            np.int64
        )
    if spec.kind == QuestionKind.YES_NO:
        return (truth + rng.normal(0, YES_NO_NOISE, n) > 0.6).astype(np.int64)
    lo, hi = float(spec.min_value or 0.0), float(spec.max_value or 1.0)
    x = (1.0 - truth) if spec.reverse else truth
    raw = lo + (hi - lo) * (x + rng.normal(0, NUMBER_NOISE, n))
    return np.clip(np.rint(raw), lo, hi).astype(np.int64)


def questionnaire_tables(
    s: Segments,
    rng: Rng,
    base: dict[str, int],
    acc_base: int,
    answered_by: I64,
) -> list[Table]:
    """The questionnaire, its questions and the answers (current and superseded)."""
    qn_id = base["questionnaire"] + 1
    created = (AS_OF_DAY - 400) * DAY + 9 * 3600
    qn = Table(Questionnaire)
    qn.add("id", "int", [qn_id])
    qn.add("name", "text", [DEFAULT_NAME])
    qn.add("is_active", "bool", [1])
    qn.add("created_at", "datetime", [created])
    qn.add("updated_at", "datetime", [created])
    k = len(DEFAULT_QUESTIONS)
    q_ids = np.arange(base["question"] + 1, base["question"] + k + 1)
    qt = Table(Question)
    qt.add("id", "int", q_ids)
    qt.add("questionnaire_id", "int", np.full(k, qn_id))
    qt.add("position", "int", np.arange(k))
    for name in ("code", "dimension", "kind", "label", "label_ru", "label_fa"):
        qt.add(name, "text", [str(getattr(q, name)) for q in DEFAULT_QUESTIONS])
    qt.add("weight", "dec", [round(q.weight * 100) for q in DEFAULT_QUESTIONS])
    for name in ("min_value", "max_value"):
        bound = [getattr(q, name) for q in DEFAULT_QUESTIONS]
        qt.add(name, "dec", [NULL_INT if b is None else round(b * 100) for b in bound])
    qt.add("reverse", "bool", [int(q.reverse) for q in DEFAULT_QUESTIONS])
    qt.add("is_active", "bool", np.ones(k, dtype=np.int64))

    filled = np.flatnonzero(s.is_customer() & (rng.random(s.n) < ACCOUNT_ANSWERED))
    truth = {"need": s.need[filled], "value": s.value[filled], "behaviour": s.behaviour[filled]}
    accounts, questions, values, prior = [], [], [], []
    for j, spec in enumerate(DEFAULT_QUESTIONS):
        value = _observe(spec, truth[str(spec.dimension)], rng)
        keep = rng.random(len(filled)) < QUESTION_ANSWERED
        accounts.append(filled[keep])
        questions.append(np.full(int(keep.sum()), q_ids[j]))
        values.append(value[keep])
        prior.append(_observe(spec, truth[str(spec.dimension)], rng)[keep])
    acc = np.concatenate(accounts)
    qid = np.concatenate(questions)
    val = np.concatenate(values)
    old_val = np.concatenate(prior)
    m = len(acc)
    at = (AS_OF_DAY - rng.integers(1, 365, m)) * DAY + rng.integers(8 * 3600, 18 * 3600, m)
    revised = np.flatnonzero(rng.random(m) < REVISED)
    old_at = at[revised] - rng.integers(30, 400, len(revised)) * DAY
    total = m + len(revised)
    at_all = np.concatenate([at, old_at])
    superseded = np.concatenate([np.full(m, NULL_INT), at[revised]])
    a = Table(Answer)
    a.add("id", "int", np.arange(base["answer"] + 1, base["answer"] + total + 1))
    a.add("question_id", "int", np.concatenate([qid, qid[revised]]))
    a.add("account_id", "int", np.concatenate([acc, acc[revised]]) + acc_base + 1)
    a.add("value", "int", np.concatenate([val, old_val[revised]]))
    a.add("answered_by_id", "int", np.concatenate([answered_by[acc], answered_by[acc[revised]]]))
    a.add("answered_at", "datetime", at_all)
    a.add("superseded_at", "datetime", superseded)
    return [qn, qt, a]
