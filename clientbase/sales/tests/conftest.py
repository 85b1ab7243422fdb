"""A product to sell and a pipeline to sell it through, for the sales tests."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from clientbase.access.models import User
from clientbase.access.tests.fixtures import break_audit
from clientbase.accounts.models import Account
from clientbase.catalog.models import Product, ProductCategory
from clientbase.sales.models import Pipeline, PipelineKind, Stage

__all__ = ["break_audit"]


@pytest.fixture
def product(db: None) -> Product:
    category = ProductCategory.objects.create(name="Pumps")
    return Product.objects.create(
        sku="P-100", name="Pump", category=category, list_price=Decimal("100.00")
    )


@pytest.fixture
def pipeline(db: None) -> Pipeline:
    """Stages made out of order on purpose: position, not creation order, decides."""
    pipeline = Pipeline.objects.create(name="New business", kind=PipelineKind.NEW_BUSINESS)
    Stage.objects.create(pipeline=pipeline, name="Proposal", position=2, probability=50)
    Stage.objects.create(pipeline=pipeline, name="Qualify", position=1, probability=10)
    Stage.objects.create(pipeline=pipeline, name="Won", position=3, probability=100, is_won=True)
    Stage.objects.create(pipeline=pipeline, name="Lost", position=4, probability=0, is_lost=True)
    return pipeline


@pytest.fixture
def stage(pipeline: Pipeline) -> Callable[[str], Stage]:
    def named(name: str) -> Stage:
        return pipeline.stages.get(name=name)

    return named


@pytest.fixture
def account(make_account: Callable[..., Account], owner: User) -> Account:
    return make_account(owner=owner, display_name="Roga")
