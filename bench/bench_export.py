"""Account export at scale: rows/s and peak Python memory, next to the raw read floor.

    [DATABASE_URL=...] python bench/bench_export.py [--rows 200000] [--repeat 3]

Each figure is the fastest of `--repeat` runs (default 3): on a shared machine the slower
runs measure the neighbours. Runs in a throw-away test database (nothing is left behind).
Fills it with `--rows` accounts, exports them all as CSV and XLSX through the service, and
times the bare SQL SELECT of the same columns streamed from the database cursor (the floor);
ratio = export time / floor.
Peak memory is measured with tracemalloc for the full run and for a tenth of the rows: flat
streaming shows as the two peaks being close. The `bg` rows run the worker's path (file on
disk, progress written as it goes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each; the fastest counts"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # A name of its own, so it never clobbers the test database of a test run meanwhile.
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(settings.VAR_DIR) / "bench-export.sqlite3")
    else:
        test["NAME"] = f"bench_export_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(total: int, repeat: int) -> None:
    from django.db import connection

    from clientbase.access.models import Role, User
    from clientbase.accounts.models import Account, TaxIdentifier
    from clientbase.accounts.selectors import AccountListQuery
    from clientbase.exports.services import export_accounts

    director = User.objects.create(username="bench-director", role=Role.DIRECTOR)
    owner = User.objects.create(username="bench-owner", role=Role.REP)
    batch = 10_000
    for start in range(0, total, batch):
        made = Account.objects.bulk_create(
            Account(
                legal_name=f"ООО «Компания {n:07d}»",
                display_name=f"Компания {n:07d} / شرکت",
                city="Москва" if n % 2 else "تهران",
                country="RU" if n % 2 else "IR",
                phone=f"+7495{n:07d}",
                email=f"info{n}@example.com",
                status="active" if n % 10 == 0 else "prospect",
                owner=owner,
            )
            for n in range(start, min(start + batch, total))
        )
        TaxIdentifier.objects.bulk_create(
            TaxIdentifier(account=a, kind="ru_inn", value=f"{7700000000 + a.pk}") for a in made
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def floor() -> float:
        """The bare SQL SELECT of the exported columns (and of the tax ids), streamed from the
        cursor in batches: what reading the rows costs with no Python work at all."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.id, a.display_name, a.legal_name, a.status, a.city, a.country,"
                " a.phone, a.email, o.username, m.username, a.created_at"
                " FROM accounts_account a LEFT JOIN access_user o ON o.id = a.owner_id"
                " LEFT JOIN access_user m ON m.id = a.account_manager_id"
                " WHERE a.merged_into_id IS NULL ORDER BY a.display_name, a.id"
            )
            while cursor.fetchmany(2000):
                pass
            cursor.execute(
                "SELECT account_id, kind, value FROM accounts_taxidentifier ORDER BY account_id, id"
            )
            while cursor.fetchmany(2000):
                pass
        return time.perf_counter() - started

    def export(fmt: str, status: str = "") -> tuple[float, int, int]:
        """Seconds and rows of a plain run, then the peak of a second run under tracemalloc
        (which slows Python down several times, so it is not timed)."""
        query = AccountListQuery(status=status)
        elapsed = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            result = export_accounts(actor=director, query=query, fmt=fmt)
            elapsed = min(elapsed, time.perf_counter() - started)
            result.file.close()
        tracemalloc.start()
        export_accounts(actor=director, query=query, fmt=fmt).file.close()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return elapsed, result.row_count, peak

    floor_s = min(floor() for _ in range(repeat))
    print(f"\n{connection.vendor}: {total:,} accounts; floor (bare SELECT) {floor_s:.2f} s")
    print(f"{'export':<8} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'ratio':>6} {'peak MiB':>9}")
    for fmt in ("csv", "xlsx"):
        elapsed, rows, peak = export(fmt)
        print(
            f"{fmt:<8} {rows:>9,} {elapsed:>8.2f} {rows / elapsed:>9,.0f}"
            f" {elapsed / floor_s:>6.1f} {peak / 2**20:>9.1f}"
        )
    # A tenth of the rows: the peak should barely move if memory is flat.
    elapsed, rows, peak = export("csv", status="active")
    print(
        f"{'csv 1/10':<8} {rows:>9,} {elapsed:>8.2f} {rows / elapsed:>9,.0f} {'':>6} "
        f"{peak / 2**20:>9.1f}"
    )
    # The background path: what the worker runs (file on disk, progress written as it goes).
    for fmt in ("csv", "xlsx"):
        elapsed, rows = min(background(fmt) for _ in range(repeat))
        print(
            f"{fmt + ' bg':<8} {rows:>9,} {elapsed:>8.2f} {rows / elapsed:>9,.0f}"
            f" {elapsed / floor_s:>6.1f}"
        )


def background(fmt: str) -> tuple[float, int]:
    from django.conf import settings

    from clientbase.access.models import User
    from clientbase.accounts.selectors import AccountListQuery
    from clientbase.exports.models import Export
    from clientbase.exports.services import exports_dir, request_account_export, run_export
    from clientbase.exports.tasks import progress_writer

    settings.EXPORT_BACKGROUND_ROWS = 0  # queue it (the database backend: nothing runs it)
    director = User.objects.get(username="bench-director")
    export = request_account_export(actor=director, query=AccountListQuery(), fmt=fmt)
    assert isinstance(export, Export)
    started = time.perf_counter()
    run_export(export_id=export.pk, progress=progress_writer(export.pk))
    elapsed = time.perf_counter() - started
    export.refresh_from_db()
    shutil.rmtree(exports_dir() / str(export.pk), ignore_errors=True)
    return elapsed, export.row_count


if __name__ == "__main__":
    main()
