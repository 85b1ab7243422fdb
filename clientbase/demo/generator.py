"""The deterministic demo company: plan everything with numpy, then bulk-write it.

Public entry point: `generate(scale=..., seed=...)`. The same seed gives the same company on
any machine (no wall clock, no hash randomisation, fixed AS_OF); the truth file records what
was planted and what the written data achieves.
"""

from __future__ import annotations

import gc
import json
import pathlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from clientbase.access.models import AuditEvent, CompanySettings, Department, Team, User
from clientbase.accounts.models import Account, Contact, CustomFieldDefinition, Tag, TaxIdentifier
from clientbase.activities.models import Activity
from clientbase.catalog.models import Product, ProductCategory
from clientbase.demo import accounts as acc_mod
from clientbase.demo import dupes, truths, writer
from clientbase.demo.activities import plan_activities, workload
from clientbase.demo.calendar import AS_OF, AS_OF_DAY, DAY, START_DAY, iso
from clientbase.demo.columns import NULL_INT, I64, Table, nullable
from clientbase.demo.contacts import plan_contacts
from clientbase.demo.deals import plan_deals, planted_rates, stage_history
from clientbase.demo.names import CITIES, INDUSTRIES
from clientbase.demo.orders import first_order_day, last_order_day, months_with_orders, plan_orders
from clientbase.demo.org import plan_org
from clientbase.demo.segments import (
    CHURNER, DUPLICATE, FORMER, HOG, HOTSPOT, LOYAL_LOW, PROFIT_DISLOYAL, PROSPECT, SEGMENT_NAMES,
    plan_segments,
)  # fmt: skip
from clientbase.demo.tables import (
    account_tables, activity_table, contact_table, deal_tables, order_tables, tag_table, tax_table,
)  # fmt: skip
from clientbase.marketing.models import Campaign, Channel
from clientbase.sales.models import Deal, DealStageChange, ExchangeRate, Order, OrderLine
from clientbase.sales.models import Pipeline, Stage

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScaleSpec:
    accounts: int
    lines: int
    products: int
    reps: int
    ams: int


SCALES = {
    "XS": ScaleSpec(300, 20_000, 120, 3, 3),
    "S": ScaleSpec(5_000, 500_000, 300, 6, 6),
    "M": ScaleSpec(100_000, 10_000_000, 2_000, 30, 30),
    "L": ScaleSpec(1_000_000, 50_000_000, 5_000, 60, 60),
}


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
        "dept": Department, "team": Team, "user": User, "channel": Channel, "campaign": Campaign,
        "category": ProductCategory, "product": Product, "pipeline": Pipeline, "stage": Stage,
        "rate": ExchangeRate, "customfield": CustomFieldDefinition, "tag": Tag, "account": Account,
        "tax": TaxIdentifier, "acctag": Account.tags.through, "contact": Contact, "order": Order,
        "line": OrderLine, "deal": Deal, "history": DealStageChange, "activity": Activity,
    }  # fmt: skip
    return {k: writer.max_id(m) for k, m in models.items()}


def _check_empty(spec_reps: int, spec_ams: int) -> dict[str, int]:
    if Account.objects.exists():
        raise ValueError(
            "The database already has accounts; the demo company is only generated into an "
            "empty client base. Use a fresh database (or flush this one) and run again."
        )
    if Tag.objects.exists() or CustomFieldDefinition.objects.exists() or ExchangeRate.objects.exists():  # fmt: skip
        raise ValueError("The database already has tags, custom fields or exchange rates; use a fresh database.")  # fmt: skip
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
    key = scale.upper()
    if key not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    spec = SCALES[key]
    path = truth_path or pathlib.Path(settings.VAR_DIR) / "demo-truth.json"
    existing_channels = _check_empty(spec.reps, spec.ams)
    gc_was = gc.isenabled()
    gc.disable()  # millions of short-lived tuples: the cyclic GC only costs time here
    try:
        t0 = time.perf_counter()
        base = _bases()
        plan = _plan(spec, seed, base, existing_channels, progress)
        taken = set(User.objects.filter(username__in=plan["usernames"]).values_list("username", flat=True))  # fmt: skip
        if taken:
            raise ValueError(f"Users {sorted(taken)} already exist; use a fresh database.")
        t1 = time.perf_counter()
        counts: dict[str, int] = {}
        with writer.bulk_session(), transaction.atomic():
            CompanySettings.objects.update_or_create(
                pk=1,
                defaults={"name": "ООО «Демо-Дистрибуция»", "base_currency": "RUB",
                          "fiscal_year_start_month": 1, "default_time_zone": "Europe/Moscow"},
            )  # fmt: skip
            for table in plan["tables"]:
                label = table.model._meta.label
                counts[label] = counts.get(label, 0) + writer.write_table(table, progress)
            truth = plan["truth"]
            truth["counts"] = counts
            AuditEvent.objects.create(
                action="demo.generate", object_type="demo", object_id=key,
                changes={"scale": key, "seed": seed, "counts": counts, "as_of": AS_OF.isoformat()},
            )  # fmt: skip
        t2 = time.perf_counter()
        truths.write(path, truth)
    finally:
        if gc_was:
            gc.enable()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("PRAGMA optimize")
    return GenerationSummary(
        scale=key, seed=seed, as_of=AS_OF.isoformat(), truth_path=path, counts=counts,
        seconds_planning=t1 - t0, seconds_writing=t2 - t1,
    )  # fmt: skip


def _plan(spec: ScaleSpec, seed: int, base: dict[str, int], channels: dict[str, int], progress: Progress | None) -> dict[str, Any]:  # fmt: skip
    def step(name: str, k: int) -> None:
        if progress is not None:
            progress(f"plan {name}", k, 8)

    org = plan_org(_rng(seed, 1), base, spec.reps, spec.ams, spec.products, channels)
    step("segments", 1)
    s = plan_segments(spec.accounts, _rng(seed, 2))
    n = s.n
    rng = _rng(seed, 3)
    city = acc_mod.choose_cities(s, rng)
    nm = acc_mod.build_names(s, city, rng)
    s.dup_of = np.full(n, -1, dtype=np.int64)
    acc_mod.build_tax_ids(nm, np.flatnonzero(s.seg != DUPLICATE), rng)
    clusters = dupes.plant(s, nm, _rng(seed, 4))
    step("orders", 2)
    o = plan_orders(s, _rng(seed, 5), spec.lines, org.catalogue, acc_mod.account_currency(nm.city), org.rates4)  # fmt: skip
    first, last = first_order_day(o, n), last_order_day(o, n)
    rev = np.bincount(o.account, weights=o.rev_base, minlength=n).astype(np.int64)
    cost = np.bincount(o.account, weights=o.cost_base, minlength=n).astype(np.int64)
    n_orders = np.bincount(o.account, minlength=n)
    avg_order = np.where(n_orders > 0, rev / np.maximum(n_orders, 1) / 100.0, 0.0)
    rng = _rng(seed, 6)
    am = np.where(s.is_customer(), rng.integers(0, len(org.ams), n), -1)
    step("contacts", 3)
    c = plan_contacts(s, nm, clusters, _rng(seed, 7))
    step("deals", 4)
    d = plan_deals(s, _rng(seed, 8), org, first, last, avg_order, am)
    order_d = np.argsort(d.opened, kind="stable")
    for name in ("account", "pipeline", "status", "reached", "owner", "channel", "campaign", "opened", "closed", "amount"):  # fmt: skip
        setattr(d, name, getattr(d, name)[order_d])
    d.topic = [d.topic[i] for i in order_d]
    d.lost_reason = [d.lost_reason[i] for i in order_d]
    hist = stage_history(d, org, _rng(seed, 9))
    step("activities", 5)
    offset = np.asarray([CITIES[int(ci)].utc_offset_min for ci in nm.city], dtype=np.int64)
    a = plan_activities(s, _rng(seed, 10), org, d, am, offset, o.account, o.day, o.docs, np.where(first >= 0, first, AS_OF_DAY), np.where(last >= 0, last, AS_OF_DAY))  # fmt: skip
    step("tables", 6)
    acc_base = base["account"]
    am_id = np.where(am >= 0, org.ams[np.maximum(am, 0)], NULL_INT)
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
    tables: list[Table] = list(org.tables)
    tables.append(account_tables(s, nm, acc_base, status, owner, am_id, channel_id, d.acc_campaign, created, updated, source, external, custom, industry))  # fmt: skip
    tables.append(acc_mod_tax := tax_table(nm, base["tax"], acc_base))
    del acc_mod_tax
    tag_acc, tag_ids = _tags(s, rev, org.tag_ids, rng)
    tables.append(tag_table(base["acctag"], tag_acc + acc_base + 1, tag_ids))
    tables.append(contact_table(c, base["contact"], acc_base, created))
    contact_of = np.full(n, NULL_INT, dtype=np.int64)
    cacc = c.accounts()
    contact_of[cacc[::-1]] = (np.arange(c.n) + base["contact"] + 1)[::-1]
    ot, lt = order_tables(o, base["order"], base["line"], acc_base, am_id[o.account], org.product_ids)  # fmt: skip
    tables += [ot, lt]
    dt_, ht = deal_tables(d, org, base["deal"], base["history"], acc_base, contact_of, hist, nm.display)  # fmt: skip
    tables += [dt_, ht]
    tables.append(activity_table(a, base["activity"], acc_base, base["deal"], nm.script, contact_of, rng))  # fmt: skip
    step("truths", 7)
    truth = _truth(spec, seed, s, o, d, a, c, clusters, org, acc_base, base, rev, cost, first, last, status, nm.script)  # fmt: skip
    step("done", 8)
    return {"tables": tables, "truth": truth, "usernames": org.usernames}


def _status(s: Any, last: I64) -> list[str]:
    st = np.where(last < 0, "prospect", np.where(last >= AS_OF_DAY - 180, "active", np.where(last >= AS_OF_DAY - 365, "dormant", np.where(s.seg == FORMER, "former", "lost"))))  # fmt: skip
    return [str(x) for x in st.tolist()]


def _provenance(s: Any, acc_base: int, clusters: list[dupes.Cluster]) -> tuple[list[str], list[str]]:  # fmt: skip
    n = s.n
    ids = np.arange(acc_base + 1, acc_base + n + 1)
    r = ids % 10
    src = np.where(s.is_customer(), np.select([r < 7, r < 9], ["bitrix24", "1c"], ""), np.where(r < 6, "marketing_xlsx", np.where(r < 9, "bitrix24", "")))  # fmt: skip
    for k, cl in enumerate(clusters):
        for j, d in enumerate(cl.dups):
            src[d] = dupes.DUP_SOURCES[(k + j) % 3]
    prefix = {"bitrix24": "B24-CO-", "1c": "1C-K-", "marketing_xlsx": "MKT-L-", "support_desk": "SD-C-"}  # fmt: skip
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
    potential = np.where(s.is_customer(), yearly * 100.0 / np.maximum(wallet, 5), rng.lognormal(14, 1, n)).astype(np.int64)  # fmt: skip
    out: list[str] = []
    pay = ("chaotic", "late", "on_time")
    for i in range(n):
        if not answered[i]:
            out.append("{}")
            continue
        out.append(json.dumps({
            "wallet_share_pct": int(wallet[i]), "growth_fit": int(fit[i]),
            "high_touch": bool(s.need[i] + noise[i, 1] > 0.65), "decision_authority": int(auth[i]),
            "trend_leader": bool(s.behaviour[i] + noise[i, 2] > 0.7),
            "payment_discipline": pay[int(pay_i[i])], "potential_rub": int(potential[i]),
        }))  # fmt: skip
    return out


def _tags(s: Any, rev: I64, tag_ids: I64, rng: np.random.Generator) -> tuple[I64, I64]:
    n = s.n
    top = np.argsort(-rev, kind="stable")[: max(1, n // 30)]
    parts = [(top, 0), (np.flatnonzero(rng.random(n) < 0.03), 1),
             (np.flatnonzero(np.isin(s.seg, (HOG, LOYAL_LOW)) & (rng.random(n) < 0.3)), 2),
             (np.flatnonzero((s.tier == 1) & (rng.random(n) < 0.5)), 3),
             (np.flatnonzero(rng.random(n) < 0.02), 4)]  # fmt: skip
    acc = np.concatenate([p[0] for p in parts]).astype(np.int64)
    tag = np.concatenate([np.full(len(p[0]), tag_ids[p[1]]) for p in parts]).astype(np.int64)
    return acc, tag


def _ids(mask: Any, acc_base: int) -> list[int]:
    return [int(x) + acc_base + 1 for x in np.flatnonzero(mask)]


def _truth(spec: ScaleSpec, seed: int, s: Any, o: Any, d: Any, a: Any, c: Any, clusters: list[dupes.Cluster], org: Any, acc_base: int, base: dict[str, int], rev: I64, cost: I64, first: I64, last: I64, status: list[str], script: I64) -> dict[str, Any]:  # fmt: skip
    n = s.n
    margin = rev - cost
    work = workload(n, o.account, o.docs, a.account)
    k = max(1, round(n * 0.2))
    top = np.argsort(-rev, kind="stable")[:k]
    hog, hot = s.seg == HOG, s.seg == HOTSPOT
    loyal, disloyal, churn = s.seg == LOYAL_LOW, s.seg == PROFIT_DISLOYAL, s.seg == CHURNER
    mwo = months_with_orders(o, n)
    # Loyalty: months with an order out of the months since the first order (up to AS_OF).
    tenure_m = np.where(first >= 0, np.minimum((AS_OF_DAY - first) / 30.44 + 1, 60), 0)
    regularity = np.where(first >= 0, mwo / np.maximum(tenure_m, 1), 0)
    cust = first >= 0
    m_rate = np.where(rev > 0, margin / np.maximum(rev, 1), 0)

    def group(mask: Any) -> dict[str, Any]:
        sel = mask & cust
        return {"accounts": int(mask.sum()), "margin_rate": round(float(margin[sel].sum() / max(rev[sel].sum(), 1)), 4),
                "median_loyalty_months_with_orders_share": round(float(np.median(regularity[sel])) if sel.any() else 0.0, 4),
                "median_tenure_months": round(float(np.median(tenure_m[sel])) if sel.any() else 0.0, 2)}  # fmt: skip

    churners = []
    order_days_by_acc = np.split(o.day, np.cumsum(np.bincount(o.account, minlength=n))[:-1]) if False else None  # noqa: SIM108
    del order_days_by_acc
    srt = np.argsort(o.account, kind="stable")
    bounds = np.searchsorted(o.account[srt], np.arange(n + 1))
    rate_before, rate_during = [], []
    for i in np.flatnonzero(churn):
        days = o.day[srt[bounds[i] : bounds[i + 1]]]
        ds = int(_month_start(int(s.decay_start[i])))
        dl_days = int(s.decay_len[i] * 30.44)
        before = float(((days >= ds - 182) & (days < ds)).sum()) / 6.0
        during = float(((days >= ds) & (days < ds + dl_days)).sum()) / float(s.decay_len[i])
        rate_before.append(before)
        rate_during.append(during)
        churners.append({"id": int(i) + acc_base + 1, "decay_start": iso(ds),
                         "orders_per_month_6m_before_decay": round(before, 3),
                         "decay_months": int(s.decay_len[i]), "orders_per_month_during_decay": round(during, 3),
                         "last_order": iso(int(last[i])) if last[i] >= 0 else None,
                         "orders_per_quarter_before_last": truths.quarter_counts(days, int(last[i])) if last[i] >= 0 else []})  # fmt: skip
    q = np.asarray([ch["orders_per_quarter_before_last"] for ch in churners if ch["orders_per_quarter_before_last"]])  # fmt: skip
    nb_closed = (d.pipeline == 0) & (d.status != 0)
    as_closed = (d.pipeline == 1) & (d.status != 0)
    won = d.status == 1
    return {
        "generator": "clientbase.demo", "version": 1, "scale": next(k_ for k_, v in SCALES.items() if v == spec),
        "seed": seed, "as_of": AS_OF.isoformat(), "window_start": iso(START_DAY),
        "id_offsets": {"account": acc_base, "contact": base["contact"], "order": base["order"], "deal": base["deal"]},
        "definitions": {"workload": truths.WORKLOAD_DEFINITION, "margin": truths.MARGIN_DEFINITION,
                        "revenue": "sum of Order.net_revenue_base over all orders (base currency RUB)",
                        "population": "all Account rows, including prospects and duplicates (0 revenue)",
                        "status_rules": truths.STATUS_RULES},
        "segments": {name: int((s.seg == code).sum()) for code, name in enumerate(SEGMENT_NAMES)},
        "pareto": {"top_fraction": 0.2, "top_accounts": k, "achieved_top_share_of_revenue": round(truths.top_share(rev), 4),
                   "top_ids": sorted(int(x) + acc_base + 1 for x in top)},
        "workload_hogs": {"ids": _ids(hog, acc_base), "achieved_share_of_accounts": round(float(hog.mean()), 4),
                          "achieved_share_of_workload": round(truths.share(work, hog), 4),
                          "achieved_share_of_margin": round(truths.share(margin, hog), 4),
                          "achieved_share_of_revenue": round(truths.share(rev, hog), 4),
                          "service_activities_added": a.hog_filler, "price_level_discount": round(o.hog_discount, 4)},
        "growth_hotspots": {"ids": _ids(hot, acc_base), "tier_1a_ids": _ids(s.tier == 1, acc_base),
                            "tier_1b_ids": _ids(s.tier == 2, acc_base), "achieved_share_of_accounts": round(float(hot.mean()), 4),
                            "rule": "need > 0.7 and value > 0.7; behaviour > 0.6 -> 1a, < 0.4 -> 1b"},
        "scores": {"first_id": acc_base + 1, "need": np.round(s.need, 3).tolist(),
                   "value": np.round(s.value, 3).tolist(), "behaviour": np.round(s.behaviour, 3).tolist()},
        "loyal_low_profit": {"ids": _ids(loyal, acc_base), **group(loyal), "all_customers": group(np.ones(n, bool))},
        "profitable_disloyal": {"ids": _ids(disloyal, acc_base), **group(disloyal)},
        "churners": {"accounts": churners, "definition": "decay_start = first day of the month the planted order rate starts to fall; it reaches 0 after 6-12 months",
                     "mean_orders_per_month_6m_before_decay": round(float(np.mean(rate_before)), 3) if rate_before else None,
                     "mean_orders_per_month_during_decay": round(float(np.mean(rate_during)), 3) if rate_during else None,
                     "mean_orders_per_quarter_before_last": np.round(q.mean(axis=0), 3).tolist() if len(q) else []},
        "duplicates": {"achieved_share_of_accounts": round(float((s.dup_of >= 0).mean()), 4),
                       "clusters": [{"true_id": cl.true + acc_base + 1, "duplicate_ids": [x + acc_base + 1 for x in cl.dups],
                                     "rules": cl.variants, "scripts": [["ru", "fa", "en"][int(script[x])] for x in cl.dups]} for cl in clusters],
                       "contact_clusters": [{"true_id": t + base["contact"] + 1, "duplicate_ids": [x + base["contact"] + 1 for x in ds], "rules": rules} for t, ds, rules in c.clusters]},
        "conversion": {"planted": planted_rates(org),
                       "achieved_by_channel": truths.rate_table(d.channel, won, nb_closed, dict(enumerate(org.channel_codes))),
                       "achieved_by_rep": truths.rate_table(d.owner, won, nb_closed, {int(u): int(u) for u in org.reps}),
                       "achieved_after_sales_by_manager": truths.rate_table(d.owner, won, as_closed, {int(u): int(u) for u in org.ams})},
        "status_counts": {k_: int(v) for k_, v in zip(*np.unique(np.asarray(status), return_counts=True), strict=True)},
        "margin_rate_all": round(float(margin.sum() / max(rev.sum(), 1)), 4),
        "median_margin_rate_customers": round(float(np.median(m_rate[cust])), 4),
    }  # fmt: skip


def _month_start(m: int) -> int:
    from clientbase.demo.calendar import MONTH_START

    return int(MONTH_START[max(0, min(m, len(MONTH_START) - 1))])


__all__ = ["SCALES", "GenerationSummary", "generate", "ScaleSpec", "CHURNER", "PROSPECT", "HOTSPOT"]
