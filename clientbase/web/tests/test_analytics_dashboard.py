"""The analytics dashboard: figures of the accounts the user may see, from the latest run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientbase.access.models import User
from clientbase.accounts.models import Account

from .analytics_support import AS_OF, MakeRun, buyer, make_run
from .conftest import text_of

__all__ = ["make_run"]
pytestmark = pytest.mark.django_db
URL = reverse("web:analytics_dashboard")


def charts_of(html: str) -> dict[str, Any]:
    """The chart data the page embeds for its script (Django's json_script block)."""
    found = re.search(r'<script id="an-charts" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no chart data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_it_shows_a_clear_empty_state_before_any_run(
    login: Callable[[User], Client], director: User
) -> None:
    page = text_of(login(director).get(URL).content.decode())

    assert "No analysis yet" in page
    assert "Recompute" in page


def test_a_rep_without_the_analyze_right_sees_no_recompute_button(
    login: Callable[[User], Client], owner: User
) -> None:
    page = login(owner).get(URL).content.decode()

    assert "No analysis yet" in page
    assert reverse("web:analytics_recompute") not in page


def test_a_reps_figures_cover_only_their_own_accounts(
    login: Callable[[User], Client],
    owner: User,
    outsider: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    mine = [make_account(owner=owner, display_name=f"Mine {n}") for n in range(3)]
    theirs = [make_account(owner=outsider, display_name=f"Theirs {n}") for n in range(5)]
    make_run({a: buyer(100.0, churn_risk=0.9, churn_flag=True) for a in [*mine, *theirs]})

    html = login(owner).get(URL).content.decode()

    page = text_of(html)
    assert "3 accounts you may see" in page
    assert "Mine 0" in page
    assert "Theirs" not in page
    assert f'href="{reverse("web:account_detail", args=[mine[0].pk])}"' in html


def test_the_other_rep_sees_their_own_figures_only(
    login: Callable[[User], Client],
    owner: User,
    outsider: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    mine = [make_account(owner=owner, display_name=f"Mine {n}") for n in range(3)]
    theirs = [make_account(owner=outsider, display_name=f"Theirs {n}") for n in range(5)]
    make_run({a: buyer(100.0, churn_risk=0.9) for a in [*mine, *theirs]})

    html = login(outsider).get(URL).content.decode()

    page = text_of(html)
    assert "5 accounts you may see" in page
    assert "Theirs 0" in page
    assert "Mine" not in page
    assert "Mine" not in json.dumps(charts_of(html))


def test_a_director_sees_every_chart_with_its_table(
    login: Callable[[User], Client],
    director: User,
    owner: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    big, small, costly = (make_account(owner=owner) for _ in range(3))
    make_run(
        {
            big: buyer(800.0),
            small: buyer(100.0, quadrant="II", rfm_segment="at_risk", abc_revenue="B"),
            costly: buyer(
                100.0, cts_class="D", workload=60, margin_lifetime=1.0, quadrant="IV", xyz="Z"
            ),
        }
    )

    html = login(director).get(URL).content.decode()

    page = text_of(html)
    for title in (
        "Pareto curve",
        "Cost to serve",
        "Loyalty and profitability",
        "ABC–XYZ matrix",
        "RFM segments",
        "Early warning",
    ):
        assert title in page
    drawn = re.findall(r'<canvas data-chart="(\w+)"', html)
    assert drawn == ["pareto", "costs", "quadrants", "matrix", "rfm", "churn"]
    charts = charts_of(html)["charts"]
    assert set(drawn) <= set(charts)
    assert charts["costs"]["categories"] == ["A", "D"]
    assert charts["costs"]["highlight"] == [False, True]
    assert [len(g["points"]) for g in charts["quadrants"]["groups"]] == [0, 1, 1, 1]
    assert charts["pareto"]["points"][-1] == [1.0, 1.0]
    assert charts["matrix"]["rows"] == ["A", "B"]
    assert [c for c in charts["matrix"]["cells"] if c[2]] == [[0, 0, 1], [0, 2, 1], [1, 0, 1]]
    assert html.count('class="an-data"') == 2  # the Pareto and cost tables under their charts
    for table in ("pareto", "costs", "quadrants", "matrix", "rfm", "churn"):
        assert reverse("web:analytics_csv", args=[table]) in html
    assert "Class D takes" in page  # the flagged class, in a sentence
    assert "Golden reserve" in page
    assert "At risk" in page
    assert "Figures as of" in page


def test_the_dashboard_reads_a_fixed_number_of_queries(
    login: Callable[[User], Client],
    director: User,
    owner: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    client = login(director)
    few = {make_account(owner=owner): buyer(10.0 * n) for n in range(1, 4)}
    run = make_run(few)
    client.get(URL)  # warm the session and user caches
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    many = {make_account(owner=owner): buyer(10.0 * n) for n in range(1, 31)}
    run.delete()
    make_run({**few, **many}, as_of=AS_OF)
    with CaptureQueriesContext(connection) as large:
        client.get(URL)

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 12


def test_the_chart_data_stays_plain_numbers_and_carries_the_russian_way_to_write_them(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    make_run({make_account(): buyer(100.0), make_account(): buyer(30.0)})
    client = login(director)
    client.post(reverse("web:set_language"), {"language": "ru", "next": "/"})

    data = charts_of(client.get(URL).content.decode())

    assert data["rtl"] is False
    assert data["format"]["decimal"] == ","
    assert data["format"]["digits"] == ""
    assert all(isinstance(v, float) for point in data["charts"]["pareto"]["points"] for v in point)


def test_in_persian_the_charts_run_right_to_left_with_persian_digits(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    make_run({make_account(): buyer(100.0)})
    client = login(director)
    client.post(reverse("web:set_language"), {"language": "fa", "next": "/"})

    data = charts_of(client.get(URL).content.decode())

    assert data["rtl"] is True
    assert data["format"]["digits"] == "۰۱۲۳۴۵۶۷۸۹"
    assert data["format"]["percent"] == "٪"
    assert data["charts"]["costs"]["series"][0]["label"] != "accounts"  # translated


def test_the_page_loads_the_vendored_chart_library_under_its_nonce(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    make_run({make_account(): buyer(100.0)})

    response = login(director).get(URL)

    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce
    for script in ("web/vendor/chartjs/chart.umd.min.js", "web/js/analytics-charts.js"):
        assert f'<script src="/static/{script}" nonce="{nonce.group(1)}" defer>' in html
    assert "cdn" not in html.lower()


def test_an_account_name_in_the_chart_data_cannot_close_the_data_block(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    hostile = make_account(display_name="</script><script>window.__xss=1</script>")
    make_run({hostile: buyer(100.0, churn_risk=0.9, churn_flag=True, recency_days=60)})

    html = login(director).get(URL).content.decode()

    assert "<script>window.__xss" not in html
    assert charts_of(html)["charts"]["churn"]["categories"] == [
        "</script><script>window.__xss=1</script>"
    ]


def test_the_early_warning_list_leaves_out_accounts_lost_long_ago(
    login: Callable[[User], Client],
    director: User,
    make_account: Callable[..., Account],
    make_run: MakeRun,
) -> None:
    slipping = make_account(display_name="Slipping")
    gone = make_account(display_name="Gone")
    make_run(
        {
            slipping: buyer(100.0, churn_risk=0.6, churn_flag=True, recency_days=90),
            gone: buyer(100.0, churn_risk=1.0, recency_days=900),
        }
    )

    html = login(director).get(URL).content.decode()

    churn = html[html.index('id="churn"') :]
    assert "Slipping" in churn
    assert "Gone" not in churn
