"""The deterministic demo company: plan everything with numpy, then bulk-write it.

Public entry point: `generate(scale=..., seed=...)`. The same seed gives the same company on
any machine (no wall clock, no hash randomisation, fixed AS_OF); the truth file records what
was planted and what the written data achieves.
"""

from __future__ import annotations

import gc
import itertools
import pathlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from clientbase.access.models import CompanySettings, Department, Team, User
from clientbase.access.services import record_audit
from clientbase.accounts.models import Account, Contact, CustomFieldDefinition, Tag, TaxIdentifier
from clientbase.activities.models import Activity
from clientbase.catalog.models import Product, ProductCategory
from clientbase.demo import accounts as acc_mod
from clientbase.demo import dupes, truths, writer
from clientbase.demo.activities import plan_activities
from clientbase.demo.calendar import AS_OF, AS_OF_DAY, DAY
from clientbase.demo.columns import I64, NULL_INT, Table, nullable
from clientbase.demo.contacts import plan_contacts
from clientbase.demo.deals import plan_deals, stage_history
from clientbase.demo.names import CITIES, INDUSTRIES
from clientbase.demo.orders import Orders, first_order_day, last_order_day, plan_orders
from clientbase.demo.org import Org, plan_org
from clientbase.demo.parallel import Emit, Planner, Rest
from clientbase.demo.questionnaire import questionnaire_tables
from clientbase.demo.segments import (
    DUPLICATE,
    FORMER,
    HOG,
    LOYAL_LOW,
    Segments,
    plan_segments,
)
from clientbase.demo.tables import (
    account_tables,
    activity_table,
    contact_table,
    deal_tables,
    order_tables,
    tag_table,
    tax_table,
)
from clientbase.identity.name_index import refresh_name_keys
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

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScaleSpec:
    accounts: int
    lines: int
    products: int
    reps: int
    ams: int
    # Peak memory of a run: the larger of the writer's and the planner child's peak RSS,
    # measured with bench/bench_generate.py (docs/benchmarks.md).
    memory_gb: float


SCALES = {
    "XS": ScaleSpec(300, 20_000, 120, 3, 3, 0.5),
    "S": ScaleSpec(5_000, 500_000, 300, 6, 6, 0.5),
    "M": ScaleSpec(100_000, 10_000_000, 2_000, 30, 30, 2.3),
    "L": ScaleSpec(1_000_000, 50_000_000, 5_000, 60, 60, 12.5),
}


def available_memory_gb() -> float | None:
    """What the kernel says can be had without swapping (Linux), else None (not checked)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        return None
    return None


def _check_memory(key: str, spec: ScaleSpec) -> None:
    """Refuse up front rather than be killed by the kernel after minutes of planning."""
    available = available_memory_gb()
    if available is not None and available < spec.memory_gb:
        raise ValueError(
            f"Scale {key} needs at least {spec.memory_gb:.1f} GB of memory while planning; "
            f"this machine has {available:.1f} GB available. Use a smaller scale (M is "
            f"100,000 accounts), or build an L-sized database from an M one with "
            f"bench/bench_analytics_l.py."
        )


@dataclass
class GenerationSummary:
    scale: str
    seed: int
    as_of: str
    truth_path: pathlib.Path
    counts: dict[str, int] = field(default_factory=dict)
    seconds_planning: float = 0.0
    seconds_writing: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _bases() -> dict[str, int]:
    models: dict[str, Any] = {
        "dept": Department,
        "team": Team,
        "user": User,
        "channel": Channel,
        "campaign": Campaign,
        "category": ProductCategory,
        "product": Product,
        "pipeline": Pipeline,
        "stage": Stage,
        "rate": ExchangeRate,
        "customfield": CustomFieldDefinition,
        "tag": Tag,
        "account": Account,
        "tax": TaxIdentifier,
        "acctag": Account.tags.through,
        "contact": Contact,
        "order": Order,
        "line": OrderLine,
        "deal": Deal,
        "history": DealStageChange,
        "activity": Activity,
        "questionnaire": Questionnaire,
        "question": Question,
        "answer": Answer,
    }
    return {k: writer.max_id(m) for k, m in models.items()}


def _check_empty() -> dict[str, int]:
    """Refuse a database with a client base; return existing channels by code (reused)."""
    if Account.objects.exists():
        raise ValueError(
            "The database already has accounts; the demo company is only generated into an "
            "empty client base. Use a fresh database and run again."
        )
    if (
        Tag.objects.exists()
        or CustomFieldDefinition.objects.exists()
        or ExchangeRate.objects.exists()
    ):
        raise ValueError(
            "The database already has tags, custom fields or exchange rates; use a fresh database."
        )
    return {c.code: c.pk for c in Channel.objects.all()}


def _rng(seed: int, stream: int) -> np.random.Generator:
    # One independent stream per concern: changing one stage leaves the others' draws intact.
    return np.random.default_rng([seed, stream, 0x0DE70])


def generate(
    *,
    scale: str,
    seed: int,
    truth_path: pathlib.Path | None = None,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Generate the demo company into the (empty) database of `django.db.connection`.

    scale: "XS" (~300 accounts), "S" (5 000 accounts, ~500k order lines), "M" (100 000 /
    ~10M), "L" (1 000 000 / ~50M). seed: same seed, same company. truth_path: where the
    truth JSON goes (default VAR_DIR/demo-truth.json). progress(stage, done, total) is called
    as planning and writing advance. Raises ValueError if the database already has accounts.
    """
    key = scale.upper()
    if key not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    spec = SCALES[key]
    _check_memory(key, spec)
    path = truth_path or pathlib.Path(settings.VAR_DIR) / "demo-truth.json"
    existing_channels = _check_empty()
    gc_was = gc.isenabled()
    gc.disable()  # millions of short-lived tuples: the cyclic GC only costs time here
    try:
        t0 = time.perf_counter()
        base = _bases()
        org = plan_org(_rng(seed, 1), base, spec.reps, spec.ams, spec.products, existing_channels)
        taken = set(
            User.objects.filter(username__in=org.usernames).values_list("username", flat=True)
        )
        if taken:
            raise ValueError(f"Users {sorted(taken)} already exist; use a fresh database.")
        first, rest = _plan(key, spec, seed, base, org, progress)
        # Forking only pays at the big scales; small ones (tests, the default demo) stay in
        # one process, where a library's native threads can never deadlock a child.
        planner = Planner(
            rest, allow_fork=key in ("M", "L"), spill_dir=pathlib.Path(settings.VAR_DIR)
        )
        del rest  # the planner holds the plan now, and lets go of it once it has run
        planner.start()
        t1 = time.perf_counter()
        counts: dict[str, int] = {}
        truth: dict[str, Any] = {}
        try:
            with writer.bulk_session(), transaction.atomic():
                CompanySettings.objects.update_or_create(
                    pk=1,
                    defaults={
                        "name": "ООО «Демо-Дистрибуция»",
                        "base_currency": "RUB",
                        "fiscal_year_start_month": 1,
                        "default_time_zone": "Europe/Moscow",
                    },
                )
                # The demo's questionnaire becomes the one in use.
                Questionnaire.objects.filter(is_active=True).update(is_active=False)
                for item in itertools.chain(_drain(first), planner.results()):
                    if isinstance(item, dict):
                        truth = item
                        continue
                    label = item.model._meta.label
                    counts[label] = counts.get(label, 0) + writer.write_table(item, progress)
                    del item  # a written table is freed before the next one arrives
                writer.finish()
                # The entry-time duplicate warning's name index, as every account write keeps it.
                refresh_name_keys(account_ids=Account.objects.values_list("pk", flat=True))
                truth["counts"] = counts
                record_audit(
                    actor=None,
                    action="demo.generate",
                    object_type="demo",
                    object_id=key,
                    changes={
                        "scale": key,
                        "seed": seed,
                        "counts": counts,
                        "as_of": AS_OF.isoformat(),
                    },
                )
        finally:
            planner.abandon()
        t2 = time.perf_counter()
        truths.write(path, truth)
    finally:
        if gc_was:
            gc.enable()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("PRAGMA analysis_limit=1000")  # bounded, sampled statistics
            cur.execute("PRAGMA optimize")
    return GenerationSummary(
        scale=key,
        seed=seed,
        as_of=AS_OF.isoformat(),
        truth_path=path,
        counts=counts,
        seconds_planning=t1 - t0 + planner.seconds,
        seconds_writing=t2 - t1,
    )


def _drain(tables: list[Table]) -> Iterator[Table]:
    """Hand over the tables one by one, the list keeping none of those handed over."""
    while tables:
        yield tables.pop(0)


def _plan(
    key: str,
    spec: ScaleSpec,
    seed: int,
    base: dict[str, int],
    org: Org,
    progress: Progress | None,
) -> tuple[list[Table], Rest]:
    """Plan up to the orders; return their tables and a function that plans the rest
    (handing each further table to `emit`) and returns the truth."""

    def step(name: str, k: int) -> None:
        if progress is not None:
            progress(f"plan {name}", k, 8)

    step("segments", 1)
    s = plan_segments(spec.accounts, _rng(seed, 2))
    n = s.n
    rng3 = _rng(seed, 3)
    city = acc_mod.choose_cities(s, rng3)
    step("orders", 2)
    # Orders first (duplicates never order, so they do not depend on the names or the
    # planted duplicates): the biggest tables reach the writer as early as possible.
    o = plan_orders(
        s, _rng(seed, 5), spec.lines, org.catalogue, acc_mod.account_currency(city), org.rates4
    )
    am = np.where(s.is_customer(), _rng(seed, 6).integers(0, len(org.ams), n), -1)
    acc_base = base["account"]
    am_id = np.where(am >= 0, org.ams[np.maximum(am, 0)], NULL_INT)
    # The biggest tables go to the writer first; the rest is planned while they are written.
    first_tables = [
        *org.tables,
        *order_tables(o, base["order"], base["line"], acc_base, am_id[o.account], org.product_ids),
    ]
    # The rest needs the orders, not their lines: the lines table keeps only what it writes.
    empty = np.empty(0, dtype=np.int64)
    o.line_order = o.line_product = o.line_qty = o.line_rev = o.line_cost = empty
    return first_tables, lambda emit: _plan_rest(
        key, seed, base, org, progress, s, city, rng3, o, am, am_id, emit
    )


def _plan_rest(
    key: str,
    seed: int,
    base: dict[str, int],
    org: Org,
    progress: Progress | None,
    s: Segments,
    city: I64,
    rng3: np.random.Generator,
    o: Orders,
    am: I64,
    am_id: I64,
    emit: Emit,
) -> dict[str, Any]:
    def step(name: str, k: int) -> None:
        if progress is not None:
            progress(f"plan {name}", k, 8)

    n = s.n
    acc_base = base["account"]
    first, last = first_order_day(o, n), last_order_day(o, n)
    rev = np.bincount(o.account, weights=o.rev_base, minlength=n).astype(np.int64)
    cost = np.bincount(o.account, weights=o.cost_base, minlength=n).astype(np.int64)
    n_orders = np.bincount(o.account, minlength=n)
    avg_order = np.where(n_orders > 0, rev / np.maximum(n_orders, 1) / 100.0, 0.0)
    nm = acc_mod.build_names(s, city, rng3)
    s.dup_of = np.full(n, -1, dtype=np.int64)
    acc_mod.build_tax_ids(nm, np.flatnonzero(s.seg != DUPLICATE), rng3)
    clusters = dupes.plant(s, nm, _rng(seed, 4))
    step("contacts", 3)
    c = plan_contacts(s, nm, clusters, _rng(seed, 7))
    step("deals", 4)
    d = plan_deals(s, _rng(seed, 8), org, first, last, avg_order, am)
    order_d = np.lexsort((-d.opened, d.account))  # by account, latest first (index-friendly)
    for name in (
        "account",
        "pipeline",
        "status",
        "reached",
        "owner",
        "channel",
        "campaign",
        "opened",
        "closed",
        "amount",
    ):
        setattr(d, name, getattr(d, name)[order_d])
    d.topic = [d.topic[i] for i in order_d]
    d.lost_reason = [d.lost_reason[i] for i in order_d]
    hist = stage_history(d, org, _rng(seed, 9))
    step("activities", 5)
    offset = np.asarray([CITIES[int(ci)].utc_offset_min for ci in nm.city], dtype=np.int64)
    a = plan_activities(
        s,
        _rng(seed, 10),
        org,
        d,
        am,
        offset,
        o.account,
        o.day,
        o.docs,
        np.where(first >= 0, first, AS_OF_DAY),
        np.where(last >= 0, last, AS_OF_DAY),
    )
    step("tables", 6)
    status = _status(s, last)
    rng = _rng(seed, 11)
    created_day = np.minimum(d.first_seen, np.where(first >= 0, first - 1, AS_OF_DAY))
    created = created_day * DAY + rng.integers(7 * 3600, 16 * 3600, n)
    last_touch = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_touch, a.account, np.minimum(a.due, (AS_OF_DAY + 1) * DAY - 1))
    updated = np.maximum(np.maximum(last_touch, last * DAY + 12 * 3600), created + 3600)
    source, external = _provenance(s, acc_base, clusters)
    industry = rng.integers(0, len(INDUSTRIES), n)
    industry[s.dup_of >= 0] = industry[s.dup_of[s.dup_of >= 0]]
    s.size_band[s.dup_of >= 0] = s.size_band[s.dup_of[s.dup_of >= 0]]
    custom = _custom(s, rng, rev)
    channel_id = nullable(org.channel_ids[np.maximum(d.acc_channel, 0)], d.acc_channel >= 0)
    owner = np.where(s.seg == DUPLICATE, NULL_INT, d.acc_owner)
    emit(
        account_tables(
            s,
            nm,
            acc_base,
            status,
            owner,
            am_id,
            channel_id,
            d.acc_campaign,
            created,
            updated,
            source,
            external,
            custom,
            industry,
        )
    )
    emit(tax_table(nm, base["tax"], acc_base))
    tag_acc, tag_ids = _tags(s, rev, org.tag_ids, rng)
    emit(tag_table(base["acctag"], tag_acc + acc_base + 1, tag_ids))
    emit(contact_table(c, base["contact"], acc_base, created))
    contact_of = np.full(n, NULL_INT, dtype=np.int64)
    cacc = c.accounts()
    contact_of[cacc[::-1]] = (np.arange(c.n) + base["contact"] + 1)[::-1]
    for table in deal_tables(
        d, org, base["deal"], base["history"], acc_base, contact_of, hist, nm.display
    ):
        emit(table)
    emit(activity_table(a, base["activity"], acc_base, base["deal"], nm.script, contact_of, rng))
    # The reps' questionnaire answers: by the account manager, else the owner.
    answered_by = np.where(am_id != NULL_INT, am_id, owner)
    for table in questionnaire_tables(s, _rng(seed, 12), base, acc_base, answered_by):
        emit(table)
    step("truths", 7)
    truth = truths.build(
        key,
        seed,
        s,
        o,
        d,
        a,
        c,
        clusters,
        org,
        acc_base,
        base,
        rev,
        cost,
        first,
        last,
        status,
        nm.script,
    )
    step("done", 8)
    return truth


def _status(s: Any, last: I64) -> list[str]:
    st = np.where(
        last < 0,
        "prospect",
        np.where(
            last >= AS_OF_DAY - 180,
            "active",
            np.where(
                last >= AS_OF_DAY - 365, "dormant", np.where(s.seg == FORMER, "former", "lost")
            ),
        ),
    )
    return [str(x) for x in st.tolist()]


def _provenance(
    s: Any, acc_base: int, clusters: list[dupes.Cluster]
) -> tuple[list[str], list[str]]:
    n = s.n
    ids = np.arange(acc_base + 1, acc_base + n + 1)
    r = ids % 10
    src = np.where(
        s.is_customer(),
        np.select([r < 7, r < 9], ["bitrix24", "1c"], ""),
        np.where(r < 6, "marketing_xlsx", np.where(r < 9, "bitrix24", "")),
    )
    for k, cl in enumerate(clusters):
        for j, d in enumerate(cl.dups):
            src[d] = dupes.DUP_SOURCES[(k + j) % 3]
    prefix = {
        "bitrix24": "B24-CO-",
        "1c": "1C-K-",
        "marketing_xlsx": "MKT-L-",
        "support_desk": "SD-C-",
    }
    source = [str(x) for x in src.tolist()]
    external = [f"{prefix[x]}{int(i)}" if x else "" for x, i in zip(source, ids, strict=True)]
    return source, external


def _custom(s: Any, rng: np.random.Generator, rev: I64) -> list[str]:
    """Questionnaire answers: noisy observations of the hidden need and behaviour."""
    n = s.n
    noise = rng.normal(0.0, 0.08, (n, 4))
    answered = np.where(s.is_customer(), rng.random(n) < 0.93, rng.random(n) < 0.4)
    wallet = np.clip(np.rint(100 * (1 - s.need + noise[:, 0])), 5, 100).astype(int)
    fit = np.clip(np.rint(1 + 4 * (s.need + noise[:, 1])), 1, 5).astype(int)
    auth = np.clip(np.rint(1 + 4 * (s.behaviour + noise[:, 2])), 1, 5).astype(int)
    pay_i = np.digitize(s.behaviour + noise[:, 3], [0.35, 0.65])
    yearly = rev / 100.0 / 5.0
    potential = np.where(
        s.is_customer(), yearly * 100.0 / np.maximum(wallet, 5), rng.lognormal(14, 1, n)
    ).astype(np.int64)
    out: list[str] = []
    pay = ("chaotic", "late", "on_time")
    high = (s.need + noise[:, 1] > 0.65).tolist()
    trend = (s.behaviour + noise[:, 2] > 0.7).tolist()
    wallet, fit, auth, pay_i, potential = (
        x.tolist() for x in (wallet, fit, auth, pay_i, potential)
    )
    for i in range(n):
        if not answered[i]:
            out.append("{}")
            continue
        # Hand-built JSON (numbers, booleans and fixed words only): json.dumps is the cost here.
        out.append(
            f'{{"wallet_share_pct": {wallet[i]}, "growth_fit": {fit[i]}, '
            f'"high_touch": {"true" if high[i] else "false"}, "decision_authority": {auth[i]}, '
            f'"trend_leader": {"true" if trend[i] else "false"}, '
            f'"payment_discipline": "{pay[pay_i[i]]}", "potential_rub": {potential[i]}}}'
        )
    return out


def _tags(s: Any, rev: I64, tag_ids: I64, rng: np.random.Generator) -> tuple[I64, I64]:
    n = s.n
    top = np.argsort(-rev, kind="stable")[: max(1, n // 30)]
    parts = [
        (top, 0),
        (np.flatnonzero(rng.random(n) < 0.03), 1),
        (np.flatnonzero(np.isin(s.seg, (HOG, LOYAL_LOW)) & (rng.random(n) < 0.3)), 2),
        (np.flatnonzero((s.tier == 1) & (rng.random(n) < 0.5)), 3),
        (np.flatnonzero(rng.random(n) < 0.02), 4),
    ]
    acc = np.concatenate([p[0] for p in parts]).astype(np.int64)
    tag = np.concatenate([np.full(len(p[0]), tag_ids[p[1]]) for p in parts]).astype(np.int64)
    return acc, tag


__all__ = ["SCALES", "GenerationSummary", "ScaleSpec", "generate"]
