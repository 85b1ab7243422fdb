"""Who the accounts are: places, names in three scripts, legal forms, phones, tax ids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from clientbase.demo import identity as ident
from clientbase.demo.columns import I64, StrArr
from clientbase.demo.names import (
    CITIES,
    EN,
    EN_FORMS,
    EN_WORDS1,
    EN_WORDS2,
    FA,
    FA_FORMS,
    FA_HEAD,
    FA_WORDS,
    LATIN_ALSO_IN,
    RU,
    RU_FEMALE,
    RU_FORMS,
    RU_MALE,
    RU_PATRONYMIC,
    RU_PREFIX,
    RU_REGION,
    RU_SUFFIX,
    RU_SURNAME,
    RU_TAIL,
    STREETS,
    TLD,
)
from clientbase.demo.segments import Segments

Rng = np.random.Generator

# Which currency a foreign client's orders may be in (0 RUB, 1 EUR, 2 USD).
COUNTRY_CURRENCY = {"DE": 1, "PL": 1, "IR": 1, "GB": 2, "TR": 2, "KZ": 2, "AE": 2, "UZ": 2}
WORK_START = ("08:00:00", "08:30:00", "09:00:00", "09:00:00", "10:00:00")
WORK_END = ("17:00:00", "17:30:00", "18:00:00", "18:00:00", "19:00:00")


@dataclass
class Names:
    """Per-account identity. Duplicates are filled in by dupes.py from their true entity."""

    city: I64
    script: I64
    display: list[str]
    legal: list[str]
    aliases: list[list[str]]
    # The parts duplicates are spelled from: native root, Latin root, Cyrillic root, form index.
    root: list[str]
    root_lat: list[str]
    root_cyr: list[str]
    form: I64
    domain: list[str]
    phone: list[str]
    email: list[str]
    address: list[str]
    work_starts: list[str]
    work_ends: list[str]
    tax_kind: list[str] = field(default_factory=list)
    tax_account: list[int] = field(default_factory=list)
    tax_value: list[str] = field(default_factory=list)

    def country(self, i: int) -> str:
        return CITIES[int(self.city[i])].country


def choose_cities(s: Segments, rng: Rng) -> I64:
    by_script: list[tuple[I64, np.ndarray]] = []  # (city indices, weights) per script
    for sc in (RU, FA, EN):
        idx = [
            i
            for i, c in enumerate(CITIES)
            if c.script == sc or (sc == EN and c.key in LATIN_ALSO_IN)
        ]
        w = np.asarray([CITIES[i].weight * (0.25 if CITIES[i].script != sc else 1.0) for i in idx])
        by_script.append((np.asarray(idx, dtype=np.int64), w / w.sum()))
    city = np.zeros(s.n, dtype=np.int64)
    for sc in (RU, FA, EN):
        sel = np.flatnonzero(s.script == sc)
        pool, weights = by_script[sc]
        city[sel] = pool[rng.choice(len(pool), len(sel), p=weights)]
    return city


def account_currency(city: I64) -> I64:
    table = np.asarray([COUNTRY_CURRENCY.get(c.country, 0) for c in CITIES], dtype=np.int64)
    return np.asarray(table[city], dtype=np.int64)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("", text.lower())


def e164(rng: Rng, city: I64, mobile: bool = False) -> StrArr:
    n = len(city)
    out = np.empty(n, dtype=object)
    for ci in np.unique(city):
        c = CITIES[int(ci)]
        sel = np.flatnonzero(city == ci)
        k = c.mobile_digits if mobile else c.local_digits
        prefix = "+" + c.phone_cc + (c.mobile if mobile else c.area)
        d = ident.random_digits(rng, len(sel), k)
        out[sel] = np.strings.add(prefix, d)
    return np.asarray(out.astype(np.str_), dtype=np.str_)


def build_names(s: Segments, city: I64, rng: Rng) -> Names:
    n = s.n
    display: list[str] = []
    legal: list[str] = []
    aliases: list[list[str]] = []
    root: list[str] = []
    root_lat: list[str] = []
    root_cyr: list[str] = []
    domain: list[str] = []
    address: list[str] = []
    u = rng.random((n, 8)).tolist()
    r = rng.integers(0, 1 << 30, (n, 8)).tolist()
    scripts, cities, bands = s.script.tolist(), city.tolist(), s.size_band.tolist()
    form_l = [0] * n
    for i in range(n):
        sc = scripts[i]
        c = CITIES[cities[i]]
        ri, ui = r[i], u[i]
        if sc == RU:
            entrepreneur = bands[i] == 0 and ui[0] < 0.35
            if entrepreneur:
                female = ui[1] < 0.35
                first = (RU_FEMALE if female else RU_MALE)[ri[0] % (20 if female else 24)]
                sur = RU_SURNAME[ri[1] % len(RU_SURNAME)]
                sur = (sur[:-2] + "ая" if sur.endswith("ий") else sur + "а") if female else sur
                pat = RU_PATRONYMIC[ri[2] % len(RU_PATRONYMIC)][1 if female else 0]
                rt = f"{sur} {first} {pat}"
                form_l[i] = 3
                display.append(f"ИП {sur} {first[0]}. {pat[0]}.")
                legal.append(f"Индивидуальный предприниматель {rt}")
            else:
                big = bands[i] >= 3
                f = 0 if ui[1] < (0.5 if big else 0.82) else (1 if ui[2] < 0.75 else 2)
                form_l[i] = f
                suffix = RU_SUFFIX[ri[1] % len(RU_SUFFIX)].lower()
                rt = RU_PREFIX[ri[0] % len(RU_PREFIX)] + suffix + RU_TAIL[ri[2] % len(RU_TAIL)]
                display.append(f"{RU_FORMS[f][0]} «{rt}»")
                legal.append(f"{RU_FORMS[f][1]} «{rt}»")
            lat = ident.translit_ru(rt)
            root.append(rt)
            root_lat.append(lat)
            root_cyr.append(rt)
            aliases.append([f"{lat} {RU_FORMS[form_l[i]][2]}"] if ui[3] < 0.15 else [])
            street = STREETS[0][ri[3] % len(STREETS[0])]
            address.append(
                f"{c.name}, {street}, д. {1 + ri[4] % 120}"
                + (f", оф. {1 + ri[5] % 400}" if ui[4] < 0.6 else "")
            )
        elif sc == FA:
            a = ri[0] % len(FA_WORDS)
            b = (a + 1 + ri[1] % (len(FA_WORDS) - 1)) % len(FA_WORDS)
            head = FA_HEAD[ri[2] % len(FA_HEAD)] if ui[1] < 0.3 else ""
            if head in (FA_WORDS[a][0], FA_WORDS[b][0]):
                head = ""  # no «صنایع صنایع …»
            words = [w for w in (head,) if w] + [FA_WORDS[a][0], FA_WORDS[b][0]]
            lat_words = [FA_WORDS[[w[0] for w in FA_WORDS].index(head)][1]] if head else []
            lat_words += [FA_WORDS[a][1], FA_WORDS[b][1]]
            rt = " ".join(words)
            f = 0 if ui[2] < 0.6 else (1 if ui[3] < 0.85 else 2)
            form_l[i] = f
            display.append(f"شرکت {rt} {FA_FORMS[f][0]}")
            legal.append(f"شرکت {rt} ({FA_FORMS[f][0]})")
            lat = " ".join(lat_words)
            root.append(rt)
            root_lat.append(lat)
            root_cyr.append("")
            aliases.append([f"{lat} Co."] if ui[4] < 0.2 else [])
            street = STREETS[1][ri[3] % len(STREETS[1])]
            address.append(f"{c.name}، {street}، پلاک {1 + ri[4] % 200}")
        else:
            w1 = EN_WORDS1[ri[0] % len(EN_WORDS1)]
            w2 = EN_WORDS2[ri[1] % len(EN_WORDS2)]
            rt, cyr = f"{w1[0]} {w2[0]}", f"{w1[1]} {w2[1]}"
            forms = EN_FORMS.get(c.country, EN_FORMS["GB"])
            f = int(ri[2] % len(forms)) if ui[1] < 0.3 else 0
            form_l[i] = f
            display.append(f"{rt} {forms[f][0]}")
            if c.country == "RU":  # a Russian subsidiary: its legal name is Cyrillic
                legal.append(f"ООО «{cyr}»")
                aliases.append([cyr])
            else:
                legal.append(f"{rt} {forms[f][1]}")
                aliases.append([])
            root.append(rt)
            root_lat.append(rt)
            root_cyr.append(cyr)
            street = STREETS[2][ri[3] % len(STREETS[2])]
            address.append(f"{1 + ri[4] % 300} {street}, {c.name}")
        tld = TLD.get(c.country, "com")
        domain.append(f"{_slug(root_lat[-1])[:40] or 'client'}{i % 97}.{tld}")
    phone = e164(rng, city).tolist()
    box = ("info", "sales", "office", "zakaz", "buh")
    email = [f"{box[r[i][6] % 5]}@{domain[i]}" for i in range(n)]
    ws = [WORK_START[r[i][7] % 5] for i in range(n)]
    we = [WORK_END[r[i][7] // 5 % 5] for i in range(n)]
    return Names(
        city=city,
        script=s.script.copy(),
        display=display,
        legal=legal,
        aliases=aliases,
        root=root,
        root_lat=root_lat,
        root_cyr=root_cyr,
        form=np.asarray(form_l, dtype=np.int64),
        domain=domain,
        phone=phone,
        email=email,
        address=address,
        work_starts=ws,
        work_ends=we,
    )


def build_tax_ids(nm: Names, rows: I64, rng: Rng) -> None:
    """Tax identifiers for accounts `rows` (by index), by the country of their city."""
    country = np.asarray([CITIES[int(c)].country for c in nm.city[rows]])
    reg_year = rng.integers(1998, 2022, len(rows))

    def put(sel: np.ndarray, kind: str, values: StrArr) -> None:
        nm.tax_account.extend(rows[sel].tolist())
        nm.tax_kind.extend([kind] * int(sel.sum()))
        nm.tax_value.extend(values.tolist())

    ru = country == "RU"
    ip = ru & (nm.form[rows] == 3) & (nm.script[rows] == RU)
    legal = ru & ~ip
    region = np.asarray(
        [RU_REGION.get(CITIES[int(c)].key, 77) for c in nm.city[rows]], dtype=np.int64
    )
    inn, office = ident.ru_inn10(rng, region[legal])
    put(legal, "ru_inn", inn)
    put(legal, "ru_kpp", ident.ru_kpp(office))
    put(legal, "ru_ogrn", ident.ru_ogrn(rng, region[legal], reg_year[legal]))
    put(ip, "ru_inn", ident.ru_inn12(rng, region[ip]))
    put(ip, "ru_ogrn", ident.ru_ogrn(rng, region[ip], reg_year[ip], entrepreneur=True))
    ir = country == "IR"
    put(ir, "ir_national_id", ident.ir_national_id(rng, int(ir.sum())))
    put(ir, "ir_economic_code", ident.ir_economic_code(rng, int(ir.sum())))
    put(country == "DE", "eu_vat", ident.de_vat(rng, int((country == "DE").sum())))
    put(country == "PL", "eu_vat", ident.pl_nip(rng, int((country == "PL").sum())))
    put(country == "GB", "other", ident.gb_vat(rng, int((country == "GB").sum())))
    for cc, k in (("TR", 10), ("KZ", 12), ("AE", 15), ("UZ", 9)):
        sel = country == cc
        put(sel, "other", ident.random_digits(rng, int(sel.sum()), k))
