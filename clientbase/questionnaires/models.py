"""Questionnaires, their questions, the reps' answers (with history) and the tiers per run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    NEED = "need", _("Need")
    VALUE = "value", _("Value")
    BEHAVIOUR = "behaviour", _("Behaviour")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("Number")


class Tier(models.TextChoices):
    T1A = "1a", _("Tier 1a")
    T1B = "1b", _("Tier 1b")
    T2 = "2", _("Tier 2")
    T3 = "3", _("Tier 3")


class Questionnaire(models.Model):
    """What the reps are asked about an account, and how answers and indicators are blended.

    One questionnaire is active at a time; the tier thresholds live here so an admin can move
    them without a deploy."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    need_indicator_weight = models.FloatField(
        _("weight of the computed need indicator"), default=0.15
    )
    value_indicator_weight = models.FloatField(
        _("weight of the computed value indicator"), default=0.4
    )
    behaviour_indicator_weight = models.FloatField(
        _("weight of the computed behaviour indicator"), default=0.1
    )
    top_threshold = models.FloatField(_("tier 1 threshold on need and value"), default=0.7)
    behaviour_high = models.FloatField(_("behaviour for tier 1a"), default=0.6)
    behaviour_low = models.FloatField(_("behaviour for tier 1b"), default=0.4)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    weight = models.FloatField(_("weight"), default=1.0)
    # Admin-entered text, so it cannot go through gettext: one label per language.
    label = models.CharField(_("question (English)"), max_length=300)
    label_ru = models.CharField(_("question (Russian)"), max_length=300, blank=True, default="")
    label_fa = models.CharField(_("question (Persian)"), max_length=300, blank=True, default="")
    min_value = models.FloatField(_("minimum"), null=True, blank=True)
    max_value = models.FloatField(_("maximum"), null=True, blank=True)
    # True when a high answer means a low score (e.g. the share of the wallet we already hold).
    reverse = models.BooleanField(_("reversed"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return self.code

    def text(self) -> str:
        """The label in the current language, English when it has none."""
        language = (get_language() or "en")[:2]
        return {"ru": self.label_ru, "fa": self.label_fa}.get(language) or self.label

    def bounds(self) -> tuple[float, float]:
        if self.kind == QuestionKind.SCALE:
            return 1.0, 5.0
        if self.kind == QuestionKind.YES_NO:
            return 0.0, 1.0
        return float(self.min_value or 0.0), float(
            self.max_value if self.max_value is not None else 1.0
        )


class Answer(models.Model):
    """One rep's answer for one account. A new answer supersedes the current one; the old
    one stays with `superseded_at` set, so the history can be read back."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    value = models.FloatField(_("answer"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["account", "question", "superseded_at"], name="answer_acc_q_idx")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.question_id}={self.value}"


class AccountTier(models.Model):
    """One account's scores and tier in one metrics run (deleted with the run)."""

    run = models.ForeignKey("analytics.MetricRun", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="tiers", db_index=False
    )
    need = models.FloatField(_("need"), null=True)
    value = models.FloatField(_("value"), null=True)
    behaviour = models.FloatField(_("behaviour"), null=True)
    # The computed indicators, kept so one account can be rescored when a rep answers.
    need_indicator = models.FloatField(null=True)
    value_indicator = models.FloatField(null=True)
    behaviour_indicator = models.FloatField(null=True)
    answers = models.PositiveSmallIntegerField(_("answers"), default=0)
    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices)

    class Meta:
        verbose_name = _("account tier")
        verbose_name_plural = _("account tiers")
        constraints = [
            models.UniqueConstraint(fields=["account", "run"], name="accounttier_account_run")
        ]
        indexes = [models.Index(fields=["run", "tier"], name="accounttier_run_tier_idx")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.tier}"
