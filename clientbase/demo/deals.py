"""Deals in the two pipelines and their append-only stage history.

New business: every client won inside the window has exactly one won deal, preceded by the
lost leads that the same stream of enquiries produced; the outcome of each lead is drawn from
its channel's planted conversion rate times its rep's planted skill.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clientbase.demo.calendar import AS_OF_DAY, DAY, NOW_S, START_DAY
from clientbase.demo.columns import F64, I64, NULL_INT
from clientbase.demo.names import DEAL_TOPICS_AS, DEAL_TOPICS_NB, LOST_REASONS
from clientbase.demo.org import Org
from clientbase.demo.segments import PROFIT_DISLOYAL, PROSPECT, Segments

Rng = np.random.Generator
NB_REACHED_P = np.asarray([0.35, 0.30, 0.20, 0.15])  # where lost leads stopped


@dataclass
class Deals:
    account: I64
    pipeline: I64  # 0 new business, 1 after-sales
    status: I64  # 0 open, 1 won, 2 lost
    reached: I64  # last open stage reached (0-based)
    owner: I64  # user id
    channel: I64  # channel index or -1
    campaign: I64  # campaign id or NULL_INT
    opened: I64  # epoch seconds
    closed: I64  # epoch seconds or NULL_INT
    amount: I64  # kopecks
    topic: list[str]
    lost_reason: list[str]
    # Per account: who owns it and where it came from.
    acc_owner: I64
    acc_channel: I64
    acc_campaign: I64
    first_seen: I64  # epoch day the account entered the CRM

    @property
    def n(self) -> int:
        return len(self.account)


def _secs(day: I64, rng: Rng) -> I64:
    return np.asarray(day * DAY + rng.integers(6 * 3600, 15 * 3600, len(day)), dtype=np.int64)


def _campaigns(org: Org, channel: I64, day: I64) -> I64:
    out = np.full(len(day), NULL_INT, dtype=np.int64)
    for ci in np.unique(org.campaign_channel):
        camp = np.flatnonzero(org.campaign_channel == ci)
        sel = np.flatnonzero(channel == ci)
        if not len(sel):
            continue
        pos = np.searchsorted(org.campaign_start[camp], day[sel], side="right") - 1
        ok = (pos >= 0) & (day[sel] < org.campaign_end[camp[np.maximum(pos, 0)]])
        out[sel[ok]] = org.campaign_ids[camp[pos[ok]]]
    return out


def plan_deals(
    s: Segments, rng: Rng, org: Org, first_day: I64, last_day: I64, avg_order: F64, am: I64
) -> Deals:
    n = s.n
    cust = s.is_customer()
    acquired = np.flatnonzero(cust & ~s.pre_window & (first_day >= START_DAY + 45))
    acquired = acquired[rng.permutation(len(acquired))]
    w = len(acquired)
    n_ch, n_rep = len(org.channel_rate), len(org.reps)
    size = int(w / 0.2) + 200
    while True:
        ch = rng.choice(n_ch, size, p=org.channel_mix)
        rep = rng.integers(0, n_rep, size)
        won = rng.random(size) < np.clip(org.channel_rate[ch] * org.rep_skill[rep], 0.01, 0.95)
        cum = np.cumsum(won)
        if cum[-1] >= w:
            break
        size *= 2
    take = int(np.searchsorted(cum, w)) + 1 if w else 0
    ch, rep, won = ch[:take], rep[:take], won[:take]
    win_idx, lost_idx = np.flatnonzero(won), np.flatnonzero(~won)

    # Won leads → the acquired clients, closed just before their first order.
    won_acc = acquired
    won_close = first_day[won_acc] - rng.integers(1, 15, w)
    won_cycle = (rng.integers(20, 110, w) * np.where(s.tier[won_acc] == 2, 1.8, 1.0)).astype(
        np.int64
    )
    won_open = won_close - won_cycle
    # Lost leads → prospects first, then more prospects or earlier attempts at later clients.
    prospects = np.flatnonzero(s.seg == PROSPECT)
    n_lost = len(lost_idx)
    lost_acc = np.empty(n_lost, dtype=np.int64)
    k = min(n_lost, len(prospects))
    lost_acc[:k] = rng.permutation(prospects)[:k]
    rest = n_lost - k
    to_client = rng.random(rest) < 0.55
    lost_acc[k:] = np.where(
        to_client & (w > 0),
        won_acc[rng.integers(0, max(w, 1), rest)] if w else 0,
        prospects[rng.integers(0, max(len(prospects), 1), rest)] if len(prospects) else 0,
    )
    lost_close = rng.integers(START_DAY + 30, AS_OF_DAY - 7, n_lost)
    earlier = np.isin(lost_acc, won_acc)
    if earlier.any():
        pos_of = np.full(n, -1, dtype=np.int64)
        pos_of[won_acc] = np.arange(w)
        ref = won_open[pos_of[lost_acc[earlier]]]
        lost_close[earlier] = ref - rng.integers(20, 300, int(earlier.sum()))
    lost_open = lost_close - rng.integers(10, 90, n_lost)
    reached_lost = rng.choice(4, n_lost, p=NB_REACHED_P)

    # Open new-business deals: leads in flight on prospects (not part of conversion).
    n_open = max(1, int(len(prospects) * 0.35))
    open_acc = (
        prospects[rng.integers(0, max(len(prospects), 1), n_open)]
        if len(prospects)
        else np.zeros(0, np.int64)
    )
    n_open = len(open_acc)
    open_ch = rng.choice(n_ch, n_open, p=org.channel_mix)
    open_rep = rng.integers(0, n_rep, n_open)
    open_open = AS_OF_DAY - rng.integers(1, 120, n_open)
    open_reached = rng.choice(4, n_open, p=[0.4, 0.3, 0.2, 0.1])

    nb_acc = np.concatenate([won_acc, lost_acc, open_acc])
    nb_status = np.concatenate([np.ones(w), np.full(n_lost, 2), np.zeros(n_open)]).astype(np.int64)
    nb_reached = np.concatenate([np.full(w, 3), reached_lost, open_reached]).astype(np.int64)
    nb_rep = np.concatenate([rep[win_idx], rep[lost_idx], open_rep])
    nb_ch = np.concatenate([ch[win_idx], ch[lost_idx], open_ch]).astype(np.int64)
    nb_open_day = np.concatenate([won_open, lost_open, open_open]).astype(np.int64)
    nb_close_day = np.concatenate([won_close, lost_close, np.full(n_open, -1)]).astype(np.int64)
    nb_amount = (np.rint(rng.lognormal(13.0, 1.0, len(nb_acc))) * 100).astype(np.int64)
    nb_amount[:w] = (np.maximum(avg_order[won_acc], 1000.0) * rng.uniform(3, 8, w) * 100).astype(
        np.int64
    )

    # After-sales deals with clients, owned by their account manager.
    act_m = np.maximum(last_day - first_day, 0) / 30.4
    lam = np.where(cust, 0.03 * act_m * (0.5 + 2.0 * s.value), 0.0)
    cnt = rng.poisson(lam)
    as_acc = np.repeat(np.arange(n, dtype=np.int64), cnt)
    m = len(as_acc)
    span = np.maximum(last_day[as_acc] + 60 - first_day[as_acc], 1)
    as_open = first_day[as_acc] + (rng.random(m) * span).astype(np.int64)
    as_open = np.minimum(as_open, AS_OF_DAY - 1)
    as_close = as_open + rng.integers(7, 60, m)
    as_owner_idx = am[as_acc]
    skill = org.am_skill[np.maximum(as_owner_idx, 0)]
    p = np.clip(0.62 * skill * np.where(s.seg[as_acc] == PROFIT_DISLOYAL, 0.5, 1.0), 0.05, 0.95)
    as_status = np.where(rng.random(m) < p, 1, 2)
    as_status = np.where(as_close > AS_OF_DAY, 0, as_status)
    as_close = np.where(as_status == 0, -1, as_close)
    as_reached = np.where(as_status == 1, 2, rng.integers(0, 3, m))
    as_amount = (np.maximum(avg_order[as_acc], 1000.0) * rng.uniform(0.8, 4.0, m) * 100).astype(
        np.int64
    )

    account = np.concatenate([nb_acc, as_acc])
    status = np.concatenate([nb_status, as_status]).astype(np.int64)
    opened_day = np.concatenate([nb_open_day, as_open])
    closed_day = np.concatenate([nb_close_day, as_close])
    opened = _secs(opened_day, rng)
    closed = np.where(
        closed_day >= 0, np.maximum(_secs(np.maximum(closed_day, 0), rng), opened + 3600), NULL_INT
    )
    closed = np.where((closed != NULL_INT) & (closed > NOW_S), NOW_S - 3600, closed)
    channel = np.concatenate([nb_ch, np.full(m, -1)]).astype(np.int64)
    campaign = _campaigns(org, channel, opened_day)
    owner = np.concatenate([org.reps[nb_rep], org.ams[np.maximum(as_owner_idx, 0)]])
    pipeline = np.concatenate([np.zeros(len(nb_acc)), np.ones(m)]).astype(np.int64)
    is_comp = (s.seg[account] == PROFIT_DISLOYAL) & (status == 2)
    reason_idx = np.where(is_comp, 0, rng.integers(0, len(LOST_REASONS), len(account)))
    lost_reason = np.where(status == 2, np.asarray(LOST_REASONS)[reason_idx], "").tolist()
    topics = np.where(
        pipeline == 0,
        np.asarray(DEAL_TOPICS_NB)[rng.integers(0, len(DEAL_TOPICS_NB), len(account))],
        np.asarray(DEAL_TOPICS_AS)[rng.integers(0, len(DEAL_TOPICS_AS), len(account))],
    ).tolist()

    # Accounts: owner and source from the winning lead, else from their first lead.
    acc_owner = np.full(n, NULL_INT, dtype=np.int64)
    acc_channel = np.full(n, -1, dtype=np.int64)
    acc_campaign = np.full(n, NULL_INT, dtype=np.int64)
    first_seen = np.where(
        cust,
        np.where(s.pre_window, START_DAY - rng.integers(60, 3000, n), first_day - 30),
        AS_OF_DAY - rng.integers(1, 1700, n),
    )
    nb = np.flatnonzero(pipeline == 0)
    by_time = nb[np.argsort(opened[nb], kind="stable")[::-1]]  # latest first, so first wins
    acc_owner[account[by_time]] = owner[by_time]
    acc_channel[account[by_time]] = channel[by_time]
    acc_campaign[account[by_time]] = campaign[by_time]
    won_nb = nb[status[nb] == 1]
    acc_owner[account[won_nb]] = owner[won_nb]
    acc_channel[account[won_nb]] = channel[won_nb]
    acc_campaign[account[won_nb]] = campaign[won_nb]
    np.minimum.at(first_seen, account[nb], opened_day[nb])
    pre = np.flatnonzero(cust & (acc_owner == NULL_INT))
    acc_owner[pre] = org.reps[rng.integers(0, n_rep, len(pre))]
    known = rng.random(len(pre)) < 0.7
    acc_channel[pre[known]] = rng.choice(n_ch, int(known.sum()), p=org.channel_mix)
    return Deals(
        account=account,
        pipeline=pipeline,
        status=status,
        reached=np.concatenate([nb_reached, as_reached]).astype(np.int64),
        owner=owner,
        channel=channel,
        campaign=campaign,
        opened=opened,
        closed=closed,
        amount=np.concatenate([nb_amount, as_amount]),
        topic=topics,
        lost_reason=lost_reason,
        acc_owner=acc_owner,
        acc_channel=acc_channel,
        acc_campaign=acc_campaign,
        first_seen=first_seen,
    )


def stage_history(d: Deals, org: Org, rng: Rng) -> tuple[I64, I64, I64, I64, I64, I64]:
    """(deal index, from stage id, to stage id, at, actor, final stage id per deal)."""
    open_ids = np.where(
        d.pipeline[:, None] == 0,
        org.nb_stage_ids[None, :4],
        np.pad(org.as_stage_ids[:3], (0, 1))[None, :],
    )
    won_id = np.where(d.pipeline == 0, org.nb_stage_ids[4], org.as_stage_ids[3])
    lost_id = np.where(d.pipeline == 0, org.nb_stage_ids[5], org.as_stage_ids[4])
    closed = d.status != 0
    length = d.reached + 1 + closed.astype(np.int64)
    deal = np.repeat(np.arange(d.n, dtype=np.int64), length)
    starts = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64)
    j = np.arange(len(deal), dtype=np.int64) - starts[deal]
    last = j == length[deal] - 1
    to = open_ids[deal, np.minimum(j, 3)]
    to = np.where(
        last & closed[deal], np.where(d.status[deal] == 1, won_id[deal], lost_id[deal]), to
    )
    frm = np.where(j == 0, NULL_INT, np.roll(to, 1))
    end = np.where(
        closed, d.closed, np.maximum(NOW_S - rng.integers(3600, 20 * DAY, d.n), d.opened + 60)
    )
    frac = (j + 0.8 * rng.random(len(deal))) / length[deal]
    frac = np.where(j == 0, 0.0, frac)
    at = d.opened[deal] + (frac * (end - d.opened)[deal]).astype(np.int64)
    at = np.where(last & closed[deal], d.closed[deal], at)
    final = np.where(
        closed,
        np.where(d.status == 1, won_id, lost_id),
        open_ids[np.arange(d.n), np.minimum(d.reached, 3)],
    )
    return deal, frm, to, at, d.owner[deal], final


def planted_rates(org: Org) -> dict[str, object]:
    mean_skill = float(org.rep_skill.mean())
    mix_rate = float((org.channel_mix * org.channel_rate).sum())
    return {
        "channels": {
            code: {
                "planted_rate_average_rep": float(org.channel_rate[i]),
                "expected_rate_this_team": round(float(org.channel_rate[i]) * mean_skill, 4),
            }
            for i, code in enumerate(org.channel_codes)
        },
        "reps": {
            int(uid): {
                "planted_skill": round(float(org.rep_skill[i]), 4),
                "expected_rate_channel_mix": round(mix_rate * float(org.rep_skill[i]), 4),
            }
            for i, uid in enumerate(org.reps)
        },
        "account_managers": {
            int(uid): {
                "planted_skill": round(float(org.am_skill[i]), 4),
                "expected_after_sales_win_rate": round(min(0.95, 0.62 * float(org.am_skill[i])), 4),
            }
            for i, uid in enumerate(org.ams)
        },
    }


__all__ = ["Deals", "plan_deals", "planted_rates", "stage_history"]
