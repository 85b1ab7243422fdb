"""Template filters that format for the active language and the viewer's time zone.

{% load cb_format %}
{{ order.date|localdate }}         {{ deal.opened_at|localdatetime:"long" }}
{{ amount|money:"RUB" }}           {{ count|number }}     {{ account.phone|phone }}
{{ account.website|web_link }}     (the address if it is an http(s) link, else "")
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils import timezone, translation

from clientbase.access.models import User
from clientbase.web import formatting
from clientbase.web.presenters import initials, person_name

register = template.Library()


def _style(arg: str | None) -> formatting.DateStyle:
    return "long" if arg == "long" else "short"


@register.filter
def localdate(value: dt.date | dt.datetime | None, style: str | None = None) -> str:
    return formatting.format_date(
        value, translation.get_language(), timezone.get_current_timezone(), _style(style)
    )


@register.filter
def localdatetime(value: dt.date | dt.datetime | None, style: str | None = None) -> str:
    return formatting.format_datetime(
        value, translation.get_language(), timezone.get_current_timezone(), _style(style)
    )


@register.filter
def localtime(value: dt.time | dt.datetime | None) -> str:
    return formatting.format_time(
        value, translation.get_language(), timezone.get_current_timezone()
    )


@register.filter
def number(value: Any, places: int | None = None) -> str:
    return formatting.format_number(value, translation.get_language(), places)


@register.filter
def money(value: Any, currency: str = "RUB") -> str:
    return formatting.format_money(value, currency, translation.get_language())


@register.filter
def digits(value: Any) -> str:
    """Text with its digits written the language's way (Persian digits in fa)."""
    return formatting.local_digits("" if value is None else str(value), translation.get_language())


@register.filter
def identifier(value: Any) -> str:
    """A tax id or code; Persian digits in fa when it is all digits."""
    text = "" if value is None else str(value)
    return formatting.local_identifier(text, translation.get_language())


@register.filter
def phone(value: str | None) -> str:
    return formatting.format_phone(value, translation.get_language())


@register.filter
def person(user: User | None) -> str:
    return person_name(user)


@register.filter
def monogram(user: User | None) -> str:
    return initials(user)


LINK_SCHEMES = frozenset({"http", "https"})


@register.filter
def web_link(value: str | None) -> str:
    """A stored web address fit for an href: http(s) only. Anything else (javascript:,
    data:, vbscript:, a bare word) gives "", and the template shows it as plain text."""
    address = (value or "").strip()
    try:
        scheme = urlsplit(address).scheme.lower()
    except ValueError:
        return ""
    return address if scheme in LINK_SCHEMES else ""
