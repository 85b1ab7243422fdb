"""Turn the plans into Tables (columns by model field attname) for the writer."""

from __future__ import annotations

import json

import numpy as np

from clientbase.accounts.models import Account, Contact, TaxIdentifier
from clientbase.activities.models import Activity
from clientbase.demo.accounts import Names
from clientbase.demo.activities import Activities
from clientbase.demo.calendar import AS_OF_DAY, DAY
from clientbase.demo.columns import I64, NULL_INT, Table, fold_cached, ints, nullable
from clientbase.demo.contacts import Contacts
from clientbase.demo.deals import Deals
from clientbase.demo.names import ACTIVITY_KINDS, CITIES, INDUSTRIES, OUTCOMES, SUBJECTS
from clientbase.demo.orders import CURRENCIES, Orders
from clientbase.demo.org import Org
from clientbase.demo.segments import SIZE_BANDS, Segments
from clientbase.sales.models import Deal, DealStageChange, Order, OrderLine

Rng = np.random.Generator


def _json_list(items: list[list[str]]) -> list[str]:
    return [json.dumps(x, ensure_ascii=False) if x else "[]" for x in items]


def account_tables(
    s: Segments,
    nm: Names,
    base: int,
    status: list[str],
    owner: I64,
    am_id: I64,
    channel_id: I64,
    campaign: I64,
    created: I64,
    updated: I64,
    source: list[str],
    external: list[str],
    custom: list[str],
    industry: I64,
) -> Table:
    n = s.n
    t = Table(Account)
    t.add("id", "int", np.arange(base + 1, base + n + 1))
    t.add("created_at", "datetime", created)
    t.add("updated_at", "datetime", updated)
    t.add("source_system", "text", source)
    t.add("external_id", "text", external)
    t.add("legal_name", "text", nm.legal)
    t.add("display_name", "text", nm.display)
    search = [
        fold_cached(d + " " + " ".join(al)) for d, al in zip(nm.display, nm.aliases, strict=True)
    ]
    t.add("search_name", "text", search)
    t.add("aliases", "text", _json_list(nm.aliases))
    t.add("industry", "text", np.asarray(INDUSTRIES)[industry].tolist())
    t.add("size_band", "text", np.asarray(SIZE_BANDS)[s.size_band].tolist())
    cities = nm.city
    t.add("country", "text", [CITIES[int(c)].country for c in cities])
    t.add("region", "text", [CITIES[int(c)].region for c in cities])
    t.add("city", "text", [CITIES[int(c)].name for c in cities])
    t.add("address", "text", nm.address)
    t.add("time_zone", "text", [CITIES[int(c)].tz for c in cities])
    t.add("work_starts", "time", nm.work_starts)
    t.add("work_ends", "time", nm.work_ends)
    t.add("website", "text", [f"https://www.{d}" if d else "" for d in nm.domain])
    t.add("phone", "text", nm.phone)
    t.add("email", "text", nm.email)
    t.add("status", "text", status)
    t.add("owner_id", "int", owner)
    t.add("account_manager_id", "int", am_id)
    t.add("source_channel_id", "int", channel_id)
    t.add("source_campaign_id", "int", campaign)
    t.add("custom", "text", custom)
    return t


def tax_table(nm: Names, base: int, acc_base: int) -> Table:
    t = Table(TaxIdentifier)
    n = len(nm.tax_account)
    t.add("id", "int", np.arange(base + 1, base + n + 1))
    t.add("account_id", "int", ints(nm.tax_account) + acc_base + 1)
    t.add("kind", "text", nm.tax_kind)
    t.add("value", "text", nm.tax_value)
    return t


def tag_table(base: int, acc_ids: I64, tag_ids: I64) -> Table:
    t = Table(Account.tags.through)
    t.add("id", "int", np.arange(base + 1, base + len(acc_ids) + 1))
    t.add("account_id", "int", acc_ids)
    t.add("tag_id", "int", tag_ids)
    return t


def contact_table(c: Contacts, base: int, acc_base: int, created: I64) -> Table:
    t = Table(Contact)
    n = c.n
    acc = c.accounts()
    t.add("id", "int", np.arange(base + 1, base + n + 1))
    t.add("account_id", "int", acc + acc_base + 1)
    t.add("created_at", "datetime", created[acc] + 3600 + np.arange(n) % 7200)
    t.add("updated_at", "datetime", created[acc] + 7200 + np.arange(n) % 7200)
    t.add("source_system", "text", c.source)
    t.add(
        "external_id",
        "text",
        [f"{src[:3].upper()}-P{base + i + 1}" for i, src in enumerate(c.source)],
    )
    t.add("full_name", "text", c.full_name)
    t.add("search_name", "text", c.search_names())
    t.add("position", "text", c.position)
    t.add("rank", "int", c.rank)
    t.add("buying_role", "text", c.role)
    t.add("phone", "text", c.phone)
    t.add("email", "text", c.email)
    t.add("phones", "text", c.phones)
    t.add("emails", "text", ["[]"] * n)
    t.add("messengers", "text", c.messengers)
    t.add("preferred_language", "text", c.language)
    return t


def order_tables(
    o: Orders, base: int, line_base: int, acc_base: int, owner: I64, product_ids: I64
) -> tuple[Table, Table]:
    n = o.n
    ids = np.arange(base + 1, base + n + 1)
    t = Table(Order)
    t.add("id", "int", ids)
    # Numbers run through each year in date order (ids run by account).
    chron = np.lexsort((o.account, o.day))
    year_c = o.day[chron].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    seq = np.empty(n, dtype=np.int64)
    seq[chron] = np.arange(n) - np.searchsorted(year_c, year_c, side="left") + 1
    year = np.empty(n, dtype=np.int64)
    year[chron] = year_c
    t.add(
        "number",
        "text",
        [f"ЗК{y % 100:02d}-{q:06d}" for y, q in zip(year.tolist(), seq.tolist(), strict=True)],
    )
    t.add("account_id", "int", o.account + acc_base + 1)
    t.add("date", "date", o.day)
    t.add("currency", "text", np.asarray(CURRENCIES)[o.currency])
    t.add("rate_to_base", "dec", o.rate4 * 10_000, scale=8)
    t.add("net_revenue_base", "money", o.rev_base)
    t.add("cost_base", "money", o.cost_base)
    t.add("documents", "int", o.docs)
    t.add("owner_id", "int", owner)
    # Most orders came from the accounting system; a few were typed in by hand.
    from_1c = (ids % 10) != 0
    t.add("source_system", "text", ["1c" if f else "" for f in from_1c.tolist()])
    t.add("external_id", "text", [f"1C-{i:09d}" if i % 10 else "" for i in ids.tolist()])
    lines = Table(OrderLine)
    m = len(o.line_order)
    lines.add("id", "int", np.arange(line_base + 1, line_base + m + 1))
    lines.add("order_id", "int", o.line_order + base + 1)
    lines.add("product_id", "int", product_ids[o.line_product])
    lines.add("quantity", "dec", o.line_qty * 1000, scale=3)
    lines.add("net_revenue", "money", o.line_rev)
    lines.add("cost", "money", o.line_cost)
    return t, lines


def deal_tables(
    d: Deals,
    org: Org,
    base: int,
    hist_base: int,
    acc_base: int,
    contact_id: I64,
    hist: tuple[I64, I64, I64, I64, I64, I64],
    display: list[str],
) -> tuple[Table, Table]:
    n = d.n
    deal_idx, frm, to, at, actor, final = hist
    t = Table(Deal)
    ids = np.arange(base + 1, base + n + 1)
    t.add("id", "int", ids)
    t.add("created_at", "datetime", d.opened)
    t.add("updated_at", "datetime", np.where(d.closed != NULL_INT, d.closed, d.opened))
    t.add("source_system", "text", ["bitrix24"] * n)
    t.add("external_id", "text", [f"B24-D{i}" for i in ids.tolist()])
    t.add(
        "title",
        "text",
        [f"{tp} — {display[a]}"[:200] for tp, a in zip(d.topic, d.account.tolist(), strict=True)],
    )
    t.add("account_id", "int", d.account + acc_base + 1)
    t.add("contact_id", "int", contact_id[d.account])
    t.add("pipeline_id", "int", np.where(d.pipeline == 0, org.nb_pipeline, org.as_pipeline))
    t.add("stage_id", "int", final)
    t.add("status", "text", np.asarray(["open", "won", "lost"])[d.status])
    t.add("amount", "money", d.amount)
    t.add("currency", "text", ["RUB"] * n)
    close_day = np.where(d.closed != NULL_INT, d.closed // DAY, AS_OF_DAY + 14 + (ids % 60))
    t.add("expected_close", "date", close_day)
    prob_open = np.where(
        d.pipeline == 0,
        org.nb_stage_prob[np.minimum(d.reached, 3)],
        org.as_stage_prob[np.minimum(d.reached, 2)],
    )
    t.add("probability", "int", np.select([d.status == 1, d.status == 2], [100, 0], prob_open))
    t.add("owner_id", "int", d.owner)
    t.add(
        "source_channel_id",
        "int",
        nullable(org.channel_ids[np.maximum(d.channel, 0)], d.channel >= 0),
    )
    t.add("source_campaign_id", "int", d.campaign)
    t.add("lost_reason", "text", d.lost_reason)
    t.add("opened_at", "datetime", d.opened)
    t.add("closed_at", "datetime", d.closed)
    h = Table(DealStageChange)
    h.add("id", "int", np.arange(hist_base + 1, hist_base + len(deal_idx) + 1))
    h.add("deal_id", "int", deal_idx + base + 1)
    h.add("from_stage_id", "int", frm)
    h.add("to_stage_id", "int", to)
    h.add("at", "datetime", at)
    h.add("actor_id", "int", actor)
    return t, h


def activity_table(
    a: Activities, base: int, acc_base: int, deal_base: int, script: I64, contact_id: I64, rng: Rng
) -> Table:
    n = a.n
    t = Table(Activity)
    ids = np.arange(base + 1, base + n + 1)
    t.add("id", "int", ids)
    created = np.where(a.due > a.done, a.due - 86_400 * (1 + ids % 5), a.due - 3600)
    t.add("created_at", "datetime", np.minimum(created, a.due))
    t.add(
        "updated_at", "datetime", np.where(a.done != NULL_INT, a.done, np.minimum(created, a.due))
    )
    is_ticket = a.kind == 5
    from_deal = a.deal >= 0
    code = np.select([is_ticket, from_deal], [1, 2], 0).tolist()
    t.add("source_system", "text", [("", "support_desk", "bitrix24")[c] for c in code])
    prefix = ("", "SD-", "B24-A")
    # Text columns from a small vocabulary hold references to its strings (8 bytes a row),
    # not fixed-width copies: at scale L this table has 15M rows.
    t.add(
        "external_id",
        "text",
        [
            f"{prefix[c]}{i}" if c else ""
            for c, i in zip(code, range(base + 1, base + n + 1), strict=True)
        ],
    )
    t.add("kind", "text", np.asarray(ACTIVITY_KINDS, dtype=object)[a.kind])
    t.add("status", "text", np.asarray(["planned", "done", "cancelled"], dtype=object)[a.status])
    sc = script[a.account]
    pick = rng.integers(0, 1 << 20, n)
    # One flat table of subjects: row = kind × script, padded to the longest list.
    width = max(len(v) for opts in SUBJECTS.values() for v in opts)
    flat = np.empty(len(ACTIVITY_KINDS) * 3 * width, dtype=object)
    lens = np.zeros(len(ACTIVITY_KINDS) * 3, dtype=np.int64)
    for k, name in enumerate(ACTIVITY_KINDS):
        for s_ in range(3):
            options = SUBJECTS[name][s_]
            lens[k * 3 + s_] = len(options)
            flat[(k * 3 + s_) * width : (k * 3 + s_) * width + len(options)] = options
    combo = a.kind * 3 + sc
    t.add("subject", "text", flat[combo * width + pick % lens[combo]].tolist())
    t.add("account_id", "int", a.account + acc_base + 1)
    with_contact = (a.kind != 4) & (pick % 10 < 8)
    t.add("contact_id", "int", np.where(with_contact, contact_id[a.account], NULL_INT))
    t.add("deal_id", "int", nullable(a.deal + deal_base + 1, from_deal))
    t.add("owner_id", "int", a.owner)
    t.add("due_at", "datetime", a.due)
    t.add("done_at", "datetime", a.done)
    t.add("duration_minutes", "int", a.duration)
    outcome = np.where(
        (a.status == 1) & ((a.kind == 0) | (a.kind == 1) | (a.kind == 5)),
        np.asarray(OUTCOMES, dtype=object)[pick % len(OUTCOMES)],
        "",
    )
    t.add("outcome", "text", outcome)
    return t
