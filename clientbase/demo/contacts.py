"""People at the accounts, in the account's script, and their planted duplicates."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

import numpy as np

from clientbase.demo import identity as ident
from clientbase.demo.accounts import Names, e164
from clientbase.demo.columns import I64, fold_cached
from clientbase.demo.dupes import Cluster
from clientbase.demo.names import (
    CITIES,
    EN_FEMALE,
    EN_MALE,
    EN_SURNAME,
    FA,
    FA_FEMALE,
    FA_MALE,
    FA_SURNAME,
    POSITIONS,
    RU,
    RU_FEMALE,
    RU_MALE,
    RU_PATRONYMIC,
    RU_SURNAME,
    SCRIPTS,
)
from clientbase.demo.segments import DUPLICATE, Segments

Rng = np.random.Generator
ROLE_BY_RANK = (
    ("decision_maker",),
    ("decision_maker", "influencer"),
    ("influencer", "advisor"),
    ("user", "advisor"),
    ("user", "gatekeeper"),
)


@dataclass
class Person:
    native: str  # full name as written in the account's script
    latin: str
    cyrillic: str
    swapped: str  # another customary order (without patronymic)
    email_local: str


@dataclass
class Contacts:
    account: list[int] = field(default_factory=list)
    full_name: list[str] = field(default_factory=list)
    position: list[str] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # JSON
    messengers: list[str] = field(default_factory=list)  # JSON
    language: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    clusters: list[tuple[int, list[int], list[str]]] = field(default_factory=list)
    cluster_of: dict[int, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.account)

    def search_names(self) -> list[str]:
        return [fold_cached(x) for x in self.full_name]

    def accounts(self) -> I64:
        return np.asarray(self.account, dtype=np.int64)


@functools.lru_cache(maxsize=1 << 16)
def _person_cached(sc: int, a: int, b: int, c: int, female: bool) -> Person:
    return _person(sc, [a, b, c], female)


def _person(sc: int, r: list[int], female: bool) -> Person:
    if sc == RU:
        first = (RU_FEMALE if female else RU_MALE)[int(r[0]) % (20 if female else 24)]
        sur = RU_SURNAME[int(r[1]) % len(RU_SURNAME)]
        if female:
            sur = sur[:-2] + "ая" if sur.endswith("ий") else sur + "а"
        pat = RU_PATRONYMIC[int(r[2]) % len(RU_PATRONYMIC)][1 if female else 0]
        lat_first, lat_sur = ident.translit_ru(first), ident.translit_ru(sur)
        return Person(
            f"{sur} {first} {pat}",
            f"{lat_first} {lat_sur}",
            f"{first} {sur}",
            f"{first} {sur}",
            f"{lat_first[0].lower()}.{lat_sur.lower()}",
        )
    if sc == FA:
        fa_first = (FA_FEMALE if female else FA_MALE)[int(r[0]) % (16 if female else 20)]
        fa_sur = FA_SURNAME[int(r[1]) % len(FA_SURNAME)]
        return Person(
            f"{fa_first[0]} {fa_sur[0]}",
            f"{fa_first[1]} {fa_sur[1]}",
            "",
            f"{fa_sur[0]} {fa_first[0]}",
            f"{fa_first[1][0].lower()}.{fa_sur[1].lower()}",
        )
    en_first = (EN_FEMALE if female else EN_MALE)[int(r[0]) % (13 if female else 16)]
    en_sur = EN_SURNAME[int(r[1]) % len(EN_SURNAME)]
    return Person(
        f"{en_first[0]} {en_sur[0]}",
        f"{en_first[0]} {en_sur[0]}",
        f"{en_first[1]} {en_sur[1]}",
        f"{en_sur[0]}, {en_first[0]}",
        f"{en_first[0].lower()}.{en_sur[0].lower()}",
    )


def _variant(p: Person, sc: int, k: int) -> tuple[str, str]:
    if sc == RU:
        return [
            (p.swapped, "order_no_patronymic"),
            (p.latin, "latin_transliteration"),
            (ident.typo(p.native, k), "typo"),
        ][k % 3]
    if sc == FA:
        return [
            (p.latin, "latin_transliteration"),
            (ident.arabic_letters(p.native), "arabic_letters"),
            (p.swapped, "surname_first"),
        ][k % 3]
    return [
        (p.cyrillic, "cyrillic_transliteration"),
        (p.swapped, "surname_first"),
        (ident.typo(p.native, k), "typo"),
    ][k % 3]


def plan_contacts(s: Segments, nm: Names, clusters: list[Cluster], rng: Rng) -> Contacts:
    c = Contacts()
    persons: list[Person] = []
    n = s.n
    count = 1 + rng.binomial(3, np.clip(0.12 + 0.12 * s.size_band, 0, 0.7))
    mobiles = e164(rng, np.repeat(nm.city, 4), mobile=True).reshape(n, 4)
    # Python lists: indexing numpy scalars one by one costs more than the work itself.
    r = rng.integers(0, 1 << 30, (n, 4, 4)).tolist()
    u = rng.random((n, 4, 4)).tolist()
    customer = s.is_customer().tolist()
    seg, tier, script, count_l = s.seg.tolist(), s.tier.tolist(), nm.script.tolist(), count.tolist()
    mobiles_l = mobiles.tolist()
    city_l = nm.city.tolist()
    first_of: dict[int, list[int]] = {}
    for i in range(n):
        if seg[i] == DUPLICATE:
            continue
        sc = script[i]
        country = CITIES[city_l[i]].country
        for j in range(count_l[i]):
            rij, uij = r[i][j], u[i][j]
            p = _person_cached(sc, rij[0] % 24, rij[1] % 80, rij[2] % 18, uij[0] < 0.4)
            if tier[i] == 2:  # 1b: we only reach people without buying authority
                rank = 3 + rij[3] % 3
            elif j == 0:
                rank = 1 if uij[1] < 0.5 else 2
            else:
                rank = 2 + rij[3] % 4
            roles = ROLE_BY_RANK[rank - 1]
            role = roles[int(uij[2] * len(roles))]
            if tier[i] == 2 and role == "decision_maker":
                role = "influencer"
            first_of.setdefault(i, []).append(c.n)
            persons.append(p)
            c.account.append(i)
            c.full_name.append(p.native)
            c.position.append(POSITIONS[sc][rank - 1])
            c.rank.append(rank)
            c.role.append(role)
            c.phone.append(mobiles_l[i][j])
            c.email.append(f"{p.email_local}@{nm.domain[i]}" if uij[3] < 0.85 else "")
            # Hand-built JSON: the values are ASCII phones and handles, json.dumps is the cost.
            c.phones.append(f'["{nm.phone[i]}"]' if uij[1] < 0.3 else "[]")
            msg = "{}"
            if uij[2] < 0.3:
                msg = (
                    f'{{"whatsapp": "{mobiles_l[i][j]}"}}'
                    if sc == FA
                    else f'{{"telegram": "@{p.email_local.replace(".", "_")}"}}'
                )
            c.messengers.append(msg)
            c.language.append(SCRIPTS[sc] if country in ("RU", "IR") or sc != 2 else "en")
            c.source.append("bitrix24" if customer[i] else "marketing_xlsx")
    # Duplicates of people: at the planted duplicate accounts, and a few inside one account.
    k = 0
    for cl in clusters:
        originals = first_of.get(cl.true, [])
        for d in cl.dups:
            for ci in originals[: 1 + int(rng.random() < 0.4)]:
                _dup(c, persons, ci, d, int(nm.script[cl.true]), k, "support_desk")
                k += 1
    base_n = c.n
    for ci in np.flatnonzero(rng.random(base_n) < 0.012).tolist():
        _dup(
            c,
            persons,
            int(ci),
            c.account[int(ci)],
            int(nm.script[c.account[int(ci)]]),
            k,
            "support_desk",
        )
        k += 1
    return c


def _dup(
    c: Contacts, persons: list[Person], ci: int, account: int, sc: int, k: int, source: str
) -> None:
    name, rule = _variant(persons[ci], sc, k)
    new = c.n
    persons.append(persons[ci])
    c.account.append(account)
    c.full_name.append(name)
    c.position.append(c.position[ci] if k % 2 else "")
    c.rank.append(c.rank[ci])
    c.role.append(c.role[ci] if k % 2 else "")
    country_local = c.phone[ci]
    c.phone.append(country_local if k % 3 == 0 else "")
    c.phones.append(
        json.dumps([ident.raw_phone(c.phone[ci], _country(c.phone[ci]), k % 3)], ensure_ascii=False)
    )
    c.email.append("" if k % 4 == 1 else c.email[ci])
    c.messengers.append("{}")
    c.language.append(c.language[ci])
    c.source.append(source)
    at = c.cluster_of.get(ci)
    if at is not None:
        c.clusters[at][1].append(new)
        c.clusters[at][2].append(rule)
        return
    c.cluster_of[ci] = len(c.clusters)
    c.clusters.append((ci, [new], [rule]))


def _country(e164_phone: str) -> str:
    if e164_phone.startswith("+98"):
        return "IR"
    if e164_phone.startswith("+7"):
        return "RU"
    return "XX"
