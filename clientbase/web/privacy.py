"""Personal-data pages: a contact's page with consent state and history, the subject access
export (JSON download and a printable page), erasure with a confirmation step, and the
destruction log with each act printable in Russian, English or Persian."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientbase.access.models import User
from clientbase.access.selectors import can, company_settings, require
from clientbase.accounts.models import ConsentPurpose, Contact
from clientbase.accounts.selectors import require_workable_account
from clientbase.privacy import selectors
from clientbase.privacy.erasure import erase_contact
from clientbase.privacy.models import LEGAL_BASIS_ARTICLES, LegalBasis
from clientbase.privacy.services import export_subject_data, record_consent
from clientbase.web.auth import member_required
from clientbase.web.views import acting_user

LANGUAGE_CHOICES = [("ru", "Русский"), ("en", "English"), ("fa", "فارسی")]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Granted")), ("0", _("Withdrawn"))],
        coerce=lambda value: value == "1",
    )
    channel = forms.CharField(label=_("Channel"), max_length=40, help_text=_("e.g. web form"))
    language = forms.ChoiceField(label=_("Language of the text"), choices=LANGUAGE_CHOICES)
    version = forms.CharField(
        label=_("Text version"),
        max_length=40,
        required=False,
        help_text=_("Empty: the newest published text."),
    )


class ErasureForm(forms.Form):
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    reason = forms.CharField(
        label=_("Reference"),
        max_length=300,
        required=False,
        help_text=_("e.g. the number and date of the request. Do not type the person's name."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


def _may_record_consent(actor: User, contact: Contact) -> bool:
    if contact.account is None:
        return True  # visible at all means the actor sees every record
    try:
        require_workable_account(actor=actor, account=contact.account, action="change")
    except (PermissionDenied, ValidationError):
        return False
    return True


def _contact_context(actor: User, contact: Contact, **extra: Any) -> dict[str, Any]:
    history = selectors.consent_history(actor=actor, contact=contact)
    act = selectors.erasure_act(contact)
    return {
        "contact": contact,
        "consent_state": selectors.consent_state(history),
        "consent_history": history,
        "act": act,
        "may_record": act is None and _may_record_consent(actor, contact),
        "may_export": can(actor, selectors.EXPORT, selectors.PERSONAL_DATA),
        "may_erase": act is None and can(actor, selectors.ERASE, selectors.PERSONAL_DATA),
        "may_view_act": can(actor, selectors.VIEW, selectors.DESTRUCTION_ACTS),
        "consent_form": extra.pop("consent_form", None) or ConsentForm(),
        **extra,
    }


@member_required
@require_GET
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = acting_user(request)
    contact = selectors.get_contact(actor=actor, contact_id=contact_id)
    return render(request, "web/privacy/contact_detail.html", _contact_context(actor, contact))


@member_required
@require_POST
def contact_consent(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = acting_user(request)
    contact = selectors.get_contact(actor=actor, contact_id=contact_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_consent(
                actor=actor,
                contact=contact,
                purpose=data["purpose"],
                granted=data["granted"],
                channel=data["channel"],
                language=data["language"],
                version=data["version"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("web:contact_detail", contact_id=contact.pk)
    context = _contact_context(actor, contact, consent_form=form)
    return render(request, "web/privacy/contact_detail.html", context, status=400)


@member_required
@require_GET
def contact_subject_export(request: HttpRequest, contact_id: int) -> HttpResponse:
    """?format=json (default) downloads the file; ?format=html is the printable page."""
    actor = acting_user(request)
    require(actor, selectors.EXPORT, selectors.PERSONAL_DATA)
    contact = selectors.get_contact(actor=actor, contact_id=contact_id)
    fmt = request.GET.get("format", "json")
    if fmt not in ("json", "html"):
        fmt = "json"
    data = export_subject_data(actor=actor, contact=contact, fmt=fmt)
    if fmt == "html":
        return render(
            request,
            "web/privacy/subject_export.html",
            {
                "contact": contact,
                "data": data,
                "pretty": json.dumps(data, ensure_ascii=False, indent=2),
            },
        )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-contact-{contact.pk}-{stamp}.json"'
    )
    return response


@member_required
@require_http_methods(["GET", "POST"])
def contact_erase(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The confirmation page (GET) and the erasure itself (POST)."""
    actor = acting_user(request)
    require(actor, selectors.ERASE, selectors.PERSONAL_DATA)
    contact = selectors.get_contact(actor=actor, contact_id=contact_id)
    act = selectors.erasure_act(contact)
    if act is not None:
        return redirect("web:destruction_act", act_id=act.pk)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            act = erase_contact(
                actor=actor,
                contact=contact,
                legal_basis=form.cleaned_data["legal_basis"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("web:destruction_act", act_id=act.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "web/privacy/contact_erase.html", {"contact": contact, "form": form}, status=status
    )


@member_required
@require_GET
def destruction_act_list(request: HttpRequest) -> HttpResponse:
    acts = selectors.destruction_acts(actor=acting_user(request))
    return render(request, "web/privacy/act_list.html", {"acts": acts})


@member_required
@require_GET
def destruction_act(request: HttpRequest, act_id: int) -> HttpResponse:
    """The act, printable; ?lang=ru|en|fa picks the language of the act itself."""
    act = selectors.get_destruction_act(actor=acting_user(request), act_id=act_id)
    language = request.GET.get("lang") or translation.get_language() or "ru"
    if language not in dict(LANGUAGE_CHOICES):
        language = "ru"
    with translation.override(language):
        categories = [str(CATEGORY_LABELS.get(c, c)) for c in act.categories]
        body = {
            "act": act,
            "act_language": language,
            "act_bidi": language == "fa",
            "basis_label": str(LegalBasis(act.legal_basis).label),
            "basis_articles": str(LEGAL_BASIS_ARTICLES.get(act.legal_basis, "")),
            "categories": categories,
            "counts": [(str(COUNT_LABELS.get(k, k)), v) for k, v in act.counts.items() if v],
        }
    return render(
        request,
        "web/privacy/act_detail.html",
        {**body, "act_languages": LANGUAGE_CHOICES, "operator": company_settings().name},
    )


CATEGORY_LABELS = {
    "full_name": _("full name"),
    "position": _("position"),
    "phone": _("phone"),
    "email": _("e-mail"),
    "phones": _("further phones"),
    "emails": _("further e-mails"),
    "messengers": _("messenger handles"),
}

COUNT_LABELS = {
    "history_masked": _("field history values masked"),
    "activities.activity": _("activities with the person's name removed"),
    "sales.deal": _("deals with the person's name removed"),
    "imports.recordhistory": _("import history rows cleaned"),
    "imports.parkedrow": _("parked import rows cleaned"),
    "accounts.mergerecord": _("merge snapshots cleaned"),
    "exports.export": _("saved export filters cleaned"),
    "audit_rows_sealed": _("audit entries made unreadable"),
    "audit_rows_plain": _("older audit entries kept in plain form"),
    "key_destroyed": _("encryption key destroyed"),
}
