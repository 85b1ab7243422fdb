"""The hash chain's cost per audit row, and on an import that writes one row per deal move.

    .venv/bin/python bench/bench_audit.py                       # throwaway SQLite
    .venv/bin/python bench/bench_audit.py --postgres postgres://postgres@127.0.0.1:5432/postgres

Times `record_audit` (chain lock on PostgreSQL, head read, SHA-256, insert) against the floor:
the same rows inserted with the ORM without the chain work, in one transaction, best of 3. Then
`verify` over every row written.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--postgres", help="an admin URL; a scratch database is created")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="clientbase-audit-bench-")
    os.environ["CLIENTBASE_VAR_DIR"] = tmp.name
    scratch = ""
    if args.postgres:
        import psycopg

        scratch = "clientbase_audit_bench"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {scratch}")
            conn.execute(f"CREATE DATABASE {scratch}")
        parts = urlsplit(args.postgres)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{scratch}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from clientbase.access.audit_trail import verify
    from clientbase.access.models import AuditEvent
    from clientbase.access.services import record_audit

    call_command("migrate", verbosity=0)
    changes = {"stage": [101, 102], "status": "open"}

    def chained() -> None:
        with transaction.atomic():
            for n in range(args.rows):
                record_audit(
                    actor=None,
                    action="deal.move",
                    object_type="sales.deal",
                    object_id=str(n),
                    changes=changes,
                )

    seq = [10**12]

    def floor() -> None:
        with transaction.atomic():
            for n in range(args.rows):
                seq[0] += 1
                AuditEvent(
                    seq=seq[0],
                    action="deal.move",
                    object_type="sales.deal",
                    object_id=str(n),
                    changes=changes,
                    prev_hash="0" * 64,
                    hash="0" * 64,
                ).save(force_insert=True)

    def best(run: object) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run()  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return min(times)

    t_chain = best(chained)
    t_floor = best(floor)
    per_chain = t_chain / args.rows * 1e6
    per_floor = t_floor / args.rows * 1e6
    # The floor rows are not part of the chain; verify only the chained ones.
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM access_auditevent WHERE seq < 1000000000000")
        chained_rows = cursor.fetchone()[0]
    print(f"{connection.vendor}: {args.rows:,} rows per run, best of 3")
    print(f"  record_audit (chained): {per_chain:7.1f} µs/row  ({t_chain:.2f} s)")
    print(f"  plain ORM insert floor: {per_floor:7.1f} µs/row  ({t_floor:.2f} s)")
    print(
        f"  chain overhead:         {per_chain - per_floor:7.1f} µs/row  (x{t_chain / t_floor:.2f})"
    )
    del start
    verdict_start = time.perf_counter()
    verdict = verify_chained(verify, chained_rows)
    print(
        f"  verify: {verdict}, {chained_rows:,} rows in {time.perf_counter() - verdict_start:.2f} s"
    )
    connection.close()
    if scratch and args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {scratch}")
    return 0


def verify_chained(verify: object, rows: int) -> str:
    """verify() walks seq order; the floor's rows sit far above the chain and show as a gap,
    which is the expected first break, after every chained row verified."""
    verdict = verify()  # type: ignore[operator]
    return f"{verdict.checked:,} chained rows verified (then {verdict.reason or 'OK'})"


if __name__ == "__main__":
    raise SystemExit(main())
