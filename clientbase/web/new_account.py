"""The "New account" page: a form that warns about likely duplicates while it is typed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from clientbase.access.roles import ACCOUNT, CREATE
from clientbase.accounts.models import Account, LifecycleStatus, TaxIdKind
from clientbase.accounts.services import create_account
from clientbase.identity import keys
from clientbase.identity.selectors import SimilarAccount, similar_accounts
from clientbase.web.auth import allow
from clientbase.web.views import acting_user

# A score at or above this (an identical tax id, phone or e-mail, or the same name in another
# script) makes the form ask for an explicit "create anyway" before it creates anything.
STRONG_MATCH = 90.0

REASON_LABELS = {
    "tax_id": _("Same tax id"),
    "phone": _("Same phone"),
    "email": _("Same e-mail"),
    "name:exact": _("Same name"),
    "name:fuzzy": _("Similar name"),
}

_CHECKED_FIELDS = ("legal_name", "tax_kind", "tax_id", "phone", "email")
_CHECKSUMMED = {"ru_inn", "ru_ogrn", "ir_national_id", "ir_economic_code"}


class NewAccountForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=300)
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=200,
        required=False,
        help_text=_("How the company is called day to day; the legal name if left empty."),
    )
    tax_kind = forms.ChoiceField(
        label=_("Tax id kind"), choices=TaxIdKind.choices, initial=TaxIdKind.RU_INN
    )
    tax_id = forms.CharField(label=_("Tax id"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        required=False,
        help_text=_("Two-letter code, e.g. RU, IR, DE."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=LifecycleStatus.choices, initial=LifecycleStatus.PROSPECT
    )
    create_anyway = forms.BooleanField(
        label=_("This is a different company: create it anyway"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each keystroke in a field the duplicate check reads asks for the warning again.
        check = {
            "hx-get": reverse("web:account_new_check"),
            "hx-include": ",".join(f"[name={name}]" for name in _CHECKED_FIELDS),
            "hx-target": "#duplicates",
            "hx-swap": "outerHTML",
            "hx-sync": "closest form:replace",
            "hx-indicator": "#dup-busy",
        }
        for name in ("legal_name", "tax_id", "phone", "email"):
            self.fields[name].widget.attrs.update(
                check, **{"hx-trigger": "input changed delay:300ms", "autocomplete": "off"}
            )
        self.fields["tax_kind"].widget.attrs.update(check, **{"hx-trigger": "change"})
        self.fields["tax_id"].widget.attrs.update({"dir": "ltr", "spellcheck": "false"})
        self.fields["phone"].widget.attrs.update({"dir": "ltr", "type": "tel"})
        self.fields["email"].widget.attrs.update({"dir": "ltr"})

    def clean_country(self) -> str:
        value = str(self.cleaned_data.get("country") or "").strip().upper()
        if value and not value.isalpha():
            raise ValidationError(_("Use two letters, e.g. RU."))
        return value

    def clean_tax_id(self) -> str:
        value = str(self.cleaned_data.get("tax_id") or "").strip()
        kind = str(self.data.get("tax_kind") or "")
        if value and kind in _CHECKSUMMED and not keys.tax_key(kind, value):
            raise ValidationError(
                _("%(value)s is not a valid %(kind)s: check the digits.")
                % {"value": value, "kind": TaxIdKind(kind).label}
            )
        return value

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {
            name: data[name] for name in ("phone", "email", "city", "country") if data.get(name)
        }
        fields["status"] = data["status"]
        return fields


def _similar(actor: Any, data: Mapping[str, Any]) -> list[SimilarAccount]:
    legal_name = str(data.get("legal_name") or "").strip()
    tax_id = str(data.get("tax_id") or "").strip()
    phone = str(data.get("phone") or "").strip()
    email = str(data.get("email") or "").strip()
    if not (len(legal_name) >= 3 or tax_id or phone or email):
        return []
    return similar_accounts(
        actor=actor, legal_name=legal_name, tax_id=tax_id, phone=phone, email=email, limit=5
    )


def _rows(similar: list[SimilarAccount]) -> list[dict[str, Any]]:
    return [
        {
            "account": s.account,
            "score": round(s.score),
            "strong": s.score >= STRONG_MATCH,
            "reasons": [REASON_LABELS.get(r, r) for r in s.reasons],
        }
        for s in similar
    ]


@allow(CREATE, ACCOUNT)
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    similar: list[SimilarAccount] = []
    if request.method == "POST":
        form = NewAccountForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            similar = _similar(actor, data)
            strong = [s for s in similar if s.score >= STRONG_MATCH]
            if strong and not data["create_anyway"]:
                form.add_error(
                    "create_anyway",
                    _(
                        "This looks like an account that already exists. Open it, or tick "
                        "the box to confirm that this is a different company."
                    ),
                )
            else:
                account = _create(form, actor)
                if account is not None:
                    return redirect("web:account_detail", account.pk)
        else:
            similar = _similar(actor, form.data)
    else:
        form = NewAccountForm()
    context = {"form": form, "similar": _rows(similar)}
    return render(request, "web/account_new.html", context)


def _create(form: NewAccountForm, actor: Any) -> Account | None:
    """The account, or None with the service's complaints put next to their fields."""
    data = form.cleaned_data
    tax_ids = {data["tax_kind"]: data["tax_id"]} if data.get("tax_id") else None
    try:
        return create_account(
            actor=actor,
            legal_name=data["legal_name"],
            display_name=data.get("display_name") or "",
            tax_ids=tax_ids,
            **form.service_fields(),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for name, messages in errors.items():
            field = name if name in form.fields else None
            for message in messages:
                form.add_error(field, message)
        return None


@allow(CREATE, ACCOUNT)
@require_GET
def account_new_check(request: HttpRequest) -> HttpResponse:
    """The duplicate warning's fragment, asked for by htmx as the form is typed."""
    similar = _similar(acting_user(request), request.GET)
    return render(
        request, "web/account_new.html#duplicates", {"similar": _rows(similar), "checked": True}
    )
