"""The tiers of a metrics run: answers blended with indicators, one row per account."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account
from clientbase.analytics.models import MetricRun
from clientbase.questionnaires.models import AccountTier, Questionnaire
from clientbase.questionnaires.selectors import account_tier
from clientbase.questionnaires.services import answer_account, compute_tiers, update_questionnaire

pytestmark = pytest.mark.django_db


def _ids(questionnaire: Questionnaire) -> dict[str, int]:
    return {q.code: q.pk for q in questionnaire.questions.all()}


def test_each_account_gets_the_tier_its_answers_give(
    owner: User,
    analyst: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
    make_run: Callable[..., MetricRun],
) -> None:
    easy, hard, half, rest = (make_account(owner=owner) for _ in range(4))
    q = _ids(questionnaire)
    # need = (fit-1)/4, value = big, behaviour = orderly/10
    answer_account(actor=owner, account=easy, answers={q["fit"]: 5, q["big"]: 1, q["orderly"]: 8})
    answer_account(actor=owner, account=hard, answers={q["fit"]: 4, q["big"]: 1, q["orderly"]: 2})
    answer_account(actor=owner, account=half, answers={q["fit"]: 5, q["big"]: 0, q["orderly"]: 9})
    run = make_run({a: {} for a in (easy, hard, half, rest)})

    totals = compute_tiers(actor=analyst, run=run)

    tiers = dict(AccountTier.objects.filter(run=run).values_list("account_id", "tier"))
    assert tiers == {easy.pk: "1a", hard.pk: "1b", half.pk: "2", rest.pk: "3"}
    assert totals == {"1a": 1, "1b": 1, "2": 1, "3": 1}
    row = AccountTier.objects.get(run=run, account=hard)
    assert (row.need, row.value, row.behaviour, row.answers) == (0.75, 1.0, 0.2, 3)
    assert AuditEvent.objects.filter(action="questionnaires.compute_tiers").exists()


def test_the_indicators_are_blended_in_by_their_weight(
    owner: User,
    analyst: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
    make_run: Callable[..., MetricRun],
) -> None:
    update_questionnaire(
        actor=analyst, questionnaire=questionnaire, settings={"value_indicator_weight": 0.5}
    )
    big, small = make_account(owner=owner), make_account(owner=owner)
    answer_account(actor=owner, account=big, answers={_ids(questionnaire)["big"]: 1})
    run = make_run({big: {"revenue_ltm": 100.0, "margin_ltm": 10.0}, small: {"revenue_ltm": 10.0}})

    compute_tiers(actor=analyst, run=run)

    # big: revenue percentile 0.75, margin-rate percentile 0.75 -> indicator 0.75;
    # 0.5 × 1.0 + 0.5 × 0.75. small: no answer (neutral 0.5), indicator 0.25.
    rows = {r.account_id: r for r in AccountTier.objects.filter(run=run)}
    assert rows[big.pk].value == pytest.approx(0.875)
    assert rows[small.pk].value == pytest.approx(0.5 * 0.5 + 0.5 * 0.25)


def test_an_answer_rescores_the_account_in_the_latest_run(
    owner: User,
    analyst: User,
    questionnaire: Questionnaire,
    make_account: Callable[..., Account],
    make_run: Callable[..., MetricRun],
) -> None:
    account = make_account(owner=owner)
    run = make_run({account: {}})
    compute_tiers(actor=analyst, run=run)
    q = _ids(questionnaire)

    answer_account(
        actor=owner, account=account, answers={q["fit"]: 5, q["big"]: 1, q["orderly"]: 10}
    )

    shown = account_tier(actor=owner, account=account)
    assert shown is not None
    assert shown.tier == "1a"
    assert shown.strategy


def test_it_rejects_computing_tiers_without_right(
    owner: User, make_run: Callable[..., MetricRun], make_account: Callable[..., Account]
) -> None:
    run = make_run({make_account(owner=owner): {}})
    with pytest.raises(PermissionDenied):
        compute_tiers(actor=owner, run=run)
    assert not AccountTier.objects.exists()


def test_an_outsider_does_not_see_the_tier(
    owner: User,
    outsider: User,
    analyst: User,
    make_account: Callable[..., Account],
    make_run: Callable[..., MetricRun],
) -> None:
    account = make_account(owner=owner)
    compute_tiers(actor=analyst, run=make_run({account: {}}))

    assert account_tier(actor=owner, account=account) is not None
    assert account_tier(actor=outsider, account=account) is None
