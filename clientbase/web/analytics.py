"""Analytics pages: the dashboard a sales director opens, its tables as CSV, the runs page
with the Recompute button, and the segments card on the account page.

Every figure comes through clientbase.analytics.selectors, which keeps to the accounts the
user may see; a rep's dashboard is their own accounts' alone."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientbase.access.models import User
from clientbase.access.roles import ACCOUNT, METRICS, METRICS_MARGIN, VIEW
from clientbase.access.selectors import ANALYZE, EXPORT, can, may_see_field
from clientbase.analytics import selectors
from clientbase.analytics.playbook_selectors import class_playbooks
from clientbase.analytics.tasks import request_metrics_run
from clientbase.exports.cells import csv_rows
from clientbase.web import analytics_charts as charts
from clientbase.web.analytics_text import (
    QUADRANT_NAMES,
    RFM_NAMES,
    percent,
)
from clientbase.web.auth import allow
from clientbase.web.views import acting_user

REQUESTED_KEY = "analytics_requested_at"  # when this user last pressed Recompute (session)
QUEUE_PATIENCE_SECONDS = 3600  # a request older than this without a run is not "waiting"

TABLES = ("pareto", "costs", "quadrants", "matrix", "rfm", "churn")
CHURN_BARS = 15  # the churn chart shows the most at risk; its table and CSV show them all


def _rtl() -> bool:
    return bool(translation.get_language_bidi())


def cost_sentence(cost: Any, *, with_margin: bool = True) -> str:
    """What a flagged cost-to-serve class costs, in one plain sentence (its share of the
    margin only for a reader who may see margin figures)."""
    if not with_margin:
        return _(
            "Class %(segment)s takes %(workload)s of the team's workload "
            "(%(accounts)s of the accounts)."
        ) % {
            "segment": cost.segment,
            "workload": percent(cost.workload_share),
            "accounts": percent(cost.account_share),
        }
    return _(
        "Class %(segment)s takes %(workload)s of the team's workload but brings only "
        "%(margin)s of the margin (%(accounts)s of the accounts)."
    ) % {
        "segment": cost.segment,
        "workload": percent(cost.workload_share),
        "margin": percent(cost.margin_share),
        "accounts": percent(cost.account_share),
    }


def _queue_state(request: HttpRequest) -> dict[str, Any]:
    """Whether a run is waiting for the worker, running, or neither."""
    running = selectors.running_run()
    waiting = False
    stamp = request.session.get(REQUESTED_KEY)
    if running is None and stamp:
        requested = datetime.fromisoformat(stamp)
        age = (timezone.now() - requested).total_seconds()
        latest = selectors.recent_runs(1)
        started_since = bool(latest) and latest[0].started_at >= requested
        waiting = age < QUEUE_PATIENCE_SECONDS and not started_since
    return {"running_run": running, "waiting": waiting, "busy": running is not None or waiting}


@allow(VIEW, METRICS)
@require_GET
def analytics_dashboard(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    board = selectors.dashboard(actor=actor)
    margin = may_see_field(actor, METRICS_MARGIN)
    context: dict[str, Any] = {
        "board": board,
        "may_see_margin": margin,
        "may_analyze": can(actor, ANALYZE, "metrics"),
        "may_export": can(actor, EXPORT, "accounts"),
        **_queue_state(request),
    }
    if board is not None:
        watch = board.watch[:CHURN_BARS]
        rfm_names = [str(RFM_NAMES.get(row.segment, row.segment)) for row in board.rfm]
        # the quadrants' strategies as their playbooks now say (an admin may have changed them)
        playbooks = class_playbooks(actor=actor, kind="quadrant")
        context.update(
            charts=charts.payload(
                {
                    "pareto": charts.pareto_chart(board.pareto, board.top_share_for_80),
                    "costs": charts.cost_chart(
                        board.costs,
                        measures=tuple(m for m in charts.MEASURES if margin or m != "margin_share"),
                    ),
                    "quadrants": charts.quadrant_chart(board.scatter, QUADRANT_NAMES),
                    "matrix": charts.matrix_chart(
                        [
                            a
                            for a in selectors.ABC
                            if any((a, x) in board.matrix for x in selectors.XYZ)
                        ],
                        list(selectors.XYZ),
                        board.matrix,
                    ),
                    "rfm": charts.share_bars(
                        rfm_names,
                        [round(r.account_share, 4) for r in board.rfm],
                        [round(r.revenue_share, 4) for r in board.rfm],
                    ),
                    "churn": charts.churn_chart(
                        [w.name for w in watch],
                        [w.churn_risk for w in watch],
                        [w.churn_flag for w in watch],
                    ),
                },
                language=translation.get_language(),
                rtl=_rtl(),
            ),
            flagged=[cost_sentence(c, with_margin=margin) for c in board.costs if c.flagged],
            quadrants=[
                {
                    "code": q,
                    "name": QUADRANT_NAMES[q],
                    "strategy": playbooks[q].description,
                    "accounts": board.quadrant_counts[q],
                }
                for q in selectors.QUADRANTS
            ],
            matrix=[
                {
                    "abc": a,
                    "cells": [
                        {
                            "xyz": x,
                            "count": board.matrix.get((a, x), 0),
                            "level": charts.heat_level(
                                board.matrix.get((a, x), 0), board.matrix_max
                            ),
                        }
                        for x in selectors.XYZ
                    ],
                }
                for a in selectors.ABC
                if any((a, x) in board.matrix for x in selectors.XYZ)
            ],
            xyz=selectors.XYZ,
            rfm=list(zip(board.rfm, rfm_names, strict=True)),
        )
    return render(request, "web/analytics/dashboard.html", context)


def _csv_rows(actor: User, table: str) -> list[list[str]]:
    board = selectors.dashboard(actor=actor)
    if board is None:
        return []
    if table == "pareto":
        rows = [[_("Share of accounts"), _("Share of revenue")]]
        rows += [[f"{a:.4f}", f"{r:.4f}"] for a, r in board.pareto]
    elif table == "costs":
        # Margin columns only for a reader who may see margin figures.
        margin = may_see_field(actor, METRICS_MARGIN)
        head = [
            _("Class"),
            _("Accounts"),
            _("Revenue"),
            _("Margin"),
            _("Workload"),
            _("Share of accounts"),
            _("Share of revenue"),
            _("Share of margin"),
            _("Share of workload"),
            _("Flagged"),
        ]
        body = [
            [
                c.segment,
                str(c.accounts),
                f"{c.revenue:.2f}",
                f"{c.margin:.2f}",
                str(c.workload),
                f"{c.account_share:.4f}",
                f"{c.revenue_share:.4f}",
                f"{c.margin_share:.4f}",
                f"{c.workload_share:.4f}",
                _("yes") if c.flagged else _("no"),
            ]
            for c in board.costs
        ]
        keep = [i for i in range(len(head)) if margin or i not in (3, 7)]
        rows = [[row[i] for i in keep] for row in [head, *body]]
    elif table == "quadrants":
        playbooks = class_playbooks(actor=actor, kind="quadrant")
        rows = [[_("Quadrant"), _("Accounts"), _("Strategy")]]
        rows += [
            [q, str(board.quadrant_counts[q]), playbooks[q].description]
            for q in selectors.QUADRANTS
        ]
    elif table == "matrix":
        rows = [["ABC", *selectors.XYZ]]
        rows += [
            [a, *(str(board.matrix.get((a, x), 0)) for x in selectors.XYZ)] for a in selectors.ABC
        ]
    elif table == "rfm":
        rows = [
            [
                _("Segment"),
                _("Accounts"),
                _("Revenue"),
                _("Share of accounts"),
                _("Share of revenue"),
            ]
        ]
        rows += [
            [
                str(RFM_NAMES.get(r.segment, r.segment)),
                str(r.accounts),
                f"{r.revenue:.2f}",
                f"{r.account_share:.4f}",
                f"{r.revenue_share:.4f}",
            ]
            for r in board.rfm
        ]
    else:
        rows = [
            [
                _("Account id"),
                _("Account"),
                _("Churn risk"),
                _("Churn warning"),
                _("Days since last purchase"),
            ]
        ]
        rows += [
            [
                str(w.account_id),
                w.name,
                f"{w.churn_risk:.3f}",
                _("yes") if w.churn_flag else _("no"),
                "" if w.recency_days is None else str(w.recency_days),
            ]
            for w in board.watch
        ]
    return rows


@allow(EXPORT, ACCOUNT)
@require_GET
def analytics_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One dashboard table as CSV: the same figures the page shows, for the export right."""
    actor = acting_user(request)
    if table not in TABLES:
        raise Http404("No such table")
    if not can(actor, EXPORT, "accounts"):
        raise PermissionDenied(_("You do not have the right to export these figures."))
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(_csv_rows(actor, table)))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="analytics-{table}.csv"'
    return response


def _runs_context(request: HttpRequest) -> dict[str, Any]:
    actor = acting_user(request)
    return {
        "latest": selectors.latest_run(),
        "runs": selectors.recent_runs(),
        "may_analyze": can(actor, ANALYZE, "metrics"),
        **_queue_state(request),
    }


@allow(VIEW, METRICS)
@require_GET
def analytics_runs(request: HttpRequest) -> HttpResponse:
    return render(request, "web/analytics/runs.html", _runs_context(request))


@allow(VIEW, METRICS)
@require_GET
def analytics_runs_progress(request: HttpRequest) -> HttpResponse:
    return render(request, "web/analytics/runs.html#progress", _runs_context(request))


@allow(ANALYZE, METRICS)
@require_POST
def analytics_recompute(request: HttpRequest) -> HttpResponse:
    """Queue a metrics run for the worker; the runs page shows its progress."""
    actor = acting_user(request)
    if not can(actor, ANALYZE, "metrics"):
        raise PermissionDenied(_("You do not have the right to run the analysis."))
    if selectors.running_run() is None:
        request.session[REQUESTED_KEY] = timezone.now().isoformat()
        request_metrics_run(actor=actor, trigger="manual")
    return redirect("web:analytics_runs")
