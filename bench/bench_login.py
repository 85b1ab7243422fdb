"""Sign-in timing with the production argon2 cost: a real username against an unknown one.

    [DATABASE_URL=...] python bench/bench_login.py [--tries 30]

Posts `--tries` wrong passwords for real users and as many for names nobody has, each from
its own address and name so no lock interferes, through the whole Django stack (middleware,
form, ModelBackend, throttle rows, audit row), then `--tries` attempts against a locked name.
Prints the median and the 10th/90th percentiles of each kind. Runs in a throw-away test
database (nothing is left behind).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(settings.VAR_DIR) / "bench-login.sqlite3")
    else:
        test["NAME"] = f"bench_login_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.tries)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(tries: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from clientbase.access.services import create_user

    url = reverse("web:login")
    for n in range(tries):
        create_user(actor=None, username=f"real{n}", password="violet tractor under Kazan")  # noqa: S106
    client = Client()

    def timed(name: str, ip: str) -> float:
        start = time.perf_counter()
        response = client.post(url, {"username": name, "password": "wrong guess"}, REMOTE_ADDR=ip)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200
        return elapsed * 1000

    client.post(url, {"username": "warm-up", "password": "x"}, REMOTE_ADDR="10.255.0.1")
    kinds: dict[str, list[float]] = {"real": [], "unknown": []}
    for n in range(tries):  # interleaved, so drift on a shared machine hits both alike
        kinds["real"].append(timed(f"real{n}", f"10.1.{n // 250}.{n % 250}"))
        kinds["unknown"].append(timed(f"ghost{n}", f"10.2.{n // 250}.{n % 250}"))
    for n in range(settings.LOGIN_LOCKOUT_USERNAME_FAILURES):
        timed("locked-name", f"10.3.0.{n}")
    kinds["locked"] = [timed("locked-name", f"10.4.{n // 250}.{n % 250}") for n in range(tries)]
    print(f"{connection_vendor()}, {tries} tries each, ms per attempt")
    for kind, values in kinds.items():
        deciles = statistics.quantiles(values, n=10)
        print(
            f"{kind:8} median {statistics.median(values):7.1f}  "
            f"p10 {deciles[0]:7.1f}  p90 {deciles[-1]:7.1f}"
        )


def connection_vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


if __name__ == "__main__":
    main()
