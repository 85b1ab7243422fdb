"""The field-leak sweep: each restricted field, planted with a value found nowhere else, is
looked for on every surface a role without the field right can reach: every page and API
answer (lists, detail pages, search, autocomplete, analytics and charts, the segment builder's
fields), every export (CSV and XLSX, web and API, the analytics CSVs) and audit diffs as an
audit view shows them (`mask_changes`). 0 leaks; the same sweep as a role with the right
finds the figures where they are shown (so the sweep can see a leak)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from clientbase.access.models import User
from clientbase.access.roles import METRICS_MARGIN, ORDER_COST, ORDER_MARGIN, RESTRICTED_FIELDS
from clientbase.access.routes import all_routes
from clientbase.access.selectors import MASK, mask_changes, role_definition
from clientbase.analytics.models import AccountMetrics, MetricRun, RunStatus
from clientbase.sales.models import Order
from clientbase.web.analytics import TABLES
from clientbase.web.tests.analytics_support import ZERO, buyer

from .matrix_support import CASES, ROLE_KEYS, World, build_world

pytestmark = pytest.mark.django_db

COST = Decimal("737373.91")
REVENUE = Decimal("800000.00")  # the margin: 62626.09
MARGIN_LTM = 515151.23
MARGIN_LIFETIME = 919191.37
MARKERS: dict[str, tuple[str, ...]] = {
    ORDER_COST: ("737373", "737,373", "737 373", "737\xa0373", "cost_base"),
    ORDER_MARGIN: ("62626", "62,626", "62 626", "62\xa0626", "margin_base"),
    METRICS_MARGIN: (
        "515151",
        "515,151",
        "515\xa0151",
        "919191",
        "919,191",
        "919\xa0191",
        "margin_ltm",
        "margin_lifetime",
        "margin_per_workload",
        "margin_per_month",
        "abc_margin",
        "margin_share",
        "Share of margin",
        "ABC by margin",
    ),
}


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> World:
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EXPORT_BACKGROUND_ROWS = 100_000  # exports answer with the file itself
    world = build_world(settings.VAR_DIR)
    accounts = [obj for (kind, _pk), obj in world.objects.items() if kind == "account"]
    for account in accounts:
        Order.objects.create(
            account=account,
            date=dt.date(2026, 10, 1),
            net_revenue_base=REVENUE,
            cost_base=COST,
            owner=account.owner,
        )
    run = MetricRun.objects.create(
        as_of=dt.date(2026, 11, 30),
        status=RunStatus.DONE,
        started_at=dt.datetime(2026, 11, 30, 1, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC),
        seconds=1.0,
        accounts=len(accounts),
    )
    AccountMetrics.objects.bulk_create(
        AccountMetrics(
            run=run,
            account=account,
            as_of=run.as_of,
            **{
                **ZERO,
                **buyer(
                    100.0,
                    margin_ltm=MARGIN_LTM,
                    margin_lifetime=MARGIN_LIFETIME if n == 0 else 1.0,
                    margin_per_month=MARGIN_LTM,
                    abc_margin="B",
                ),
            },
        )
        for n, account in enumerate(accounts)
    )
    return world


def _text(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        body = response.content  # type: ignore[attr-defined]
    if body.startswith(b"PK"):  # an XLSX file: every cell's value
        book = openpyxl.load_workbook(io.BytesIO(body))
        cells = [
            str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
        ]
        return "\n".join(cells)
    return body.decode("utf-8", errors="replace")


def _surfaces(client: Client, world: World, actor: User) -> dict[str, str]:
    """Every surface `actor` reaches, as text: each route on their own records, searches,
    the exports in both formats and every analytics table."""
    seen: dict[str, str] = {}
    for route in all_routes():
        case = CASES[route.name]
        if case.method != "get" or case.always is not None:
            continue
        kwargs, _data = case.build(world, actor)
        url = reverse(route.name, kwargs=kwargs or None)
        response = client.get(url, case.query)
        seen[route.name] = _text(response)
    extra = {
        "search": (reverse("web:account_list"), {"q": "Matrix"}),
        "autocomplete": (reverse("web:account_new_check"), {"legal_name": "Matrix 0001"}),
        "export.csv": (reverse("web:account_export"), {"fmt": "csv"}),
        "export.xlsx": (reverse("web:account_export"), {"fmt": "xlsx"}),
        "api.export.csv": (reverse("api:export_account_list"), {"fmt": "csv"}),
        "api.export.xlsx": (reverse("api:export_account_list"), {"fmt": "xlsx"}),
        "api.search": (reverse("api:list_accounts"), {"q": "Matrix"}),
    }
    for table in TABLES:
        extra[f"analytics.{table}.csv"] = (reverse("web:analytics_csv", args=[table]), {})
    for name, (url, query) in extra.items():
        seen[name] = _text(client.get(url, query))
    builder = client.post(reverse("web:segment_builder"), {})
    seen["segment builder"] = _text(builder)
    return seen


def _leaks(seen: dict[str, str], field: str) -> list[str]:
    return [
        f"{surface}: {marker!r}"
        for surface, text in seen.items()
        for marker in MARKERS[field]
        if marker in text
    ]


def test_no_restricted_field_reaches_a_role_without_its_right(world: World) -> None:
    leaks: list[str] = []
    checked = 0
    for role in ROLE_KEYS:
        actor = world.actors[role]
        hidden = [f for f in RESTRICTED_FIELDS if f not in actor_fields(role)]
        if not hidden:
            continue
        client = Client()
        client.force_login(actor)
        seen = _surfaces(client, world, actor)
        for field in hidden:
            checked += len(seen)
            leaks += [f"{role} sees {field} on {leak}" for leak in _leaks(seen, field)]
    print(f"field-leak sweep: {checked} field x surface checks, {len(leaks)} leaks")
    assert checked > 100
    assert leaks == [], "\n".join(leaks)


def test_a_role_with_the_right_finds_the_margin_figures_so_the_sweep_can_see(
    world: World,
) -> None:
    director = world.actors["director"]
    client = Client()
    client.force_login(director)
    seen = _surfaces(client, world, director)
    found = {leak.split(": ")[0] for leak in _leaks(seen, METRICS_MARGIN)}
    # The figures themselves (the costs CSV), the filterable fields and the account's card.
    assert {"analytics.costs.csv", "web:segment_new", "web:account_detail"} <= found


def actor_fields(role: str) -> list[str]:
    row = role_definition(role)
    assert row is not None
    return list(row.fields)


@pytest.mark.parametrize("field", [ORDER_COST, ORDER_MARGIN])
def test_audit_diffs_mask_order_figures_for_roles_without_the_right(
    world: World, field: str
) -> None:
    column = {ORDER_COST: "cost_base", ORDER_MARGIN: "margin_base"}[field]
    changes = {column: ["1.00", str(COST)], "number": ["A-1", "A-2"]}
    for role in ROLE_KEYS:
        shown = mask_changes(world.actors[role], "sales.order", changes)
        if field in actor_fields(role):
            assert shown == changes
        else:
            assert shown == {column: [MASK, MASK], "number": ["A-1", "A-2"]}
