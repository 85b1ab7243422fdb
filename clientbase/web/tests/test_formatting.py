"""Numbers, money, dates and times read the way each language writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from clientbase.web.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_phone,
    format_time,
    join_parts,
    local_identifier,
)

NBSP = "\u00a0"
MOSCOW = ZoneInfo("Europe/Moscow")
TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567"), ("ru", f"1{NBSP}234{NBSP}567"), ("fa", "۱٬۲۳۴٬۵۶۷")],
)
def test_a_whole_number_is_grouped_by_thousands(language: str, expected: str) -> None:
    assert format_number(1234567, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234.57"), ("ru", f"1{NBSP}234,57"), ("fa", "۱٬۲۳۴٫۵۷")],
)
def test_a_decimal_is_rounded_half_up_with_the_languages_decimal_mark(
    language: str, expected: str
) -> None:
    assert format_number(Decimal("1234.565"), language, 2) == expected


def test_small_and_negative_numbers() -> None:
    assert format_number(999, "en") == "999"
    assert format_number(-1234, "en") == "-1,234"
    assert format_number(-1234, "ru") == f"−1{NBSP}234"
    assert format_number(0, "fa") == "۰"
    assert format_number(Decimal("-0.001"), "en", 2) == "0.00"


def test_what_is_not_a_number_comes_back_as_it_was() -> None:
    assert format_number(None, "en") == ""
    assert format_number("n/a", "ru") == "n/a"
    assert format_number(True, "en") == "True"


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "RUB", f"RUB{NBSP}1,234,567.89"),
        ("en", "USD", "$1,234,567.89"),
        ("ru", "RUB", f"1{NBSP}234{NBSP}567,89{NBSP}₽"),
        ("ru", "EUR", f"1{NBSP}234{NBSP}567,89{NBSP}€"),
        ("fa", "RUB", f"۱٬۲۳۴٬۵۶۷٫۸۹{NBSP}روبل"),
        ("fa", "IRR", f"۱٬۲۳۴٬۵۶۸{NBSP}ریال"),
        ("ru", "CHF", f"1{NBSP}234{NBSP}567,89{NBSP}CHF"),
    ],
)
def test_money_carries_its_currency(language: str, currency: str, expected: str) -> None:
    assert format_money(Decimal("1234567.89"), currency, language) == expected


def test_negative_money_and_no_money() -> None:
    assert format_money(Decimal("-5"), "USD", "en") == "-$5.00"
    assert format_money(Decimal("-5"), "RUB", "ru") == f"−5,00{NBSP}₽"
    assert format_money(None, "RUB", "en") == ""


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("en", "Mar 5, 2025", "March 5, 2025"),
        ("ru", "05.03.2025", f"5 марта 2025{NBSP}г."),
        ("fa", "۱۴۰۳/۱۲/۱۵", "۱۵ اسفند ۱۴۰۳"),
    ],
)
def test_a_date_in_each_language(language: str, short: str, long: str) -> None:
    day = dt.date(2025, 3, 5)
    assert format_date(day, language) == short
    assert format_date(day, language, style="long") == long


def test_persian_dates_are_jalali_across_the_new_year() -> None:
    assert format_date(dt.date(2025, 3, 20), "fa") == "۱۴۰۳/۱۲/۳۰"
    assert format_date(dt.date(2025, 3, 21), "fa", style="long") == "۱ فروردین ۱۴۰۴"


def test_a_datetime_is_shown_in_the_viewers_time_zone() -> None:
    moment = dt.datetime(2025, 3, 5, 22, 30, tzinfo=dt.UTC)
    assert format_datetime(moment, "en", MOSCOW) == "Mar 6, 2025, 01:30"
    assert format_datetime(moment, "ru", MOSCOW) == "06.03.2025, 01:30"
    assert format_datetime(moment, "fa", TEHRAN) == "۱۴۰۳/۱۲/۱۶، ۰۲:۰۰"
    assert format_date(moment, "en", TEHRAN) == "Mar 6, 2025"
    assert format_time(moment, "fa", TEHRAN) == "۰۲:۰۰"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_datetime(dt.datetime(2025, 3, 5, 12), "en")  # noqa: DTZ001


def test_a_plain_date_in_a_datetime_column_stays_a_date() -> None:
    assert format_datetime(dt.date(2025, 3, 5), "en") == "Mar 5, 2025"
    assert format_datetime(None, "en") == ""


def test_phone_numbers_read_internationally_with_the_languages_digits() -> None:
    assert format_phone("+74951234567", "en") == "+7 495 123-45-67"
    assert format_phone("+982188776655", "fa") == "+۹۸ ۲۱ ۸۸۷۷ ۶۶۵۵"
    assert format_phone("", "en") == ""
    assert format_phone("not a phone", "en") == "not a phone"


def test_identifiers_get_persian_digits_only_when_all_digits() -> None:
    assert local_identifier("7701234567", "fa") == "۷۷۰۱۲۳۴۵۶۷"
    assert local_identifier("DE811907980", "fa") == "DE811907980"
    assert local_identifier("7701234567", "ru") == "7701234567"


def test_parts_are_joined_with_the_languages_comma() -> None:
    assert join_parts(["Moscow", "", "RU"], "en") == "Moscow, RU"
    assert join_parts(["تهران", "IR"], "fa") == "تهران، IR"


def test_the_template_filters_use_the_active_language_and_time_zone() -> None:
    template = Template(
        "{% load cb_format %}{{ when|localdatetime }} | {{ amount|money:'RUB' }} | {{ n|number }}"
    )
    context = Context(
        {
            "when": dt.datetime(2025, 3, 5, 22, 30, tzinfo=dt.UTC),
            "amount": Decimal("1234.5"),
            "n": 12345,
        }
    )
    with translation.override("fa"), timezone.override(TEHRAN):
        assert template.render(context) == f"۱۴۰۳/۱۲/۱۶، ۰۲:۰۰ | ۱٬۲۳۴٫۵۰{NBSP}روبل | ۱۲٬۳۴۵"
    with translation.override("ru"), timezone.override(MOSCOW):
        assert template.render(context) == (
            f"06.03.2025, 01:30 | 1{NBSP}234,50{NBSP}₽ | 12{NBSP}345"
        )
    with translation.override("en"), timezone.override(dt.UTC):
        assert template.render(context) == f"Mar 5, 2025, 22:30 | RUB{NBSP}1,234.50 | 12,345"
