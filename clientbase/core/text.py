"""Text normalisation shared by search and (later) identity resolution."""

from __future__ import annotations

import re
import unicodedata

_ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ـ": ""})
_ZW = str.maketrans({"\u200c": " ", "\u200d": "", "\u200e": "", "\u200f": "", "\ufeff": ""})
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_SPACES = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D+")
# The three tables in one (their characters are disjoint and none maps into another's), and
# a pattern that says whether a text has any of them: str.translate looks every character up
# in the table, which is slow, and most texts have none of these characters.
_FOLD: dict[int, str | int | None] = {**_ZW, **_ARABIC_TO_PERSIAN, **_DIGITS}
_FOLD_ANY = re.compile("[" + "".join(chr(c) for c in _FOLD) + "]")


def fold(text: str) -> str:
    """Lower-case, script-aware folding for search: ё→е, Arabic→Persian letters, ZWNJ→space."""
    text = unicodedata.normalize("NFKC", text)
    if _FOLD_ANY.search(text):
        text = text.translate(_FOLD)
    text = text.casefold().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()


def digits(text: str) -> str:
    """Only the ASCII digits of a string (Persian and Arabic-Indic digits converted)."""
    return _NON_DIGIT.sub("", text.translate(_DIGITS))


def e164(raw: str, default_region: str = "RU") -> str:
    """A phone number in E.164 ('+74951234567'), or ValueError saying why it is not one."""
    import phonenumbers

    cleaned = raw.translate(_DIGITS).strip()
    if not cleaned:
        raise ValueError("empty phone number")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, default_region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
