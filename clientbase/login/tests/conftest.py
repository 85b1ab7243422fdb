"""A leaver's book for the offboarding tests: `owner` (a rep in team North) holds accounts,
open and closed deals, open and done tasks, two API tokens and a live web session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client

from clientbase.access.models import User
from clientbase.accounts.models import Account
from clientbase.activities.models import Activity, ActivityKind
from clientbase.activities.services import complete_activity, plan_activity
from clientbase.login.tests.support import post_login
from clientbase.login.token_services import create_token
from clientbase.sales.models import Deal, DealStatus, Pipeline, PipelineKind, Stage
from clientbase.sales.services import open_deal
from conftest import PASSWORD


@dataclass
class Book:
    owned: list[Account]
    managed: Account  # owned by an outsider, `owner` is its account manager
    untouched: Account  # the teammate's
    open_deals: list[Deal]
    stray_deal: Deal  # `owner`'s open deal on an account that is not theirs
    won_deal: Deal
    account_task: Activity
    loose_task: Activity
    done_task: Activity
    raw_tokens: list[str]
    session: Client
    extra: dict[str, object] = field(default_factory=dict)


@pytest.fixture
def pipeline(db: None) -> Pipeline:
    pipeline = Pipeline.objects.create(name="New business", kind=PipelineKind.NEW_BUSINESS)
    Stage.objects.create(pipeline=pipeline, name="Qualify", position=1, probability=10)
    return pipeline


@pytest.fixture
def book(
    owner: User,
    teammate: User,
    lead: User,
    outsider: User,
    pipeline: Pipeline,
    make_account: Callable[..., Account],
) -> Book:
    owned = [make_account(owner=owner) for _n in range(4)]
    managed = make_account(owner=outsider, account_manager=owner)
    untouched = make_account(owner=teammate)
    open_deals = [
        open_deal(actor=None, account=owned[0], pipeline=pipeline, title="Pumps", owner=owner),
        open_deal(actor=None, account=owned[1], pipeline=pipeline, title="Valves", owner=owner),
    ]
    stray = open_deal(actor=None, account=untouched, pipeline=pipeline, title="Joint", owner=owner)
    won = open_deal(actor=None, account=owned[2], pipeline=pipeline, title="Old win", owner=owner)
    Deal.objects.filter(pk=won.pk).update(status=DealStatus.WON)
    account_task = plan_activity(
        actor=None, kind=ActivityKind.CALL, subject="Call back", account=owned[3], owner=owner
    )
    loose_task = plan_activity(actor=None, kind=ActivityKind.TASK, subject="Report", owner=owner)
    done = plan_activity(actor=None, kind=ActivityKind.TASK, subject="Done", owner=owner)
    complete_activity(actor=None, activity=done)
    raw_tokens = [create_token(actor=owner, name=f"script {n}")[1] for n in range(2)]
    session = Client()
    assert post_login(session, "owner", PASSWORD).status_code == 302
    return Book(
        owned=owned,
        managed=managed,
        untouched=untouched,
        open_deals=open_deals,
        stray_deal=stray,
        won_deal=won,
        account_task=account_task,
        loose_task=loose_task,
        done_task=done,
        raw_tokens=raw_tokens,
        session=session,
    )
