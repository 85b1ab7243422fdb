"""Column → field matching: automatic from header names in en/ru/fa, editable, saved per source.

A mapping is `{header: field}`; headers it does not name are ignored. Templates for typical
exports ship as JSON in `mappings/` and can be saved per source system as `ImportMapping`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from clientbase.core.text import fold
from clientbase.imports.models import ImportMapping
from clientbase.imports.validation import TARGETS

TEMPLATES_DIR = Path(__file__).parent / "mappings"

# Folded header spellings per field. The same word can mean different fields per target
# ("name" is a company for accounts, a person for contacts), so synonyms are per target.
_COMMON = {
    "external_id": ["id", "external id", "code", "код", "ид", "идентификатор", "guid", "شناسه"],
    "tax_id": [
        "inn",
        "tax id",
        "taxid",
        "vat",
        "vat number",
        "инн",
        "инн контрагента",
        "شناسه ملی",
        "کد اقتصادی",
        "tin",
    ],
    "kpp": ["kpp", "кпп"],
    "phone": ["phone", "telephone", "tel", "телефон", "тел", "تلفن", "شماره تلفن", "mobile"],
    "email": ["email", "e-mail", "mail", "эл почта", "электронная почта", "почта", "ایمیل"],
    "country": ["country", "страна", "کشور", "billing country"],
    "region": ["region", "state", "регион", "область", "استان", "billing state/province"],
    "city": ["city", "город", "شهر", "billing city"],
    "address": ["address", "адрес", "нشانی", "نشانی", "آدرس", "billing street", "street"],
    "website": ["website", "site", "web", "сайт", "وب سایت", "company domain name", "domain"],
    "industry": ["industry", "отрасль", "сфера деятельности", "صنعت"],
    "currency": ["currency", "валюта", "ارز", "currency code"],
}
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "accounts": {
        **_COMMON,
        "external_id": [*_COMMON["external_id"], "account id", "company id", "record id"],
        "legal_name": [
            "legal name",
            "company name",
            "company",
            "account name",
            "name",
            "наименование",
            "полное наименование",
            "контрагент",
            "компания",
            "название компании",
            "организация",
            "نام شرکت",
            "شرکت",
            "نام",
        ],
        "display_name": ["display name", "short name", "краткое наименование", "نام تجاری"],
        "status": ["status", "статус", "وضعیت"],
    },
    "contacts": {
        "phone": _COMMON["phone"],
        "email": _COMMON["email"],
        "external_id": [*_COMMON["external_id"], "contact id"],
        "full_name": [
            "full name",
            "name",
            "contact name",
            "фио",
            "имя",
            "контакт",
            "نام و نام خانوادگی",
            "نام",
        ],
        "position": ["position", "title", "job title", "должность", "سمت"],
        "account_external_id": ["account id", "company id", "код контрагента", "کد شرکت"],
        "account_tax_id": ["inn", "tax id", "инн", "инн контрагента", "شناسه ملی"],
    },
    "products": {
        "external_id": ["id", "external id", "product id", "guid", "شناسه"],
        "sku": ["sku", "code", "product code", "артикул", "код", "код номенклатуры", "کد کالا"],
        "name": ["name", "product", "product name", "номенклатура", "наименование", "نام کالا"],
        "category": ["category", "group", "категория", "группа", "вид номенклатуры", "دسته"],
        "unit": ["unit", "uom", "ед изм", "единица", "единица измерения", "واحد"],
        "list_price": ["price", "list price", "цена", "قیمت"],
        "unit_cost": ["cost", "unit cost", "себестоимость", "بهای تمام شده"],
        "currency": _COMMON["currency"],
    },
    "orders": {
        "order_id": [
            "order id",
            "order",
            "document",
            "документ",
            "номер документа",
            "заказ",
            "сделка id",
            "شماره سفارش",
            "سفارش",
            "invoice",
            "invoice id",
        ],
        "number": ["number", "order number", "номер", "شماره"],
        "date": ["date", "order date", "дата", "дата документа", "period", "период", "تاریخ"],
        "account_external_id": [
            "account id",
            "customer id",
            "client id",
            "код контрагента",
            "کد مشتری",
        ],
        "account_tax_id": ["inn", "tax id", "инн", "инн контрагента", "شناسه ملی"],
        "product_code": [
            "product code",
            "sku",
            "item code",
            "артикул",
            "код номенклатуры",
            "کد کالا",
        ],
        "quantity": ["quantity", "qty", "количество", "кол во", "تعداد", "مقدار"],
        "net_revenue": [
            "net revenue",
            "revenue",
            "amount",
            "sum",
            "сумма",
            "сумма без ндс",
            "выручка",
            "مبلغ",
            "فروش خالص",
        ],
        "cost": ["cost", "себестоимость", "بهای تمام شده"],
        "currency": _COMMON["currency"],
        "documents": ["documents", "docs", "документов", "اسناد"],
    },
    "deals": {
        "external_id": [
            *_COMMON["external_id"],
            "record id",
            "deal id",
            "opportunity id",
            "id сделки",
        ],
        "title": [
            "title",
            "deal",
            "deal name",
            "opportunity",
            "opportunity name",
            "сделка",
            "название сделки",
            "عنوان",
            "عنوان معامله",
            "نام معامله",
        ],
        "account_external_id": [
            "account id",
            "company id",
            "customer id",
            "associated company ids",
            "id компании",
            "код контрагента",
            "کد مشتری",
            "کد شرکت",
        ],
        "account_tax_id": ["inn", "tax id", "инн", "инн контрагента", "инн компании", "شناسه ملی"],
        "pipeline": ["pipeline", "funnel", "воронка", "направление", "قیف فروش", "قیف"],
        "stage": [
            "stage",
            "deal stage",
            "этап",
            "этап сделки",
            "стадия",
            "стадия сделки",
            "مرحله",
        ],
        "status": ["status", "статус", "وضعیت"],
        "amount": ["amount", "budget", "value", "сумма", "бюджет", "مبلغ", "ارزش"],
        "currency": [*_COMMON["currency"], "opportunity currency"],
        "expected_close": [
            "expected close",
            "close date",
            "expected close date",
            "предполагаемая дата закрытия",
            "дата закрытия",
            "تاریخ بسته شدن",
        ],
        "opened_on": [
            "opened",
            "created",
            "create date",
            "created date",
            "дата создания",
            "تاریخ ایجاد",
        ],
        "owner": [
            "owner",
            "deal owner",
            "opportunity owner",
            "responsible",
            "ответственный",
            "менеджер",
            "مسئول",
        ],
        "lost_reason": ["lost reason", "причина отказа", "причина проигрыша", "دلیل از دست رفتن"],
    },
    "activities": {
        "external_id": [*_COMMON["external_id"], "record id", "activity id", "id дела"],
        "kind": [
            "kind",
            "type",
            "activity type",
            "task type",
            "тип",
            "тип дела",
            "тип активности",
            "نوع",
            "نوع فعالیت",
        ],
        "subject": ["subject", "title", "тема", "название", "موضوع", "عنوان"],
        "status": ["status", "статус", "وضعیت"],
        "due_at": [
            "due",
            "due date",
            "deadline",
            "start",
            "date",
            "крайний срок",
            "срок",
            "дата",
            "سررسید",
            "تاریخ",
        ],
        "done_at": [
            "done",
            "completed",
            "completed date",
            "дата выполнения",
            "дата завершения",
            "تاریخ انجام",
        ],
        "duration_minutes": ["duration", "duration minutes", "длительность", "مدت"],
        "outcome": ["outcome", "result", "description", "результат", "описание", "نتیجه"],
        "account_external_id": [
            "account id",
            "company id",
            "associated company ids",
            "id компании",
            "код контрагента",
            "کد مشتری",
        ],
        "account_tax_id": ["inn", "tax id", "инн", "инн контрагента", "شناسه ملی"],
        "contact_external_id": [
            "contact id",
            "associated contact ids",
            "id контакта",
            "کد مخاطب",
        ],
        "contact_email": ["contact email", "email", "e-mail", "email контакта", "ایمیل مخاطب"],
        "deal_external_id": [
            "deal id",
            "opportunity id",
            "associated deal ids",
            "id сделки",
            "کد معامله",
        ],
        "owner": [
            "owner",
            "assigned",
            "assigned to",
            "activity owner",
            "ответственный",
            "исполнитель",
            "مسئول",
        ],
    },
}

_PUNCT = re.compile(r"[\W_]+")


def normalise_header(header: str) -> str:
    return _PUNCT.sub(" ", fold(header)).strip()


def auto_mapping(headers: list[str], target: str) -> dict[str, str]:
    """{header: field} for headers whose folded name is a known spelling; each field once."""
    table = SYNONYMS[target]
    lookup: dict[str, str] = {}
    for field, spellings in table.items():
        for spelling in [field, *spellings]:
            lookup.setdefault(normalise_header(spelling), field)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        found = lookup.get(normalise_header(header))
        if found and found not in taken:
            mapping[header] = found
            taken.add(found)
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str], target: str) -> list[str]:
    """Problems with a mapping, as sentences: unknown fields, required fields left unmapped.
    Headers the file lacks are skipped: one template serves variants of an export."""
    fields = TARGETS[target].fields
    problems = [
        _("%(f)r is not a field of %(t)s") % {"f": f, "t": target}
        for f in mapping.values()
        if f not in fields
    ]
    mapped = {f for h, f in mapping.items() if h in headers}
    for group in TARGETS[target].required_any:
        if not mapped & set(group):
            problems.append(
                _("no column is mapped to %(f)s") % {"f": _(" or ").join(sorted(group))}
            )
    return problems


def load_mapping_file(path: Path) -> dict[str, Any]:
    """A template or mapping JSON: {"target": ..., "columns": {header: field}} or a bare dict."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(
            _("cannot read the mapping %(p)s: %(e)s") % {"p": path, "e": exc}
        ) from None
    if not isinstance(data, dict):
        raise ValueError(_("the mapping %(p)s is not a JSON object") % {"p": path})
    if "columns" not in data:
        data = {"columns": data}
    return data


def shipped_templates() -> dict[str, dict[str, Any]]:
    return {p.stem: load_mapping_file(p) for p in sorted(TEMPLATES_DIR.glob("*.json"))}


def detect_template(headers: list[str]) -> dict[str, Any] | None:
    """A shipped template that declares exactly this header (e.g. our own account export)."""
    for template in shipped_templates().values():
        if template.get("detect_header") == headers:
            return template
    return None


def resolve_mapping(name_or_path: str, source_system: str) -> dict[str, Any]:
    """A mapping by file path, saved template name (for this source) or shipped template."""
    path = Path(name_or_path)
    if path.suffix == ".json" and path.exists():
        return load_mapping_file(path)
    saved = ImportMapping.objects.filter(source_system=source_system, name=name_or_path).first()
    if saved is not None:
        return {"target": saved.target, "columns": saved.columns}
    shipped = shipped_templates()
    if name_or_path in shipped:
        return shipped[name_or_path]
    raise ValueError(
        _("no mapping %(m)r: give a JSON file, a saved mapping or one of %(names)s")
        % {"m": name_or_path, "names": ", ".join(shipped)}
    )
