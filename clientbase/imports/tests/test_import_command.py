"""`clientbase import`: a summary line, a non-zero exit and the report path on rejected rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clientbase.cli import main
from clientbase.imports.models import ImportBatch
from clientbase.imports.tests.conftest import INN_A, orders_csv
from clientbase.sales.models import Order

pytestmark = [pytest.mark.usefixtures("catalog", "customers")]


def test_it_imports_and_prints_the_summary(
    write: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write("o.csv", orders_csv(f"R-1;01.02.2024;{INN_A};P-1;2;100;50"))
    main(["import", str(path), "--source", "1c", "--mapping", "1c_sales_register"])
    out = capsys.readouterr().out
    assert "1 created, 0 updated, 0 unchanged, 0 rows rejected" in out
    main(["import", "--rollback", str(ImportBatch.objects.get().pk)])
    assert "1 records deleted" in capsys.readouterr().out
    assert not Order.objects.exists()


def test_dry_run_writes_nothing(
    write: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write("o.csv", orders_csv(f"R-1;01.02.2024;{INN_A};P-1;2;100;50"))
    main(["import", str(path), "--source", "1c", "--dry-run"])
    assert "Dry run (nothing written)" in capsys.readouterr().out
    assert not Order.objects.exists()
    assert not ImportBatch.objects.exists()


def test_rejected_rows_exit_non_zero_and_point_at_the_report(
    write: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write("o.csv", orders_csv(f"R-1;31.02.2024;{INN_A};P-1;2;100;50"))
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(path), "--source", "1c"])
    assert exit_info.value.code != 0
    captured = capsys.readouterr()
    assert "row 2, Дата: not a date" in captured.out
    assert "1 rows rejected; the report:" in captured.err
    assert "errors.csv" in captured.err


def test_an_empty_file_is_one_clear_line(
    write: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["import", str(write("e.csv", "")), "--source", "1c"])
    assert "e.csv: e.csv is empty (0 bytes)" in capsys.readouterr().err
