"""`clientbase analyze` and the notebook API: the same engine over plain files."""

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import polars
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clientbase.analytics.files import FileSourceError, analyze, from_files
from clientbase.cli import main

ORDERS = [
    ("ООО «Альфа»", "2026-01-10", "100", "60"),
    ("ООО «Альфа»", "2026-06-01", "300", "190"),
    ("=cmd|' /C calc'!A0", "2026-03-01", "50", "10"),
    ("Beta Ltd", "2025-06-01", "150", "100"),
]


@pytest.fixture
def orders_csv(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Клиент", "Дата", "Выручка", "Себестоимость"])
        writer.writerows(ORDERS)
    return path


def test_it_analyses_a_csv_with_russian_headers(orders_csv: Path) -> None:
    table = analyze(orders_csv, as_of=dt.date(2026, 12, 1))

    rows = {r["account"]: r for r in table.to_pylist()}
    assert rows["ООО «Альфа»"]["revenue_ltm"] == 400
    assert rows["ООО «Альфа»"]["margin_ltm"] == 150
    assert rows["Beta Ltd"]["revenue_ltm"] == 0
    assert rows["ООО «Альфа»"]["abc_revenue"] == "A"


def test_parquet_pandas_and_arrow_give_the_same_result(orders_csv: Path, tmp_path: Path) -> None:
    arrow = pa.table(
        {
            "client": [o[0] for o in ORDERS],
            "date": [dt.date.fromisoformat(o[1]) for o in ORDERS],
            "revenue": [float(o[2]) for o in ORDERS],
            "cost": [float(o[3]) for o in ORDERS],
        }
    )
    parquet = tmp_path / "orders.parquet"
    pq.write_table(arrow, parquet)
    as_of = dt.date(2026, 12, 1)
    expected = analyze(orders_csv, as_of=as_of).drop_columns(["account_id"])

    for source in (arrow, parquet, arrow.to_pandas(), polars.from_arrow(arrow)):
        assert analyze(source, as_of=as_of).drop_columns(["account_id"]).equals(expected)


def test_an_accounts_file_adds_accounts_without_orders(orders_csv: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("client\nGamma GmbH\nBeta Ltd\n", encoding="utf-8")

    table = analyze(orders_csv, accounts, as_of=dt.date(2026, 12, 1))

    gamma = next(r for r in table.to_pylist() if r["account"] == "Gamma GmbH")
    assert gamma["orders_lifetime"] == 0
    assert table.num_rows == 4


def test_it_names_the_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("client,when,amount\nA,2026-01-01,10\n", encoding="utf-8")

    with pytest.raises(FileSourceError, match="no date column"):
        from_files(path)


def test_it_refuses_dates_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("client,date,revenue\nA,yesterday,10\n", encoding="utf-8")

    with pytest.raises(FileSourceError, match="dates must read"):
        from_files(path)


def test_the_command_writes_a_self_contained_report_and_a_workbook(
    orders_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, workbook = tmp_path / "report.html", tmp_path / "segments.xlsx"

    main(
        [
            "analyze",
            str(orders_csv),
            "--report",
            str(report),
            "--xlsx",
            str(workbook),
            "--as-of",
            "2026-12-01",
        ]
    )

    page = report.read_text(encoding="utf-8")
    assert "Pareto curve" in page
    for chart in ("pareto", "costs", "quadrants", "matrix", "rfm", "churn"):
        assert f'<canvas data-chart="{chart}"' in page
    assert "Chart.js v4.6.2" in page  # the charting library inlined, not linked
    assert '<script id="an-charts" type="application/json">' in page
    # Nothing is fetched: no linked file, no script or image from elsewhere.
    for outside in ("<link", " src=", " href=", "url(", "@import"):
        assert outside not in page
    sheets = openpyxl.load_workbook(workbook).sheetnames
    assert {
        "ABC revenue",
        "XYZ",
        "Cost to serve",
        "RFM",
        "Quadrants",
        "ABC-XYZ",
        "Accounts",
    } <= set(sheets)
    assert "Analysed 3 accounts as of 2026-12-01" in capsys.readouterr().out


def test_the_workbook_holds_no_live_formula(orders_csv: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "segments.xlsx"
    main(["analyze", str(orders_csv), "--xlsx", str(workbook), "--as-of", "2026-12-01"])

    sheet = openpyxl.load_workbook(workbook)["Accounts"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    payload = next(c for c in cells if str(c.value).startswith("=cmd"))
    assert payload.data_type == "s"  # kept as the text it is, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_command_says_what_is_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["analyze", str(tmp_path / "missing.csv"), "--xlsx", str(tmp_path / "x.xlsx")])

    assert exit_.value.code == 2
    assert "no such file" in capsys.readouterr().err


def test_a_hostile_account_name_stays_text_in_the_report(tmp_path: Path) -> None:
    hostile = "</script><script>window.__xss=1</script><img src=x onerror=alert(1)>"
    orders = tmp_path / "orders.csv"
    with orders.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account", "date", "revenue", "cost"])
        writer.writerows((hostile, f"2026-0{m}-10", "100", "60") for m in range(1, 8))
        writer.writerows(("Beta", f"2026-{m:02}-01", "90", "9") for m in range(1, 13))
    report = tmp_path / "report.html"

    main(["analyze", str(orders), "--report", str(report), "--as-of", "2026-12-01"])

    page = report.read_text(encoding="utf-8")
    assert "<script>window.__xss" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the churn table, escaped
    assert "\\u003C/script\\u003E\\u003Cscript\\u003E" in page  # the chart data, escaped
