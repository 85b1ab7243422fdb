"""Planted duplicates: the same client typed in again by another department.

Spellings differ the way they do in real life: another script (transliteration), the legal
form moved or dropped, Arabic instead of Persian letters, a typo, a phone in local format.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clientbase.demo import identity as ident
from clientbase.demo.accounts import Names, e164
from clientbase.demo.names import CITIES, EN, EN_FORMS, FA, FA_FORMS, RU, RU_FORMS
from clientbase.demo.segments import DUPLICATE, Segments

Rng = np.random.Generator

DUP_SOURCES = ("marketing_xlsx", "support_desk", "1c")


@dataclass
class Cluster:
    true: int  # account index
    dups: list[int]
    variants: list[str]  # which spelling rule made each duplicate


def script_of(text: str) -> int:
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        return FA
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return RU
    return EN


def _variant(nm: Names, t: int, v: int, k: int) -> tuple[str, str]:
    """(display, rule) for variant v of true account t."""
    sc = int(nm.script[t])
    root, lat, cyr, f = nm.root[t], nm.root_lat[t], nm.root_cyr[t], int(nm.form[t])
    if sc == RU:
        abbr, _, lat_form = RU_FORMS[f]
        return [
            (f"{root} {abbr}", "form_after_name"),
            (f"{abbr} {root}", "no_quotes"),
            (f"{lat} {lat_form}", "latin_transliteration"),
            (
                f'{ident.translit_ru(abbr)} "{ident.translit_ru(root, alt=True)}"',
                "latin_alt_transliteration",
            ),
            (f"{abbr} «{ident.typo(root, k)}»", "typo"),
        ][v]
    if sc == FA:
        form = FA_FORMS[f][0]
        return [
            (root, "legal_form_dropped"),
            (ident.arabic_letters(nm.display[t]), "arabic_letters"),
            (f"{lat} Co.", "latin_transliteration"),
            (f"شرکت {root.replace(' ', '\u200c')} ({form})", "zwnj_and_parentheses"),
            (f"شرکت {ident.typo(root, k)}", "typo"),
        ][v]
    forms = EN_FORMS.get(CITIES[int(nm.city[t])].country, EN_FORMS["GB"])
    short, long = forms[min(f, len(forms) - 1)]
    return [
        (f"{root.upper()} {long.upper()}", "upper_case_long_form"),
        (root, "legal_form_dropped"),
        (f"ООО «{cyr}»" if k % 2 else cyr, "cyrillic_transliteration"),
        (f"{ident.typo(root, k)} {short}.", "typo"),
        (f"{cyr} {short}", "cyrillic_transliteration"),
    ][v]


def plant(s: Segments, nm: Names, rng: Rng) -> list[Cluster]:
    dup_rows = np.flatnonzero(s.seg == DUPLICATE)
    cand = np.flatnonzero(s.seg != DUPLICATE)
    w = np.where(s.is_customer()[cand], 1.0 + 3.0 * s.value[cand], 0.6)
    # Sizes of clusters: mostly one duplicate, some two.
    sizes: list[int] = []
    left = len(dup_rows)
    while left > 0:
        k = 2 if (left >= 2 and rng.random() < 0.2) else 1
        sizes.append(k)
        left -= k
    trues = rng.choice(cand, len(sizes), replace=False, p=w / w.sum())
    # The first three clusters cover the three scripts, with a cross-script spelling each.
    forced = [(RU, 2), (FA, 0), (EN, 2)]
    for j, (sc, _) in enumerate(forced[: len(sizes)]):
        pool = cand[nm.script[cand] == sc]
        pool = pool[~np.isin(pool, trues)]
        if len(pool):
            trues[j] = pool[rng.integers(0, len(pool))]
    taxes: dict[int, list[tuple[str, str]]] = {}
    for a, kind, value in zip(nm.tax_account, nm.tax_kind, nm.tax_value, strict=True):
        taxes.setdefault(a, []).append((kind, value))
    clusters: list[Cluster] = []
    pos = 0
    for j, size in enumerate(sizes):
        t = int(trues[j])
        rows = [int(x) for x in dup_rows[pos : pos + size]]
        pos += size
        variants: list[str] = []
        for q, d in enumerate(rows):
            v = forced[j][1] if (j < 3 and q == 0) else int((j + 2 * q + rng.integers(0, 5)) % 5)
            display, rule = _variant(nm, t, v, j + q)
            variants.append(rule)
            _copy(nm, s, t, d, display, rng, j + q, taxes.get(t, []))
        clusters.append(Cluster(true=t, dups=rows, variants=variants))
    return clusters


def _copy(
    nm: Names,
    s: Segments,
    t: int,
    d: int,
    display: str,
    rng: Rng,
    k: int,
    taxes: list[tuple[str, str]],
) -> None:
    nm.display[d] = display
    nm.legal[d] = display
    nm.aliases[d] = []
    nm.script[d] = script_of(display)
    s.script[d] = nm.script[d]
    nm.city[d] = nm.city[t]
    nm.root[d], nm.root_lat[d], nm.root_cyr[d] = nm.root[t], nm.root_lat[t], nm.root_cyr[t]
    nm.form[d] = nm.form[t]
    nm.domain[d] = nm.domain[t]
    country = CITIES[int(nm.city[t])].country
    u = rng.random(4)
    if u[0] < 0.6:
        nm.phone[d] = ident.raw_phone(nm.phone[t], country, k % 3)
    else:
        nm.phone[d] = str(e164(rng, nm.city[t : t + 1])[0])
    nm.email[d] = nm.email[t] if u[1] < 0.4 else (f"office@{nm.domain[t]}" if u[1] < 0.7 else "")
    nm.address[d] = nm.address[t] if u[2] < 0.5 else ""
    nm.work_starts[d], nm.work_ends[d] = nm.work_starts[t], nm.work_ends[t]
    # Scores of a duplicate are its true entity's: it is the same company.
    s.need[d], s.value[d], s.behaviour[d] = s.need[t], s.value[t], s.behaviour[t]
    s.dup_of[d] = t
    if u[3] < 0.5:  # the other department also typed the tax ids in
        for kind, value in taxes:
            nm.tax_account.append(d)
            nm.tax_kind.append(kind)
            nm.tax_value.append(value)
