"""digits() keeps only the digits of a phone number or a tax id, in ASCII."""

from __future__ import annotations

from clientbase.core.text import digits


def test_it_strips_punctuation_and_spaces() -> None:
    assert digits("+7 (495) 123-45-67") == "74951234567"


def test_it_converts_persian_digits() -> None:
    assert digits("۰۹۱۲ ۱۲۳ ۴۵۶۷") == "09121234567"


def test_it_converts_arabic_indic_digits() -> None:
    assert digits("٠٩١٢-١٢٣") == "0912123"


def test_it_gives_an_empty_string_when_there_are_no_digits() -> None:
    assert digits("call me") == ""
