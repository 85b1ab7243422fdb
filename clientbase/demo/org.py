"""Our own company: departments, teams, users, channels, campaigns, catalogue, pipelines, rates."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np

from clientbase.access.models import Department, Team, User
from clientbase.accounts.models import CustomFieldDefinition, Tag
from clientbase.catalog.models import Product, ProductCategory
from clientbase.demo.calendar import AS_OF_DAY, DAY, START_DAY
from clientbase.demo.columns import F64, I64, Table, ints
from clientbase.demo.names import CATEGORIES, GRADES, CategorySpec
from clientbase.demo.orders import Catalogue
from clientbase.marketing.models import Campaign, Channel
from clientbase.sales.models import ExchangeRate, Pipeline, Stage

Rng = np.random.Generator

# code, name, kind, planted conversion (won / closed new-business deals, average rep), lead mix
CHANNELS = (
    ("web", "Web site", "inbound", 0.30, 0.25),
    ("blog", "Blog", "inbound", 0.22, 0.12),
    ("exhibitions", "Exhibitions", "event", 0.35, 0.12),
    ("billboard", "Billboards", "offline", 0.08, 0.08),
    ("referrals", "Client referrals", "referral", 0.55, 0.11),
    ("cold_calls", "Cold calls", "outbound", 0.12, 0.22),
    ("partners", "Partners", "partner", 0.45, 0.10),
)
NB_STAGES = (
    ("Поиск", 10),
    ("Выявление потребности", 25),
    ("Проект", 50),
    ("Продажа сервисной программы", 75),
)
AS_STAGES = (("Повторный запрос", 30), ("Предложение", 60), ("Согласование договора", 80))
CUSTOM_FIELDS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("wallet_share_pct", "Our share of the client's wallet, %", "integer", []),
    ("growth_fit", "Fit with our growth lines (1–5)", "integer", []),
    ("high_touch", "Needs high-touch service", "boolean", []),
    ("decision_authority", "Buyers' authority (1–5)", "integer", []),
    ("trend_leader", "Spots trends early", "boolean", []),
    ("payment_discipline", "Payment discipline", "choice", ["on_time", "late", "chaotic"]),
    ("potential_rub", "Yearly purchase potential, RUB", "integer", []),
)
TAGS = ("key-account", "tender", "price-sensitive", "vip-service", "reseller")


@dataclass
class Org:
    director: int
    leads: list[int]
    reps: I64
    rep_skill: F64
    ams: I64
    am_skill: F64
    service: I64
    marketing: I64
    channel_ids: I64
    channel_codes: list[str]
    channel_rate: F64
    channel_mix: F64
    campaign_ids: I64
    campaign_channel: I64  # index into channels
    campaign_start: I64
    campaign_end: I64
    product_ids: I64
    catalogue: Catalogue
    nb_pipeline: int
    as_pipeline: int
    nb_stage_ids: I64  # 4 open stages, then won, lost
    nb_stage_prob: I64
    as_stage_ids: I64  # 3 open stages, then won, lost
    as_stage_prob: I64
    rates4: I64  # (3, days) RUB/EUR/USD × 10^4 from START_DAY
    tag_ids: I64
    tables: list[Table] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)


def _seq(base: int, n: int) -> I64:
    return np.arange(base + 1, base + n + 1, dtype=np.int64)


def _users(
    rng: Rng, base: dict[str, int], n_reps: int, n_ams: int
) -> tuple[Table, dict[str, object], list[Table]]:
    dep_base, team_base, user_base = base["dept"], base["team"], base["user"]
    deps = [
        ("Отдел продаж (Sales forces)", "new_business"),
        ("Клиентский отдел", "after_sales"),
        ("Маркетинг", "marketing"),
        ("Сервис и поддержка", "service"),
        ("Финансы", "finance"),
    ]
    dep_ids = _seq(dep_base, len(deps))
    dept = Table(Department)
    dept.add("id", "int", dep_ids)
    dept.add("name", "text", [d[0] for d in deps])
    dept.add("kind", "text", [d[1] for d in deps])
    n_nb_teams = 2 if n_reps <= 8 else 3
    n_am_teams = 1 if n_ams <= 12 else 2
    # username, first, last, role, dept index, team key, language
    people: list[tuple[str, str, str, str, int, str, str]] = [
        ("director01", "Игорь", "Власов", "director", 0, "top", "ru")
    ]
    team_names = [("top", "Коммерческая дирекция", 0, None), ("sf", "Sales forces", 0, "top")]
    for t in range(n_nb_teams):
        team_names.append((f"nb{t}", f"Sales forces — группа {t + 1}", 0, "sf"))
    team_names.append(("am", "Account management", 1, "top"))
    for t in range(n_am_teams):
        if n_am_teams > 1:
            team_names.append((f"am{t}", f"Account management — группа {t + 1}", 1, "am"))
    team_names += [
        ("mkt", "Маркетинг", 2, None),
        ("svc", "Сервис и поддержка", 3, None),
        ("fin", "Финансы", 4, None),
    ]
    keys = [t[0] for t in team_names]
    first_m = [
        "Алексей",
        "Дмитрий",
        "Сергей",
        "Павел",
        "Михаил",
        "Олег",
        "Роман",
        "Кирилл",
        "Арман",
        "Reza",
        "Daniel",
        "Никита",
    ]
    first_f = [
        "Анна",
        "Мария",
        "Елена",
        "Ольга",
        "Ксения",
        "Дарья",
        "Наталья",
        "Sara",
        "Юлия",
        "Ирина",
    ]
    lasts = [
        "Кузнецов",
        "Орлов",
        "Белов",
        "Соколов",
        "Морозов",
        "Волков",
        "Зайцев",
        "Лебедев",
        "Громов",
        "Ершов",
    ]
    leads: dict[str, str] = {}
    for t in range(n_nb_teams):
        leads[f"nb{t}"] = f"lead{t + 1:02d}"
        people.append((f"lead{t + 1:02d}", first_m[t], lasts[t], "team_lead", 0, f"nb{t}", "ru"))
    am_lead_key = "am" if n_am_teams == 1 else "am0"
    leads[am_lead_key] = f"lead{n_nb_teams + 1:02d}"
    people.append((leads[am_lead_key], first_f[0], "Смирнова", "team_lead", 1, am_lead_key, "ru"))
    for i in range(n_reps):
        fn = (first_m + first_f)[i % 22]
        people.append(
            (
                f"rep{i + 1:02d}",
                fn,
                lasts[(i + 3) % 10],
                "rep",
                0,
                f"nb{i % n_nb_teams}",
                "en" if fn.isascii() else "ru",
            )
        )
    for i in range(n_ams):
        fn = (first_f + first_m)[i % 22]
        team_key = "am" if n_am_teams == 1 else f"am{i % n_am_teams}"
        people.append(
            (
                f"am{i + 1:02d}",
                fn,
                lasts[(i + 6) % 10],
                "account_manager",
                1,
                team_key,
                "fa" if fn == "Sara" else "ru",
            )
        )
    n_svc = max(2, n_ams // 2)
    for i in range(n_svc):
        people.append(
            (
                f"svc{i + 1:02d}",
                first_f[(i + 3) % 10],
                lasts[(i + 1) % 10],
                "service",
                3,
                "svc",
                "ru",
            )
        )
    for i in range(max(1, n_reps // 4)):
        people.append(
            (
                f"mkt{i + 1:02d}",
                first_f[(i + 5) % 10],
                lasts[(i + 2) % 10],
                "marketing",
                2,
                "mkt",
                "ru",
            )
        )
    people.append(("fin01", "Галина", "Панова", "analyst", 4, "fin", "ru"))
    user_ids = _seq(user_base, len(people))
    uid = {p[0]: int(user_ids[i]) for i, p in enumerate(people)}
    team_ids = _seq(team_base, len(team_names))
    tid = {k: int(team_ids[i]) for i, k in enumerate(keys)}
    team_lead = {"top": "director01", "sf": "director01", "am": leads[am_lead_key], **leads}
    team = Table(Team)
    team.add("id", "int", team_ids)
    team.add("name", "text", [t[1] for t in team_names])
    team.add("department_id", "int", [int(dep_ids[t[2]]) for t in team_names])
    team.add(
        "parent_id", "int", [tid[t[3]] if t[3] else np.iinfo(np.int64).min for t in team_names]
    )
    team.add(
        "lead_id",
        "int",
        [uid[team_lead[k]] if k in team_lead else np.iinfo(np.int64).min for k in keys],
    )
    users = Table(User)
    n = len(people)
    users.add("id", "int", user_ids)
    users.add(
        "password",
        "text",
        [
            "!"
            + "".join(
                rng.choice(list("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 40)
            )
            for _ in range(n)
        ],
    )
    users.add("username", "text", [p[0] for p in people])
    users.add("first_name", "text", [p[1] for p in people])
    users.add("last_name", "text", [p[2] for p in people])
    users.add("email", "text", [f"{p[0]}@clientbase.example" for p in people])
    users.add("is_superuser", "bool", np.zeros(n))
    users.add("is_staff", "bool", np.zeros(n))
    users.add("is_active", "bool", np.ones(n))
    users.add("last_login", "datetime", np.full(n, np.iinfo(np.int64).min))
    users.add("date_joined", "datetime", (START_DAY - rng.integers(30, 2000, n)) * DAY + 9 * 3600)
    users.add("role", "text", [p[3] for p in people])
    users.add("language", "text", [p[6] for p in people])
    users.add("time_zone", "text", ["Europe/Moscow"] * n)
    users.add("department_id", "int", [int(dep_ids[p[4]]) for p in people])
    users.add("team_id", "int", [tid[p[5]] for p in people])
    managers = [
        uid[team_lead.get(p[5], "director01")] if p[0] != "director01" else np.iinfo(np.int64).min
        for p in people
    ]
    # A lead reports to the director, not to the team they lead.
    managers = [
        uid["director01"] if (m == uid.get(p[0])) else m
        for m, p in zip(managers, people, strict=True)
    ]
    users.add("manager_id", "int", managers)
    info: dict[str, object] = {"uid": uid, "people": people}
    return users, info, [dept, team]


def plan_org(
    rng: Rng,
    base: dict[str, int],
    n_reps: int,
    n_ams: int,
    n_products: int,
    existing_channels: dict[str, int],
) -> Org:
    users, info, org_tables = _users(rng, base, n_reps, n_ams)
    uid: dict[str, int] = info["uid"]  # type: ignore[assignment]
    reps = ints([uid[f"rep{i + 1:02d}"] for i in range(n_reps)])
    ams = ints([uid[f"am{i + 1:02d}"] for i in range(n_ams)])
    # True skill: a multiplier on the win probability, spread evenly and shuffled.
    rep_skill = rng.permutation(np.linspace(0.55, 1.5, n_reps))
    am_skill = rng.permutation(np.linspace(0.7, 1.3, n_ams))
    tables: list[Table] = [*org_tables, users]

    new_ch = [c for c in CHANNELS if c[0] not in existing_channels]
    ch_table = Table(Channel)
    ch_new_ids = _seq(base["channel"], len(new_ch))
    ch_table.add("id", "int", ch_new_ids)
    ch_table.add("code", "text", [c[0] for c in new_ch])
    ch_table.add("name", "text", [c[1] for c in new_ch])
    ch_table.add("kind", "text", [c[2] for c in new_ch])
    new_map = {c[0]: int(ch_new_ids[i]) for i, c in enumerate(new_ch)}
    channel_ids = ints([existing_channels.get(c[0], new_map.get(c[0], 0)) for c in CHANNELS])
    tables.append(ch_table)

    # Campaigns: a few per paid channel, each a quarter long.
    camp_ch: list[int] = []
    camp_start: list[int] = []
    for ci, code in enumerate(c[0] for c in CHANNELS):
        if code in ("web", "exhibitions", "billboard", "blog"):
            for q in range(0, 60, 9):
                camp_ch.append(ci)
                camp_start.append(START_DAY + q * 30 + int(rng.integers(0, 20)))
    nc = len(camp_ch)
    camp_ids = _seq(base["campaign"], nc)
    camp = Table(Campaign)
    camp.add("id", "int", camp_ids)
    names = {
        "web": "Контекстная реклама",
        "exhibitions": "Выставка",
        "billboard": "Билборды",
        "blog": "Серия статей",
    }
    camp.add(
        "name",
        "text",
        [
            f"{names[CHANNELS[c][0]]} {dt.date(1970, 1, 1) + dt.timedelta(days=d):%Y-%m}"
            for c, d in zip(camp_ch, camp_start, strict=True)
        ],
    )
    camp.add("channel_id", "int", channel_ids[ints(camp_ch)])
    cs = ints(camp_start)
    camp.add("starts_on", "date", cs)
    camp.add("ends_on", "date", cs + 90)
    camp.add("cost", "money", rng.integers(50, 900, nc) * 10_000_00)
    camp.add("source_system", "text", ["marketing_xlsx"] * nc)
    camp.add("external_id", "text", [f"MKT-{i + 1:04d}" for i in range(nc)])
    tables.append(camp)

    cats, products, catalogue = _catalogue(rng, base, n_products)
    tables += [cats, products]
    stage_tables, nb_p, as_p, nb_s, nb_prob, as_s, as_prob = _pipelines(base)
    tables += stage_tables
    rates_table, rates4 = _rates(rng, base)
    tables.append(rates_table)
    cf = Table(CustomFieldDefinition)
    cf.add("id", "int", _seq(base["customfield"], len(CUSTOM_FIELDS)))
    cf.add("key", "text", [c[0] for c in CUSTOM_FIELDS])
    cf.add("label", "text", [c[1] for c in CUSTOM_FIELDS])
    cf.add("type", "text", [c[2] for c in CUSTOM_FIELDS])
    cf.add("choices", "text", [json.dumps(c[3]) for c in CUSTOM_FIELDS])
    cf.add("required", "bool", np.zeros(len(CUSTOM_FIELDS)))
    tags = Table(Tag)
    tag_ids = _seq(base["tag"], len(TAGS))
    tags.add("id", "int", tag_ids)
    tags.add("name", "text", list(TAGS))
    tables += [cf, tags]
    people: list[tuple[str, ...]] = info["people"]  # type: ignore[assignment]
    return Org(
        director=uid["director01"],
        leads=[uid[p[0]] for p in people if p[3] == "team_lead"],
        reps=reps,
        rep_skill=rep_skill,
        ams=ams,
        am_skill=am_skill,
        service=ints([uid[p[0]] for p in people if p[3] == "service"]),
        marketing=ints([uid[p[0]] for p in people if p[3] == "marketing"]),
        channel_ids=channel_ids,
        channel_codes=[c[0] for c in CHANNELS],
        channel_rate=np.asarray([c[3] for c in CHANNELS]),
        channel_mix=np.asarray([c[4] for c in CHANNELS]) / sum(c[4] for c in CHANNELS),
        campaign_ids=camp_ids,
        campaign_channel=ints(camp_ch),
        campaign_start=cs,
        campaign_end=cs + 90,
        product_ids=products.cols["id"].values,
        catalogue=catalogue,
        nb_pipeline=nb_p,
        as_pipeline=as_p,
        nb_stage_ids=nb_s,
        nb_stage_prob=nb_prob,
        as_stage_ids=as_s,
        as_stage_prob=as_prob,
        rates4=rates4,
        tag_ids=tag_ids,
        tables=tables,
        usernames=[p[0] for p in people],
    )


def _catalogue(rng: Rng, base: dict[str, int], n_products: int) -> tuple[Table, Table, Catalogue]:
    names: list[str] = []
    parents: list[int] = []
    strategic: list[bool] = []
    leaves: list[tuple[int, CategorySpec]] = []
    for top, subs in CATEGORIES:
        top_idx = len(names)
        names.append(top)
        parents.append(-1)
        strategic.append(any(s.strategic for s in subs))
        for sub in subs:
            leaves.append((len(names), sub))
            names.append(sub.name)
            parents.append(top_idx)
            strategic.append(sub.strategic)
    cat_ids = _seq(base["category"], len(names))
    cats = Table(ProductCategory)
    cats.add("id", "int", cat_ids)
    cats.add("name", "text", names)
    cats.add(
        "parent_id", "int", [int(cat_ids[p]) if p >= 0 else np.iinfo(np.int64).min for p in parents]
    )
    cats.add("is_strategic", "bool", strategic)
    # Spread products over leaves: strategic lines are fewer but not rare.
    leaf_w = np.asarray([0.6 if sub.strategic else 1.0 for _, sub in leaves])
    leaf = rng.choice(len(leaves), n_products, p=leaf_w / leaf_w.sum())
    leaf.sort(kind="stable")
    price = np.zeros(n_products, dtype=np.int64)
    cost = np.zeros(n_products, dtype=np.int64)
    pname: list[str] = []
    unit: list[str] = []
    cat_of: list[int] = []
    strat = np.zeros(n_products, dtype=bool)
    params = {
        "commodity": (7.0, 1.3, 0.70, 0.82),
        "equipment": (11.0, 1.0, 0.72, 0.84),
        "saas": (9.6, 0.8, 0.30, 0.45),
        "service": (10.3, 0.8, 0.45, 0.60),
    }
    for i in range(n_products):
        li, sub = leaves[int(leaf[i])]
        mu, sd, c_lo, c_hi = params[sub.kind]
        rub = float(np.clip(rng.lognormal(mu, sd), 20, 3_000_000))
        rub = float(np.round(rub, -1 if rub > 1000 else 0))
        price[i] = int(rub * 100)
        cost[i] = int(price[i] * rng.uniform(c_lo, c_hi))
        items = sub.items
        pname.append(
            f"{items[i % len(items)]} {GRADES[(i // len(items)) % len(GRADES)]} {i + 1:04d}"
        )
        unit.append(sub.unit)
        cat_of.append(int(cat_ids[li]))
        strat[i] = sub.strategic
    pids = _seq(base["product"], n_products)
    prod = Table(Product)
    prod.add("id", "int", pids)
    prod.add("sku", "text", [f"SKU-{i + 1:05d}" for i in range(n_products)])
    prod.add("name", "text", pname)
    prod.add("category_id", "int", cat_of)
    prod.add("unit", "text", unit)
    prod.add("list_price", "money", price)
    prod.add("unit_cost", "money", cost)
    prod.add("currency", "text", ["RUB"] * n_products)
    prod.add("is_active", "bool", rng.random(n_products) > 0.04)
    prod.add("source_system", "text", ["1c"] * n_products)
    prod.add("external_id", "text", [f"00-{100000 + i}" for i in range(n_products)])
    return cats, prod, Catalogue(price=price, cost=cost, strategic=strat)


def _pipelines(base: dict[str, int]) -> tuple[list[Table], int, int, I64, I64, I64, I64]:
    pipes = Table(Pipeline)
    pids = _seq(base["pipeline"], 2)
    pipes.add("id", "int", pids)
    pipes.add("name", "text", ["Новые клиенты", "Работа с клиентами"])
    pipes.add("kind", "text", ["new_business", "after_sales"])
    rows: list[tuple[int, str, int, int, bool, bool]] = []
    for p, stages in ((0, NB_STAGES), (1, AS_STAGES)):
        for pos, (name, prob) in enumerate(stages):
            rows.append((int(pids[p]), name, pos + 1, prob, False, False))
        rows.append((int(pids[p]), "Успешно", len(stages) + 1, 100, True, False))
        rows.append((int(pids[p]), "Проиграно", len(stages) + 2, 0, False, True))
    sids = _seq(base["stage"], len(rows))
    st = Table(Stage)
    st.add("id", "int", sids)
    st.add("pipeline_id", "int", [r[0] for r in rows])
    st.add("name", "text", [r[1] for r in rows])
    st.add("position", "int", [r[2] for r in rows])
    st.add("probability", "int", [r[3] for r in rows])
    st.add("is_won", "bool", [r[4] for r in rows])
    st.add("is_lost", "bool", [r[5] for r in rows])
    k = len(NB_STAGES) + 2
    probs = ints([r[3] for r in rows])
    return [pipes, st], int(pids[0]), int(pids[1]), sids[:k], probs[:k], sids[k:], probs[k:]


def _rates(rng: Rng, base: dict[str, int]) -> tuple[Table, I64]:
    """Daily EUR and USD rates as a bounded random walk, 4 decimals, from START to AS_OF."""
    days = AS_OF_DAY - START_DAY + 1
    out = np.full((3, days), 10_000, dtype=np.int64)
    for row, (lo, start) in ((1, (80.0, 86.0)), (2, (70.0, 74.0))):
        steps = rng.normal(0.0, 0.006, days)
        walk = np.exp(np.cumsum(steps) - np.linspace(0, float(np.sum(steps)), days) * 0.6)
        out[row] = np.rint(np.maximum(start * walk, lo * 0.7) * 10_000).astype(np.int64)
    t = Table(ExchangeRate)
    n = 2 * days
    t.add("id", "int", _seq(base["rate"], n))
    t.add("currency", "text", ["EUR"] * days + ["USD"] * days)
    day_idx = np.arange(days, dtype=np.int64) + START_DAY
    t.add("date", "date", np.concatenate([day_idx, day_idx]))
    t.add("rate", "dec", np.concatenate([out[1], out[2]]) * 10_000, scale=8)
    return t, out


__all__ = ["Org", "plan_org"]
