"""The demo company's planted truths, checked against the database, not the generator's sums."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pathlib
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Max, Model, Q, Sum

from clientbase.access.audit_trail import ALL_ROWS, retention_gate
from clientbase.access.models import AuditEvent, CompanySettings, Department, Team, User
from clientbase.accounts.models import (
    Account,
    Contact,
    CustomFieldDefinition,
    Tag,
    TaxIdentifier,
)
from clientbase.activities.models import Activity
from clientbase.catalog.models import Product, ProductCategory
from clientbase.core.text import digits, fold
from clientbase.demo import generate, generator
from clientbase.identity.models import NameKey
from clientbase.identity.selectors import similar_accounts
from clientbase.marketing.models import Campaign, Channel
from clientbase.questionnaires.models import Answer, Question, Questionnaire
from clientbase.sales.models import (
    Deal,
    DealStageChange,
    ExchangeRate,
    Order,
    OrderLine,
    Pipeline,
    Stage,
)

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 10, 31)
CENT = Decimal("0.01")


def _generate(tmp_path: pathlib.Path, seed: int = 7, scale: str = "XS") -> dict[str, Any]:
    path = tmp_path / f"truth-{scale}-{seed}.json"
    generate(scale=scale, seed=seed, truth_path=path)
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _wipe() -> None:
    models: list[type[Model]] = [
        Answer,
        Question,
        Questionnaire,
        Activity,
        DealStageChange,
        Deal,
        OrderLine,
        Order,
        Contact,
        Account.tags.through,
        TaxIdentifier,
        NameKey,
        Account,
        ExchangeRate,
        Stage,
        Pipeline,
        Product,
        ProductCategory,
        Campaign,
        Channel,
        Tag,
        CustomFieldDefinition,
        AuditEvent,
        Team,
        User,
        Department,
        CompanySettings,
    ]
    # The audit trail is append-only; like the test runner's flush, this wipe opens its gate.
    with retention_gate(ALL_ROWS), connection.cursor() as cur:
        for m in models:
            cur.execute(f"DELETE FROM {connection.ops.quote_name(m._meta.db_table)}")


def _revenue_by_account() -> dict[int, Decimal]:
    rev = {pk: Decimal(0) for pk in Account.objects.values_list("pk", flat=True)}
    for row in Order.objects.values("account_id").annotate(r=Sum("net_revenue_base")):
        rev[row["account_id"]] = row["r"]
    return rev


def _margin_by_account() -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for row in Order.objects.values("account_id").annotate(
        r=Sum("net_revenue_base"), c=Sum("cost_base")
    ):
        out[row["account_id"]] = row["r"] - row["c"]
    return out


def _workload_by_account() -> dict[int, int]:
    work: dict[int, int] = defaultdict(int)
    for row in Order.objects.values("account_id").annotate(n=Count("id"), d=Sum("documents")):
        work[row["account_id"]] += row["n"] + row["d"]
    for act in Activity.objects.values("account_id").annotate(n=Count("id")):
        work[act["account_id"]] += act["n"]
    return work


def test_pareto_top_fifth_brings_about_four_fifths(tmp_path: pathlib.Path) -> None:
    truth = _generate(tmp_path)
    rev = sorted(_revenue_by_account().values(), reverse=True)
    k = round(len(rev) * 0.2)
    share = sum(rev[:k]) / sum(rev)
    assert Decimal("0.75") <= share <= Decimal("0.85")
    assert abs(float(share) - truth["pareto"]["achieved_top_share_of_revenue"]) < 1e-3


def test_workload_hogs_carry_a_quarter_of_the_work_for_two_percent_of_margin(
    tmp_path: pathlib.Path,
) -> None:
    truth = _generate(tmp_path)
    hogs = set(truth["workload_hogs"]["ids"])
    work = _workload_by_account()
    margin = _margin_by_account()
    rev = _revenue_by_account()
    w_share = sum(v for k, v in work.items() if k in hogs) / sum(work.values())
    m_share = sum(v for k, v in margin.items() if k in hogs) / sum(margin.values())
    r_share = sum(v for k, v in rev.items() if k in hogs) / sum(rev.values())
    assert 0.22 <= w_share <= 0.30
    assert Decimal("0.01") <= m_share <= Decimal("0.04")
    assert r_share < Decimal("0.06")  # a group of small clients
    assert 0.10 <= len(hogs) / Account.objects.count() <= 0.20
    # They are busy with service: tickets per order well above everybody else's.
    tickets = Activity.objects.filter(kind="ticket")
    hog_t = (
        tickets.filter(account_id__in=hogs).count()
        / Order.objects.filter(account_id__in=hogs).count()
    )
    other_t = (
        tickets.exclude(account_id__in=hogs).count()
        / Order.objects.exclude(account_id__in=hogs).count()
    )
    assert hog_t > 3 * other_t


def test_growth_hotspots_are_a_tenth_split_into_1a_and_1b(tmp_path: pathlib.Path) -> None:
    truth = _generate(tmp_path)
    n = Account.objects.count()
    hot = truth["growth_hotspots"]
    ids, t1a, t1b = set(hot["ids"]), set(hot["tier_1a_ids"]), set(hot["tier_1b_ids"])
    assert 0.08 <= len(ids) / n <= 0.12
    assert t1a | t1b == ids
    assert not (t1a & t1b)
    assert abs(len(t1a) - len(t1b)) <= 1
    sc = truth["scores"]
    first = sc["first_id"]
    assert len(sc["need"]) == n
    dups = {d for c in truth["duplicates"]["clusters"] for d in c["duplicate_ids"]}
    for pk in range(first, first + n):
        if pk in dups:  # a duplicate carries its true entity's scores
            continue
        high = sc["need"][pk - first] > 0.7 and sc["value"][pk - first] > 0.7
        assert high == (pk in ids), pk
    # Visible in the data: hotspots buy more than the average client ...
    rev = _revenue_by_account()
    clients = [v for v in rev.values() if v > 0]
    assert sum(rev[i] for i in ids) / len(ids) > 2 * sum(clients) / len(clients)
    # ... and 1b are the ones where we reach nobody with buying authority.
    dm = set(
        Contact.objects.filter(buying_role="decision_maker").values_list("account_id", flat=True)
    )
    assert not (dm & t1b)
    assert len(dm & t1a) >= 0.6 * len(t1a)


def test_churners_order_less_each_quarter_before_they_stop(tmp_path: pathlib.Path) -> None:
    truth = _generate(tmp_path)
    churners = truth["churners"]["accounts"]
    assert churners
    quarters = [0, 0, 0, 0]  # the quarter before the decay, then the first three of it
    for ch in churners:
        start = dt.date.fromisoformat(ch["decay_start"])
        days = Order.objects.filter(account_id=ch["id"]).values_list("date", flat=True)
        for d in days:
            q = (d - start).days // 91 + 1
            if 0 <= q < 4:
                quarters[q] += 1
        last = Order.objects.filter(account_id=ch["id"]).aggregate(m=Max("date"))["m"]
        assert last is not None
        assert last.isoformat() == ch["last_order"]
        assert last < AS_OF - dt.timedelta(days=180)
        assert Account.objects.get(pk=ch["id"]).status in ("dormant", "lost")
    assert quarters[0] > quarters[1] > quarters[2] > quarters[3], quarters
    assert quarters[3] < 0.5 * quarters[0]


def test_loyal_low_profit_and_profitable_disloyal_groups(tmp_path: pathlib.Path) -> None:
    truth = _generate(tmp_path)
    margin, rev = _margin_by_account(), _revenue_by_account()

    def rate(ids: set[int]) -> Decimal:
        return sum((margin[i] for i in ids), Decimal(0)) / sum((rev[i] for i in ids), Decimal(0))

    loyal = set(truth["loyal_low_profit"]["ids"])
    disloyal = set(truth["profitable_disloyal"]["ids"])
    overall = sum(margin.values(), Decimal(0)) / sum(rev.values(), Decimal(0))
    assert rate(loyal) < Decimal("0.6") * overall
    assert rate(disloyal) > Decimal("1.3") * overall

    def months_share(pk: int) -> float:
        dates = list(Order.objects.filter(account_id=pk).values_list("date", flat=True))
        first = min(dates)
        span = min(60, (AS_OF.year - first.year) * 12 + AS_OF.month - first.month + 1)
        return len({(d.year, d.month) for d in dates}) / span

    assert sum(map(months_share, loyal)) / len(loyal) > 2 * sum(map(months_share, disloyal)) / len(
        disloyal
    )


def _script(text: str) -> str:
    if re.search(r"[\u0600-\u06ff]", text):
        return "fa"
    if re.search(r"[\u0400-\u04ff]", text):
        return "ru"
    return "en"


def test_duplicates_in_three_scripts_with_shared_keys(tmp_path: pathlib.Path) -> None:
    truth = _generate(tmp_path)
    clusters = truth["duplicates"]["clusters"]
    dup_ids = [d for c in clusters for d in c["duplicate_ids"]]
    n = Account.objects.count()
    assert 0.03 <= len(dup_ids) / n <= 0.05
    names = dict(Account.objects.values_list("pk", "display_name"))
    assert {_script(names[d]) for d in dup_ids} == {"ru", "fa", "en"}
    # Across scripts: some duplicate is written in another script than its true entity.
    assert any(
        _script(names[c["true_id"]]) != _script(names[d])
        for c in clusters
        for d in c["duplicate_ids"]
    )
    assert all(names[d] != names[c["true_id"]] for c in clusters for d in c["duplicate_ids"])
    taxes: dict[int, set[str]] = defaultdict(set)
    for a, v in TaxIdentifier.objects.values_list("account_id", "value"):
        taxes[a].add(v)
    acc = {
        a.pk: a for a in Account.objects.filter(pk__in=dup_ids + [c["true_id"] for c in clusters])
    }

    def phone_key(p: str) -> str:
        return digits(p)[-9:]

    shared = 0
    for c in clusters:
        true = acc[c["true_id"]]
        for d in c["duplicate_ids"]:
            dup = acc[d]
            if (
                (taxes[d] & taxes[true.pk])
                or (dup.phone and phone_key(dup.phone) == phone_key(true.phone))
                or (dup.email and dup.email.split("@")[-1] == true.email.split("@")[-1])
            ):
                shared += 1
    assert shared >= 0.6 * len(dup_ids)
    contacts = truth["duplicates"]["contact_clusters"]
    assert contacts
    cn = dict(Contact.objects.values_list("pk", "full_name"))
    assert all(cn[d] != cn[c["true_id"]] for c in contacts for d in c["duplicate_ids"])


def test_the_entry_time_warning_knows_the_demo_accounts_without_a_dedupe_run(
    tmp_path: pathlib.Path,
) -> None:
    truth = _generate(tmp_path)
    director = User.objects.filter(role="director").first()
    assert director is not None
    live = Account.objects.filter(merged_into__isnull=True)
    assert NameKey.objects.count() == live.count()
    names = dict(Account.objects.values_list("pk", "display_name"))
    legal = dict(Account.objects.values_list("pk", "legal_name"))
    # Written in another script than the true company: only the name index can find these.
    across = [
        (c["true_id"], d)
        for c in truth["duplicates"]["clusters"]
        for d in c["duplicate_ids"]
        if _script(names[d]) != _script(names[c["true_id"]])
    ]
    assert across
    found = [
        true_id
        in [s.account.pk for s in similar_accounts(actor=director, legal_name=legal[d], limit=10)]
        for true_id, d in across
    ]
    assert sum(found) >= 0.5 * len(across), (sum(found), len(across))


def test_sources_and_reps_convert_as_planted(tmp_path: pathlib.Path) -> None:
    truth = _generate(tmp_path)
    planted = truth["conversion"]["planted"]
    nb = Deal.objects.filter(pipeline__kind="new_business", status__in=("won", "lost"))
    by_code: dict[str, float] = {}
    for row in nb.values("source_channel__code").annotate(
        n=Count("id"), w=Count("id", filter=Q(status="won"))
    ):
        by_code[row["source_channel__code"]] = row["w"] / row["n"]
    rates = {c: v["planted_rate_average_rep"] for c, v in planted["channels"].items()}
    best, worst = max(rates, key=rates.__getitem__), min(rates, key=rates.__getitem__)
    assert by_code[best] > by_code[worst] + 0.25
    assert _spearman([rates[c] for c in rates], [by_code[c] for c in rates]) > 0.6
    by_rep: dict[int, float] = {}
    for rep in nb.values("owner_id").annotate(n=Count("id"), w=Count("id", filter=Q(status="won"))):
        by_rep[rep["owner_id"]] = rep["w"] / rep["n"]
    skill = {int(k): v["planted_skill"] for k, v in planted["reps"].items()}
    top, low = max(skill, key=skill.__getitem__), min(skill, key=skill.__getitem__)
    assert by_rep[top] > by_rep[low] + 0.1


def _spearman(a: list[float], b: list[float]) -> float:
    def ranks(x: list[float]) -> list[int]:
        order = sorted(range(len(x)), key=x.__getitem__)
        r = [0] * len(x)
        for i, j in enumerate(order):
            r[j] = i
        return r

    ra, rb = ranks(a), ranks(b)
    n = len(a)
    return 1 - 6 * sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True)) / (n * (n * n - 1))


def _checksum() -> str:
    h = hashlib.sha256()
    for row in Order.objects.order_by("id").values_list(
        "id", "account_id", "date", "net_revenue_base", "cost_base"
    ):
        h.update(repr(row).encode())
    for acc in Account.objects.order_by("id").values_list("id", "display_name", "phone", "status"):
        h.update(repr(acc).encode())
    for act in Activity.objects.order_by("id").values_list("id", "kind", "due_at", "account_id"):
        h.update(repr(act).encode())
    for answer in Answer.objects.order_by("id").values_list(
        "id", "account_id", "question__code", "value", "answered_at", "superseded_at"
    ):
        h.update(repr(answer).encode())
    return h.hexdigest()


def test_same_seed_same_company_other_seed_other_company(tmp_path: pathlib.Path) -> None:
    first = _generate(tmp_path, seed=11)
    sum1 = _checksum()
    assert Order.objects.order_by("id").values_list("id", flat=True).first() == 1
    _wipe()
    second = _generate(tmp_path / "again", seed=11)
    assert _checksum() == sum1
    first.pop("counts")
    second.pop("counts")
    assert first == second
    _wipe()
    third = _generate(tmp_path / "other", seed=12)
    assert _checksum() != sum1
    assert third["pareto"]["top_ids"] != first["pareto"]["top_ids"]


def test_money_is_exact_decimal(tmp_path: pathlib.Path) -> None:
    _generate(tmp_path)
    lines: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for order_id, rev, cost, qty in OrderLine.objects.values_list(
        "order_id", "net_revenue", "cost", "quantity"
    ):
        assert isinstance(rev, Decimal)
        assert rev == rev.quantize(CENT)
        assert rev > 0
        assert qty > 0
        lines[order_id][0] += rev
        lines[order_id][1] += cost
    foreign = 0
    for o in Order.objects.all():
        s_rev, s_cost = lines[o.pk]
        assert o.net_revenue_base == (s_rev * o.rate_to_base).quantize(CENT, ROUND_HALF_UP)
        assert o.cost_base == (s_cost * o.rate_to_base).quantize(CENT, ROUND_HALF_UP)
        if o.currency != "RUB":
            foreign += 1
            assert ExchangeRate.objects.get(currency=o.currency, date=o.date).rate == o.rate_to_base
    assert foreign > 0
    assert Order.objects.exclude(currency="RUB").exclude(rate_to_base=1).exists()


def test_refuses_a_database_with_accounts(tmp_path: pathlib.Path) -> None:
    _generate(tmp_path)
    before = Order.objects.count()
    with pytest.raises(ValueError, match="already has accounts"):
        generate(scale="XS", seed=1, truth_path=tmp_path / "t.json")
    assert Order.objects.count() == before
    with pytest.raises(ValueError, match="Unknown scale"):
        generate(scale="XXL", seed=1)


def test_records_are_consistent(tmp_path: pathlib.Path) -> None:
    _generate(tmp_path)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_key_check")
            assert cur.fetchall() == []
    assert CompanySettings.objects.get(pk=1).base_currency == "RUB"
    assert AuditEvent.objects.filter(action="demo.generate").count() == 1
    assert not User.objects.filter(
        username__in=("admin", "director", "lead", "rep", "manager")
    ).exists()
    assert not any(u.has_usable_password() for u in User.objects.all())
    assert Team.objects.filter(parent__isnull=False).exists()
    last = dict(
        Order.objects.values("account_id").annotate(m=Max("date")).values_list("account_id", "m")
    )
    for a in Account.objects.all():
        assert fold(a.display_name + " " + " ".join(a.aliases)) == a.search_name
        d = last.get(a.pk)
        if d is None:
            assert a.status == "prospect"
        elif (AS_OF - d).days <= 180:
            assert a.status == "active"
        elif (AS_OF - d).days <= 365:
            assert a.status == "dormant"
        else:
            assert a.status in ("lost", "former")
    for value in TaxIdentifier.objects.filter(kind="ru_inn").values_list("value", flat=True):
        d = [int(c) for c in value]
        if len(d) == 10:
            assert (
                sum(w * x for w, x in zip((2, 4, 10, 3, 5, 9, 4, 6, 8), d, strict=False)) % 11 % 10
                == d[9]
            )
    for value in TaxIdentifier.objects.filter(kind="ru_ogrn").values_list("value", flat=True):
        if len(value) == 13:
            assert int(value[:12]) % 11 % 10 == int(value[12])
    assert Activity.objects.filter(
        status="planned", due_at__gt=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    ).exists()
    assert Activity.objects.filter(status="done", done_at__isnull=True).count() == 0
    for source in ("1c", "bitrix24", "support_desk", "marketing_xlsx"):
        assert (
            Account.objects.filter(source_system=source).exists()
            or Activity.objects.filter(source_system=source).exists()
        )
    history = DealStageChange.objects.values("deal_id").annotate(n=Count("id"))
    assert history.count() == Deal.objects.count()
    for deal in Deal.objects.filter(status="won")[:50]:
        changes = list(deal.stage_history.order_by("at", "id"))
        assert changes[0].from_stage_id is None
        assert changes[-1].to_stage.is_won
        assert changes[-1].to_stage_id == deal.stage_id


@pytest.mark.slow
def test_scale_s_keeps_its_truths(tmp_path: pathlib.Path) -> None:
    truth = _generate(tmp_path, seed=3, scale="S")
    assert Account.objects.count() == 5000
    assert 450_000 <= OrderLine.objects.count() <= 550_000
    rev = sorted(_revenue_by_account().values(), reverse=True)
    assert Decimal("0.77") <= sum(rev[:1000]) / sum(rev) <= Decimal("0.83")
    assert 0.24 <= truth["workload_hogs"]["achieved_share_of_workload"] <= 0.28


def test_refuses_a_scale_the_machine_has_no_memory_for(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clientbase.demo.generator.available_memory_gb", lambda: 1.8)
    with pytest.raises(ValueError, match=r"Scale M needs at least 2\.3 GB .* has 1\.8 GB"):
        generate(scale="M", seed=1, truth_path=tmp_path / "t.json")
    assert not Account.objects.exists()
    assert not (tmp_path / "t.json").exists()


def test_reads_the_available_memory_where_the_kernel_says_it() -> None:
    available = generator.available_memory_gb()
    if pathlib.Path("/proc/meminfo").exists():
        assert available is not None
        assert available > 0
    else:
        assert available is None
