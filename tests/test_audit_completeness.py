"""Audit completeness: N operations of each kind give exactly N audit rows of that kind, bulk
paths included (an import of many chunks is one operation), and the chain still verifies.

UPDATE/DELETE of audit rows failing on both databases: clientbase/access/tests/
test_audit_is_append_only.py; verify detecting an edited row: .../test_audit_verify.py."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientbase.access.audit_trail import verify
from clientbase.access.models import AuditEvent, Role, User
from clientbase.access.services import create_user
from clientbase.accounts.merging import merge_accounts, undo_merge
from clientbase.accounts.models import Account
from clientbase.accounts.selectors import AccountListQuery
from clientbase.accounts.services import create_contact, update_account
from clientbase.activities.services import complete_activity, plan_activity
from clientbase.analytics.segment_services import create_segment, delete_segment
from clientbase.catalog.models import Product, ProductCategory
from clientbase.exports.services import export_accounts
from clientbase.imports.services import run_import
from clientbase.sales.models import Pipeline, PipelineKind, Stage
from clientbase.sales.services import LineInput, move_deal, open_deal, record_order

pytestmark = pytest.mark.django_db

N = 3
MakeAccount = Callable[..., Account]


@pytest.fixture(autouse=True)
def _import_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def pipeline(db: None) -> Pipeline:
    pipeline = Pipeline.objects.create(name="New business", kind=PipelineKind.NEW_BUSINESS)
    Stage.objects.create(pipeline=pipeline, name="Qualify", position=1, probability=10)
    Stage.objects.create(pipeline=pipeline, name="Proposal", position=2, probability=50)
    return pipeline


@pytest.fixture
def product(db: None) -> Product:
    category = ProductCategory.objects.create(name="Pumps")
    return Product.objects.create(
        sku="P-1", name="Pump", category=category, list_price=Decimal("100.00")
    )


@pytest.fixture
def new_rows(db: None) -> Callable[[], Counter[str]]:
    """The actions of the audit rows written since the fixture was set up, counted."""
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def count() -> Counter[str]:
        return Counter(AuditEvent.objects.filter(seq__gt=start).values_list("action", flat=True))

    return count


def test_each_service_write_is_one_row(
    owner: User,
    director: User,
    make_account: MakeAccount,
    pipeline: Pipeline,
    product: Product,
    new_rows: Callable[[], Counter[str]],
) -> None:
    accounts = [make_account(owner=owner) for _ in range(N)]
    proposal = pipeline.stages.get(name="Proposal")
    for n, account in enumerate(accounts):
        update_account(actor=owner, account=account, city=f"Kazan {n}")
        create_contact(actor=owner, account=account, full_name=f"Ann {n}")
        deal = open_deal(actor=owner, account=account, pipeline=pipeline, title=f"Deal {n}")
        move_deal(actor=owner, deal=deal, to_stage=proposal)
        record_order(
            actor=owner,
            account=account,
            date=dt.date(2026, 1, n + 1),
            lines=[LineInput(product, Decimal(1), Decimal("100"), Decimal("60"))],
        )
        call = plan_activity(actor=owner, kind="call", subject=f"Call {n}", account=account)
        complete_activity(actor=owner, activity=call, outcome="done")
        create_user(actor=director, username=f"new{n}", password=None, role=Role.REP)
        segment = create_segment(
            actor=owner, name=f"S{n}", spec={"field": "status", "op": "eq", "value": "active"}
        )
        delete_segment(actor=owner, segment_id=segment.pk)

    assert new_rows() == {
        "account.create": N,
        "account.update": N,
        "contact.create": N,
        "deal.create": N,
        "deal.move": N,
        "order.create": N,
        "activity.create": N,
        "activity.complete": N,
        "user.create": N,
        "analytics.segment_create": N,
        "analytics.segment_delete": N,
    }
    assert verify().ok


def test_an_import_of_many_chunks_is_one_start_and_one_finish(
    tmp_path: Path, new_rows: Callable[[], Counter[str]]
) -> None:
    for n in range(N):
        path = tmp_path / f"accounts-{n}.csv"
        rows = "".join(f"A{n}-{i},Company {n}-{i}\n" for i in range(7))
        path.write_text("ID,Company name\n" + rows, encoding="utf-8")
        result = run_import(actor=None, path=path, source_system="crm", chunk_size=2)
        assert result.created == 7  # 4 chunks

    assert new_rows() == {"import.start": N, "import.done": N}
    assert Account.objects.count() == 7 * N
    assert verify().ok


def test_merges_and_their_undo_are_one_row_each(
    owner: User, make_account: MakeAccount, new_rows: Callable[[], Counter[str]]
) -> None:
    pairs = [(make_account(owner=owner), make_account(owner=owner)) for _ in range(N)]
    records = [merge_accounts(actor=owner, survivor=s, merged=m) for s, m in pairs]
    for record in records:
        undo_merge(actor=owner, merge=record)

    assert new_rows() == {"account.create": 2 * N, "account.merge": N, "account.merge_undo": N}
    assert verify().ok


def test_exports_are_one_row_each(
    director: User, make_account: MakeAccount, new_rows: Callable[[], Counter[str]]
) -> None:
    for _ in range(2):
        make_account(owner=director)
    for fmt in ["csv", "xlsx", "csv"][:N]:
        export_accounts(actor=director, query=AccountListQuery(), fmt=fmt)

    assert new_rows() == {"account.create": 2, "export.accounts": N}
    assert verify().ok


def test_page_views_are_one_row_each_on_the_web_and_the_api(
    client: Client, owner: User, make_account: MakeAccount, new_rows: Callable[[], Counter[str]]
) -> None:
    account = make_account(owner=owner)
    contact = create_contact(actor=owner, account=account, full_name="Ann")
    client.force_login(owner)
    for _ in range(N):
        assert client.get(reverse("web:account_detail", args=[account.pk])).status_code == 200
        assert client.get(f"/api/v1/accounts/{account.pk}").status_code == 200

    assert new_rows() == {"account.create": 1, "contact.create": 1, "account.view": 2 * N}
    views = AuditEvent.objects.filter(action="account.view", actor=owner).order_by("seq")
    assert {e.object_id for e in views} == {str(account.pk)}
    assert [e.changes["channel"] for e in views] == ["web", "api"] * N
    assert views[0].changes["contacts"] == [contact.pk]
    assert all(e.at <= timezone.now() for e in views)
    assert verify().ok


def test_an_outsider_refused_an_account_page_leaves_no_view_row(
    client: Client, owner: User, outsider: User, make_account: MakeAccount
) -> None:
    account = make_account(owner=owner)
    client.force_login(outsider)

    response = client.get(reverse("web:account_detail", args=[account.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="account.view").exists()
