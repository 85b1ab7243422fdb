"""Per-cell checks of an import: each returns the clean value or raises ValueError(reason).

Formulas are rejected, not stored as text: a cell "=SUM(A1:A3)" is a spreadsheet's working,
not a value, and storing it would plant a formula for the next export to run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from clientbase.core.text import digits, e164, fold
from clientbase.exports.cells import restore_csv_cell

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


Check = Callable[[Any], Any]


@dataclass(frozen=True)
class FieldSpec:
    check: Check
    required: bool = False


@dataclass(frozen=True)
class TargetSpec:
    fields: dict[str, FieldSpec]
    # Each group needs at least one mapped column (e.g. account by external id or by INN).
    required_any: list[tuple[str, ...]] = field(default_factory=list)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int) -> Check:
    def check(value: Any) -> str:
        out = str(value).strip()
        if len(out) > max_length:
            raise ValueError(_("longer than %(n)d characters") % {"n": max_length})
        return out

    return check


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("not a number"))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = _SPACES.sub("", str(value))
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")  # Russian and Persian decimal comma
    try:
        number = Decimal(raw.translate(_FA_DIGITS))
    except InvalidOperation:
        raise ValueError(_("not a number")) from None
    if not number.is_finite():
        raise ValueError(_("not a number"))
    return number


_FA_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "01234567890123456789.")


def money(value: Any) -> Decimal:
    return _number(value).quantize(CENT, rounding=ROUND_HALF_UP)


def positive_quantity(value: Any) -> Decimal:
    number = _number(value)
    if number <= 0:
        raise ValueError(_("the quantity must be greater than zero"))
    return number.quantize(MILLI, rounding=ROUND_HALF_UP)


def whole(value: Any) -> int:
    number = _number(value)
    if number != number.to_integral_value() or number < 0:
        raise ValueError(_("not a whole number"))
    return int(number)


_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")


def make_date_check(jalali: bool = False) -> Check:
    """dd.mm.yyyy, yyyy-mm-dd, and Jalali yyyy/mm/dd when the mapping says so or the year is
    plainly Jalali (before 1600). Parsed strings are cached: a register repeats its dates."""
    cache: dict[str, dt.date] = {}

    def check(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        raw = str(value).strip().translate(_FA_DIGITS)
        hit = cache.get(raw)
        if hit is not None:
            return hit
        parsed = _parse_date(raw, jalali)
        if len(cache) < 100_000:
            cache[raw] = parsed
        return parsed

    return check


def _parse_date(raw: str, jalali: bool) -> dt.date:
    match = _DMY.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(raw)
        if not match:
            raise ValueError(_("not a date (use dd.mm.yyyy or yyyy-mm-dd)"))
        year, month, day = (int(g) for g in match.groups())
        if jalali or year < 1600:
            import jdatetime

            try:
                return jdatetime.date(year, month, day).togregorian()  # type: ignore[no-any-return]
            except ValueError:
                raise ValueError(_("not a date in the Persian calendar")) from None
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("not a date")) from None


def phone(value: Any) -> str:
    return str(e164(str(value)))


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value: Any) -> str:
    out = str(value).strip().lower()
    if not _EMAIL.match(out):
        raise ValueError(_("not an e-mail address"))
    return out


_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(numbers: list[int], weights: tuple[int, ...]) -> int:
    return sum(w * n for w, n in zip(weights, numbers, strict=False)) % 11 % 10


def tax_id(value: Any) -> str:
    """A Russian INN (10 or 12 digits, checksum verified) or an Iranian national id (11)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip()
    number = digits(raw)
    if len(number) != len(re.sub(r"[\s-]", "", raw.translate(_FA_DIGITS))):
        raise ValueError(_("a tax id has only digits"))
    n = [int(c) for c in number]
    if len(n) == 10:
        if _check_digit(n, _INN10) != n[9]:
            raise ValueError(_("not a valid INN: the check digit does not match"))
    elif len(n) == 12:
        if _check_digit(n, _INN11) != n[10] or _check_digit(n, _INN12) != n[11]:
            raise ValueError(_("not a valid INN: the check digits do not match"))
    elif len(n) != 11:
        raise ValueError(_("not a tax id: an INN has 10 or 12 digits, an Iranian national id 11"))
    return number


def currency(value: Any) -> str:
    out = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", out):
        raise ValueError(_("not a currency code (three letters, e.g. RUB)"))
    return out


def country(value: Any) -> str:
    out = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", out):
        raise ValueError(_("not a country code (two letters, e.g. RU)"))
    return out


_STATUSES = ("prospect", "active", "dormant", "lost", "former")


def status(value: Any) -> str:
    out = str(value).strip().lower()
    if out not in _STATUSES:
        raise ValueError(_("not a status: use one of %(s)s") % {"s": ", ".join(_STATUSES)})
    return out


_TAX_KINDS = (
    "ru_inn",
    "ru_kpp",
    "ru_ogrn",
    "ir_national_id",
    "ir_economic_code",
    "eu_vat",
    "other",
)


def tax_id_list(value: Any) -> dict[str, str]:
    """Our export's "kind:value; kind:value" cell as {kind: value}; INNs are checked."""
    out: dict[str, str] = {}
    for part in str(value).split(";"):
        if not part.strip():
            continue
        kind, sep, number = part.partition(":")
        kind, number = kind.strip(), number.strip()
        if not sep or kind not in _TAX_KINDS or not number:
            raise ValueError(
                _("%(p)r is not kind:value with a kind of %(k)s")
                % {"p": part.strip(), "k": ", ".join(_TAX_KINDS)}
            )
        if kind in out:
            raise ValueError(_("the kind %(k)s appears twice") % {"k": kind})
        out[kind] = tax_id(number) if kind in ("ru_inn", "ir_national_id") else number
    return out


def non_negative_money(value: Any) -> Decimal:
    amount = money(value)
    if amount < 0:
        raise ValueError(_("the amount must not be negative"))
    return amount


def folded_words(value: Any) -> str:
    """A name as its folded words, case and punctuation aside: "Closed - Won" = "closed won"."""
    return re.sub(r"[\W_]+", " ", fold(str(value))).strip()


def choice(words: dict[str, tuple[str, ...]]) -> Check:
    """A value named by any of its spellings (en/ru/fa, as source systems export them)."""
    lookup = {folded_words(s): key for key, spellings in words.items() for s in spellings}
    lookup.update({key: key for key in words})

    def check(value: Any) -> str:
        found = lookup.get(folded_words(value))
        if found is None:
            raise ValueError(_("not one of %(s)s") % {"s": ", ".join(words)})
        return found

    return check


deal_status = choice(
    {
        "open": ("in progress", "открыта", "открыт", "в работе", "باز", "در جریان"),
        "won": ("closed won", "выиграна", "успешно", "сделка успешна", "برنده", "موفق"),
        "lost": ("closed lost", "проиграна", "провалена", "отказ", "از دست رفته", "ناموفق"),
    }
)
activity_kind = choice(
    {
        "call": ("phone call", "звонок", "вызов", "تماس", "تماس تلفنی"),
        "meeting": ("event", "встреча", "جلسه", "ملاقات"),
        "email": ("e-mail", "mail", "письмо", "эл почта", "ایمیل"),
        "task": ("todo", "to do", "other", "задача", "дело", "وظیفه", "کار"),
        "note": ("comment", "заметка", "примечание", "комментарий", "یادداشت"),
        "ticket": ("case", "support ticket", "обращение", "заявка", "تیکت"),
    }
)
activity_status = choice(
    {
        "planned": (
            "open",
            "not started",
            "in progress",
            "waiting on someone else",
            "deferred",
            "запланировано",
            "не выполнено",
            "в работе",
            "باز",
        ),
        "done": ("completed", "complete", "closed", "выполнено", "выполнена", "انجام شده"),
        "cancelled": ("canceled", "отменено", "отменена", "لغو شده"),
    }
)

_CLOCK = re.compile(r"^(.*?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def make_moment_check(date: Check) -> Check:
    """A date with an optional time ("31.01.2024 14:30", ISO 8601): naive times are read in
    the company's time zone, a bare date as its midnight."""
    zone: list[dt.tzinfo] = []

    def local() -> dt.tzinfo:
        if not zone:
            from zoneinfo import ZoneInfo

            from clientbase.access.selectors import company_settings

            zone.append(ZoneInfo(company_settings().default_time_zone or "UTC"))
        return zone[0]

    def check(value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            moment = dt.datetime.combine(value, dt.time())
        else:
            raw = str(value).strip().translate(_FA_DIGITS)
            match = _CLOCK.match(raw)
            if not match:
                moment = dt.datetime.combine(date(raw), dt.time())
            else:
                day, hour, minute, second, offset = match.groups()
                try:
                    clock = dt.time(int(hour), int(minute), int(second or 0))
                except ValueError:
                    raise ValueError(_("not a time of day")) from None
                moment = dt.datetime.combine(date(day), clock)
                if offset:
                    moment = dt.datetime.fromisoformat(f"{moment.isoformat()}{offset}")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local())
        return moment.astimezone(dt.UTC)  # as stored: a re-import compares equal

    return check


def external_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(text(128)(value))


def targets(jalali: bool = False) -> dict[str, TargetSpec]:
    date = make_date_check(jalali)
    return {
        "accounts": TargetSpec(
            {
                "external_id": FieldSpec(external_id, required=True),
                "legal_name": FieldSpec(text(300), required=True),
                "display_name": FieldSpec(text(200)),
                "status": FieldSpec(status),
                "tax_id": FieldSpec(tax_id),
                "tax_ids": FieldSpec(tax_id_list),
                "country": FieldSpec(country),
                "region": FieldSpec(text(120)),
                "city": FieldSpec(text(120)),
                "address": FieldSpec(text(300)),
                "phone": FieldSpec(phone),
                "email": FieldSpec(email),
                "website": FieldSpec(text(200)),
                "industry": FieldSpec(text(80)),
            },
            [("external_id",), ("legal_name",)],
        ),
        "contacts": TargetSpec(
            {
                "external_id": FieldSpec(external_id, required=True),
                "full_name": FieldSpec(text(200), required=True),
                "position": FieldSpec(text(120)),
                "phone": FieldSpec(phone),
                "email": FieldSpec(email),
                "account_external_id": FieldSpec(external_id),
                "account_tax_id": FieldSpec(tax_id),
            },
            [("external_id",), ("full_name",)],
        ),
        "products": TargetSpec(
            {
                "sku": FieldSpec(text(60), required=True),
                "external_id": FieldSpec(external_id),
                "name": FieldSpec(text(200), required=True),
                "category": FieldSpec(text(120)),
                "unit": FieldSpec(text(20)),
                "list_price": FieldSpec(money),
                "unit_cost": FieldSpec(money),
                "currency": FieldSpec(currency),
            },
            [("sku",), ("name",)],
        ),
        "orders": TargetSpec(
            {
                "order_id": FieldSpec(external_id, required=True),
                "number": FieldSpec(text(40)),
                "date": FieldSpec(date, required=True),
                "account_external_id": FieldSpec(external_id),
                "account_tax_id": FieldSpec(tax_id),
                "product_code": FieldSpec(text(60), required=True),
                "quantity": FieldSpec(positive_quantity, required=True),
                "net_revenue": FieldSpec(money, required=True),
                "cost": FieldSpec(money),
                "currency": FieldSpec(currency),
                "documents": FieldSpec(whole),
            },
            [
                ("order_id",),
                ("date",),
                ("account_external_id", "account_tax_id"),
                ("product_code",),
                ("quantity",),
                ("net_revenue",),
            ],
        ),
        "deals": TargetSpec(
            {
                "external_id": FieldSpec(external_id, required=True),
                "title": FieldSpec(text(200), required=True),
                "account_external_id": FieldSpec(external_id),
                "account_tax_id": FieldSpec(tax_id),
                "pipeline": FieldSpec(text(120)),
                "stage": FieldSpec(text(120)),
                "status": FieldSpec(deal_status),
                "amount": FieldSpec(non_negative_money),
                "currency": FieldSpec(currency),
                "expected_close": FieldSpec(date),
                "opened_on": FieldSpec(date),
                "owner": FieldSpec(text(254)),
                "lost_reason": FieldSpec(text(200)),
            },
            [("external_id",), ("title",), ("account_external_id", "account_tax_id")],
        ),
        "activities": TargetSpec(
            {
                "external_id": FieldSpec(external_id, required=True),
                "kind": FieldSpec(activity_kind, required=True),
                "subject": FieldSpec(text(200), required=True),
                "status": FieldSpec(activity_status),
                "due_at": FieldSpec(make_moment_check(date)),
                "done_at": FieldSpec(make_moment_check(date)),
                "duration_minutes": FieldSpec(whole),
                "outcome": FieldSpec(text(300)),
                "account_external_id": FieldSpec(external_id),
                "account_tax_id": FieldSpec(tax_id),
                "contact_external_id": FieldSpec(external_id),
                "contact_email": FieldSpec(email),
                "deal_external_id": FieldSpec(external_id),
                "owner": FieldSpec(text(254)),
            },
            [("external_id",), ("kind",), ("subject",)],
        ),
    }


TARGETS = targets()


@dataclass
class RowPlan:
    """Which cell goes to which field, resolved once for the file."""

    columns: list[tuple[int, str, str, FieldSpec]]  # index, header, field, spec
    missing_required: list[str]


def _cached(check: Check) -> Check:
    """Registers repeat their INNs, product codes, dates and quantities: check each once."""
    cache: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            out = check(value)
            if len(cache) < 200_000:
                cache[value] = out
            return out
        except TypeError:  # unhashable (a JSON list)
            return check(value)

    return cached


def _restoring(check: Check) -> Check:
    """Undo our CSV export's formula neutralisation ("'+7…" → "+7…") before checking."""

    def restored(value: Any) -> Any:
        return check(restore_csv_cell(value) if isinstance(value, str) else value)

    return restored


def plan_for(
    headers: list[str], mapping: dict[str, str], spec: TargetSpec, *, restore_csv: bool = False
) -> RowPlan:
    wrap = _restoring if restore_csv else (lambda check: check)
    columns = [
        (
            headers.index(header),
            header,
            name,
            FieldSpec(_cached(wrap(spec.fields[name].check)), spec.fields[name].required),
        )
        for header, name in mapping.items()
        if header in headers and name in spec.fields
    ]
    mapped = {name for _i, _h, name, _s in columns}
    missing = [name for name, f in spec.fields.items() if f.required and name not in mapped]
    return RowPlan(columns, missing)


def check_row(row: int, cells: list[Any], plan: RowPlan) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for index, header, name, spec in plan.columns:
        value = cells[index]
        if value.__class__ is str:
            if value[:1] == "=" and len(value) > 1:
                errors.append(RowError(row, header, value[:200], _("formulas are not imported")))
                continue
            if not value or value.isspace():
                if spec.required:
                    errors.append(RowError(row, header, "", _("required")))
                continue
        elif value is None:
            if spec.required:
                errors.append(RowError(row, header, "", _("required")))
            continue
        try:
            values[name] = spec.check(value)
        except ValueError as exc:
            errors.append(RowError(row, header, str(value)[:200], str(exc)))
    return values, errors
