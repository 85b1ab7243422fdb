"""Text normalisation shared by search and (later) identity resolution."""

from __future__ import annotations

import re
import unicodedata

_ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ـ": ""})
_ZW = str.maketrans({"\u200c": " ", "\u200d": "", "\u200e": "", "\u200f": "", "\ufeff": ""})
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_SPACES = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D+")


def fold(text: str) -> str:
    """Lower-case, script-aware folding for search: ё→е, Arabic→Persian letters, ZWNJ→space."""
    text = unicodedata.normalize("NFKC", text).translate(_ZW).translate(_ARABIC_TO_PERSIAN)
    text = text.translate(_DIGITS).casefold().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()


def digits(text: str) -> str:
    """Only the ASCII digits of a string (Persian and Arabic-Indic digits converted)."""
    return _NON_DIGIT.sub("", text.translate(_DIGITS))
