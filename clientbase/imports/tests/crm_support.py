"""Fixtures for the deal and activity import tests: a pipeline, and accounts, contacts and a
deal that a CRM export names by its own ids."""

from __future__ import annotations

import pytest

from clientbase.access.models import User
from clientbase.accounts.models import Account, Contact
from clientbase.accounts.services import create_account
from clientbase.sales.models import Pipeline, PipelineKind, Stage

SOURCE = "amocrm"
INN_A = "7707083893"


@pytest.fixture
def pipeline(db: None) -> Pipeline:
    pipeline = Pipeline.objects.create(name="Продажи", kind=PipelineKind.NEW_BUSINESS)
    for position, (name, probability, won, lost) in enumerate(
        [
            ("Первичный контакт", 10, False, False),
            ("Переговоры", 40, False, False),
            ("Успешно реализовано", 100, True, False),
            ("Закрыто и не реализовано", 0, False, True),
        ],
        start=1,
    ):
        Stage.objects.create(
            pipeline=pipeline,
            name=name,
            position=position,
            probability=probability,
            is_won=won,
            is_lost=lost,
        )
    return pipeline


@pytest.fixture
def crm_accounts(owner: User) -> dict[str, Account]:
    """Two companies imported from the CRM earlier: C-1 (with an INN) and C-2."""
    accounts = {
        "C-1": create_account(actor=None, legal_name="ООО «Ромашка»", tax_ids={"ru_inn": INN_A}),
        "C-2": create_account(actor=None, legal_name="Pars Trading"),
    }
    for external_id, account in accounts.items():
        Account.objects.filter(pk=account.pk).update(source_system=SOURCE, external_id=external_id)
    return accounts


@pytest.fixture
def crm_contact(crm_accounts: dict[str, Account]) -> Contact:
    return Contact.objects.create(
        account=crm_accounts["C-2"],
        full_name="Мария Петрова",
        email="maria@pars.example",
        source_system=SOURCE,
        external_id="P-7",
    )
