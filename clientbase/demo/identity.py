"""Identifiers with valid check digits, transliteration, and phone formats.

Tax ids are generated vectorised on digit matrices: one row per account.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from clientbase.demo.columns import I64, StrArr

Rng = np.random.Generator


def _join(d: Any) -> StrArr:
    """(n, k) digit matrix → n strings of k digits."""
    d = np.ascontiguousarray(np.asarray(d, dtype=np.uint8) + 48)
    k = d.shape[1]
    return np.asarray(d.view(f"S{k}").ravel().astype(np.str_), dtype=np.str_)


def _num_digits(values: I64, k: int) -> I64:
    out = np.empty((len(values), k), dtype=np.int64)
    v = values.copy()
    for j in range(k - 1, -1, -1):
        out[:, j] = v % 10
        v //= 10
    return out


def ru_inn10(rng: Rng, region: I64) -> tuple[StrArr, I64]:
    """10-digit INN of a legal entity; also returns the 4-digit tax office for the KPP."""
    n = len(region)
    d = np.zeros((n, 10), dtype=np.int64)
    d[:, 0:2] = _num_digits(region, 2)
    d[:, 2:4] = rng.integers(0, 10, (n, 2))
    d[:, 4:9] = rng.integers(0, 10, (n, 5))
    w = np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])
    d[:, 9] = (d[:, :9] @ w) % 11 % 10
    office = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    return _join(d), office


def ru_inn12(rng: Rng, region: I64) -> StrArr:
    """12-digit INN of an individual entrepreneur (two check digits)."""
    n = len(region)
    d = np.zeros((n, 12), dtype=np.int64)
    d[:, 0:2] = _num_digits(region, 2)
    d[:, 2:10] = rng.integers(0, 10, (n, 8))
    w1 = np.array([7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    w2 = np.array([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    d[:, 10] = (d[:, :10] @ w1) % 11 % 10
    d[:, 11] = (d[:, :11] @ w2) % 11 % 10
    return _join(d)


def ru_kpp(office: I64) -> StrArr:
    """KPP: tax office (4) + reason code 01 (registered at location) + serial 001."""
    return np.strings.add(np.strings.zfill(office.astype(np.str_), 4), "01001")


def ru_ogrn(rng: Rng, region: I64, year: I64, entrepreneur: bool = False) -> StrArr:
    """OGRN (13 digits, check = number mod 11 mod 10) or OGRNIP (15, mod 13 mod 10)."""
    n = len(region)
    serial_len = 9 if entrepreneur else 7
    sign = 3 if entrepreneur else 1
    body = np.full(n, sign, dtype=np.int64)
    body = body * 100 + year % 100
    body = body * 100 + region
    body = body * 10**serial_len + rng.integers(0, 10**serial_len, n)
    check = (body % (13 if entrepreneur else 11)) % 10
    return np.asarray(np.strings.add(body.astype(np.str_), check.astype(np.str_)), dtype=np.str_)


def ir_national_id(rng: Rng, n: int) -> StrArr:
    """Iranian legal-entity national id (شناسه ملی), 11 digits with its check digit."""
    d = rng.integers(0, 10, (n, 11)).astype(np.int64)
    d[:, 3] = rng.integers(1, 10, n)  # digits 4..9 must not all be zero
    dec = d[:, 9] + 2
    coef = np.array([29, 27, 23, 19, 17, 29, 27, 23, 19, 17])
    s = ((d[:, :10] + dec[:, None]) * coef).sum(axis=1) % 11
    d[:, 10] = np.where(s == 10, 0, s)
    return _join(d)


def ir_economic_code(rng: Rng, n: int) -> StrArr:
    """Legacy 12-digit economic code (کد اقتصادی); no published check digit."""
    d = rng.integers(0, 10, (n, 12))
    d[:, 0:3] = [4, 1, 1]
    return _join(d)


def de_vat(rng: Rng, n: int) -> StrArr:
    """DE + 9 digits, last one ISO 7064 MOD 11,10."""
    d = rng.integers(0, 10, (n, 9)).astype(np.int64)
    d[:, 0] = rng.integers(1, 10, n)
    product = np.full(n, 10, dtype=np.int64)
    for j in range(8):
        s = (d[:, j] + product) % 10
        s = np.where(s == 0, 10, s)
        product = (2 * s) % 11
    check = 11 - product
    d[:, 8] = np.where(check == 10, 0, check)
    return np.strings.add("DE", _join(d))


def pl_nip(rng: Rng, n: int) -> StrArr:
    """PL + NIP: 10 digits, weighted mod 11 check that may never be 10."""
    d = rng.integers(0, 10, (n, 10)).astype(np.int64)
    d[:, 0] = rng.integers(1, 10, n)
    w = np.array([6, 5, 7, 2, 3, 4, 5, 6, 7])
    for _ in range(20):
        c = (d[:, :9] @ w) % 11
        bad = c == 10
        if not bad.any():
            break
        d[bad, 8] = (d[bad, 8] + 1) % 10
    d[:, 9] = (d[:, :9] @ w) % 11
    return np.strings.add("PL", _join(d))


def gb_vat(rng: Rng, n: int) -> StrArr:
    """GB + 9 digits: 7 weighted 8..2 plus a two-digit mod-97 check."""
    d = rng.integers(0, 10, (n, 9)).astype(np.int64)
    d[:, 0] = rng.integers(1, 10, n)
    s = d[:, :7] @ np.array([8, 7, 6, 5, 4, 3, 2])
    check = (-s) % 97
    d[:, 7] = check // 10
    d[:, 8] = check % 10
    return np.strings.add("GB", _join(d))


def random_digits(rng: Rng, n: int, k: int) -> StrArr:
    d = rng.integers(0, 10, (n, k))
    d[:, 0] = rng.integers(1, 10, n)
    return _join(d)


# --- transliteration -------------------------------------------------------------------------

_RU_STD = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))  # fmt: skip
# How another clerk (or a passport office) spells it: h for х, ia for я, and so on.
_RU_ALT = {**_RU_STD, "х": "h", "й": "i", "ю": "iu", "я": "ia", "ц": "c", "щ": "sch", "ж": "j"}


@functools.lru_cache(maxsize=1 << 16)
def translit_ru(text: str, alt: bool = False) -> str:
    table = _RU_ALT if alt else _RU_STD
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        if low in table:
            rep = table[low]
            out.append(rep.capitalize() if ch != low else rep)
        else:
            out.append(ch)
    return "".join(out)


_FA_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def arabic_letters(text: str) -> str:
    """Persian text as typed on an Arabic keyboard layout (ي, ك)."""
    return text.translate(_FA_TO_ARABIC)


def persian_digits(text: str) -> str:
    return text.translate(_PERSIAN_DIGITS)


def typo(text: str, k: int) -> str:
    """A deterministic keyboard slip: swap two neighbouring letters (or drop one)."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text + text[-1]
    pos = letters[1 + k % (len(letters) - 2)]
    if k % 3 == 2:
        return text[:pos] + text[pos + 1 :]
    nxt = pos + 1
    if nxt >= len(text) or not text[nxt].isalpha():
        return text[:pos] + text[pos + 1 :]
    return text[:pos] + text[nxt] + text[pos] + text[nxt + 1 :]


# --- phones ----------------------------------------------------------------------------------


def raw_phone(e164: str, country: str, style: int) -> str:
    """The same number as a department would have typed it (style 0..2)."""
    digits = e164.lstrip("+")
    if country == "RU" or (country == "KZ" and digits.startswith("7")):
        rest = digits[1:]
        area, num = rest[:3], rest[3:]
        if style == 0:
            return f"8 ({area}) {num[:3]}-{num[3:5]}-{num[5:]}"
        if style == 1:
            return "8" + rest
        return f"+7 {area} {num[:3]} {num[3:5]} {num[5:]}"
    if country == "IR":
        rest = digits[2:]
        if style == 0:
            return "0" + rest[:2] + "-" + rest[2:6] + "-" + rest[6:]
        if style == 1:
            return persian_digits("0" + rest)
        return f"+98 {rest[:2]} {rest[2:6]} {rest[6:]}"
    if style == 0:
        return f"+{digits[:2]} {digits[2:5]} {digits[5:]}"
    if style == 1:
        return "00" + digits
    return "0" + digits[2:] if len(digits) > 3 else digits
