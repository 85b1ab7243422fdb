"""What counting each user's usage costs a request: `count_usage` calls per second.

    [DATABASE_URL=...] python bench/bench_usage.py [--calls 20000] [--users 200] [--repeat 3]

Runs in a throw-away test database. `steady` is the common case (the day's row exists: one
UPDATE ... RETURNING); `first` is each user's first counted request of the day (the usual day
is computed from 28 days of history and the row inserted). Each figure is the fastest of
`--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(settings.VAR_DIR) / "bench-usage.sqlite3")
    else:
        test["NAME"] = f"bench_usage_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.calls, args.users, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(calls: int, users: int, repeat: int) -> None:
    from django.db import connection

    from clientbase.access.models import Role, User
    from clientbase.exports.limits import today
    from clientbase.usage.models import UsageDay, UsageKind
    from clientbase.usage.services import count_usage

    people = [User.objects.create(username=f"bench-{n}", role=Role.REP) for n in range(users)]
    day = today()
    UsageDay.objects.bulk_create(
        UsageDay(user=u, kind=UsageKind.VIEWS, day=day - timedelta(days=back), count=40)
        for u in people
        for back in range(1, 29)
    )

    def first() -> float:
        UsageDay.objects.filter(day=day).delete()
        started = time.perf_counter()
        for user in people:
            count_usage(user=user, kind=UsageKind.VIEWS)
        return time.perf_counter() - started

    def steady() -> float:
        started = time.perf_counter()
        for n in range(calls):
            count_usage(user=people[n % users], kind=UsageKind.VIEWS)
        return time.perf_counter() - started

    table = connection.ops.quote_name(UsageDay._meta.db_table)

    def floor() -> float:
        """The database's own cost of one committed one-row UPDATE (autocommit), per call."""
        ids = [u.pk for u in people]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for n in range(calls):
                cursor.execute(
                    f"UPDATE {table} SET count = count + 1 WHERE user_id = %s AND kind = %s "
                    "AND day = %s",
                    [ids[n % users], UsageKind.VIEWS.value, day],
                )
        return time.perf_counter() - started

    best_first = min(first() for _ in range(repeat))
    best_steady = min(steady() for _ in range(repeat))
    best_floor = min(floor() for _ in range(repeat))
    print(f"database: {connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    print(f"floor (bare UPDATE, autocommit): {1e6 * best_floor / calls:.0f} µs each")
    print(f"ratio steady / floor: {best_steady / best_floor:.2f}")
    print(f"steady: {calls / best_steady:,.0f} calls/s ({1e6 * best_steady / calls:.0f} µs each)")
    each = 1e6 * best_first / users
    print(f"first of the day: {users / best_first:,.0f} calls/s ({each:.0f} µs each)")


if __name__ == "__main__":
    main()
