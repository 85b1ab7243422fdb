"""How numbers, money, dates and times read in each interface language.

Plain functions of (value, language[, time zone]) so that each language can be unit-tested;
the template filters in templatetags/cb_format.py call them with the active language and the
viewer's time zone.

- en: "1,234,567.89", "RUB 1,234,567.89" ("$1,234.56" for the dollar), "Mar 5, 2025"
- ru: "1 234 567,89", "1 234 567,89 ₽", "05.03.2025" / "5 марта 2025 г."
- fa: Persian digits and separators "۱٬۲۳۴٬۵۶۷٫۸۹", "۱٬۲۳۴٬۵۶۷٫۸۹ روبل", Jalali dates "۱۴۰۳/۱۲/۱۵"
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime
from django.utils import dateformat, translation

DateStyle = Literal["short", "long"]

NBSP = "\u00a0"
MINUS = "\u2212"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
PERSIAN_THOUSANDS = "\u066c"  # ٬
PERSIAN_DECIMAL = "\u066b"  # ٫
PERSIAN_COMMA = "\u060c"  # ،

JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

# (thousands separator, decimal separator) per language.
SEPARATORS: dict[str, tuple[str, str]] = {
    "en": (",", "."),
    "ru": (NBSP, ","),
    "fa": (PERSIAN_THOUSANDS, PERSIAN_DECIMAL),
}

# Currencies whose minor unit is not shown.
NO_MINOR_UNIT = frozenset({"IRR", "IRT", "JPY"})

EN_SYMBOL_PREFIX = {"USD": "$", "EUR": "€", "GBP": "£"}
RU_SUFFIX = {"RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "IRR": "риал", "CNY": "¥"}
FA_SUFFIX = {
    "IRR": "ریال",
    "IRT": "تومان",
    "RUB": "روبل",
    "USD": "دلار",
    "EUR": "یورو",
    "GBP": "پوند",
    "CNY": "یوان",
    "AED": "درهم",
}


def base_language(language: str | None) -> str:
    """'ru-ru' → 'ru'; anything we do not speak → 'en'."""
    code = (language or "en").split("-")[0].lower()
    return code if code in SEPARATORS else "en"


def persian_digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


def local_digits(text: str, language: str | None) -> str:
    """Digits as the language writes them: Persian digits in fa, unchanged otherwise."""
    return persian_digits(text) if base_language(language) == "fa" else text


def local_identifier(text: str, language: str | None) -> str:
    """An identifier (tax id, code): Persian digits in fa only when it is all digits.

    "7701234567" reads "۷۷۰۱۲۳۴۵۶۷" in fa, but "DE811907980" keeps its Latin digits there:
    mixing scripts inside one code would make it hard to read back or copy.
    """
    return local_digits(text, language) if text.isdigit() else text


def join_parts(parts: list[str], language: str | None) -> str:
    """Non-empty parts joined with the language's comma: "Moscow, RU", "تهران، IR"."""
    comma = PERSIAN_COMMA if base_language(language) == "fa" else ","
    return f"{comma} ".join(part for part in parts if part)


def _to_decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value: object, language: str | None, places: int | None = None) -> str:
    """A number with the language's grouping and decimal mark; `places` rounds half up.

    Without `places`, integers show no decimals and other numbers keep their own.
    Anything that is not a number comes back as text, unchanged.
    """
    number = _to_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if not number.is_finite():
        return str(value)
    lang = base_language(language)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    negative = number < 0
    text = f"{abs(number):,f}"
    thousands, decimal_mark = SEPARATORS[lang]
    whole, _dot, fraction = text.partition(".")
    whole = whole.replace(",", thousands)
    text = f"{whole}{decimal_mark}{fraction}" if fraction else whole
    if lang == "fa":
        text = persian_digits(text)
    if negative and number != 0:
        text = ("-" if lang == "en" else MINUS) + text
    return text


def format_money(amount: object, currency: str, language: str | None) -> str:
    """An amount with its currency, the way the language writes money."""
    number = _to_decimal(amount)
    if number is None:
        return ""
    code = (currency or "").upper()
    places = 0 if code in NO_MINOR_UNIT else 2
    lang = base_language(language)
    digits = format_number(abs(number), lang, places)
    sign = ""
    if number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) < 0:
        sign = "-" if lang == "en" else MINUS
    if lang == "en":
        if code in EN_SYMBOL_PREFIX:
            return f"{sign}{EN_SYMBOL_PREFIX[code]}{digits}"
        return f"{sign}{code}{NBSP}{digits}"
    if lang == "ru":
        return f"{sign}{digits}{NBSP}{RU_SUFFIX.get(code, code)}"
    return f"{sign}{digits}{NBSP}{FA_SUFFIX.get(code, code)}"


def zone(name: str | None) -> dt.tzinfo:
    """A time zone by IANA name; UTC when the name is empty or unknown."""
    if not name:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _in_zone(value: dt.datetime, tz: dt.tzinfo | None) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: every datetime in clientbase carries its time zone")
    return value.astimezone(tz or dt.UTC)


def format_date(
    value: dt.date | dt.datetime | None,
    language: str | None,
    tz: dt.tzinfo | None = None,
    style: DateStyle = "short",
) -> str:
    """A calendar date; a datetime is first moved into `tz` (the viewer's time zone)."""
    if value is None:
        return ""
    day = _in_zone(value, tz).date() if isinstance(value, dt.datetime) else value
    lang = base_language(language)
    if lang == "fa":
        jalali = jdatetime.date.fromgregorian(date=day)
        if style == "long":
            text = f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]} {jalali.year}"
        else:
            text = f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}"
        return persian_digits(text)
    with translation.override(lang):
        if lang == "ru":
            return dateformat.format(day, "j E Y\u00a0г." if style == "long" else "d.m.Y")
        return dateformat.format(day, "F j, Y" if style == "long" else "M j, Y")


def format_time(
    value: dt.time | dt.datetime | None, language: str | None, tz: dt.tzinfo | None = None
) -> str:
    """A wall-clock time, 24-hour, "14:05" ("۱۴:۰۵" in fa)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _in_zone(value, tz).time()
    return local_digits(f"{value.hour:02d}:{value.minute:02d}", language)


def format_datetime(
    value: dt.datetime | dt.date | None,
    language: str | None,
    tz: dt.tzinfo | None = None,
    style: DateStyle = "short",
) -> str:
    """A date and time in `tz`; a plain date shows as a date."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return format_date(value, language, tz, style)
    local = _in_zone(value, tz)
    date_part = format_date(local.date(), language, None, style)
    time_part = format_time(local.time(), language)
    comma = PERSIAN_COMMA if base_language(language) == "fa" else ","
    return f"{date_part}{comma} {time_part}"


def format_phone(value: str | None, language: str | None) -> str:
    """An E.164 number in international notation, "+7 495 123-45-67"."""
    if not value:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        text = value
    return local_digits(text, language)
