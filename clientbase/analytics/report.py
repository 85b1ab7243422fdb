"""The analysis as files: an Excel workbook with one sheet per model, and a self-contained
HTML report: its charts are drawn by the vendored Chart.js, inlined into the file with the
same drawing script the web dashboard uses, so it opens without a network or a server."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import xlsxwriter

from clientbase.analytics.cost_to_serve import SegmentCost, segment_costs
from clientbase.exports.cells import xlsx_cell

# (sheet, grouping column) for the per-model summaries.
MODELS: tuple[tuple[str, str], ...] = (
    ("ABC revenue", "abc_revenue"),
    ("ABC margin", "abc_margin"),
    ("XYZ", "xyz"),
    ("Cost to serve", "cts_class"),
    ("RFM", "rfm_segment"),
    ("Quadrants", "quadrant"),
)


@dataclass(frozen=True)
class Summary:
    column: str
    rows: list[SegmentCost]


def summaries(table: pa.Table) -> list[Summary]:
    return [Summary(column, segment_costs(table, by=column)) for _sheet, column in MODELS]


def abc_xyz_matrix(table: pa.Table) -> list[tuple[str, str, int]]:
    with duckdb.connect() as db:
        db.register("m", table.select(["abc_revenue", "xyz"]))
        return [
            (str(a), str(x), int(n))
            for a, x, n in db.sql(
                "SELECT abc_revenue, xyz, COUNT(*) FROM m WHERE xyz IS NOT NULL "
                "GROUP BY 1, 2 ORDER BY 1, 2"
            ).fetchall()
        ]


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return xlsx_cell(value)
    return value


def write_xlsx(table: pa.Table, keys: list[str] | None, path: Path) -> None:
    """A sheet per model summary, the ABC–XYZ matrix, and every account with every figure."""
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "nan_inf_to_errors": True}
    )
    try:
        bold = workbook.add_format({"bold": True})
        share = workbook.add_format({"num_format": "0.0%"})
        for (sheet_name, _column), summary in zip(MODELS, summaries(table), strict=True):
            sheet = workbook.add_worksheet(sheet_name)
            header = [
                "segment",
                "accounts",
                "revenue",
                "margin",
                "workload",
                "accounts %",
                "revenue %",
                "margin %",
                "workload %",
                "flagged",
            ]
            sheet.write_row(0, 0, header, bold)
            for r, row in enumerate(summary.rows, start=1):
                sheet.write_row(
                    r, 0, [_cell(row.segment), row.accounts, row.revenue, row.margin, row.workload]
                )
                for c, value in enumerate(
                    (row.account_share, row.revenue_share, row.margin_share, row.workload_share),
                    start=5,
                ):
                    sheet.write_number(r, c, value, share)
                sheet.write(r, 9, "yes" if row.flagged else "")
        matrix = workbook.add_worksheet("ABC-XYZ")
        matrix.write_row(0, 0, ["ABC", "X", "Y", "Z"], bold)
        cells = {(a, x): n for a, x, n in abc_xyz_matrix(table)}
        for r, abc in enumerate(("A", "B", "C", "D"), start=1):
            matrix.write_row(r, 0, [abc, *(cells.get((abc, x), 0) for x in "XYZ")])
        accounts = workbook.add_worksheet("Accounts")
        names = ["account", *table.column_names[1:]]
        accounts.write_row(0, 0, names, bold)
        columns = [table.column(n).to_pylist() for n in table.column_names]
        for r, values in enumerate(zip(*columns, strict=True), start=1):
            account = keys[values[0] - 1] if keys else values[0]
            accounts.write_row(r, 0, [_cell(account), *(_plain(v) for v in values[1:])])
    finally:
        workbook.close()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return _cell(value)


# --- HTML ------------------------------------------------------------------------------------

STATIC = Path(__file__).resolve().parents[1] / "web" / "static" / "web"
SCRIPTS = (
    STATIC / "vendor" / "chartjs" / "chart.umd.min.js",
    STATIC / "js" / "analytics-charts.js",
)
# The way the report writes numbers (English), for the drawing script.
NUMBER_FORMAT = {"thousands": ",", "decimal": ".", "minus": "-", "digits": "", "percent": "%"}
PARETO_POINTS, SCATTER_POINTS, CHURN_BARS = 400, 1500, 15
COLOURS = {"accounts": "#94a3b8", "revenue": "#4f46e5", "margin": "#16a34a", "workload": "#f59e0b"}
QUADRANT_COLOURS = {"I": "#94a3b8", "II": "#f59e0b", "III": "#16a34a", "IV": "#4f46e5"}

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1c2430}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #dde3ea}
table{border-collapse:collapse;margin:.6rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid
#eef1f4;text-align:right}th:first-child,td:first-child{text-align:left}.flag{color:#b42318;
font-weight:600}.note{color:#5b6776}.chart{position:relative;height:320px;max-width:760px}
.chart.square{height:420px;max-width:520px}
"""


def inline_script(text: str) -> str:
    """A script's text made safe to sit inside <script>…</script> in the report."""
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError("a script to inline must not contain '</script' or '<!--'")
    return text


def json_block(data: Any, element_id: str) -> str:
    """Data for the drawing script, as Django's json_script writes it: <, > and & escaped so
    no account name can close the block."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return f'<script id="{element_id}" type="application/json">{text}</script>'


def _pareto_points(table: pa.Table) -> list[list[float]]:
    with duckdb.connect() as db:
        db.register("m", table.select(["pareto_account_share", "pareto_revenue_share"]))
        points = db.sql(
            "SELECT pareto_account_share, pareto_revenue_share FROM m "
            "WHERE pareto_revenue_share IS NOT NULL ORDER BY 1"
        ).fetchall()
    step = max(1, len(points) // PARETO_POINTS)
    kept = [(0.0, 0.0), *points[::step], *(points[-1:] if points else [])]
    return [[round(float(x), 4), round(float(y), 4)] for x, y in kept]


def _top_share_for_80(points: list[list[float]]) -> float | None:
    return next((x for x, y in points if y >= 0.8), None)


def _cost_bars(rows: list[SegmentCost]) -> dict[str, Any]:
    measures = (
        ("accounts", "account_share"),
        ("revenue", "revenue_share"),
        ("margin", "margin_share"),
        ("workload", "workload_share"),
    )
    return {
        "kind": "bars",
        "horizontal": True,
        "percent": True,
        "categories": [r.segment for r in rows],
        "highlight": [r.flagged for r in rows],
        "series": [
            {
                "label": label,
                "color": COLOURS[label],
                "values": [round(float(getattr(r, attr)), 4) for r in rows],
            }
            for label, attr in measures
        ],
    }


def _quadrant_groups(table: pa.Table) -> list[dict[str, Any]]:
    columns = [table.column(n).to_pylist() for n in ("loyalty", "profitability", "quadrant")]
    points = [
        (x, y, q)
        for x, y, q in zip(*columns, strict=True)
        if q and x is not None and y is not None and x == x and y == y  # no NaN
    ]
    step = max(1, len(points) // SCATTER_POINTS)
    kept = points[::step]
    return [
        {
            "label": quadrant,
            "color": colour,
            "points": [[round(x, 4), round(y, 4)] for x, y, q in kept if q == quadrant],
        }
        for quadrant, colour in QUADRANT_COLOURS.items()
    ]


def _charts(
    table: pa.Table, by_column: dict[str, list[SegmentCost]], churn: list[tuple[str, float]]
) -> dict[str, Any]:
    pareto = _pareto_points(table)
    rfm = by_column["rfm_segment"]
    return {
        "pareto": {
            "kind": "curve",
            "label": "share of revenue",
            "points": pareto,
            "mark": _top_share_for_80(pareto),
            "xTitle": "share of accounts",
            "yTitle": "share of revenue",
        },
        "costs": _cost_bars(by_column["cts_class"]),
        "quadrants": {
            "kind": "scatter",
            "xTitle": "loyalty",
            "yTitle": "profitability",
            "labels": [
                [0.25, 0.06, "I"],
                [0.75, 0.06, "II"],
                [0.75, 0.9, "III"],
                [0.25, 0.9, "IV"],
            ],
            "groups": _quadrant_groups(table),
        },
        "rfm": {
            "kind": "bars",
            "percent": True,
            "categories": [r.segment for r in rfm],
            "series": [
                {
                    "label": "accounts",
                    "color": COLOURS["accounts"],
                    "values": [round(r.account_share, 4) for r in rfm],
                },
                {
                    "label": "revenue",
                    "color": COLOURS["revenue"],
                    "values": [round(r.revenue_share, 4) for r in rfm],
                },
            ],
        },
        "churn": {
            "kind": "bars",
            "horizontal": True,
            "percent": True,
            "max": 1,
            "valueTitle": "churn risk",
            "categories": [name for name, _risk in churn[:CHURN_BARS]],
            "series": [
                {
                    "label": "churn risk",
                    "color": "#dc2626",
                    "values": [round(risk, 4) for _name, risk in churn[:CHURN_BARS]],
                }
            ],
        },
    }


def _canvas(key: str, label: str, *, square: bool = False) -> str:
    box = "chart square" if square else "chart"
    return (
        f'<div class="{box}"><canvas data-chart="{key}" role="img" '
        f'aria-label="{html.escape(label)}"></canvas></div>'
    )


def _summary_table(rows: list[SegmentCost]) -> str:
    head = (
        "<tr><th>segment</th><th>accounts</th><th>revenue</th><th>margin</th>"
        "<th>workload</th><th></th></tr>"
    )
    body = "".join(
        f"<tr><td>{html.escape(r.segment)}</td><td>{r.account_share:.1%}</td>"
        f"<td>{r.revenue_share:.1%}</td><td>{r.margin_share:.1%}</td>"
        f"<td>{r.workload_share:.1%}</td>"
        f"<td class='flag'>{'costs more than it earns' if r.flagged else ''}</td></tr>"
        for r in rows
    )
    return f"<table>{head}{body}</table>"


def _pareto_table(points: list[list[float]]) -> str:
    wanted = [k / 10 for k in range(1, 11)]
    reached = [next((y for x, y in points if x >= share), 1.0) for share in wanted]
    rows = "".join(
        f"<tr><td>{share:.0%}</td><td>{revenue:.1%}</td></tr>"
        for share, revenue in zip(wanted, reached, strict=True)
    )
    return f"<table><tr><th>share of accounts</th><th>share of revenue</th></tr>{rows}</table>"


def write_html(table: pa.Table, keys: list[str] | None, path: Path, as_of: dt.date) -> None:
    parts = summaries(table)
    by_column = {s.column: s.rows for s in parts}
    matrix = {(a, x): n for a, x, n in abc_xyz_matrix(table)}
    churn = sorted(
        (
            r
            for r in table.select(
                ["account_id", "churn_risk", "churn_flag", "recency_days", "usual_gap_days"]
            ).to_pylist()
            if r["churn_flag"]
        ),
        key=lambda r: -(r["churn_risk"] or 0),
    )[:50]

    def label(account_id: int) -> str:
        return str(keys[account_id - 1] if keys else account_id)

    charts = _charts(
        table,
        by_column,
        [(label(r["account_id"]), float(r["churn_risk"] or 0)) for r in churn],
    )
    present = [a for a in ("A", "B", "C", "D") if any((a, x) in matrix for x in "XYZ")]
    charts["matrix"] = {
        "kind": "matrix",
        "label": "accounts",
        "rows": present,
        "columns": ["X", "Y", "Z"],
        "cells": [
            [i, j, matrix.get((a, x), 0)]
            for i, a in enumerate(present)
            for j, x in enumerate("XYZ")
        ],
        "xTitle": "how steadily they buy (XYZ)",
        "yTitle": "revenue class (ABC)",
    }
    churn_rows = "".join(
        f"<tr><td>{html.escape(label(r['account_id']))}</td><td>{r['churn_risk']:.0%}</td>"
        f"<td>{r['recency_days']}</td><td>{(r['usual_gap_days'] or 0):.0f}</td></tr>"
        for r in churn
    )
    matrix_rows = "".join(
        f"<tr><td>{abc}</td>"
        + "".join(f"<td>{matrix.get((abc, x), 0)}</td>" for x in "XYZ")
        + "</tr>"
        for abc in ("A", "B", "C", "D")
    )
    placed = Counter(q for q in table.column("quadrant").to_pylist() if q)
    quadrant_rows = "".join(
        f"<tr><td>{q}</td><td>{placed.get(q, 0):,}</td></tr>" for q in QUADRANT_COLOURS
    )
    sections = "".join(
        f"<h2>{html.escape(sheet)}</h2>{_summary_table(by_column[column])}"
        for sheet, column in MODELS
        if column != "cts_class"
    )
    scripts = "".join(
        f"<script>{inline_script(script.read_text(encoding='utf-8'))}</script>"
        for script in SCRIPTS
    )
    document = f"""<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>clientbase analysis {as_of}</title>
<style>{_STYLE}</style></head><body>
<h1>Client base analysis as of {as_of.isoformat()}</h1>
<p class="note">{table.num_rows:,} accounts. Made by clientbase; this file needs no internet.</p>
<h2>Pareto curve</h2>{_canvas("pareto", "Cumulative share of revenue by share of accounts")}
{_pareto_table(charts["pareto"]["points"])}
<h2>Cost to serve</h2>{_canvas("costs", "Shares of accounts, revenue, margin and workload")}
{_summary_table(by_column["cts_class"])}
<h2>Loyalty × profitability</h2>{_canvas("quadrants", "Loyalty and profitability", square=True)}
<table><tr><th>quadrant</th><th>accounts</th></tr>{quadrant_rows}</table>
<h2>ABC–XYZ</h2>{_canvas("matrix", "Accounts by revenue class and by how steadily they buy")}
<table><tr><th></th><th>X</th><th>Y</th><th>Z</th></tr>{matrix_rows}</table>
<h2>RFM segments</h2>{_canvas("rfm", "Share of accounts and revenue per RFM segment")}
<h2>Churn warnings</h2>{_canvas("churn", "Churn risk of the accounts most at risk")}
<table><tr><th>account</th><th>risk</th><th>days silent</th>
<th>usual interval, days</th></tr>{churn_rows}</table>
{sections}
{json_block({"format": NUMBER_FORMAT, "rtl": False, "charts": charts}, "an-charts")}
{scripts}
</body></html>
"""
    path.write_text(document, encoding="utf-8")
