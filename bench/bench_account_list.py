"""Account list and search at scale: server time of the page next to the raw query floor.

    DATABASE_URL=... python bench/bench_account_list.py [--scale M] [--seed 42] [--runs 30]

Fills an empty database with the demo company at the given scale first. For each scenario it
times the whole request through Django (routing, session, selector, template) and then re-runs
the exact SQL that request issued straight on the database cursor: the floor. It prints both
medians and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


@dataclass
class Result:
    name: str
    server_ms: float
    floor_ms: float
    rows: int

    @property
    def ratio(self) -> float:
        return self.server_ms / self.floor_ms if self.floor_ms else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="M")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from clientbase.access.models import Role, User
    from clientbase.accounts.models import Account, Contact, TaxIdentifier

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    if not Account.objects.exists():
        from clientbase.demo.generator import generate

        started = time.perf_counter()
        generate(scale=args.scale, seed=args.seed)
        print(f"generated scale {args.scale} in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    director = User.objects.filter(role=Role.DIRECTOR).first() or User.objects.create(
        username="bench-director", role=Role.DIRECTOR
    )
    rep = User.objects.filter(role=Role.REP, owned_accounts__isnull=False).distinct().first()
    sample = Account.objects.order_by("id")[Account.objects.count() // 2]
    inn = TaxIdentifier.objects.filter(kind="ru_inn").order_by("id").first()
    contact = Contact.objects.exclude(email="").order_by("id").first()
    with_phone = Account.objects.exclude(phone="").order_by("id").first()
    name_part = sample.display_name.split()[-1][:6]
    # A selective fragment (the sample's longest word) forces a scan for few matches: worst case.
    rare_part = max(sample.display_name.split(), key=len)[:8]
    url = reverse("web:account_list")

    from clientbase.accounts.selectors import AccountListQuery, account_list

    def page_of(user: User, params: dict[str, str]) -> int:
        query = AccountListQuery(
            q=params.get("q", ""), sort=params.get("sort", "name"), after=params.get("after", "")
        )
        return len(account_list(actor=user, query=query).accounts)

    # A cursor deep in the list: walk 20 pages to get one.
    after = ""
    for _ in range(20):
        after = account_list(actor=director, query=AccountListQuery(after=after)).next_cursor or ""

    scenarios: list[tuple[str, User, dict[str, str]]] = [
        ("first page (director, by name)", director, {}),
        ("page 21 by keyset cursor", director, {"after": after}),
        ("first page sorted by -created", director, {"sort": "-created"}),
        (f"search name fragment {name_part!r}", director, {"q": name_part}),
        (f"search rare fragment {rare_part!r}", director, {"q": rare_part}),
    ]
    if rep is not None:
        scenarios.append(("first page (rep, own scope)", rep, {}))
    if inn is not None:
        scenarios.append(("search by INN", director, {"q": inn.value}))
    if with_phone is not None:
        scenarios.append(("search by phone", director, {"q": with_phone.phone}))
    if contact is not None:
        scenarios.append(("search by contact e-mail", director, {"q": contact.email.upper()}))

    results: list[Result] = []
    for name, user, params in scenarios:
        client = Client()
        client.force_login(user)
        client.get(url, params)  # warm caches
        server: list[float] = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url, params)
            server.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        rows = page_of(user, params)
        # The floor: the same SQL the request ran that touches the client base, no Python.
        statements = [
            q["sql"]
            for q in captured.captured_queries
            if "accounts_" in q["sql"] and "django_session" not in q["sql"]
        ]
        floor: list[float] = []
        with connection.cursor() as cursor:
            for _ in range(args.runs):
                started = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
                floor.append((time.perf_counter() - started) * 1000)
        results.append(Result(name, statistics.median(server), statistics.median(floor), rows))

    vendor = connection.vendor
    accounts = Account.objects.count()
    print(f"\n{vendor}: {accounts:,} accounts, median of {args.runs} runs")
    print(f"{'scenario':<44} {'rows':>5} {'server ms':>10} {'floor ms':>9} {'ratio':>6}")
    for r in results:
        print(f"{r.name:<44} {r.rows:>5} {r.server_ms:>10.1f} {r.floor_ms:>9.2f} {r.ratio:>6.1f}")


if __name__ == "__main__":
    main()
