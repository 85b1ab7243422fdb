"""Calls, meetings, e-mails, tasks, notes and support tickets.

Timed inside each account's local working hours. The workload hogs' service load (tickets and
the calls and e-mails around them) is solved for, so their workload share is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from clientbase.demo.calendar import AS_OF_DAY, DAY, NOW_S
from clientbase.demo.columns import I64, NULL_INT
from clientbase.demo.deals import Deals
from clientbase.demo.org import Org
from clientbase.demo.segments import DUPLICATE, HOG, PROSPECT, Segments

Rng = np.random.Generator
CALL, MEETING, EMAIL, TASK, NOTE, TICKET = range(6)
WORKLOAD_HOG_SHARE = 0.26
PLANNED, DONE, CANCELLED = 0, 1, 2


@dataclass
class Acts:
    account: list[I64] = field(default_factory=list)
    kind: list[I64] = field(default_factory=list)
    owner: list[I64] = field(default_factory=list)
    at: list[I64] = field(default_factory=list)  # due time, epoch seconds
    deal: list[I64] = field(default_factory=list)
    status: list[I64] = field(default_factory=list)

    def add(
        self,
        acc: I64,
        kind: I64,
        owner: I64,
        at: I64,
        deal: I64 | None = None,
        status: I64 | None = None,
    ) -> None:
        n = len(acc)
        self.account.append(acc.astype(np.int64))
        self.kind.append(np.broadcast_to(kind, n).astype(np.int64))
        self.owner.append(np.broadcast_to(owner, n).astype(np.int64))
        self.at.append(at.astype(np.int64))
        self.deal.append(np.full(n, -1, np.int64) if deal is None else deal.astype(np.int64))
        self.status.append(
            np.full(n, DONE, np.int64) if status is None else status.astype(np.int64)
        )

    def count_by_account(self, n: int) -> I64:
        if not self.account:
            return np.zeros(n, dtype=np.int64)
        return np.bincount(np.concatenate(self.account), minlength=n).astype(np.int64)


@dataclass
class Activities:
    account: I64
    kind: I64
    owner: I64
    due: I64
    done: I64  # NULL_INT when not done
    deal: I64
    status: I64
    duration: I64
    hog_filler: int

    @property
    def n(self) -> int:
        return len(self.account)


def _local_time(day: I64, offset_min: I64, rng: Rng) -> I64:
    """A moment on `day` within 09:00–17:30 local time, as epoch seconds UTC."""
    local = rng.integers(9 * 3600, 17 * 3600 + 1800, len(day))
    local = local - local % 300
    return np.asarray(day * DAY + local - offset_min * 60, dtype=np.int64)


def _kinds(rng: Rng, n: int, p: list[float]) -> I64:
    return np.asarray(rng.choice(6, n, p=np.asarray(p) / sum(p)), dtype=np.int64)


def plan_activities(
    s: Segments,
    rng: Rng,
    org: Org,
    deals: Deals,
    am: I64,
    offset: I64,
    order_acc: I64,
    order_day: I64,
    order_docs: I64,
    first_day: I64,
    last_day: I64,
) -> Activities:
    n = s.n
    a = Acts()
    cust = s.is_customer()
    am_id = np.where(am >= 0, org.ams[np.maximum(am, 0)], NULL_INT)
    # 1. Work on deals, by the deal owner, between opening and closing.
    k = np.where(
        deals.status == 1,
        2 + rng.poisson(2.5, deals.n),
        np.where(deals.status == 2, 1 + rng.poisson(1.2, deals.n), 1 + rng.poisson(1.0, deals.n)),
    )
    di = np.repeat(np.arange(deals.n, dtype=np.int64), k)
    end = np.where(deals.closed != NULL_INT, deals.closed, NOW_S)
    t = deals.opened[di] + (rng.random(len(di)) * (end - deals.opened)[di]).astype(np.int64)
    day = t // DAY
    acc = deals.account[di]
    meet = np.where(s.tier[acc] == 1, 0.3, 0.15)
    kinds = np.where(
        rng.random(len(di)) < meet, MEETING, _kinds(rng, len(di), [0.5, 0.0, 0.35, 0.1, 0.05, 0.0])
    )
    a.add(acc, kinds, deals.owner[di], _local_time(day, offset[acc], rng), di)
    # Each open deal has its next step planned.
    od = np.flatnonzero(deals.status == 0)
    due_day = AS_OF_DAY + rng.integers(1, 22, len(od))
    a.add(
        deals.account[od],
        _kinds(rng, len(od), [0.5, 0.3, 0.1, 0.1, 0, 0]),
        deals.owner[od],
        _local_time(due_day, offset[deals.account[od]], rng),
        od,
        np.full(len(od), PLANNED),
    )
    # 2. Account management touches while the client buys; high-touch clients get more.
    months = np.maximum(last_day - first_day, 0) / 30.4 + 1
    touch = np.where(cust, 0.16 * months * (0.4 + s.value + 0.8 * s.need * (s.need > 0.6)), 0.0)
    touch = np.where(s.seg == HOG, touch * 0.3, touch)
    cnt = rng.poisson(touch)
    acc = np.repeat(np.arange(n, dtype=np.int64), cnt)
    span = np.maximum(last_day[acc] + 30 - first_day[acc], 1)
    day = np.minimum(first_day[acc] + (rng.random(len(acc)) * span).astype(np.int64), AS_OF_DAY)
    a.add(
        acc,
        _kinds(rng, len(acc), [0.45, 0.2, 0.25, 0.0, 0.1, 0.0]),
        am_id[acc],
        _local_time(day, offset[acc], rng),
    )
    # 3. Ordinary support tickets: a few per hundred orders.
    pick = np.flatnonzero(rng.random(len(order_acc)) < 0.03)
    svc = org.service[rng.integers(0, len(org.service), len(pick))]
    a.add(
        order_acc[pick],
        np.full(len(pick), TICKET),
        svc,
        _local_time(
            np.minimum(order_day[pick] + rng.integers(1, 10, len(pick)), AS_OF_DAY),
            offset[order_acc[pick]],
            rng,
        ),
    )
    # 4. Prospects and duplicates: marketing touches and the odd support ticket.
    for seg, lam, kinds_p, owners in (
        (PROSPECT, 1.5, [0.4, 0.05, 0.45, 0, 0.1, 0], org.marketing),
        (DUPLICATE, 1.5, [0.2, 0, 0.2, 0, 0.1, 0.5], org.service),
    ):
        rows = np.flatnonzero(s.seg == seg)
        c = rng.poisson(lam, len(rows))
        acc = np.repeat(rows, c)
        day = AS_OF_DAY - rng.integers(1, 1500, len(acc))
        a.add(
            acc,
            _kinds(rng, len(acc), kinds_p),
            owners[rng.integers(0, len(owners), len(acc))],
            _local_time(day, offset[acc], rng),
        )
    # 5. Next steps planned for active clients, and some forgotten (overdue) tasks.
    active = np.flatnonzero(cust & (last_day >= AS_OF_DAY - 180))
    nxt = active[rng.random(len(active)) < 0.35]
    a.add(
        nxt,
        _kinds(rng, len(nxt), [0.5, 0.2, 0.1, 0.2, 0, 0]),
        am_id[nxt],
        _local_time(AS_OF_DAY + rng.integers(1, 31, len(nxt)), offset[nxt], rng),
        status=np.full(len(nxt), PLANNED),
    )
    late = active[rng.random(len(active)) < 0.05]
    a.add(
        late,
        np.full(len(late), TASK),
        am_id[late],
        _local_time(AS_OF_DAY - rng.integers(1, 40, len(late)), offset[late], rng),
        status=np.full(len(late), PLANNED),
    )
    # 6. The hogs' service load, solved so that they carry WORKLOAD_HOG_SHARE of all work.
    hog = s.seg == HOG
    per_acc = np.bincount(order_acc, minlength=n) + np.bincount(
        order_acc, weights=order_docs, minlength=n
    ).astype(np.int64)
    per_acc = per_acc + a.count_by_account(n)
    w_h, w_o = float(per_acc[hog].sum()), float(per_acc[~hog].sum())
    filler = max(0, round(WORKLOAD_HOG_SHARE / (1 - WORKLOAD_HOG_SHARE) * w_o - w_h))
    hog_orders = np.flatnonzero(hog[order_acc])
    if filler and len(hog_orders):
        src = hog_orders[rng.integers(0, len(hog_orders), filler)]
        acc = order_acc[src]
        kinds = _kinds(rng, filler, [0.25, 0, 0.25, 0, 0, 0.5])
        owner = np.where(
            kinds == TICKET, org.service[rng.integers(0, len(org.service), filler)], am_id[acc]
        )
        day = np.minimum(order_day[src] + rng.integers(0, 12, filler), AS_OF_DAY)
        a.add(acc, kinds, owner, _local_time(day, offset[acc], rng))
    else:
        filler = 0

    account = np.concatenate(a.account)
    due = np.concatenate(a.at)
    # By account, latest first: the (account, -due) and account indexes are then appended to
    # during the load instead of rebuilt after it.
    order = np.lexsort((-due, account))
    account, due = account[order], due[order]
    kind = np.concatenate(a.kind)[order]
    status = np.concatenate(a.status)[order]
    deal = np.concatenate(a.deal)[order]
    owner = np.concatenate(a.owner)[order]
    m = len(account)
    status = np.where(status == PLANNED, PLANNED, np.where(rng.random(m) < 0.03, CANCELLED, DONE))
    # Whatever lies in the future is still planned.
    status = np.where(due > NOW_S, PLANNED, status)
    duration = np.select(
        [kind == MEETING, kind == CALL, kind == TICKET],
        [rng.integers(30, 120, m), rng.integers(2, 25, m), rng.integers(10, 90, m)],
        rng.integers(0, 15, m),
    )
    done = np.where(
        status == DONE,
        np.minimum(due + duration * 60 + rng.integers(0, 4 * 3600, m), NOW_S),
        NULL_INT,
    )
    return Activities(
        account=account,
        kind=kind,
        owner=owner,
        due=due,
        done=done,
        deal=deal,
        status=status,
        duration=(duration - duration % 5).astype(np.int64),
        hog_filler=int(filler),
    )


def workload(n: int, order_acc: I64, order_docs: I64, act_acc: I64) -> I64:
    """Workload units per account: 1 per order + its documents + 1 per activity (any kind)."""
    w = np.bincount(order_acc, minlength=n) + np.bincount(
        order_acc, weights=order_docs, minlength=n
    )
    return np.asarray(w + np.bincount(act_acc, minlength=n), dtype=np.int64)


__all__ = ["Activities", "plan_activities", "workload"]
