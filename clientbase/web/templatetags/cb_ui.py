"""Small pieces of markup and labels shared by the pages."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import template
from django.db.models import TextChoices
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from clientbase.accounts.models import Account, CustomFieldType, LifecycleStatus, TaxIdKind
from clientbase.accounts.selectors import CustomFieldValue
from clientbase.web.formatting import join_parts
from clientbase.web.templatetags.cb_format import localdate, number

register = template.Library()

TAX_KIND_SHORT: dict[str, str | Promise] = {
    TaxIdKind.RU_INN: _("INN"),
    TaxIdKind.RU_KPP: _("KPP"),
    TaxIdKind.RU_OGRN: _("OGRN"),
    TaxIdKind.IR_NATIONAL_ID: _("National ID"),
    TaxIdKind.IR_ECONOMIC_CODE: _("Economic code"),
    TaxIdKind.EU_VAT: _("VAT"),
    TaxIdKind.OTHER: _("Tax id"),
}


@functools.cache
def _labels(choices: type[TextChoices], language: str) -> dict[str, str]:
    with translation.override(language):
        return {str(value): str(label) for value, label in choices.choices}


def choice_label(choices: type[TextChoices], value: str) -> str:
    """A choice's label in the active language, from a per-language table built once.

    get_FOO_display() rebuilds and translates the whole choice list on every call, which on
    a page of 50 rows with several tax ids each came to over a thousand gettext calls.
    """
    return _labels(choices, translation.get_language() or "en").get(value, value)


@register.filter
def tax_kind_name(kind: str) -> str:
    """The full name of a tax identifier kind ("INN (Russia)")."""
    return choice_label(TaxIdKind, kind)


@register.filter
def tax_kind(kind: str) -> str:
    """The short name of a tax identifier kind, as a column can hold it ("INN")."""
    return str(TAX_KIND_SHORT.get(kind, kind))


@register.filter
def location(account: Account) -> str:
    """City, region, country: the parts the account has."""
    parts = [account.city, account.region, account.country]
    return join_parts(parts, translation.get_language())


@register.simple_tag
def status_badge(account: Account) -> SafeString:
    return format_html(
        '<span class="badge badge-{}">{}</span>',
        account.status,
        choice_label(LifecycleStatus, account.status),
    )


@register.filter
def custom_value(field: CustomFieldValue) -> str:
    """A custom field's value, formatted by its declared type."""
    value: Any = field.value
    if field.type == CustomFieldType.BOOLEAN:
        return str(_("Yes") if value else _("No"))
    if field.type in (CustomFieldType.INTEGER, CustomFieldType.DECIMAL):
        return number(value)
    if field.type == CustomFieldType.DATE:
        try:
            return localdate(dt.date.fromisoformat(str(value)), "long")
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
