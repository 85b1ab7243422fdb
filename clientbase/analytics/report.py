"""The analysis as files: an Excel workbook with one sheet per model, and a self-contained
HTML report (charts drawn as inline SVG, no script, no network)."""

from __future__ import annotations

import datetime as dt
import html
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

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1c2430}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #dde3ea}
table{border-collapse:collapse;margin:.6rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid
#eef1f4;text-align:right}th:first-child,td:first-child{text-align:left}.flag{color:#b42318;
font-weight:600}svg text{font:11px system-ui,sans-serif;fill:#394452}.note{color:#5b6776}
"""


def _svg_pareto(table: pa.Table) -> str:
    with duckdb.connect() as db:
        db.register("m", table.select(["pareto_account_share", "pareto_revenue_share"]))
        points = db.sql(
            "SELECT pareto_account_share, pareto_revenue_share FROM m "
            "WHERE pareto_revenue_share IS NOT NULL ORDER BY 1"
        ).fetchall()
    step = max(1, len(points) // 400)
    w, h, pad = 520, 300, 36
    path = " ".join(
        f"{pad + x * (w - 2 * pad):.1f},{h - pad - y * (h - 2 * pad):.1f}"
        for x, y in [(0.0, 0.0), *points[::step], points[-1] if points else (1.0, 1.0)]
    )
    x20 = pad + 0.2 * (w - 2 * pad)
    return (
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-label="Pareto curve">'
        f'<rect x="{pad}" y="{pad}" width="{w - 2 * pad}" height="{h - 2 * pad}" '
        f'fill="none" stroke="#dde3ea"/>'
        f'<line x1="{x20:.1f}" y1="{pad}" x2="{x20:.1f}" y2="{h - pad}" stroke="#f0b429" '
        f'stroke-dasharray="4 3"/>'
        f'<polyline points="{path}" fill="none" stroke="#2563eb" stroke-width="2"/>'
        f'<text x="{pad}" y="{h - 10}">0%</text><text x="{w - pad}" y="{h - 10}" '
        f'text-anchor="end">100% of accounts</text><text x="4" y="{pad + 4}">100%</text>'
        f'<text x="4" y="{pad + 18}">of revenue</text>'
        f'<text x="{x20 + 4:.1f}" y="{pad + 14}">20%</text></svg>'
    )


def _svg_cost_bars(rows: list[SegmentCost]) -> str:
    w, bar, gap, pad = 560, 12, 14, 90
    h = len(rows) * (3 * bar + gap) + 30
    parts = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="Cost to serve">'
    ]
    y = 10
    for row in rows:
        parts.append(f'<text x="0" y="{y + 2 * bar}">{html.escape(row.segment)}</text>')
        for i, (value, colour) in enumerate(
            (
                (row.workload_share, "#d92d20"),
                (row.margin_share, "#12b76a"),
                (row.revenue_share, "#2563eb"),
            )
        ):
            width = value * (w - pad - 60)
            parts.append(
                f'<rect x="{pad}" y="{y + i * bar}" width="{width:.1f}" '
                f'height="{bar - 2}" fill="{colour}"/>'
                f'<text x="{pad + width + 4:.1f}" y="{y + i * bar + bar - 3}">'
                f"{value:.0%}</text>"
            )
        y += 3 * bar + gap
    parts.append(
        f'<text x="{pad}" y="{h - 4}"><tspan fill="#d92d20">■</tspan> workload '
        '<tspan fill="#12b76a">■</tspan> margin <tspan fill="#2563eb">■</tspan> revenue</text>'
        "</svg>"
    )
    return "".join(parts)


def _svg_quadrants(table: pa.Table) -> str:
    loyalty = table.column("loyalty").to_pylist()
    profit = table.column("profitability").to_pylist()
    points = [(x, y) for x, y in zip(loyalty, profit, strict=True) if x is not None]
    step = max(1, len(points) // 1500)
    s, pad = 320, 30
    dots = "".join(
        f'<circle cx="{pad + x * (s - 2 * pad):.1f}" cy="{s - pad - y * (s - 2 * pad):.1f}" '
        f'r="1.6" fill="#2563eb" fill-opacity=".45"/>'
        for x, y in points[::step]
    )
    mid = s / 2
    return (
        f'<svg viewBox="0 0 {s} {s}" width="{s}" height="{s}" role="img" '
        f'aria-label="Loyalty and profitability">{dots}'
        f'<line x1="{mid}" y1="{pad}" x2="{mid}" y2="{s - pad}" stroke="#98a2b3"/>'
        f'<line x1="{pad}" y1="{mid}" x2="{s - pad}" y2="{mid}" stroke="#98a2b3"/>'
        f'<text x="{pad + 4}" y="{s - pad - 4}">I</text><text x="{s - pad - 16}" '
        f'y="{s - pad - 4}">II</text><text x="{s - pad - 20}" y="{pad + 12}">III</text>'
        f'<text x="{pad + 4}" y="{pad + 12}">IV</text>'
        f'<text x="{mid - 20}" y="{s - 6}">loyalty →</text>'
        f'<text x="4" y="{pad - 10}">↑ profitability</text></svg>'
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

    def name(account_id: int) -> str:
        return html.escape(str(keys[account_id - 1] if keys else account_id))

    churn_rows = "".join(
        f"<tr><td>{name(r['account_id'])}</td><td>{r['churn_risk']:.0%}</td>"
        f"<td>{r['recency_days']}</td><td>{(r['usual_gap_days'] or 0):.0f}</td></tr>"
        for r in churn
    )
    matrix_rows = "".join(
        f"<tr><td>{abc}</td>"
        + "".join(f"<td>{matrix.get((abc, x), 0)}</td>" for x in "XYZ")
        + "</tr>"
        for abc in ("A", "B", "C", "D")
    )
    sections = "".join(
        f"<h2>{html.escape(sheet)}</h2>{_summary_table(by_column[column])}"
        for sheet, column in MODELS
        if column != "cts_class"
    )
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>clientbase analysis {as_of}</title>
<style>{_STYLE}</style></head><body>
<h1>Client base analysis as of {as_of.isoformat()}</h1>
<p class="note">{table.num_rows:,} accounts. Made by clientbase; this file needs no internet.</p>
<h2>Pareto curve</h2>{_svg_pareto(table)}
<h2>Cost to serve</h2>{_svg_cost_bars(by_column["cts_class"])}
{_summary_table(by_column["cts_class"])}
<h2>Loyalty × profitability</h2>{_svg_quadrants(table)}
<h2>ABC–XYZ</h2><table><tr><th></th><th>X</th><th>Y</th><th>Z</th></tr>{matrix_rows}</table>
<h2>Churn warnings</h2><table><tr><th>account</th><th>risk</th><th>days silent</th>
<th>usual interval, days</th></tr>{churn_rows}</table>
{sections}
</body></html>
"""
    path.write_text(document, encoding="utf-8")
