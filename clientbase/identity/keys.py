"""Normalised keys for identity resolution: pure functions, no database.

Tax ids are kept only when their check digits hold; phones become E.164; company names lose
their legal form and punctuation and get a Latin form and a consonant skeleton, so the same
company written in Cyrillic, Persian or Latin letters compares equal (or close).
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata

from clientbase.core.text import e164, fold

# --- tax ids ---------------------------------------------------------------------------------

_INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_IR_NID_COEF = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
_ALNUM = re.compile(r"[^0-9A-Z]+")


def _check(digits_: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits_, weights, strict=False)) % 11 % 10


def ru_inn_valid(value: str) -> bool:
    """A Russian INN: 10 digits (legal entity) or 12 (person), with their check digits."""
    if not value.isascii() or not value.isdigit():
        return False
    if len(value) == 10:
        return _check(value, _INN10_W) == int(value[9])
    if len(value) == 12:
        return _check(value, _INN12_W1) == int(value[10]) and _check(value, _INN12_W2) == int(
            value[11]
        )
    return False


def ru_kpp_valid(value: str) -> bool:
    """A KPP: 4-digit tax office, 2-character reason code, 3-digit serial (no check digit)."""
    return bool(_KPP.match(value))


def ru_ogrn_valid(value: str) -> bool:
    """OGRN (13 digits, mod 11) or OGRNIP (15 digits, mod 13); the check is the last digit."""
    if not value.isascii() or not value.isdigit():
        return False
    if len(value) == 13:
        return int(value[:12]) % 11 % 10 == int(value[12])
    if len(value) == 15:
        return int(value[:14]) % 13 % 10 == int(value[14])
    return False


def ir_national_id_valid(value: str) -> bool:
    """An Iranian legal entity's national id (شناسه ملی): 11 digits, the last a check digit."""
    if len(value) != 11 or not value.isascii() or not value.isdigit():
        return False
    if value[3:9] == "000000":
        return False
    dec = int(value[9]) + 2
    total = sum((int(d) + dec) * c for d, c in zip(value[:10], _IR_NID_COEF, strict=True)) % 11
    return (0 if total == 10 else total) == int(value[10])


def ir_economic_code_valid(value: str) -> bool:
    """An economic code: the legacy 12 digits (no published check), or the national id."""
    if len(value) == 12 and value.isascii() and value.isdigit():
        return True
    return ir_national_id_valid(value)


def tax_key(kind: str, raw: str) -> str:
    """'kind:value' for a usable identifying tax id, or '' when it is invalid or not identifying.

    A KPP names a tax office and a reason, not a company (branches and neighbours share it),
    so it is validated elsewhere but never a key. An 11-digit economic code *is* the national
    id, so it gets the national id's key and the two match.
    """
    # Folding only matters for non-ASCII input (Persian digits, full-width letters); an ASCII
    # id loses its punctuation and case the same way without it, at a tenth of the cost.
    value = _ALNUM.sub("", (raw if raw.isascii() else fold(raw)).upper())
    if not value:
        return ""
    if kind == "ru_inn":
        return f"ru_inn:{value}" if ru_inn_valid(value) else ""
    if kind == "ru_ogrn":
        return f"ru_ogrn:{value}" if ru_ogrn_valid(value) else ""
    if kind == "ir_national_id":
        return f"ir_nid:{value}" if ir_national_id_valid(value) else ""
    if kind == "ir_economic_code":
        if ir_national_id_valid(value):
            return f"ir_nid:{value}"
        return f"ir_eco:{value}" if ir_economic_code_valid(value) else ""
    if kind == "ru_kpp":
        return ""
    # VAT numbers and other registries: no checksum here, but long enough to identify.
    return f"{kind}:{value}" if len(value) >= 6 else ""


# --- phones and e-mails ----------------------------------------------------------------------

_FREE_MAIL = (
    "gmail.com googlemail.com yahoo.com hotmail.com outlook.com live.com icloud.com me.com "
    "aol.com proton.me protonmail.com mail.ru bk.ru inbox.ru list.ru internet.ru yandex.ru "
    "ya.ru yandex.com rambler.ru gmx.de gmx.net web.de t-online.de wp.pl o2.pl interia.pl "
    "onet.pl chmail.ir yahoo.co.uk btinternet.com mail.com"
)
FREE_MAIL = frozenset(_FREE_MAIL.split())


def phone_key(raw: str, default_region: str = "RU") -> str:
    """The phone in E.164, or '' when it is not a possible number."""
    if not raw or not raw.strip():
        return ""
    with contextlib.suppress(ValueError):
        return e164(raw, default_region or "RU")
    return ""


def email_key(raw: str) -> str:
    value = (raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).strip().lower()
    return value if value.count("@") == 1 and "." in value.rsplit("@", 1)[1] else ""


def email_domain(email: str) -> str:
    """The company's own mail domain, or '' for free mail services (shared by strangers)."""
    if "@" not in email:
        return ""
    domain = email.rsplit("@", 1)[1]
    return "" if domain in FREE_MAIL else domain


# --- company names ---------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w]+|_")

# Legal forms in ru/fa/en (and the neighbours' in our demo base), spelled out or abbreviated,
# written as folded, punctuation-free token sequences. Longest first wins.
_LEGAL_FORM_PHRASES = """
общество с ограниченной ответственностью | закрытое акционерное общество
открытое акционерное общество | публичное акционерное общество | акционерное общество
непубличное акционерное общество | индивидуальный предприниматель
некоммерческая организация | автономная некоммерческая организация | товарищество собственников
производственный кооператив | потребительский кооператив | общество с ограниченной
obshchestvo s ogranichennoy otvetstvennostyu | aktsionernoe obshchestvo
индивидуальный | предприниматель
با مسئولیت محدود | مسئولیت محدود | مسئولیت‌محدود | سهامی خاص | سهامی عام | سهامی | تعاونی
شرکت | موسسه | مؤسسه | گروه صنعتی
limited liability company | limited liability partnership | public limited company
joint stock company | public joint stock company | private joint stock company
private j s co | public j s co | j s co | joint stock | limited company
gesellschaft mit beschränkter haftung | gesellschaft mit beschrankter haftung | aktiengesellschaft
spółka z ograniczoną odpowiedzialnością | spolka z ograniczona odpowiedzialnoscia | spółka akcyjna
sp z o o | sp z oo | anonim şirketi | anonim sirketi | limited şirketi | limited sirketi
ltd şti | ltd sti | a ş | free zone establishment | free zone company | pty ltd
ооо | оао | зао | пао | ао | ип | нко | ано | тоо | пк | чп | ооо тд
ooo | oao | zao | pao | ao | ip | nko
llc | l l c | ltd | limited | inc | incorporated | corp | corporation | co | company | gmbh
plc | jsc | pjsc | cjsc | ojsc | llp | lp | ag | sa | s a | ie | fze | fzco | fzc | bv | nv
""".replace("\n", "|")


@functools.cache
def _legal_forms() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Legal forms by their first word, longest first: one dict lookup per word of a name."""
    phrases = {tuple(p.split()) for p in _LEGAL_FORM_PHRASES.split("|") if p.strip()}
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(forms) for first, forms in by_first.items()}


def _strip_forms(tokens: list[str]) -> list[str]:
    forms = _legal_forms()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for form in forms.get(tokens[i], ()):
            if tuple(tokens[i : i + len(form)]) == form:
                i += len(form)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@functools.lru_cache(maxsize=1 << 17)
def name_key(name: str) -> str:
    """A company name folded, without legal forms, quotes or punctuation: 'ромашка плюс'."""
    text = fold(name).replace("\u200c", " ")
    tokens = [t for t in _NON_WORD.sub(" ", text).split() if t]
    stripped = _strip_forms(tokens)
    # A name that is nothing but a legal form ('ООО') keeps it rather than becoming empty.
    return " ".join(stripped or tokens)


# Cyrillic → Latin: GOST 7.79-B / ICAO-like.
_CYR_LATIN = (
    "a b v g d e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya "
    "i yi ye g u q n g u u h a"
)
_CYR = dict(zip("абвгдежзийклмнопрстуфхцчшщъыьэюяіїєґўқңғүұһә", _CYR_LATIN.split(), strict=True))
# Persian → Latin: consonants as commonly romanised; short vowels are not written in Persian,
# so the comparison relies on the consonant skeleton below.
_FA = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "e", "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j",
    "چ": "ch", "ح": "'h", "خ": "kh", "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "zh", "س": "s",
    "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "gh",
    "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "و": "u", "ه": "'h", "ی": "i", "ئ": "i",
    "ء": "", "ؤ": "u", "\u064b": "", "\u064c": "", "\u064d": "", "\u064e": "a", "\u064f": "o",
    "\u0650": "e", "\u0651": "", "\u0652": "",
}  # fmt: skip
_TRANSLIT = str.maketrans({**{k: v.replace("_", "") for k, v in _CYR.items()}, **_FA})
_FA_FINAL_H = re.compile(r"ه(?=\s|$)")


@functools.lru_cache(maxsize=1 << 17)
def to_latin(text: str) -> str:
    """Cyrillic and Persian letters written in Latin ones; Latin diacritics dropped."""
    if text.isascii():  # nothing to transliterate or strip: skip the per-character work
        return text
    text = _FA_FINAL_H.sub("e", text)  # a word-final ه is the vowel e (Kaveh, Sazeh)
    text = text.translate(_TRANSLIT)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ı", "i")


# Digraphs that different romanisations spell differently (kh/h, ts/c, zh/j, shch/sch/sh).
_DIGRAPHS = (
    ("shch", "s"), ("sch", "s"), ("sh", "s"), ("ch", "c"), ("kh", "h"), ("gh", "g"),
    ("zh", "j"), ("ts", "c"), ("tz", "c"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("x", "ks"),
    ("c", "k"), ("w", "v"),
)  # fmt: skip
_VOWELISH = re.compile(r"[aeiouyv'`]")
_FINAL_H = re.compile(r"h\b")
_REPEAT = re.compile(r"(.)\1+")
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9' ]+")


@functools.lru_cache(maxsize=1 << 17)
def latin_name(name: str) -> str:
    """The name key in Latin letters, words joined by single spaces: 'romashka plyus'."""
    return _NOT_ASCII_WORD.sub("", to_latin(name_key(name)))


@functools.lru_cache(maxsize=1 << 17)
def skeleton(latin: str) -> str:
    """Consonants only, romanisation variants unified, no spaces: 'rmsk pls' → 'rmskpls'.

    Vowels (and v, which Persian و shares with u/o) are dropped because Persian script does not
    write short vowels; a word-final h is dropped because a Persian final ه is often a vowel.
    """
    text = latin.lower()
    for a, b in _DIGRAPHS:
        text = text.replace(a, b)
    text = _FINAL_H.sub("", text)
    text = _VOWELISH.sub("", text).replace(" ", "")
    return _REPEAT.sub(r"\1", text)


def name_skeleton(name: str) -> str:
    return skeleton(latin_name(name))
