"""e164() turns the ways people write a phone number into one canonical form, or refuses."""

from __future__ import annotations

import pytest

from clientbase.core.text import e164


@pytest.mark.parametrize(
    "raw",
    [
        "+7 (495) 123-45-67",
        "8 (495) 123-45-67",
        "84951234567",
        "4951234567",
        "00 7 495 123 45 67",
        "+۷ ۴۹۵ ۱۲۳ ۴۵ ۶۷",
    ],
)
def test_it_formats_a_russian_number(raw: str) -> None:
    assert e164(raw) == "+74951234567"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("021 8888 8888", "+982188888888"),
        ("09121234567", "+989121234567"),
        ("۰۹۱۲۱۲۳۴۵۶۷", "+989121234567"),
        ("٠٩١٢١٢٣٤٥٦٧", "+989121234567"),
    ],
)
def test_it_formats_an_iranian_number_in_the_iranian_region(raw: str, expected: str) -> None:
    assert e164(raw, "IR") == expected


@pytest.mark.parametrize("raw", ["+98 912 123 4567", "0098 912 123 4567", "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷"])
def test_an_explicit_country_code_wins_over_the_default_region(raw: str) -> None:
    assert e164(raw, "RU") == "+989121234567"


def test_the_region_is_case_insensitive() -> None:
    assert e164("09121234567", "ir") == "+989121234567"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "abc", "call me", "123", "+7 495", "+999 1234567", "+7 495 123 45 67 89 00 11"],
)
def test_it_refuses_garbage_with_a_value_error(raw: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        e164(raw)


def test_it_refuses_a_national_number_without_a_region() -> None:
    with pytest.raises(ValueError, match="not a phone number"):
        e164("4951234567", "")
