"""Reads of questionnaires, answers and tiers, always on behalf of a user."""

from __future__ import annotations

from dataclasses import dataclass

from clientbase.access.models import User
from clientbase.access.selectors import ANALYZE, can
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import visible_accounts
from clientbase.analytics.models import MetricRun, RunStatus
from clientbase.analytics.playbook_selectors import class_playbooks
from clientbase.questionnaires.models import AccountTier, Answer, Question, Questionnaire
from clientbase.questionnaires.strategies import strategy_of

# Editing a questionnaire is the analysts' business: the same people who run the metrics.
EDIT_RIGHT = (ANALYZE, "metrics")


def may_edit_questionnaires(user: object) -> bool:
    return can(user, *EDIT_RIGHT)


def active_questionnaire(*, actor: User | None) -> Questionnaire | None:
    """The questionnaire in use (company configuration: every signed-in user may read it)."""
    return Questionnaire.objects.filter(is_active=True).order_by("-pk").first()


def latest_run() -> MetricRun | None:
    return MetricRun.objects.filter(status=RunStatus.DONE).order_by("-as_of", "-pk").first()


def _sees(actor: User, account: Account) -> bool:
    return visible_accounts(actor=actor).filter(pk=account.pk).exists()


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    answer: Answer | None


def account_answers(*, actor: User, account: Account) -> list[QuestionRow]:
    """The active questionnaire's questions with this account's current answers; empty for
    an account the actor may not see."""
    questionnaire = active_questionnaire(actor=actor)
    if questionnaire is None or not _sees(actor, account):
        return []
    questions = list(questionnaire.questions.filter(is_active=True))
    current = {
        a.question_id: a
        for a in Answer.objects.filter(
            account=account, question__in=questions, superseded_at__isnull=True
        ).select_related("answered_by")
    }
    return [QuestionRow(q, current.get(q.pk)) for q in questions]


def answer_history(*, actor: User, account: Account) -> list[Answer]:
    """Every answer ever given for this account, newest first (superseded ones included)."""
    if not _sees(actor, account):
        return []
    return list(
        Answer.objects.filter(account=account)
        .select_related("question", "answered_by")
        .order_by("-answered_at", "-pk")
    )


@dataclass(frozen=True)
class TierView:
    tier: str
    label: str
    headline: str
    strategy: str
    need: float | None
    value: float | None
    behaviour: float | None
    as_of: str


def account_tier(*, actor: User, account: Account) -> TierView | None:
    """The account's tier in the latest metrics run, with its deployment strategy."""
    run = latest_run()
    if run is None or not _sees(actor, account):
        return None
    row = AccountTier.objects.filter(run=run, account=account).first()
    if row is None:
        return None
    headline, strategy = strategy_of(row.tier)
    # the tier's playbook, as an admin may have changed it (by default: the same strategy)
    strategy = class_playbooks(actor=actor, kind="tier")[row.tier].description or strategy
    return TierView(
        tier=row.tier,
        label=str(row.get_tier_display()),
        headline=headline,
        strategy=strategy,
        need=row.need,
        value=row.value,
        behaviour=row.behaviour,
        as_of=run.as_of.isoformat(),
    )
